"""GET /api/reports/kpis/ and the tables: exactly the keys, scoped like the
pages, bad input refused with a message."""

import pytest
import time_machine

from reports.kpis import KEYS
from reports.rollups import rebuild

from .books import EXPECTED, NOW, november_book

pytestmark = pytest.mark.django_db
NOV = {"from": "2026-11-01", "to": "2026-11-30", "currency": "CNY"}


@pytest.fixture(autouse=True)
def _book(personas):
    with time_machine.travel(NOW, tick=False):
        november_book(personas)
        rebuild()
        yield


def get(client, user, path="kpis", **params):
    client.force_login(user)
    return client.get(f"/api/reports/{path}/", {**NOV, **params})


def test_the_kpis_are_exactly_the_keys_with_the_figures_on_paper(client, personas):
    data = get(client, personas.manager).json()
    assert tuple(data) == KEYS
    assert data["collected"] == "700.00"
    assert data["cei"] == "53.85"
    assert data["calls"] == 4
    assert data["recovery_rate"] == "0.6000"
    expected = {k: (v if isinstance(v, int) else str(v)) for k, v in EXPECTED.items()}
    assert data == expected


def test_an_undefined_figure_is_null(client, personas):
    data = get(client, personas.manager, **{"from": "2026-06-01", "to": "2026-06-30"}).json()
    assert data["dso"] is None
    assert data["connect_rate"] is None


def test_a_manager_never_gets_another_teams_figures(client, personas):
    other_team = str(personas.debtor_other_team.team_id)
    response = get(client, personas.manager, team=other_team)
    assert response.status_code == 400
    walt = get(client, personas.other_manager).json()
    assert walt["collected"] == "5000.00"
    rows = get(client, personas.manager, "collectors").json()["rows"]
    assert {r["collector_id"] for r in rows} == {personas.collector_a.pk, personas.collector_b.pk}


def test_a_collector_gets_only_their_own_figures_and_no_team_tables(client, personas):
    alice = get(client, personas.collector_a).json()
    assert alice["credit_sales"] == "300.00"
    assert get(client, personas.collector_a, "collectors").status_code == 404
    assert get(client, personas.collector_a, "types").status_code == 404
    assert get(client, personas.collector_a, "heatmap").status_code == 404
    other = str(personas.collector_b.pk)
    assert get(client, personas.collector_a, collector=other).status_code == 404


def test_finance_sees_receivables_but_no_collector_performance(client, personas):
    assert get(client, personas.finance).status_code == 200
    assert get(client, personas.finance, "forecast").status_code == 200
    for table in ("collectors", "types", "heatmap"):
        assert get(client, personas.finance, table).status_code == 404
    assert get(client, personas.finance, collector=str(personas.collector_a.pk)).status_code == 404


def test_bad_dates_are_refused_with_a_message(client, personas):
    response = get(client, personas.manager, **{"from": "2026-11-31"})
    assert response.status_code == 400
    assert "from" in response.json() or "detail" in response.json()
    backwards = get(client, personas.manager, **{"from": "2026-11-30", "to": "2026-11-01"})
    assert backwards.status_code == 400
    assert get(client, personas.manager, currency="C1").status_code == 400


def test_money_is_per_currency(client, personas):
    usd = get(client, personas.manager, currency="USD").json()
    assert usd["collected"] == "400.00"


def test_every_report_endpoint_is_in_the_schema(client, personas):
    client.force_login(personas.manager)
    schema = client.get("/api/schema/").content.decode()
    for path in ("kpis", "collectors", "types", "heatmap", "forecast"):
        assert f"/api/reports/{path}/" in schema


def test_the_tables_answer_for_a_manager(client, personas):
    types = get(client, personas.manager, "types").json()["rows"]
    assert {r["debtor_type"] for r in types} >= {"forgetful", "hardship", "dispute", "stalling"}
    heat = get(client, personas.manager, "heatmap").json()
    monday_10 = next(c for c in heat["cells"] if c["weekday"] == 0 and c["hour"] == 10)
    assert monday_10["calls"] == 2  # 2 and 9 November 2026 were Mondays, 10:00
    forecast = get(client, personas.manager, "forecast").json()
    assert len(forecast["weeks"]) == 12

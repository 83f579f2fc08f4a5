"""Every figure of a book worked out on paper (tests/reports/books.py), read
through the rollups and computed straight from the base tables."""

import datetime as dt

import pytest
import time_machine

from debtors.permissions import debtor_scope
from reports.filters import Filters
from reports.kpis import KEYS, kpis, kpis_from_rollups
from reports.kpis_direct import kpis_direct
from reports.rollups import rebuild, refresh_debtors
from reports.tables import aging_over_time, trend

from .books import EXPECTED, NOVEMBER, NOW, november_book, pay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def filters(user, currency="CNY", **more):
    return Filters(*NOVEMBER, currency=currency, scope=debtor_scope(user), **more)


def test_every_key_is_defined_once_and_in_order():
    assert tuple(EXPECTED) == KEYS


def test_the_direct_path_gives_the_figures_worked_out_on_paper(personas):
    november_book(personas)
    assert kpis_direct(filters(personas.manager)) == EXPECTED


def test_the_rollups_give_the_figures_worked_out_on_paper(personas):
    november_book(personas)
    rebuild()
    assert kpis_from_rollups(filters(personas.manager)) == EXPECTED
    assert kpis(filters(personas.manager), today=NOW.date()) == EXPECTED


def test_a_manager_never_counts_another_team(personas):
    november_book(personas)
    rebuild()
    other = kpis_from_rollups(filters(personas.other_manager))
    assert other["collected"] == 5000
    assert other["calls"] == 1  # the one call on the West debtor
    everyone = kpis_from_rollups(filters(personas.admin))
    assert everyone["collected"] == EXPECTED["collected"] + 5000


def test_other_currencies_are_never_added(personas):
    november_book(personas)
    rebuild()
    usd = kpis_from_rollups(filters(personas.manager, currency="USD"))
    assert usd["collected"] == 400
    assert usd["credit_sales"] == 1000
    assert usd["ar_end"] == 600
    assert usd == kpis_direct(filters(personas.manager, currency="USD"))


def test_a_collector_sees_their_own_portfolio(personas):
    november_book(personas)
    rebuild()
    alice = kpis_from_rollups(filters(personas.collector_a))
    assert alice["credit_sales"] == 300  # INV-N2 is Beta's, Bob's debtor
    assert alice == kpis_direct(filters(personas.collector_a))


def test_division_by_zero_is_none_not_zero(personas):
    rebuild()
    empty = kpis_from_rollups(filters(personas.manager))
    assert empty["dso"] is None
    assert empty["cei"] is None
    assert empty["connect_rate"] is None
    assert empty["calls"] == 0
    assert empty == kpis_direct(filters(personas.manager))


def test_updating_one_debtor_equals_a_rebuild(personas):
    november_book(personas)
    rebuild()
    invoice = personas.debtor_a.invoices.get(number="INV-N1")
    pay(personas.debtor_a, invoice, "50.00", NOVEMBER[1])
    refresh_debtors([personas.debtor_a.pk], since=NOVEMBER[1])
    updated = kpis_from_rollups(filters(personas.manager))
    assert updated["collected"] == EXPECTED["collected"] + 50
    assert updated["ar_end"] == EXPECTED["ar_end"] - 50
    rebuild()
    assert kpis_from_rollups(filters(personas.manager)) == updated
    assert updated == kpis_direct(filters(personas.manager))


def test_filters_narrow_a_scope_but_never_widen_it(personas):
    november_book(personas)
    rebuild()
    west = personas.debtor_other_team.team_id
    assert kpis_from_rollups(filters(personas.manager, team_id=west))["collected"] == 0
    by_type = kpis_from_rollups(filters(personas.manager, debtor_type="hardship"))
    assert by_type["collected"] == 0


def test_the_trend_has_thirteen_months_and_gaps_before_the_window(personas):
    november_book(personas)
    rebuild()
    rows = trend(filters(personas.manager))
    assert [r["month"].month for r in rows][-2:] == [10, 11]
    assert len(rows) == 13
    assert rows[-1]["collected"] == EXPECTED["collected"]
    assert rows[-1]["cei"] == EXPECTED["cei"]
    assert all(r["collected"] is not None for r in rows)
    early = Filters(
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
        currency="CNY",
        scope=debtor_scope(personas.manager),
    )
    gaps = trend(early)
    assert gaps[0]["collected"] is None and gaps[-1]["collected"] == 0
    aging = aging_over_time(early)
    assert aging[0]["total"] is None and aging[-1]["total"] == 0


def test_a_comparison_before_the_window_is_skipped_not_computed_slowly(personas):
    rebuild()
    old = Filters(
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 31),
        currency="CNY",
        scope=debtor_scope(personas.manager),
    )
    assert kpis(old, today=NOW.date(), live=False) is None
    assert kpis(old, today=NOW.date())["collected"] == 0

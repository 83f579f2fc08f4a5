"""The report pages: every page renders for the roles that may see it with
the figures of the November book (tests/reports/books.py), 404 for the rest;
a manager never sees another team; the filters live in the URL and a filter
outside the viewer's scope is an error that shows no figures."""

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ExchangeRate
from reports.rollups import rebuild
from tests.debtors.factories import DebtorFactory, InvoiceFactory
from tests.followups.factories import InteractionFactory
from tests.scripts_library.factories import TalkTrackFactory

from .books import NOW, D, at, november_book, pay

pytestmark = pytest.mark.django_db

NOVEMBER = "period=last_month&currency=CNY"
PAGES = ("overview", "team", "types", "scripts", "timing", "forecast")
PERFORMANCE = ("team", "types", "scripts", "timing")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def book(personas):
    november_book(personas)
    promise_call = personas.debtor_a.interactions.get(outcome="promise")
    promise_call.talk_tracks.add(TalkTrackFactory(key="first-reminder", version=1))
    rebuild()
    return personas


def get(client, user, name, query=NOVEMBER, args=()):
    client.force_login(user)
    return client.get(f"{reverse(f'reports:{name}', args=args)}?{query}")


def body_of(client, user, name, query=NOVEMBER, args=()) -> str:
    response = get(client, user, name, query, args)
    assert response.status_code == 200
    return response.content.decode()


def text_of(body: str, testid: str) -> str:
    """The text of the element with that data-testid, tags stripped."""
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(strong|small|li|p)>', body, re.S)
    assert match, f"no {testid}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def rows_of(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</table>", start)]


# -- figures ----------------------------------------------------------------------


def test_the_overview_shows_the_figures_worked_out_on_paper(client, book):
    body = body_of(client, book.manager, "overview")
    expected = {
        "ar_start": "¥1,000.00",
        "ar_end": "¥800.00",
        "ar_current_end": "¥200.00",
        "credit_sales": "¥500.00",
        "collected": "¥700.00",
        "recovered": "¥600.00",
        "recovery_rate": "60.0%",
        "dso": "48.0 days",
        "best_possible_dso": "12.0 days",
        "average_days_delinquent": "36.0 days",
        "cei": "53.85",
        "over_90_share": "0.0%",
        "calls": "4",
        "connect_rate": "50.0%",
        "right_party_rate": "50.0%",
        "promise_rate": "25.0%",
        "promise_kept_rate": "33.3%",
        "promised_amount": "¥300.00",
        "kept_amount": "¥250.00",
        "complaint_rate": "25.0%",
        "disputes_opened": "1",
        "disputes_resolved": "2",
        "dispute_resolution_days": "15.0 days",
    }
    assert {key: text_of(body, f"value-{key}") for key in expected} == expected
    # Every figure says how it is computed.
    assert body.count("How is this computed?") == len(expected) + 1  # + promise outcomes
    assert "Days sales outstanding: closing receivable" in body
    assert text_of(body, "broken-promises") == "Broken promises: 1"


def test_each_figure_compares_with_the_previous_period(client, book):
    body = body_of(client, book.manager, "overview")
    # October: 0 collected for the team, so +700; no credit sales, so no DSO then.
    assert text_of(body, "change-collected") == "+¥700.00 on the previous period (¥0.00)"
    assert text_of(body, "change-dso") == "Previous period: —"
    assert "change-better" in re.search(r'class="[^"]*" data-testid="change-collected"', body)[0]


def test_an_undefined_figure_is_a_dash_never_zero(client, book):
    body = body_of(
        client, book.manager, "overview", "period=custom&date_from=2026-06-01&date_to=2026-06-30"
    )
    for key in ("dso", "cei", "connect_rate", "recovery_rate", "promise_kept_rate"):
        assert text_of(body, f"value-{key}") == "—"
    assert text_of(body, "value-calls") == "0"


def test_the_charts_are_server_drawn_svg_images(client, book):
    body = body_of(client, book.manager, "overview")
    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', body)
    assert len(uris) == 6  # four trends, aging, roll rates
    for uri in uris:
        svg = base64.b64decode(uri).decode()
        assert ET.fromstring(svg).tag.endswith("svg")
        assert "<script" not in svg
    assert 'data-testid="trend-table"' in body and 'data-testid="aging-table"' in body


def test_the_drill_down_lists_the_rows_behind_a_figure(client, book):
    body = body_of(client, book.manager, "drill", args=["collected"])
    assert "Payments received" in body
    assert body.count(book.debtor_a.get_absolute_url()) == 2  # 600 and 100
    assert "¥600.00" in body and "¥100.00" in body
    debtors = body_of(client, book.manager, "drill", args=["broken_promise_debtors"])
    assert "Alpha Trading" in debtors and book.debtor_a.get_absolute_url() in debtors
    assert "Beta Metals" not in debtors


def test_the_receivable_drill_down_shows_what_was_open_at_the_periods_end(client, book):
    old = book.debtor_a.invoices.get(number="INV-OLD")
    pay(book.debtor_a, old, "100.00", dt.date(2026, 12, 1))  # after November
    body = body_of(client, book.manager, "drill", args=["ar_end"])
    assert "Open at the end of the period" in body
    row = re.search(r"INV-OLD.*?</tr>", body, re.S).group(0)
    assert "¥400.00" in row and "¥300.00" in row  # at 30 November, and now


def test_the_overdue_debtors_drill_down_adds_up_to_the_figure(client, book):
    body = body_of(client, book.manager, "drill", args=["overdue_debtors"])
    row = re.search(r"Alpha Trading.*?</tr>", body, re.S).group(0)
    assert "¥600.00" in row  # INV-OLD 400 + INV-N1 200 past due on 30 November
    assert "Beta Metals" not in body  # its CNY invoice was not yet due


def test_report_tabs_lead_finance_to_the_exchange_rates(client, book):
    assert "/reports/exchange-rates/" in body_of(client, book.finance, "overview")


def test_an_unknown_drill_down_is_404(client, book):
    assert get(client, book.manager, "drill", args=["nothing"]).status_code == 404


def test_the_overview_links_its_figures_to_their_drill_downs(client, book):
    body = body_of(client, book.manager, "overview")
    link = reverse("reports:drill", args=["broken_promise_debtors"])
    assert f'href="{link}?period=last_month&amp;currency=CNY"' in body


# -- who sees what ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_managers_and_admins_open_every_page(client, book, persona):
    for name in PAGES:
        assert get(client, getattr(book, persona), name).status_code == 200, name
    assert get(client, getattr(book, persona), "me").status_code == 404


def test_finance_sees_the_receivable_pages_only(client, book):
    for name in ("overview", "forecast"):
        assert get(client, book.finance, name).status_code == 200
    for name in (*PERFORMANCE, "me"):
        assert get(client, book.finance, name).status_code == 404, name
    assert get(client, book.finance, "drill", args=["collected"]).status_code == 200
    for key in ("calls", "broken_promise_debtors", "promises_broken"):
        assert get(client, book.finance, "drill", args=[key]).status_code == 404
    body = body_of(client, book.finance, "overview")
    assert 'name="collector"' not in body
    assert reverse("reports:team") not in body
    assert reverse("reports:drill", args=["calls"]) not in body
    assert reverse("reports:drill", args=["collected"]) in body


def test_a_collector_sees_only_their_own_month(client, book):
    alice = book.collector_a
    for name in PAGES:
        assert get(client, alice, name).status_code == 404, name
    assert get(client, alice, "drill", args=["collected"]).status_code == 404
    body = body_of(client, alice, "me")
    assert text_of(body, "value-credit_sales") == "¥300.00"  # INV-N2 is Bob's
    assert "/reports/drill/" not in body
    assert 'name="team"' not in body and 'name="collector"' not in body
    assert 'data-testid="team-table"' not in body


def test_a_manager_never_sees_another_teams_rows(client, book):
    def collectors(user):
        table = rows_of(body_of(client, user, "team"), "team-table")
        return {int(pk) for pk in re.findall(r'data-collector="(\d+)"', table)}

    carol = book.debtor_other_team.assigned_collector
    assert collectors(book.manager) == {book.collector_a.pk, book.collector_b.pk}
    for key in ("collected", "calls", "right_party"):
        body = body_of(client, book.manager, "drill", args=[key])
        assert "Westwind Foods" not in body
    assert carol.pk in collectors(book.admin)


@pytest.mark.parametrize("field", ["team", "collector"])
def test_another_teams_filter_is_an_error_and_shows_nothing(client, book, field):
    other = book.other_team.pk if field == "team" else book.debtor_other_team.assigned_collector_id
    for name in ("overview", "team", "drill"):
        args = ["collected"] if name == "drill" else ()
        body = body_of(client, book.manager, name, f"{NOVEMBER}&{field}={other}", args)
        assert f'data-testid="{field}-error"' in body
        assert 'data-testid="filter-errors-note"' in body
        assert "value-collected" not in body and "Westwind" not in body
        assert 'data-collector="' not in body


def test_a_period_that_ends_before_it_starts_is_an_error(client, book):
    body = body_of(
        client, book.manager, "overview", "period=custom&date_from=2026-11-30&date_to=2026-11-01"
    )
    assert "The period ends before it starts." in body
    assert "value-collected" not in body


# -- filters in the URL ---------------------------------------------------------------


def test_the_filters_stay_in_the_links(client, book):
    query = "period=custom&date_from=2026-11-01&date_to=2026-11-30&currency=CNY"
    body = body_of(client, book.manager, "overview", query)
    kept = query.replace("&", "&amp;")
    assert f'href="{reverse("reports:team")}?{kept}"' in body
    assert f'href="{reverse("reports:drill", args=["collected"])}?{kept}"' in body
    assert f"{reverse('reports:export')}?table=kpis&amp;format=xlsx&amp;{kept}" in body
    assert text_of(body, "value-collected") == "¥700.00"
    assert 'value="2026-11-01"' in body


def test_a_collectors_name_leads_to_the_overview_filtered_to_them(client, book):
    body = body_of(client, book.manager, "team")
    alice = book.collector_a.pk
    link = f"{reverse('reports:overview')}?{NOVEMBER.replace('&', '&amp;')}&amp;collector={alice}"
    assert f'href="{link}"' in body
    filtered = body_of(client, book.manager, "overview", f"{NOVEMBER}&collector={alice}")
    assert text_of(filtered, "value-credit_sales") == "¥300.00"


def test_the_team_table_sorts_on_the_server(client, book):
    def order(sort):
        body = rows_of(
            body_of(client, book.manager, "team", f"{NOVEMBER}&sort={sort}"), "team-table"
        )
        return re.findall(r'data-collector="(\d+)"', body)

    alice, bob = book.collector_a, book.collector_b
    assert order("-collected") == [str(alice.pk), str(bob.pk)]
    assert order("collected") == [str(bob.pk), str(alice.pk)]
    by_name = [str(u.pk) for u in sorted((alice, bob), key=lambda u: u.get_full_name().lower())]
    assert order("collector") == by_name
    assert order("-collector") == by_name[::-1]
    assert order("nonsense") == by_name


def test_another_currency_is_its_own_money(client, book):
    body = body_of(client, book.manager, "overview", "period=last_month&currency=USD")
    assert text_of(body, "value-collected") == "$400.00"
    assert text_of(body, "value-credit_sales") == "$1,000.00"


# -- the other pages ----------------------------------------------------------------


def test_the_types_page_marks_the_troublesome_type_and_links_the_review(client, book):
    body = body_of(client, book.manager, "types")
    assert f'href="{reverse("reports:type-review")}"' in body
    unknown = body[body.index('data-type="unknown"') :]
    unknown = unknown[: unknown.index("</tr>")]
    assert 'data-testid="most-broken"' in unknown and 'data-testid="most-overdue"' in unknown
    assert reverse("reports:drill", args=["promises_broken"]) in unknown


def test_the_scripts_page_shows_each_version_per_type_with_its_sample(client, book):
    body = body_of(client, book.manager, "scripts")
    assert 'data-testid="script-family-first-reminder"' in body
    table = rows_of(body, "script-first-reminder-unknown")
    assert "v1" in table and "too few calls to judge" in table
    assert "not enough data to compare versions" in body


def test_the_timing_page_sets_the_measured_rates_beside_the_prior(client, book):
    body = body_of(client, book.manager, "timing")
    measured = rows_of(body, "heatmap-measured")
    prior = rows_of(body, "heatmap-prior")
    assert measured.count("<tr>") == prior.count("<tr>") == 8  # head + 7 days
    assert "heat-none" in measured and "heat-3" in prior
    assert "Too few calls in this period" in text_of(body, "timing-verdict")


def test_the_forecast_page_lists_twelve_weeks(client, book):
    body = body_of(client, book.finance, "forecast")
    assert rows_of(body, "forecast-table").count('<th scope="row">') == 12
    assert "data:image/svg+xml;base64," in body


def test_every_page_says_how_current_its_figures_are(client, book):
    for name in PAGES:
        assert "Figures as of 10:00" in text_of(body_of(client, book.admin, name), "as-of")


def test_the_pages_speak_chinese(client, book):
    book.manager.language = "zh-hans"
    book.manager.save()
    body = body_of(client, book.manager, "overview")
    assert 'lang="zh-hans"' in body
    assert "回款与追回" in body  # the chart's title as the image's alt text
    assert text_of(body, "value-dso") == "48.0 天"


def test_the_navigation_offers_reports_by_role(client, book):
    for persona, label, url in (
        ("manager", "Reports", reverse("reports:overview")),
        ("finance", "Reports", reverse("reports:overview")),
        ("admin", "Reports", reverse("reports:overview")),
        ("collector_a", "My month", reverse("reports:me")),
    ):
        client.force_login(getattr(book, persona))
        body = client.get(reverse("desk:debtors")).content.decode()
        assert f'<a href="{url}">{label}</a>' in body, persona


def test_the_receivable_in_every_currency_with_its_converted_total(client, book):
    body = body_of(client, book.manager, "overview")
    section = body[body.index('data-testid="receivable-currencies"') :]
    assert "¥800.00" in section and "$600.00" in section
    assert 'data-testid="converted-total"' not in section  # no USD rate yet
    ExchangeRate.objects.create(currency="USD", valid_from=dt.date(2026, 1, 1), rate=D("7.1"))
    body = body_of(client, book.manager, "overview")
    converted = text_of(body, "converted-total")
    assert "¥5,060.00" in converted  # 800 + 600 × 7.1


@pytest.mark.parametrize("name", ["overview", "team", "types", "scripts", "timing", "forecast"])
def test_a_page_reads_the_same_number_of_queries_whatever_the_book(client, book, name):
    def queries():
        client.force_login(book.admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{reverse(f'reports:{name}')}?{NOVEMBER}").status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        debtor = DebtorFactory(team=book.team, assigned_collector=book.collector_b)
        invoice = InvoiceFactory(
            debtor=debtor, issue_date=dt.date(2026, 9, 1), due_date=dt.date(2026, 10, 1)
        )
        pay(debtor, invoice, "10.00", dt.date(2026, 11, 3 + n))
        InteractionFactory(debtor=debtor, started_at=at(4 + n), outcome="no_answer")
    rebuild()
    assert queries() == before, before

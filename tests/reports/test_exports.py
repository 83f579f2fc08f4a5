"""Report exports: every table as CSV and XLSX, with the November book's
figures (tests/reports/books.py), formula escaping, the pages' access rules
and bad filters refused with the form's message and no file."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from reports.export_drills import PERFORMANCE_DRILLS
from reports.export_rows import TABLES
from reports.exports import escape_text
from reports.rollups import rebuild
from tests.debtors.factories import DebtorFactory, InvoiceFactory

from .books import NOW, november_book

pytestmark = pytest.mark.django_db

NOVEMBER = {"period": "custom", "date_from": "2026-11-01", "date_to": "2026-11-30"}
EVIL = '=HYPERLINK("http://evil.example/","click me")'


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def book(personas):
    november_book(personas)
    rebuild()
    return personas


def export(client, user, table, fmt="csv", **params):
    client.force_login(user)
    return client.get(
        reverse("reports:export"), {"table": table, "format": fmt, **NOVEMBER, **params}
    )


def csv_rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def workbook_rows(response):
    raw = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    return sheet, [list(r) for r in sheet.iter_rows()]


def by_first(rows, column=0) -> dict:
    return {r[column].value if hasattr(r[column], "value") else r[column]: r for r in rows}


def test_the_overview_figures_as_csv(client, book):
    response = export(client, book.manager, "kpis")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kpis_CNY_2026-11-01_2026-11-30.csv"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    assert rows[0] == ["Key", "Figure", "Value", "Previous period", "Difference"]
    figures = by_first(rows[1:])
    assert figures["collected"][1:3] == ["Collected", "700.00"]
    assert figures["recovery_rate"][2] == "0.6000"
    assert figures["cei"][2] == "53.85"
    assert figures["calls"][2] == "4"
    # A negative change is a number, not text to escape.
    assert figures["ar_end"][2:] == ["800.00", "1000.00", "-200.00"]
    assert figures["dso"][3] == ""  # no credit sales in October: undefined, not 0


def test_the_collectors_table_as_xlsx_keeps_numbers_numbers(client, book):
    response = export(client, book.manager, "collectors", "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="collectors_CNY_2026-11-01_2026-11-30.xlsx"' in response["Content-Disposition"]
    _sheet, rows = workbook_rows(response)
    header = [c.value for c in rows[0]]
    assert header[:4] == ["Collector", "Call attempts", "Connect rate", "Right-party rate"]
    alice = by_first(rows[1:])[book.collector_a.get_full_name()]
    cells = dict(zip(header, alice, strict=True))
    assert cells["Call attempts"].value == 4
    assert cells["Connect rate"].value == 0.5
    assert cells["Connect rate"].number_format == "0.00%"
    assert cells["Collected"].value == 700
    assert cells["Collected"].number_format == "#,##0.00"
    assert cells["Recovered"].value == 600


def test_headers_follow_the_users_language(client, book):
    book.manager.language = "zh-hans"
    book.manager.save()
    rows = csv_rows(export(client, book.manager, "kpis"))
    assert rows[0] == ["标识", "指标", "数值", "上一期", "变化"]
    assert by_first(rows[1:])["collected"][1] == "已回款"
    _sheet, rows = workbook_rows(export(client, book.manager, "types", "xlsx"))
    assert rows[0][0].value == "债务人类型"


def test_a_debtor_named_like_a_formula_is_escaped_in_both_formats(client, book):
    evil = DebtorFactory(
        code="+EVIL", name=EVIL, assigned_collector=book.collector_a, team=book.team
    )
    InvoiceFactory(
        debtor=evil,
        number="@1",
        issue_date=dt.date(2026, 9, 1),
        due_date=dt.date(2026, 10, 1),
        amount=Decimal("50.00"),
    )
    rebuild()
    rows = csv_rows(export(client, book.manager, "drill", key="overdue_debtors"))
    names = {r[1]: r for r in rows[1:]}
    assert names["'" + EVIL][0] == "'+EVIL"
    _sheet, rows = workbook_rows(export(client, book.manager, "drill", "xlsx", key="ar_end"))
    evil_row = next(r for r in rows[1:] if r[1].value == "'" + EVIL)
    assert evil_row[1].data_type == "s"
    assert evil_row[2].value == "'@1"
    assert evil_row[5].value == 50  # amount: a number
    assert not any(c.data_type == "f" for r in rows for c in r)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_gets_a_quote(text):
    assert escape_text(text) == "'" + text
    assert escape_text("plain " + text) == "plain " + text


def test_a_drill_down_streams_its_rows(client, book):
    response = export(client, book.manager, "drill", key="collected")
    assert response.streaming
    disposition = response["Content-Disposition"]
    assert 'filename="drill_collected_CNY_2026-11-01_2026-11-30.csv"' in disposition
    rows = csv_rows(response)
    assert rows[0][:4] == ["Customer code", "Debtor", "Received on", "Amount"]
    assert sorted(r[3] for r in rows[1:]) == ["100.00", "600.00"]  # CNY, own team only
    _sheet, rows = workbook_rows(export(client, book.manager, "drill", "xlsx", key="collected"))
    assert sorted(r[3].value for r in rows[1:]) == [100, 600]
    assert rows[1][2].number_format == "yyyy-mm-dd"


def test_invoices_open_at_the_end_show_what_was_open_then(client, book):
    rows = csv_rows(export(client, book.manager, "drill", key="ar_end"))
    header = rows[0]
    then = header.index("Open at the end of the period")
    by_number = {r[2]: r for r in rows[1:]}
    assert by_number["INV-OLD"][then] == "400.00"
    assert by_number["INV-N1"][then] == "200.00"


@pytest.mark.parametrize("table", [t for t in TABLES if t != "drill"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_exports_for_an_admin(client, book, table, fmt):
    response = export(client, book.admin, table, fmt)
    assert response.status_code == 200
    assert f'filename="{table}_CNY_2026-11-01_2026-11-30.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        assert len(csv_rows(response)) > 1
    else:
        assert len(workbook_rows(response)[1]) > 1


@pytest.mark.parametrize("table", ["collectors", "types", "heatmap"])
def test_finance_gets_no_collector_performance(client, book, table):
    assert export(client, book.finance, table).status_code == 404


def test_finance_gets_the_receivable_tables(client, book):
    for table in ("kpis", "trend", "aging", "roll_rates", "forecast"):
        assert export(client, book.finance, table).status_code == 200
    assert export(client, book.finance, "drill", key="collected").status_code == 200
    for key in PERFORMANCE_DRILLS:
        assert export(client, book.finance, "drill", key=key).status_code == 404
    collector = book.collector_a.pk
    assert export(client, book.finance, "kpis", collector=collector).status_code == 404


def test_a_collector_exports_only_their_own_figures(client, book):
    rows = csv_rows(export(client, book.collector_a, "kpis"))
    assert by_first(rows[1:])["credit_sales"][2] == "300.00"  # INV-N2 is Bob's
    for table in ("trend", "collectors", "forecast"):
        assert export(client, book.collector_a, table).status_code == 404
    assert export(client, book.collector_a, "drill", key="collected").status_code == 404


def test_a_manager_never_exports_another_teams_rows(client, book):
    rows = csv_rows(export(client, book.other_manager, "drill", key="collected"))
    assert [r[0] for r in rows[1:]] == ["W-1"]
    east = book.team.pk
    response = export(client, book.other_manager, "kpis", team=east)
    assert response.status_code == 400
    assert "Content-Disposition" not in response


def test_a_bad_filter_is_refused_with_the_forms_message_and_no_file(client, book):
    response = export(client, book.manager, "kpis", date_from="2026-11-30", date_to="2026-11-01")
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert response.content.decode() == "The period ends before it starts."
    response = export(client, book.manager, "kpis", currency="C1")
    assert response.status_code == 400
    assert "three-letter code" in response.content.decode()
    assert export(client, book.manager, "kpis", "pdf").status_code == 400


def test_unknown_tables_and_keys_do_not_exist(client, book):
    assert export(client, book.manager, "secrets").status_code == 404
    assert export(client, book.manager, "drill", key="nope").status_code == 404
    client.logout()
    response = client.get(reverse("reports:export"), {"table": "kpis"})
    assert response.status_code == 302

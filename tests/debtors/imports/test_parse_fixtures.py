"""Each documented layout parses to exactly the expected records and reconciles."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from debtors.imports.parse import InvoiceRecord, parse_report
from tests.debtors.imports import fixtures as F

D = dt.date


def dec(text):
    return Decimal(text)


def parsed(path, **kwargs):
    result = parse_report(path, **kwargs)
    assert result.refused is None, result.problems
    records = list(result.records())
    assert len(records) == result.counts["records"]
    assert sum((r.open_amount for r in records), Decimal(0)) == sum(
        result.totals.values(), Decimal(0)
    )
    return result, records


def by_number(records):
    return {(r.debtor_code, r.invoice_number): r for r in records}


def codes(result):
    return [p.code for p in result.problems]


def test_qb_summary_with_jobs(tmp_path):
    result, records = parsed(F.qb_summary_jobs(tmp_path))
    assert (result.preset, result.report_kind, result.file_kind) == ("qb_summary", "summary", "csv")
    assert result.confidence == 1.0
    assert result.header_row == 5
    assert (result.as_of, result.as_of_source) == (D(2025, 12, 21), "file")
    assert result.ok and codes(result) == ["currency_missing"]
    assert result.reconciliation.report_total == dec("1604.50")
    assert result.reconciliation.ok
    assert result.counts["debtors"] == 4
    assert all(r.is_synthetic for r in records)
    got = {(r.debtor_name, r.invoice_number): r.open_amount for r in records}
    assert got == {
        ("Amy's Bird Sanctuary", "AGING-0"): dec("100.00"),
        ("Amy's Bird Sanctuary", "AGING-91+"): dec("239.00"),
        # both jobs roll up into the parent, not counted twice with "Total for"
        ("Shara Barnett", "AGING-1-30"): dec("75.00"),
        ("Shara Barnett", "AGING-31-60"): dec("10.00"),
        ("Cool Cars, Inc.", "AGING-31-60"): dec("1200.50"),
        ("Jeff's Jalopies", "AGING-0"): dec("-20.00"),
    }
    amy_old = by_number(records)[("AMY'S BIRD SANCTUARY", "AGING-91+")]
    assert amy_old.due_date == D(2025, 12, 21) - dt.timedelta(days=91)
    assert amy_old.bucket == "91 and over"
    assert amy_old.code_from_name
    jeff = by_number(records)[("JEFF'S JALOPIES", "AGING-0")]
    assert jeff.is_credit and jeff.due_date == D(2025, 12, 21)


def test_qbo_detail_grouped_by_bucket(tmp_path):
    result, records = parsed(F.qbo_detail(tmp_path))
    assert result.preset == "qbo_detail" and result.report_kind == "detail"
    assert result.header_row == 5 and result.as_of == D(2026, 9, 23)
    assert result.ok
    assert result.reconciliation.report_total == dec("1475.00")
    assert result.reconciliation.ok
    assert [r.invoice_number for r in records] == [
        "1045",
        "CM-7",
        "1032",
        "0981",
        "CR-20260410-25.00",
    ]
    assert sum(r.amount for r in records) == dec("1975.00")
    memo = records[1]
    assert memo.is_credit and memo.amount == memo.open_amount == dec("-50.00")
    beta = records[2]
    assert (beta.debtor_name, beta.amount, beta.open_amount) == (
        "Beta LLC",
        dec("1250"),
        dec("750"),
    )
    assert beta.bucket == "1 - 30 days past due"
    assert (beta.issue_date, beta.due_date) == (D(2026, 8, 1), D(2026, 8, 31))
    assert records[3].invoice_number == "0981"  # zero padding kept
    assert "credit_without_number" in codes(result)
    assert result.counts["credits"] == 2


def test_xero_detail_xlsx(tmp_path):
    result, records = parsed(F.xero_detail(tmp_path))
    assert (result.preset, result.file_kind, result.sheet_name) == (
        "xero_detail",
        "xlsx",
        "Aged Receivables Detail",
    )
    assert result.header_row == 6
    assert result.as_of == D(2026, 3, 31) and result.aging_basis == "due_date"
    assert result.ok and result.reconciliation.ok
    assert result.reconciliation.report_total == dec("3280.25")
    assert [(r.debtor_code, r.debtor_name, r.invoice_number, r.open_amount) for r in records] == [
        ("AN-001", "Al Noor Contracting", "INV-0101", dec("1500.00")),
        ("AN-001", "Al Noor Contracting", "INV-0087", dec("1000.00")),
        ("AN-001", "Al Noor Contracting", "CR-20260320-200.00", dec("-200.00")),
        ("BF-002", "Bright Falcon FZE", "INV-0063", dec("980.25")),
    ]
    assert records[0].issue_date == D(2026, 2, 10) and records[0].due_date == D(2026, 3, 12)
    assert records[2].is_credit


def test_netsuite_detail_with_code_prefixed_groups(tmp_path):
    result, records = parsed(F.netsuite_detail(tmp_path))
    assert result.preset == "netsuite_detail" and result.header_row == 7
    assert result.as_of == D(2026, 7, 31)
    assert result.ok and result.reconciliation.ok
    assert result.reconciliation.report_total == dec("17300.49")
    assert {(r.debtor_code, r.debtor_name) for r in records} == {
        ("C117", "Syneos Health, LLC"),
        ("C205", "Acme Labs"),
    }
    numbers = by_number(records)
    assert numbers[("C117", "INV10102")].due_date == D(2026, 8, 19)  # Age -19: not yet due
    assert numbers[("C117", "CM2001")].is_credit
    # no due date: derived from Age and the as-of date
    assert numbers[("C205", "INV09877")].due_date == D(2026, 7, 31) - dt.timedelta(days=91)
    assert "currency_missing" in codes(result)


def test_sap_fbl5n_text(tmp_path):
    result, records = parsed(F.sap_fbl5n(tmp_path), as_of=D(2020, 12, 31), currency="BRL")
    assert (result.preset, result.file_kind, result.encoding) == (
        "sap_fbl5n",
        "sap_text",
        "iso-8859-1",
    )
    assert (result.decimal, result.date_order) == (",", "dmy")
    assert result.ok and result.reconciliation.ok
    assert result.reconciliation.report_total == dec("14034.55")
    assert [(r.debtor_code, r.invoice_number, r.open_amount) for r in records] == [
        ("10045", "1800000123", dec("1234.56")),
        ("10045", "1800000124", dec("12000.00")),
        ("10045", "1400000007", dec("-200.00")),
        ("20077", "1800000200", dec("999.99")),
    ]
    assert records[0].due_date == D(2020, 10, 15) and records[0].currency == "BRL"
    assert records[2].is_credit


def test_kingdee_yonyou_gbk_summary(tmp_path):
    result, records = parsed(F.cn_aging_gbk(tmp_path))
    assert (result.preset, result.encoding, result.report_kind) == (
        "cn_aging_summary",
        "gb18030",
        "summary",
    )
    assert result.as_of == D(2026, 10, 31) and result.header_row == 4
    assert result.ok and codes(result) == []
    assert result.reconciliation.ok and result.reconciliation.report_total == dec("24600.50")
    assert result.buckets[-1] == ("360天以上", 361, None)
    got = {(r.debtor_code, r.invoice_number): (r.open_amount, r.due_date) for r in records}
    assert got == {
        ("C001", "AGING-0"): (dec("5000.00"), D(2026, 10, 31)),
        ("C001", "AGING-1-30"): (dec("10000.00"), D(2026, 10, 30)),
        ("C002", "AGING-31-60"): (dec("3300.50"), D(2026, 9, 30)),
        ("C002", "AGING-91-180"): (dec("5500.00"), D(2026, 8, 1)),
        ("C003", "AGING-0"): (dec("-1200.00"), D(2026, 10, 31)),
        ("C004", "AGING-361+"): (dec("2000.00"), D(2025, 11, 4)),
    }
    assert {r.currency for r in records} == {"CNY"}
    assert records[0].debtor_name == "北京华联商贸有限公司"


def test_zoho_line_items_collapse_to_invoices(tmp_path):
    result, records = parsed(F.zoho_line_items(tmp_path), as_of=D(2026, 10, 31))
    assert result.preset == "zoho_invoices" and result.report_kind == "line_items"
    assert result.ok and codes(result) == []
    assert result.counts["data_rows"] == 7 and result.counts["zero_rows"] == 1
    assert result.reconciliation is None  # the export has no total row
    assert [(r.invoice_number, r.amount, r.open_amount, r.currency) for r in records] == [
        ("INV-000101", dec("350.00"), dec("350.00"), "USD"),
        ("INV-000102", dec("1200.00"), dec("700.00"), "EUR"),
        ("INV-000104", dec("90.00"), dec("90.00"), "EUR"),
    ]
    assert records[0].debtor_code == "4528741000000099001"  # 19-digit id kept as text
    assert result.totals == {"USD": dec("350.00"), "EUR": dec("790.00")}


def test_generic_detail_with_european_numbers(tmp_path):
    result, records = parsed(F.generic_european(tmp_path), as_of=D(2026, 10, 1))
    assert (result.preset, result.encoding, result.delimiter) == (
        "generic_detail",
        "utf-8-sig",
        ";",
    )
    assert (result.decimal, result.date_order, result.as_of_source) == (",", "dmy", "user")
    assert result.ok and result.reconciliation.ok
    assert [(r.debtor_code, r.invoice_number, r.amount, r.open_amount) for r in records] == [
        ("K-1001", "RE-2026-001", dec("1234.56"), dec("1234.56")),
        ("K-1001", "RE-2026-002", dec("12500.00"), dec("2500.00")),
        ("K-1002", "F-778", dec("999.90"), dec("999.90")),
        ("K-1003", "GS-12", dec("-150.00"), dec("-150.00")),
    ]
    assert records[0].debtor_name == "Müller GmbH"
    assert records[0].issue_date == D(2026, 8, 15)


def test_tally_bills_two_row_header_and_warning_only_reconciliation(tmp_path):
    result, records = parsed(F.tally_bills(tmp_path), as_of=D(2026, 3, 31))
    assert result.preset == "tally_bills" and result.header_row == 6
    assert result.columns["open_amount"] == "Pending Amount"
    assert result.columns["age"] == "Overdue by days"
    assert [(r.debtor_name, r.invoice_number, r.open_amount) for r in records] == [
        ("Sharma Electricals", "INV/101", dec("30000.00")),
        ("Sharma Electricals", "INV/115", dec("20000.00")),
        ("Verma & Sons", "INV/120", dec("8000.00")),
    ]
    assert {r.currency for r in records} == {"INR"}
    assert not result.reconciliation.ok
    assert result.reconciliation.difference == dec("500.00")
    mismatch = [p for p in result.problems if p.code == "total_mismatch"]
    assert mismatch and mismatch[0].severity == "warning"
    assert result.ok  # Tally totals never reconcile on real files: warn, don't block


def test_tally_without_as_of_asks_the_user(tmp_path):
    result = parse_report(F.tally_bills(tmp_path))
    assert result.needs_as_of and not result.ok
    assert "as_of_missing" in codes(result)


def test_xlsx_in_the_1904_date_system(tmp_path):
    result, records = parsed(F.generic_xlsx_1904(tmp_path), as_of=D(2027, 1, 31))
    assert records[0].issue_date == D(2026, 1, 15)  # a date cell
    assert records[1].issue_date == D(2027, 1, 1)  # a bare serial, 1904 system
    assert records[1].due_date == D(2027, 1, 31)


def test_records_can_be_streamed_again_and_preview_is_capped(tmp_path):
    path = F.generic_european(tmp_path)
    from debtors.imports.parse import ParseOptions

    result = parse_report(path, as_of=D(2026, 10, 1), options=ParseOptions(preview_rows=2))
    assert len(result.preview) == 2
    first, second = list(result.records()), list(result.records())
    assert first == second and len(first) == 4
    assert isinstance(first[0], InvoiceRecord)


@pytest.mark.parametrize("builder", [F.qbo_detail, F.xero_detail, F.cn_aging_gbk])
def test_user_as_of_overrides_the_title(tmp_path, builder):
    result = parse_report(builder(tmp_path), as_of=D(2026, 12, 31))
    assert (result.as_of, result.as_of_source) == (D(2026, 12, 31), "user")


COMMITTED = Path(__file__).resolve().parents[2] / "fixtures" / "aging"


@pytest.mark.parametrize(
    ("builder", "as_of"),
    [
        (F.qb_summary_jobs, None),
        (F.qbo_detail, None),
        (F.xero_detail, None),
        (F.netsuite_detail, None),
        (F.sap_fbl5n, D(2020, 12, 31)),
        (F.cn_aging_gbk, None),
        (F.zoho_line_items, D(2026, 10, 31)),
        (F.generic_european, D(2026, 10, 1)),
        (F.tally_bills, D(2026, 3, 31)),
        (F.xero_summary, None),
        (F.odoo_oca_aged_partner_balance, D(2026, 9, 30)),
    ],
)
def test_committed_fixture_files_match_their_builders(tmp_path, builder, as_of):
    built = builder(tmp_path)
    committed = COMMITTED / built.name
    assert committed.exists(), f"regenerate: python -m tests.debtors.imports.fixtures {COMMITTED}"
    a, b = parse_report(built, as_of=as_of), parse_report(committed, as_of=as_of)
    assert list(a.records()) == list(b.records())
    assert a.problem_counts == b.problem_counts


def test_xero_summary_csv(tmp_path):
    result, records = parsed(F.xero_summary(tmp_path))
    assert result.preset == "xero_summary" and result.as_of == D(2026, 3, 31)
    assert result.ok and result.reconciliation.ok
    assert [(r.debtor_name, r.invoice_number, r.open_amount) for r in records] == [
        ("Al Noor Contracting", "AGING-1-30", dec("1300.00")),
        ("Al Noor Contracting", "AGING-61-90", dec("1000.00")),
        ("Bright Falcon FZE", "AGING-121+", dec("980.25")),
    ]


def test_odoo_oca_aged_partner_balance(tmp_path):
    result, records = parsed(F.odoo_oca_aged_partner_balance(tmp_path), as_of=D(2026, 9, 30))
    assert result.report_kind == "summary" and result.header_row == 5
    assert result.buckets[1:] == [
        ("Age ≤ 30 d.", 1, 30),
        ("Age ≤ 60 d.", 31, 60),
        ("Age ≤ 90 d.", 61, 90),
        ("Age ≤ 120 d.", 91, 120),
        ("Older", 121, None),
    ]
    assert result.ok, result.problems
    assert result.reconciliation.ok and result.reconciliation.report_total == dec("4250.00")
    assert {(r.debtor_name, r.invoice_number): r.open_amount for r in records} == {
        ("Azure Interior", "AGING-0"): dec("250.00"),
        ("Azure Interior", "AGING-1-30"): dec("1000.00"),
        ("Deco Addict", "AGING-61-90"): dec("500.00"),
        ("Deco Addict", "AGING-121+"): dec("2500.00"),
    }


def test_rows_are_classified_and_counted(tmp_path):
    result = parse_report(F.qbo_detail(tmp_path))
    counts = result.counts
    assert counts["group_headers"] == 3  # CURRENT, 1 - 30…, 91 or more…
    assert counts["subtotals"] == 3 and counts["grand_totals"] == 1
    assert counts["footers"] == 1 and counts["blank_rows"] == 1
    assert counts["data_rows"] == 5 and counts["skipped_rows"] == 0


def test_it_parses_a_django_upload_and_streams_it_twice(tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = F.cn_aging_gbk(tmp_path)
    upload = SimpleUploadedFile("账龄.csv", path.read_bytes(), content_type="text/csv")
    result = parse_report(upload)
    assert result.filename == "账龄.csv" and result.ok
    assert len(list(result.records())) == len(list(result.records())) == 6

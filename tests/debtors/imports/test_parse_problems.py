"""Bad input: every case gets a plain message and marks the result not committable."""

import datetime as dt
from decimal import Decimal

import pytest

from debtors.imports.parse import ParseOptions, parse_report
from debtors.imports.reading import ReadLimits
from tests.debtors.imports import fixtures as F

AS_OF = dt.date(2026, 10, 1)


def generic(tmp_path, *rows, name="list.csv"):
    return F.generic_rows(tmp_path, name, rows)


def row(code="A1", name="Alpha", number="1", issue="2026-09-01", due="2026-10-01", amount="100.00",
        open_amount=None, currency="USD"):  # fmt: skip
    return [code, name, number, issue, due, amount, amount if open_amount is None else open_amount,
            currency]  # fmt: skip


def problems(result, code):
    return [p for p in result.problems if p.code == code]


@pytest.mark.parametrize(
    ("builder", "code"),
    [
        (F.empty_file, "empty_file"),
        (F.csv_named_xlsx, "extension_mismatch"),
        (F.png_named_csv, "unsupported_type"),
        (F.legacy_xls, "legacy_xls"),
        (F.xlsm_with_macros, "macros"),
        (F.zip_bomb, "zip_bomb"),
        (F.ap_aging, "payables_report"),
        (F.no_amounts, "no_amount_column"),
    ],
)
def test_it_refuses_bad_files_with_a_message(tmp_path, builder, code):
    result = parse_report(builder(tmp_path))
    assert result.refused is not None and result.refused.code == code
    assert not result.ok
    assert result.problems[0].code == code and str(result.problems[0].message)
    assert list(result.records()) == []


def test_it_refuses_a_file_without_a_customer_column(tmp_path):
    path = F.generic_rows(
        tmp_path, "x.csv", [["1", "2026-01-01", "5.00", "5.00"]],
        header=["Invoice Number", "Due Date", "Amount", "Open Amount"],
    )  # fmt: skip
    result = parse_report(path)
    assert result.refused.code == "no_customer_column"


def test_it_refuses_a_file_without_any_recognisable_header(tmp_path):
    path = F.generic_rows(tmp_path, "x.csv", [["1", "2"]], header=["foo", "bar"])
    assert parse_report(path).refused.code == "no_header"


def test_it_refuses_a_supplier_aging_from_its_header_alone(tmp_path):
    path = F.generic_rows(
        tmp_path, "x.csv", [["V1", "Paper Co", "B-1", "2026-10-01", "5.00"]],
        header=["Supplier Code", "Supplier", "Bill No", "Due Date", "Amount"],
    )  # fmt: skip
    assert parse_report(path).refused.code == "payables_report"


def test_it_refuses_a_chinese_payables_report(tmp_path):
    path = F.generic_rows(
        tmp_path,
        "x.csv",
        [["C1", "甲公司", "100.00"]],
        header=["供应商编码", "供应商名称", "应付余额"],
    )
    assert parse_report(path).refused.code in {"payables_report", "no_header"}


def test_it_reports_duplicate_invoice_numbers(tmp_path):
    path = generic(tmp_path, row(number="7"), row(number="8"), row(number="7"))
    result = parse_report(path, as_of=AS_OF)
    dupes = problems(result, "duplicate_invoice")
    assert len(dupes) == 1 and dupes[0].row == 4 and dupes[0].column == "Invoice Number"
    assert not result.ok
    assert result.counts["records"] == 2


def test_the_same_number_for_two_debtors_is_not_a_duplicate(tmp_path):
    path = generic(tmp_path, row(number="7"), row(code="B2", name="Beta", number="7"))
    result = parse_report(path, as_of=AS_OF)
    assert result.ok and result.counts["records"] == 2


def test_it_reports_a_code_with_two_names(tmp_path):
    path = generic(tmp_path, row(number="1"), row(number="2", name="Alpha Holdings"))
    result = parse_report(path, as_of=AS_OF)
    [problem] = problems(result, "code_two_names")
    assert problem.row == 3 and "Alpha Holdings" in str(problem.message)
    assert not result.ok


def test_every_row_repeating_the_second_name_is_reported(tmp_path):
    # Consecutive rows of one customer are checked once; a conflict never is.
    rows = [
        row(number="1"),
        row(number="2"),
        row(number="3", name="Beta"),
        row(number="4", name="Beta"),
    ]
    result = parse_report(generic(tmp_path, *rows), as_of=AS_OF)
    assert [p.row for p in problems(result, "code_two_names")] == [4, 5]
    assert result.counts["records"] == 4


def test_name_differences_in_case_and_spacing_are_not_two_names(tmp_path):
    path = generic(tmp_path, row(number="1"), row(number="2", name="ALPHA "))
    assert parse_report(path, as_of=AS_OF).ok


def test_it_reports_an_absurd_amount(tmp_path):
    path = generic(tmp_path, row(amount="5,000,000,000.00"))
    result = parse_report(path, as_of=AS_OF)
    assert problems(result, "amount_absurd") and not result.ok
    capped = parse_report(path, as_of=AS_OF, options=ParseOptions(max_amount=Decimal("1e10")))
    assert capped.ok


def test_it_reports_a_date_far_in_the_future(tmp_path):
    path = generic(tmp_path, row(issue="2099-01-01", due="2099-02-01"))
    result = parse_report(path, as_of=AS_OF)
    [problem] = problems(result, "date_future")
    assert "2099-01-01" in str(problem.message) and not result.ok


def test_it_reports_an_invoice_with_a_negative_amount(tmp_path):
    header = [*F.GENERIC_HEADER, "Type"]
    path = F.generic_rows(tmp_path, "x.csv", [row(amount="-10.00") + ["Invoice"]], header=header)
    result = parse_report(path, as_of=AS_OF)
    assert problems(result, "negative_invoice") and not result.ok


def test_a_credit_note_may_be_negative(tmp_path):
    header = [*F.GENERIC_HEADER, "Type"]
    path = F.generic_rows(tmp_path, "x.csv", [row(amount="10.00") + ["Credit Note"]], header=header)
    result = parse_report(path, as_of=AS_OF)
    assert result.ok
    [record] = result.records()
    assert record.is_credit and record.open_amount == Decimal("-10.00")


def test_it_reports_opposite_signs_and_open_above_amount(tmp_path):
    path = generic(
        tmp_path,
        row(number="1", amount="10.00", open_amount="-5.00"),
        row(number="2", amount="10.00", open_amount="15.00"),
    )
    result = parse_report(path, as_of=AS_OF)
    assert problems(result, "sign_mismatch") and problems(result, "open_exceeds_amount")


def test_it_reports_unreadable_cells_with_row_and_column(tmp_path):
    path = generic(tmp_path, row(amount="ten"), row(number="2", due="someday"))
    result = parse_report(path, as_of=AS_OF)
    [bad_amount] = problems(result, "amount_invalid")
    assert (bad_amount.row, bad_amount.column) == (2, "Amount")
    [bad_date] = problems(result, "date_invalid")
    assert (bad_date.row, bad_date.column) == (3, "Due Date")
    assert "someday" in str(bad_date.message)


def test_it_reports_due_before_issue(tmp_path):
    path = generic(tmp_path, row(issue="2026-09-10", due="2026-09-01"))
    assert problems(parse_report(path, as_of=AS_OF), "due_before_issue")


def test_it_reports_a_total_that_does_not_reconcile(tmp_path):
    path = generic(tmp_path, row(), ["Total", "", "", "", "", "999.00", "999.00", ""])
    result = parse_report(path, as_of=AS_OF)
    [problem] = problems(result, "total_mismatch")
    assert problem.severity == "error" and not result.ok
    assert result.reconciliation.difference == Decimal("-899.00")


def test_it_reports_summary_rows_whose_buckets_do_not_add_up(tmp_path):
    path = F.generic_rows(
        tmp_path, "s.csv", [["Acme", "10.00", "5.00", "16.00"]],
        header=["Customer", "Current", "1-30", "Total"],
    )  # fmt: skip
    result = parse_report(path, as_of=AS_OF)
    assert result.report_kind == "summary"
    assert problems(result, "row_total_mismatch")


def test_summary_without_as_of_yields_no_synthetic_items(tmp_path):
    path = F.generic_rows(
        tmp_path, "s.csv", [["Acme", "10.00", "5.00", "15.00"]],
        header=["Customer", "Current", "1-30", "Total"],
    )  # fmt: skip
    result = parse_report(path)
    assert result.needs_as_of and problems(result, "as_of_missing")
    assert list(result.records()) == []


def test_line_items_that_disagree_are_reported(tmp_path):
    path = F.zoho_line_items(tmp_path)
    text = path.read_text().replace(
        "Gadget,,1,150.00,150.00,350.00,350.00,350.00",
        "Gadget,,1,150.00,150.00,350.00,350.00,300.00",
    )
    path.write_text(text)
    result = parse_report(path, as_of=AS_OF)
    assert problems(result, "line_items_disagree")


def test_problems_are_counted_beyond_the_kept_list(tmp_path):
    rows = [row(number=str(i), amount="x") for i in range(30)]
    path = generic(tmp_path, *rows)
    result = parse_report(path, as_of=AS_OF, options=ParseOptions(max_problems=5))
    assert len(result.problems) == 5
    assert result.problem_counts["amount_invalid"] == 30
    assert result.error_count == 30


def test_it_applies_a_saved_mapping(tmp_path):
    path = F.generic_rows(
        tmp_path, "m.csv", [["X1", "Acme", "INV-1", "2026-10-15", "1.234,50", "EUR"]],
        header=["Kundennr", "Kunde", "Beleg", "Fällig", "Offen", "Währung"],
    )  # fmt: skip
    assert parse_report(path).refused is not None
    mapping = {
        "header_row": 1,
        "debtor_code": "Kundennr",
        "debtor_name": 1,
        "invoice_number": "Beleg",
        "due_date": "Fällig",
        "open_amount": "Offen",
        "currency": "Währung",
    }
    result = parse_report(path, mapping=mapping, as_of=AS_OF)
    assert result.ok, result.problems
    [record] = result.records()
    assert (record.debtor_code, record.invoice_number, record.open_amount) == (
        "X1",
        "INV-1",
        Decimal("1234.50"),
    )
    assert record.issue_date == record.due_date == dt.date(2026, 10, 15)


def test_read_limits_pass_through(tmp_path):
    path = F.xero_detail(tmp_path)
    options = ParseOptions(limits=ReadLimits(max_uncompressed_bytes=100))
    assert parse_report(path, options=options).refused.code == "zip_bomb"


def test_messages_translate_to_chinese(tmp_path):
    from django.utils import translation

    result = parse_report(F.legacy_xls(tmp_path))
    with translation.override("zh-hans"):
        assert str(result.problems[0].message)  # lazy: rendered in the active language


def test_messages_keep_their_parameters_until_rendered(tmp_path):
    from django.utils import translation

    from debtors.imports.errors import Message

    path = generic(tmp_path, row(issue="2099-01-01", due="2099-02-01"))
    [problem] = problems(parse_report(path, as_of=AS_OF), "date_future")
    assert isinstance(problem.message, Message)
    assert problem.message.params["date"] == "2099-01-01"
    with translation.override("zh-hans"):
        assert "2099-01-01" in str(problem.message)
    assert problem.message == str(problem.message)


def test_summary_buckets_with_the_same_bounds_get_distinct_numbers(tmp_path):
    path = F.generic_rows(
        tmp_path, "sage.csv", [["Acme", "5.00", "10.00", "20.00", "35.00"]],
        header=["Customer", "Future", "Current", "Period 1", "Balance"],
    )  # fmt: skip
    result = parse_report(path, as_of=AS_OF)
    assert result.ok, result.problems
    numbers = [r.invoice_number for r in result.records()]
    assert numbers == ["AGING-0", "AGING-0-2", "AGING-1-30"]


def test_unsigned_credit_notes_are_made_negative(tmp_path):
    header = [*F.GENERIC_HEADER, "Type"]
    path = F.generic_rows(
        tmp_path, "x.csv", [row(amount="10.00", open_amount="-10.00") + ["Credit Memo"]],
        header=header,
    )  # fmt: skip
    [record] = parse_report(path, as_of=AS_OF).records()
    assert record.amount == record.open_amount == Decimal("-10.00")


def test_a_missing_due_date_column_is_one_warning(tmp_path):
    path = F.generic_rows(
        tmp_path, "x.csv", [["A", "1", "2026-09-01", "5.00"], ["A", "2", "2026-09-02", "6.00"]],
        header=["Customer", "Invoice Number", "Invoice Date", "Amount"],
    )  # fmt: skip
    result = parse_report(path, as_of=AS_OF, currency="USD")
    assert result.ok and result.problem_counts == {"due_date_missing": 1}
    assert [r.due_date for r in result.records()] == [dt.date(2026, 9, 1), dt.date(2026, 9, 2)]


def test_it_checks_group_subtotals(tmp_path):
    path = F.qbo_detail(tmp_path)
    path.write_text(
        path.read_text().replace(
            "Total for CURRENT,,,,,,,450.00,450.00", "Total for CURRENT,,,,,,,450.00,460.00"
        )
    )
    result = parse_report(path)
    [problem] = problems(result, "subtotal_mismatch")
    assert problem.row == 9 and "CURRENT" in str(problem.message)
    assert not result.ok


def test_a_job_counted_twice_is_caught_by_the_parent_subtotal(tmp_path):
    path = F.qb_summary_jobs(tmp_path)
    text = path.read_text().replace(
        "Total for Shara Barnett",
        "   Shara Barnett:Kitchen Remodel,,25.00,10.00,,,35.00\r\nTotal for Shara Barnett",
    )
    path.write_text(text)
    result = parse_report(path)
    assert problems(result, "subtotal_mismatch") and problems(result, "total_mismatch") == []


def test_a_header_without_rows_is_an_error(tmp_path):
    result = parse_report(generic(tmp_path), as_of=AS_OF)
    assert problems(result, "no_data_rows") and not result.ok


def test_a_mapping_by_labels_finds_its_header_below_a_title(tmp_path):
    path = _csv_rows(
        tmp_path,
        [
            ["Offene Posten"],
            ["Stichtag 30.09.2026"],
            ["Kundennr", "Kunde", "Beleg", "Fällig", "Offen"],
            ["X1", "Acme", "INV-1", "15.10.2026", "1.234,50"],
        ],
    )
    mapping = {"debtor_code": "Kundennr", "debtor_name": "Kunde", "invoice_number": "Beleg",
               "due_date": "Fällig", "open_amount": "Offen"}  # fmt: skip
    result = parse_report(path, mapping=mapping, as_of=AS_OF, currency="EUR")
    assert result.ok, result.problems
    assert result.header_row == 3
    [record] = result.records()
    assert (record.due_date, record.open_amount) == (dt.date(2026, 10, 15), Decimal("1234.50"))


def test_a_mapping_overrides_a_detected_column(tmp_path):
    path = generic(tmp_path, row(amount="10.00", open_amount="4.00"))
    # map the open amount to the "Amount" column: "Open Amount" must not be read as well
    result = parse_report(path, mapping={"open_amount": "Amount"}, as_of=AS_OF)
    assert result.columns["open_amount"] == "Amount"
    [record] = result.records()
    assert record.open_amount == Decimal("10.00")


def _csv_rows(tmp_path, rows):
    import csv

    path = tmp_path / "mapped.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path

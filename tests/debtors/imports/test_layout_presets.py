import datetime as dt
import json

import pytest

from debtors.imports import layout as L
from debtors.imports.errors import ImportRefused
from debtors.imports.presets import PRESETS, detect_preset, resolve_mapping


def test_it_finds_a_header_below_a_title_block():
    rows = [
        ["Western Widgets"],
        ["A/R Aging Detail Report"],
        ["As of Sep 23, 2026"],
        [],
        ["", "Date", "Transaction type", "Num", "Customer full name", "Due date", "Amount",
         "Open balance"],
        ["", "09/15/2026", "Invoice", "1045", "Acme", "10/15/2026", "5.00", "5.00"],
    ]  # fmt: skip
    header = L.find_header(rows)
    assert header.index == 4 and header.height == 1
    assert header.columns[L.INVOICE_NUMBER] == 3
    assert header.columns[L.OPEN_AMOUNT] == 7
    assert L.find_as_of(rows[:4]) == dt.date(2026, 9, 23)


def test_it_merges_a_two_row_header():
    rows = [
        ["Date", "Ref. No.", "Party's Name", "Opening", "Pending", "Due on", "Overdue"],
        [None, None, None, "Amount", "Amount", None, "by days"],
        [dt.date(2026, 1, 1), "X", None, 1.0, 1.0, dt.date(2026, 2, 1), 5],
    ]
    header = L.find_header(rows)
    assert header.height == 2
    assert header.labels[3:5] == ["Opening Amount", "Pending Amount"]
    assert header.columns[L.AGE] == 6


def test_it_reads_chinese_and_portuguese_headers():
    columns, buckets = L.classify_labels(
        ["客户编码", "往来单位", "币别", "应收余额", "未到期", "1-30天", "360天以上"]
    )
    assert columns == {L.DEBTOR_CODE: 0, L.DEBTOR_NAME: 1, L.CURRENCY: 2, L.OPEN_AMOUNT: 3}
    assert [b[2] for b in buckets] == [(0, 0), (1, 30), (360, None)]
    columns, _ = L.classify_labels(["Conta", "Nº doc.", "VencLíquid", "Mont.em MI"])
    assert set(columns) == {L.DEBTOR_CODE, L.INVOICE_NUMBER, L.DUE_DATE, L.OPEN_AMOUNT}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As of Sep 23, 2026", dt.date(2026, 9, 23)),
        ("As at 31 March 2026", dt.date(2026, 3, 31)),
        ("As of December 21, 2025", dt.date(2025, 12, 21)),
        ("截止日期：2026-10-31", dt.date(2026, 10, 31)),
        ("截至 2026年10月31日", dt.date(2026, 10, 31)),
        ("Period 01/01/2026 as of 03/31/2026", dt.date(2026, 3, 31)),
    ],
)
def test_it_reads_the_as_of_date_from_titles(text, expected):
    assert L.find_as_of([["Company"], [text]]) == expected


def test_it_finds_no_as_of_in_all_dates_titles():
    assert L.find_as_of([["All Dates"], ["1-Apr-2025 to 31-Mar-2026"]]) is None


@pytest.mark.parametrize(
    ("text", "group", "expected"),
    [
        ("TOTAL", None, "grand_total"),
        ("Total", "C117 Syneos", "grand_total"),
        ("总计", None, "grand_total"),
        ("合计", None, "grand_total"),
        ("Total for CURRENT", "CURRENT", "subtotal"),
        ("Total - C117 Syneos Health, LLC", None, "subtotal"),
        ("Total Al Noor Contracting", "Al Noor Contracting", "subtotal"),
        ("北京分公司小计", None, "subtotal"),
        ("Total Logistics Ltd", "Acme", None),  # a customer, not a subtotal
        ("Acme", None, None),
    ],
)
def test_it_classifies_total_rows(text, group, expected):
    assert L.subtotal_kind(text, group) == expected


def test_it_splits_codes_from_names_and_rolls_jobs_up():
    assert L.split_code_and_name("C117 Syneos Health, LLC") == ("C117", "Syneos Health, LLC")
    assert L.split_code_and_name("CTM-0042 Road Safety Network") == (
        "CTM-0042",
        "Road Safety Network",
    )
    assert L.split_code_and_name("Acme Labs") == (None, "Acme Labs")
    assert L.parent_of("Shara Barnett:Kitchen Remodel") == "Shara Barnett"
    assert L.parent_of("Sunshine Inc. : Sunshine US") == "Sunshine Inc. : Sunshine US"


def test_it_recognises_footers():
    assert L.is_footer("Wednesday, September 23, 2026 10:14 AM GMT-07:00")
    assert L.is_footer("Accrual Basis")
    assert not L.is_footer("Acme Labs")


@pytest.mark.parametrize(
    "title", ["A/P Aging Detail", "Aged Payables Summary", "应付账款账龄分析表", "Vendor Balance"]
)
def test_it_refuses_payables(title):
    with pytest.raises(ImportRefused) as info:
        L.refuse_payables([[title]], None)
    assert info.value.code == "payables_report"


def test_receivables_titles_pass():
    L.refuse_payables([["A/R Aging Detail"], ["Aged Receivables"], ["应收款账龄分析表"]], None)


def _header(labels):
    return L.find_header([labels, ["x"] * len(labels)]) or L.Header(0, 1, labels, {}, [], 0)


@pytest.mark.parametrize(
    ("labels", "title", "kind", "expected"),
    [
        (["Customer", "Transaction Type", "Date", "Document Number", "P.O. No.", "Due Date",
          "Age", "Open Balance"], "A/R Aging Detail", "xlsx", "netsuite_detail"),
        (["", "Date", "Transaction type", "Num", "Customer full name", "Due date", "Amount",
          "Open balance"], "A/R Aging Detail Report", "csv", "qbo_detail"),
        (["Contact", "Current", "< 1 Month", "1 Month", "2 Months", "3 Months", "Older",
          "Total"], "Aged Receivables Summary", "csv", "xero_summary"),
        (["Customer", "Current", "1-30", "31-60", "Total"], "", "csv", "generic_summary"),
        (["Customer", "Invoice Number", "Due Date", "Amount"], "", "csv", "generic_detail"),
    ],
)  # fmt: skip
def test_it_detects_presets(labels, title, kind, expected):
    preset, confidence = detect_preset(_header(labels), title, kind)
    assert preset.key == expected
    assert 0 < confidence <= 1


def test_a_mapping_is_plain_json_and_resolves_labels_and_indexes():
    mapping = {"debtor_name": "Kunde", "open_amount": 3, "bogus": 1, "due_date": "missing"}
    assert json.loads(json.dumps(mapping)) == mapping
    assert resolve_mapping(mapping, ["Nr", "Kunde", "Datum", "Offen"]) == {
        "debtor_name": 1,
        "open_amount": 3,
    }


def test_every_preset_has_a_label_and_known_kind():
    for preset in PRESETS.values():
        assert str(preset.label)
        assert preset.kind in {"detail", "summary", "line_items"}


def test_a_company_named_supplier_in_the_title_is_not_payables():
    L.refuse_payables([["Supplier Solutions Ltd"], ["A/R Aging Summary"]], None)


@pytest.mark.parametrize("label", ["Vendor", "Supplier Name", "供应商名称", "Fornecedor"])
def test_a_vendor_party_column_is_payables(label):
    header = L.Header(0, 1, [label, "Amount"], {}, [], 0)
    with pytest.raises(ImportRefused):
        L.refuse_payables([], header)


def test_it_reads_an_as_of_date_from_the_next_cell():
    assert L.find_as_of([["As of:", dt.datetime(2026, 9, 30, tzinfo=dt.UTC)]]) == dt.date(
        2026, 9, 30
    )
    assert L.find_as_of([["截止日期：", "2026-10-31"]]) == dt.date(2026, 10, 31)

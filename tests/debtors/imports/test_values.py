import datetime as dt
from decimal import Decimal

import pytest

from debtors.imports.values import (
    AmountError,
    Bucket,
    DateError,
    bucket_key,
    infer_date_order,
    infer_decimal_separator,
    parse_amount,
    parse_bucket,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5,281.52", "5281.52"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("1.234,56-", "-1234.56"),
        ("(1,234.56)", "-1234.56"),
        ("-1,234.56", "-1234.56"),
        ("\u22121.00", "-1.00"),
        ("$100.00", "100.00"),
        ("$ -3.00", "-3.00"),
        ("¥1,000", "1000"),
        ("￥1,000.5", "1000.5"),
        ("€ 12,50", "12.50"),
        ("£7", "7"),
        ("CNY 12.5", "12.5"),
        ("USD 1,000.00", "1000.00"),
        ("RMB1,000", "1000"),
        ("12.5元", "12.5"),
        ("14.034,55 *", "14034.55"),
        ("*1.234,56", "1234.56"),
        ("1,200.00 Cr", "-1200.00"),
        ("1,200.00 Dr", "1200.00"),
        ("0,5", "0.5"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("150", "150"),
    ],
)
def test_it_reads_amount_formats(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_it_reads_numbers_from_spreadsheet_cells():
    assert parse_amount(1234.56) == Decimal("1234.56")
    assert parse_amount(0.1 + 0.2) == Decimal("0.3")
    assert parse_amount(7) == Decimal(7)
    assert parse_amount(Decimal("1.5")) == Decimal("1.5")


@pytest.mark.parametrize("empty", [None, "", "  ", "-", "—"])
def test_it_reads_empty_cells_as_none(empty):
    assert parse_amount(empty) is None


@pytest.mark.parametrize("bad", ["abc", "12a", "1.2.3,4,5", "N/A", True])
def test_it_refuses_text_that_is_not_an_amount(bad):
    with pytest.raises(AmountError):
        parse_amount(bad)


def test_it_uses_the_column_decimal_separator_for_ambiguous_values():
    assert parse_amount("1,234") == Decimal("1234")
    assert parse_amount("1,234", decimal=",") == Decimal("1.234")
    assert parse_amount("1.234", decimal=",") == Decimal("1234")


def test_it_infers_the_decimal_separator_from_a_column():
    assert infer_decimal_separator(["1.234", "12,50", "3,00"]) == ","
    assert infer_decimal_separator(["1,234", "12.50", "(3.00)"]) == "."
    assert infer_decimal_separator(["1,234", "5,678"]) == "."  # all ambiguous: default
    assert infer_decimal_separator(["1.234", "5.678"], default=",") == ","
    assert infer_decimal_separator(["1.234,56-", "999"]) == ","


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-01-28", dt.date(2021, 1, 28)),
        ("2021/01/28", dt.date(2021, 1, 28)),
        ("20210128", dt.date(2021, 1, 28)),
        ("01/28/2021", dt.date(2021, 1, 28)),
        ("1/8/2021", dt.date(2021, 1, 8)),
        ("28.01.2021", dt.date(2021, 1, 28)),
        ("28/01/2021", dt.date(2021, 1, 28)),
        ("Jan 28 2021", dt.date(2021, 1, 28)),
        ("Jan 28, 2021", dt.date(2021, 1, 28)),
        ("28 Jan 2021", dt.date(2021, 1, 28)),
        ("28-Jan-21", dt.date(2021, 1, 28)),
        ("31 July 2026", dt.date(2026, 7, 31)),
        ("September 23, 2026", dt.date(2026, 9, 23)),
        ("2021年1月28日", dt.date(2021, 1, 28)),
        ("2021-01-28 00:00:00", dt.date(2021, 1, 28)),
        ("44224", dt.date(2021, 1, 28)),
        ("31 de julho de 2026", dt.date(2026, 7, 31)),
    ],
)
def test_it_reads_date_formats(text, expected):
    assert parse_date(text) == expected


def test_it_follows_the_column_order_for_ambiguous_dates():
    assert parse_date("02/03/2026") == dt.date(2026, 2, 3)
    assert parse_date("02/03/2026", order="dmy") == dt.date(2026, 3, 2)
    assert parse_date("02.03.2026") == dt.date(2026, 3, 2)
    with pytest.raises(DateError):
        parse_date("13/01/2026", order="mdy")


def test_it_reads_excel_serials_in_both_date_systems():
    assert parse_date(44224) == dt.date(2021, 1, 28)
    assert parse_date(44224.75) == dt.date(2021, 1, 28)
    assert parse_date(44224, date1904=True) == dt.date(2025, 1, 29)
    assert parse_date(1) == dt.date(1900, 1, 1)
    assert parse_date(dt.datetime(2021, 1, 28, 10, 0, tzinfo=dt.UTC)) == dt.date(2021, 1, 28)


@pytest.mark.parametrize("bad", ["yesterday", "2021-02-30", "32/01/2021", "Foo 28 2021"])
def test_it_refuses_text_that_is_not_a_date(bad):
    with pytest.raises(DateError):
        parse_date(bad)


def test_it_infers_day_first_from_a_column():
    assert infer_date_order(["01/02/2026", "13/02/2026"]) == "dmy"
    assert infer_date_order(["01/02/2026", "02/13/2026"]) == "mdy"
    assert infer_date_order(["01/02/2026", "02/03/2026"]) is None
    assert infer_date_order(["13/01/2026", "01/13/2026"]) is None  # contradictory


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Current", (0, 0)),
        ("CURRENT", (0, 0)),
        ("Future", (0, 0)),
        ("未到期", (0, 0)),
        ("1 - 30", (1, 30)),
        ("1 - 30 days past due", (1, 30)),
        ("31-60", (31, 60)),
        ("0-30", (0, 30)),
        ("1-15", (1, 15)),
        ("91 and over", (91, None)),
        ("91 AND OVER", (91, None)),
        ("91 or more days past due", (91, None)),
        ("> 90", (91, None)),
        ("> 45", (46, None)),
        ("Over 90", (91, None)),
        ("121-Above", (121, None)),
        ("< 1 Month", (1, 30)),
        ("1 Month", (31, 60)),
        ("2 Months", (61, 90)),
        ("3 Months", (91, 120)),
        ("Age ≤ 30 d.", (1, 30)),
        ("1-30天", (1, 30)),
        ("181-360天", (181, 360)),
        ("360天以上", (360, None)),
        ("Period 1", (1, 30)),
        ("Period 3", (61, 90)),
        ("Greater than 1 year", (366, None)),
        ("02 1-30", (1, 30)),
        ("01 <1", (0, 0)),
        ("91 - 365", (91, 365)),
    ],
)
def test_it_reads_bucket_bounds_from_labels(label, expected):
    assert parse_bucket(label) == Bucket(*expected)


@pytest.mark.parametrize("label", ["Total", "Amount", "Date", "Customer", "", None, 30])
def test_it_returns_none_for_labels_that_are_not_buckets(label):
    assert parse_bucket(label) is None


def test_it_anchors_sequence_labels_on_the_previous_bucket():
    assert parse_bucket("Older", previous=Bucket(91, 120)) == Bucket(121, None)
    assert parse_bucket("Age ≤ 60 d.", previous=Bucket(1, 30)) == Bucket(31, 60)
    assert parse_bucket("360天以上", previous=Bucket(181, 360)) == Bucket(361, None)


def test_it_names_buckets_for_synthetic_invoice_numbers():
    assert bucket_key(Bucket(0, 0)) == "0"
    assert bucket_key(Bucket(1, 30)) == "1-30"
    assert bucket_key(Bucket(91, None)) == "91+"

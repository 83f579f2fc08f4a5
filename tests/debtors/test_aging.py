"""Aging buckets (debtors.aging): the Python rule and its ORM twin agree at every
edge; amounts are per currency, never added across; "today" is the debtor's."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from debtors.aging import (
    BUCKETS,
    aging_from_invoices,
    aging_of,
    bucket_for,
    bucket_named,
    bucket_q,
    debtor_aging,
    overdue_q,
)
from debtors.models import Invoice
from tests.debtors.factories import DebtorFactory, InvoiceFactory

TODAY = dt.date(2026, 11, 26)
# 10:00 in Shanghai on TODAY; still the 25th in New York.
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
EDGES = (-5, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 400)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_buckets_cover_every_day_once_in_order():
    assert [b.key for b in BUCKETS] == ["current", "d1_30", "d31_60", "d61_90", "d91_180", "d181"]
    assert BUCKETS[0].low is None and BUCKETS[-1].high is None
    for before, after in zip(BUCKETS, BUCKETS[1:], strict=False):
        assert after.low == before.high + 1
    for days in range(-10, 400):
        assert sum(b.holds(days) for b in BUCKETS) == 1


@pytest.mark.parametrize(
    ("days", "key"),
    [
        (-3, "current"),
        (0, "current"),
        (1, "d1_30"),
        (30, "d1_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d91_180"),
        (180, "d91_180"),
        (181, "d181"),
        (5000, "d181"),
    ],
)
def test_days_past_due_map_to_their_bucket(days, key):
    assert bucket_for(days).key == key


def test_bucket_named_knows_only_the_keys():
    assert bucket_named("d31_60").low == 31
    assert bucket_named("31-60") is None and bucket_named("") is None


@pytest.mark.django_db
def test_the_sql_filter_and_the_python_rule_agree_at_every_edge():
    debtor = DebtorFactory()
    for days in EDGES:
        InvoiceFactory(debtor=debtor, number=f"D{days}", due_date=TODAY - dt.timedelta(days=days))
    invoices = Invoice.objects.filter(debtor=debtor)
    for bucket in BUCKETS:
        in_sql = set(invoices.filter(bucket_q(bucket, TODAY)).values_list("number", flat=True))
        in_python = {f"D{d}" for d in EDGES if bucket_for(d) is bucket}
        assert in_sql == in_python, bucket.key
    overdue = set(invoices.filter(overdue_q(TODAY)).values_list("number", flat=True))
    assert overdue == {f"D{d}" for d in EDGES if d >= 1}


@pytest.mark.django_db
def test_the_query_and_the_loaded_invoices_give_the_same_aging(django_assert_num_queries):
    debtor = DebtorFactory()
    for days in EDGES:
        for currency in ("CNY", "USD"):
            InvoiceFactory(
                debtor=debtor,
                currency=currency,
                due_date=TODAY - dt.timedelta(days=days),
                amount=Decimal(100 + days),
                disputed_amount=Decimal("10.00") if days == 31 else Decimal("0"),
            )
    InvoiceFactory(debtor=debtor, due_date=TODAY, open_amount=Decimal("0"))  # paid: left out
    loaded = list(Invoice.objects.filter(debtor=debtor))

    with django_assert_num_queries(0):
        from_loaded = aging_from_invoices(loaded, today=TODAY)
    with django_assert_num_queries(1):
        from_query = aging_of(Invoice.objects.filter(debtor=debtor), today=TODAY)

    assert from_loaded == from_query
    assert [a.currency for a in from_query] == ["CNY", "USD"]
    cny = from_query[0]
    assert cny.invoice_count == len(EDGES)
    assert cny.open_total == sum(Decimal(100 + d) for d in EDGES)
    assert cny.overdue_total == sum(Decimal(100 + d) for d in EDGES if d >= 1)
    assert cny.disputed_total == Decimal("10.00")
    assert cny.amounts()["d31_60"] == Decimal(131) + Decimal(160)
    assert sum(b.amount for b in cny.buckets) == cny.open_total


@pytest.mark.django_db
def test_amounts_are_never_added_across_currencies():
    debtor = DebtorFactory()
    InvoiceFactory(debtor=debtor, currency="CNY", due_date=TODAY - dt.timedelta(days=45))
    InvoiceFactory(debtor=debtor, currency="USD", due_date=TODAY - dt.timedelta(days=45))

    aging = debtor_aging(debtor)

    assert [(a.currency, a.amounts()["d31_60"], a.open_total) for a in aging] == [
        ("CNY", Decimal("1000.00"), Decimal("1000.00")),
        ("USD", Decimal("1000.00"), Decimal("1000.00")),
    ]


@pytest.mark.django_db
def test_today_is_the_debtors_local_day():
    # Due on the 25th: one day late in Shanghai (the 26th), not yet due in New York.
    shanghai = DebtorFactory(timezone="Asia/Shanghai")
    new_york = DebtorFactory(timezone="America/New_York")
    for debtor in (shanghai, new_york):
        InvoiceFactory(debtor=debtor, due_date=dt.date(2026, 11, 25))

    [east] = debtor_aging(shanghai)
    [west] = debtor_aging(new_york)
    [west_loaded] = debtor_aging(new_york, invoices=list(new_york.invoices.all()))

    assert east.amounts()["d1_30"] == Decimal("1000.00")
    assert west.amounts()["current"] == Decimal("1000.00") and west.overdue_total == 0
    assert west_loaded == west


@pytest.mark.django_db
def test_a_debtor_without_open_invoices_has_no_aging():
    debtor = DebtorFactory()
    InvoiceFactory(debtor=debtor, open_amount=Decimal("0"))
    assert debtor_aging(debtor) == []


def test_pages_colour_days_past_due_by_the_ledgers_buckets():
    from debtors.templatetags.aging import dpd_class

    assert [dpd_class(n) for n in (0, 1, 31, 61, 91, 181)] == [
        "age-current",
        "age-d1_30",
        "age-d31_60",
        "age-d61_90",
        "age-d91_180",
        "age-d181",
    ]
    assert dpd_class("") == "age-current" and dpd_class(None) == "age-current"

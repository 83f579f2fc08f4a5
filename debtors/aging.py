"""Aging buckets, defined once, with their ORM twin beside them.

A bucket is a range of days past due (the debtor's local today minus the due
date): not yet due, 1–30, 31–60, 61–90, 91–180 and over 180 days.
:func:`bucket_for` is the rule in Python; :func:`bucket_q` says the same as a
filter on ``due_date`` for the database. tests/debtors/test_aging.py holds
them equal at every edge.

The aging of a set of open invoices (anything with an open amount) is per
currency, never added across currencies: :func:`aging_from_invoices` from
invoices already read (no query), :func:`aging_of` from a queryset of invoices
in one aggregate query (grouped by currency, so reports can reuse it) and
:func:`debtor_aging` for one debtor on the debtor's local day. Every page, PDF
and API that shows aging calls these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy

from collections_crm.lib.money import ZERO
from collections_crm.lib.zones import local_today

from .models import Debtor, Invoice


@dataclass(frozen=True)
class Bucket:
    """Days past due from ``low`` to ``high``, both included; None: open-ended."""

    key: str
    label: str  # lazy: translated when shown
    low: int | None
    high: int | None

    def holds(self, days_past_due: int) -> bool:
        return (self.low is None or days_past_due >= self.low) and (
            self.high is None or days_past_due <= self.high
        )


BUCKETS: tuple[Bucket, ...] = (
    Bucket("current", gettext_lazy("Not yet due"), None, 0),
    Bucket("d1_30", gettext_lazy("1–30 days"), 1, 30),
    Bucket("d31_60", gettext_lazy("31–60 days"), 31, 60),
    Bucket("d61_90", gettext_lazy("61–90 days"), 61, 90),
    Bucket("d91_180", gettext_lazy("91–180 days"), 91, 180),
    Bucket("d181", gettext_lazy("Over 180 days"), 181, None),
)
BUCKETS_BY_KEY = {b.key: b for b in BUCKETS}


def bucket_named(key: str) -> Bucket | None:
    """The bucket with that key (a filter's value), or None."""
    return BUCKETS_BY_KEY.get(key)


def days_past_due(due_date: dt.date, today: dt.date) -> int:
    return (today - due_date).days


def bucket_for(days: int) -> Bucket:
    """The bucket of an invoice ``days`` past due (0 or less: not yet due)."""
    return next(b for b in BUCKETS if b.holds(days))


def bucket_q(bucket: Bucket, today: dt.date, field: str = "due_date") -> Q:
    """:func:`bucket_for` as a filter: invoices whose ``field`` (a due date)
    lies ``bucket.low`` to ``bucket.high`` days before ``today``."""
    q = Q()
    if bucket.high is not None:
        q &= Q(**{f"{field}__gte": today - dt.timedelta(days=bucket.high)})
    if bucket.low is not None:
        q &= Q(**{f"{field}__lte": today - dt.timedelta(days=bucket.low)})
    return q


def overdue_q(today: dt.date, field: str = "due_date") -> Q:
    """Past due: at least one day (every bucket but "not yet due")."""
    return Q(**{f"{field}__lt": today})


# ------------------------------------------------------------------ amounts


@dataclass(frozen=True)
class BucketAmount:
    key: str
    label: str
    low: int | None
    high: int | None
    amount: Decimal


@dataclass(frozen=True)
class CurrencyAging:
    """The open invoices of one currency: the buckets and the totals."""

    currency: str
    buckets: list[BucketAmount]
    open_total: Decimal
    overdue_total: Decimal
    disputed_total: Decimal
    invoice_count: int

    def amounts(self) -> dict[str, Decimal]:
        return {b.key: b.amount for b in self.buckets}


def _currency_aging(currency: str, sums: dict[str, Decimal], totals: dict) -> CurrencyAging:
    return CurrencyAging(
        currency=currency,
        buckets=[
            BucketAmount(b.key, str(b.label), b.low, b.high, sums.get(b.key) or ZERO)
            for b in BUCKETS
        ],
        open_total=totals.get("open") or ZERO,
        overdue_total=totals.get("overdue") or ZERO,
        disputed_total=totals.get("disputed") or ZERO,
        invoice_count=totals.get("count") or 0,
    )


def aging_from_invoices(invoices: Iterable[Invoice], *, today: dt.date) -> list[CurrencyAging]:
    """The aging of invoices already read (no query): per currency, in
    currency order. Invoices with nothing open are left out."""
    sums: dict[str, dict[str, Decimal]] = {}
    totals: dict[str, dict] = {}
    for invoice in invoices:
        if invoice.open_amount == 0:
            continue
        days = days_past_due(invoice.due_date, today)
        key = bucket_for(days).key
        per = sums.setdefault(invoice.currency, {})
        per[key] = per.get(key, ZERO) + invoice.open_amount
        total = totals.setdefault(
            invoice.currency, {"open": ZERO, "overdue": ZERO, "disputed": ZERO, "count": 0}
        )
        total["open"] += invoice.open_amount
        total["overdue"] += invoice.open_amount if days > 0 else ZERO
        total["disputed"] += invoice.disputed_amount or ZERO
        total["count"] += 1
    return [_currency_aging(c, sums[c], totals[c]) for c in sorted(sums)]


def aging_of(invoices: QuerySet[Invoice], *, today: dt.date) -> list[CurrencyAging]:
    """The aging of a queryset of invoices in one aggregate query, grouped by
    currency (a debtor's, a team's, a portfolio's). Same result as
    :func:`aging_from_invoices` over the same invoices."""
    amount = {f"bucket_{b.key}": Sum("open_amount", filter=bucket_q(b, today)) for b in BUCKETS}
    rows = (
        invoices.exclude(open_amount=0)
        .order_by()
        .values("currency")
        .annotate(
            count=Count("id"),
            open=Sum("open_amount"),
            overdue=Sum("open_amount", filter=overdue_q(today)),
            disputed=Sum("disputed_amount"),
            **amount,
        )
        .order_by("currency")
    )
    return [
        _currency_aging(row["currency"], {b.key: row[f"bucket_{b.key}"] for b in BUCKETS}, row)
        for row in rows
    ]


def debtor_aging(
    debtor: Debtor,
    *,
    now: dt.datetime | None = None,
    invoices: Iterable[Invoice] | None = None,
) -> list[CurrencyAging]:
    """A debtor's aging on the debtor's local day at ``now``: from
    ``invoices`` (the debtor's, already read) when given, else in one query."""
    today = local_today(debtor, now)
    if invoices is not None:
        return aging_from_invoices(invoices, today=today)
    return aging_of(Invoice.objects.filter(debtor=debtor), today=today)

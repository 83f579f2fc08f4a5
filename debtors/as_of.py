"""What an invoice had open at the end of a past day: the one rule every
figure over time (the receivable at a period's start and end, its aging on a
day, DSO, CEI, roll rates) is built on.

An invoice counts from its issue day. Until the day it was closed it holds
its *base* less what payments received by that day settled on it; from the
day it was closed (in the company's zone) it holds nothing. The base is the
amount for a closed invoice. For an invoice still open it is today's open
amount plus everything ever allocated to it, so that today's figure is the
ledger's open amount even where finance corrected an open amount by import or
a dispute was credited without closing the invoice (such a correction has no
day of its own; it counts from the issue day).

:func:`segments` gives the rule as steps (for rollups over many days),
:func:`open_on` for one day; tests/debtors/test_as_of.py holds them equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from collections_crm.lib.zones import company_zone

ZERO = Decimal(0)
FAR = dt.date.max


def closed_on(closed_at: dt.datetime | None) -> dt.date | None:
    """The company day an invoice was closed on (None: still open)."""
    return closed_at.astimezone(company_zone()).date() if closed_at else None


def base_amount(*, amount, open_amount, allocated_total, closed: bool):
    """What the invoice holds before any payment (see the module's docstring)."""
    return amount if closed else open_amount + allocated_total


def segments(
    *,
    amount,
    open_amount,
    issue_date: dt.date,
    closed: dt.date | None,
    allocations: Iterable[tuple[dt.date, object]],
) -> list[tuple[dt.date, dt.date, object]]:
    """The invoice's open amount as steps ``(first day, day after the last,
    amount)``, in order; zero steps are left out. ``allocations`` are
    ``(payment received on, amount)``; a payment received before the issue day
    counts on the issue day. Works on Decimals and on integer cents alike."""
    by_day: dict[dt.date, object] = {}
    total = 0
    for day, value in allocations:
        day = max(day, issue_date)
        by_day[day] = by_day.get(day, 0) + value
        total += value
    value = base_amount(
        amount=amount, open_amount=open_amount, allocated_total=total, closed=closed is not None
    )
    end = closed or FAR
    steps = []
    start = issue_date
    for day in sorted(by_day):
        if day >= end:
            break
        if day > start and value:
            steps.append((start, day, value))
        value -= by_day[day]
        start = max(start, day)
    if start < end and value:
        steps.append((start, end, value))
    return steps


def open_on(
    *,
    amount,
    open_amount,
    issue_date: dt.date,
    closed: dt.date | None,
    allocations: Iterable[tuple[dt.date, object]],
    day: dt.date,
):
    """What the invoice had open at the end of ``day``, straight from the
    rule (no steps)."""
    allocations = list(allocations)
    total = sum((value for _, value in allocations), 0)
    if day < issue_date or (closed is not None and day >= closed):
        return ZERO if isinstance(amount, Decimal) else 0
    paid = sum((value for when, value in allocations if max(when, issue_date) <= day), 0)
    base = base_amount(
        amount=amount, open_amount=open_amount, allocated_total=total, closed=closed is not None
    )
    return base - paid

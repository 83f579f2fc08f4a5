"""Cash expected over the next weeks, per currency.

Two streams per week: the pending instalments of pending promises falling due
that week, each weighted by the kept rate its debtor type has measured over
the last year (promises kept in full ÷ promises settled); and the open,
undisputed amount of invoices falling due that week, weighted by the share of
the money falling due in the last year that was paid by its due date. A type
without settled promises takes the scope's overall kept rate; with none at
all, the promised stream is shown unweighted and marked so.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum

from debtors.models import Invoice
from followups.models import Instalment, PromiseToPay

from .filters import Filters
from .flow_read import flows
from .kpis import ZERO, ratio

WEEKS = 12
CENT = Decimal("0.01")


def _rates(filters: Filters, today: dt.date) -> tuple[dict, Decimal | None, Decimal | None]:
    per_type = flows(filters, today - dt.timedelta(days=365), today, by="debtor_type")
    kept = sum(r["promises_kept"] for r in per_type.values())
    evaluated = sum(r["promises_evaluated"] for r in per_type.values())
    due = sum((r["due_amount"] for r in per_type.values()), ZERO)
    paid = sum((r["paid_by_due"] for r in per_type.values()), ZERO)
    rates = {t: ratio(r["promises_kept"], r["promises_evaluated"]) for t, r in per_type.items()}
    return (
        {k: v for k, v in rates.items() if v is not None},
        ratio(kept, evaluated),
        ratio(paid, due),
    )


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def forecast(filters: Filters, *, today: dt.date, weeks: int = WEEKS) -> dict:
    kept_by_type, kept_overall, on_time = _rates(filters, today)
    first = _monday(today)
    end = first + dt.timedelta(weeks=weeks)
    rows = [
        {
            "week": first + dt.timedelta(weeks=i),
            "promised": ZERO,
            "promised_expected": ZERO,
            "falling_due": ZERO,
            "falling_due_expected": ZERO,
        }
        for i in range(weeks)
    ]
    instalments = (
        Instalment.objects.filter(
            filters.debtors("promise__debtor__"),
            status=Instalment.Status.PENDING,
            promise__status=PromiseToPay.Status.PENDING,
            promise__currency=filters.currency,
            due_date__gte=today,
            due_date__lt=end,
        )
        .values("due_date", "promise__debtor__debtor_type")
        .annotate(left=Sum(F("amount") - F("paid_amount")))
        .order_by()
    )
    for row in instalments:
        week = rows[(row["due_date"] - first).days // 7]
        rate = kept_by_type.get(row["promise__debtor__debtor_type"], kept_overall)
        week["promised"] += row["left"]
        week["promised_expected"] += row["left"] * (rate if rate is not None else 1)
    invoices = (
        Invoice.objects.filter(
            filters.debtors("debtor__"),
            currency=filters.currency,
            open_amount__gt=0,
            due_date__gte=today,
            due_date__lt=end,
        )
        .values("due_date")
        .annotate(left=Sum(F("open_amount") - F("disputed_amount")))
        .order_by()
    )
    for row in invoices:
        week = rows[(row["due_date"] - first).days // 7]
        week["falling_due"] += row["left"]
        week["falling_due_expected"] += row["left"] * (on_time or 0)
    for week in rows:
        for key in ("promised_expected", "falling_due_expected"):
            week[key] = week[key].quantize(CENT, rounding=ROUND_HALF_UP)
        week["expected"] = week["promised_expected"] + week["falling_due_expected"]
    return {
        "weeks": rows,
        "kept_rate_by_type": kept_by_type,
        "kept_rate_overall": kept_overall,
        "on_time_share": on_time,
        "unweighted_promises": kept_overall is None,
    }

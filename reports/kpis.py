"""The manager's figures: one definition each, read from the rollups.

Every figure is for a period of company days and one currency; counts (calls,
promises, complaints, disputes) do not depend on the currency. A division by
zero gives None ("—" on the page), never 0. ``DEFINITIONS`` holds the words
shown beside each figure; ``reports.kpis_direct`` computes the same figures
straight from the base tables (for periods before the rollup window, and as
the reference the tests and the benchmark hold the rollups to).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from .filters import Filters
from .flow_read import flows
from .models import DailyAging, RollupState, TeamDailyAging
from .rollup_aging import BUCKET_KEYS

ZERO = Decimal(0)
OVERDUE_KEYS = BUCKET_KEYS[1:]
OVER_90_KEYS = ("d91_180", "d181")

DEFINITIONS = {
    "ar_start": _(
        "Open receivable at the start of the first day: invoices issued before it, "
        "less payments received before it, less invoices closed before it."
    ),
    "ar_end": _("Open receivable at the end of the last day, by the same rule."),
    "ar_current_end": _("The part of the closing receivable not yet due on the last day."),
    "credit_sales": _("Amount of the invoices issued in the period."),
    "collected": _("Payments received in the period."),
    "recovered": _(
        "The part of the payments received in the period that settled invoices "
        "already past due on the day the payment came in."
    ),
    "recovery_rate": _("Recovered ÷ the receivable past due at the start."),
    "dso": _("Days sales outstanding: closing receivable ÷ credit sales × days in the period."),
    "best_possible_dso": _("Not-yet-due closing receivable ÷ credit sales × days in the period."),
    "average_days_delinquent": _("DSO − best possible DSO."),
    "cei": _(
        "Collection effectiveness index: (opening receivable + credit sales − closing "
        "receivable) ÷ (opening receivable + credit sales − closing not-yet-due "
        "receivable) × 100."
    ),
    "over_90_share": _("Share of the closing receivable more than 90 days past due."),
    "calls": _("Outbound call attempts."),
    "connect_rate": _("Calls answered by anyone ÷ call attempts."),
    "right_party_rate": _("Calls that reached the right person ÷ call attempts."),
    "promise_rate": _("Promises to pay made ÷ right-party contacts on any channel."),
    "promise_kept_rate": _(
        "Promises kept in full ÷ promises whose outcome fell in the period "
        "(partly kept ones count apart, not as kept)."
    ),
    "promised_amount": _("Amount promised in the period."),
    "kept_amount": _("Amount paid against the promises whose outcome fell in the period."),
    "complaint_rate": _("Contacts where the debtor complained ÷ right-party contacts."),
    "disputes_opened": _("Disputes opened in the period."),
    "disputes_resolved": _("Disputes resolved or rejected in the period."),
    "dispute_resolution_days": _(
        "Mean days from opening to resolution of the disputes resolved in the period."
    ),
}
KEYS = tuple(DEFINITIONS)
MONEY_KEYS = (
    "ar_start",
    "ar_end",
    "ar_current_end",
    "credit_sales",
    "collected",
    "recovered",
    "promised_amount",
    "kept_amount",
)


def ratio(numerator, denominator, places: str = "0.0001") -> Decimal | None:
    """numerator ÷ denominator, rounded; None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


def figures_from_sums(sums: dict, days: int) -> dict:
    """Every figure from the period's sums and the two days' receivables:
    the arithmetic, shared by the rollup path and the direct path."""
    ar_start, ar_end, current_end = sums["ar_start"], sums["ar_end"], sums["ar_current_end"]
    credit = sums["credit_sales"]
    dso = ratio(ar_end * days, credit, "0.1")
    best = ratio(current_end * days, credit, "0.1")
    kpis = {
        "ar_start": ar_start,
        "ar_end": ar_end,
        "ar_current_end": current_end,
        "credit_sales": credit,
        "collected": sums["collected"],
        "recovered": sums["recovered"],
        "recovery_rate": ratio(sums["recovered"], sums["overdue_start"]),
        "dso": dso,
        "best_possible_dso": best,
        "average_days_delinquent": None if dso is None or best is None else dso - best,
        "cei": ratio((ar_start + credit - ar_end) * 100, ar_start + credit - current_end, "0.01"),
        "over_90_share": ratio(sums["over_90_end"], ar_end),
        "calls": sums["calls"],
        "connect_rate": ratio(sums["connected"], sums["calls"]),
        "right_party_rate": ratio(sums["right_party"], sums["calls"]),
        "promise_rate": ratio(sums["promises"], sums["conversations"]),
        "promise_kept_rate": ratio(sums["promises_kept"], sums["promises_evaluated"]),
        "promised_amount": sums["promised_amount"],
        "kept_amount": sums["kept_amount"],
        "complaint_rate": ratio(sums["complaints"], sums["conversations"]),
        "disputes_opened": sums["disputes_opened"],
        "disputes_resolved": sums["disputes_resolved"],
        "dispute_resolution_days": ratio(sums["dispute_days"], sums["disputes_resolved"], "0.1"),
    }
    assert tuple(kpis) == KEYS
    return kpis


def window_start() -> dt.date | None:
    """The first day the rollups hold (None before the first rebuild)."""
    state = RollupState.objects.order_by("pk").first()
    return state.window_start if state else None


def in_window(filters: Filters, today: dt.date, first: dt.date | None = None) -> bool:
    """Whether the rollups hold the period (else it is computed live)."""
    first = first or window_start()
    return bool(
        first and filters.date_from - dt.timedelta(days=1) >= first and filters.date_to <= today
    )


def flow_sums(filters: Filters) -> dict:
    """The period's flows: counts from the count rows, money in the currency."""
    return flows(filters, filters.date_from, filters.date_to)[None]


def receivable_on(filters: Filters, days: list[dt.date]) -> dict:
    """Day → {bucket key: amount} at the end of each day, in the currency
    (from the team rows unless collectors must be told apart)."""
    rows = (
        (DailyAging if filters.needs_collector else TeamDailyAging)
        .objects.filter(filters.rows(), currency=filters.currency, day__in=days)
        .values("day")
        .annotate(**{k: Sum(k) for k in BUCKET_KEYS})
        .order_by()
    )
    out = {day: dict.fromkeys(BUCKET_KEYS, ZERO) for day in days}
    for row in rows:
        out[row["day"]] = {k: row[k] or ZERO for k in BUCKET_KEYS}
    return out


def sums_with_receivable(flows: dict, start: dict, end: dict) -> dict:
    return {
        **flows,
        "ar_start": sum(start.values(), ZERO),
        "overdue_start": sum((start[k] for k in OVERDUE_KEYS), ZERO),
        "ar_end": sum(end.values(), ZERO),
        "ar_current_end": end["current"],
        "over_90_end": sum((end[k] for k in OVER_90_KEYS), ZERO),
    }


def kpis_from_rollups(filters: Filters) -> dict:
    """Every figure in two queries, whatever the book's size."""
    before = filters.date_from - dt.timedelta(days=1)
    aging = receivable_on(filters, [before, filters.date_to])
    sums = sums_with_receivable(flow_sums(filters), aging[before], aging[filters.date_to])
    return figures_from_sums(sums, filters.days)


def previous_kpis(filters: Filters, *, today: dt.date) -> dict:
    """The figures of the period before, for the change; every figure None
    (shown "—") when that period lies before the rollup window."""
    return kpis(filters.previous(), today=today, live=False) or dict.fromkeys(KEYS)


def kpis(filters: Filters, *, today: dt.date, live: bool = True) -> dict | None:
    """The figures, from the rollups when they hold the period, else computed
    live from the base tables, or None when ``live`` is False (a comparison
    period before the window is not worth a slow page)."""
    if in_window(filters, today):
        return kpis_from_rollups(filters)
    if not live:
        return None
    from .kpis_direct import kpis_direct

    return kpis_direct(filters)

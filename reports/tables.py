"""The tables behind the manager's pages, read from the rollups: the
13-month trend, aging over time and roll rates, one row per collector and per
debtor type, and the weekday × hour heatmap. Each is a fixed number of
queries whatever the size of the book; money is always in one currency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Sum

from accounts.models import User
from debtors.models import DebtorType
from followups.timing_calendar import Calendar
from followups.timing_weights import prior_rate

from .filters import Filters
from .flow_read import empty, flows
from .kpis import (
    KEYS,
    ZERO,
    figures_from_sums,
    ratio,
    receivable_on,
    sums_with_receivable,
    window_start,
)
from .models import ContactHour, DailyAging, MonthlyRoll, TeamMonthlyRoll
from .rollup_aging import BUCKET_KEYS, month_ends

TREND_MONTHS = 13


def months_back(last_day: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """``months`` calendar months ending with ``last_day``'s (that month cut
    at ``last_day``), oldest first."""
    out = []
    end = last_day
    for _ in range(months):
        start = end.replace(day=1)
        out.append((start, end))
        end = start - dt.timedelta(days=1)
    return out[::-1]


@dataclass(frozen=True)
class Months:
    """The reads behind the trend, shared with the page's other figures:
    the months (oldest first, the last cut at the period's end), the
    receivable at the end of each month and of the day before each, and
    each month's flows."""

    periods: list[tuple[dt.date, dt.date]]
    aging: dict
    flows: dict


def read_months(filters: Filters, months: int = TREND_MONTHS) -> Months:
    periods = months_back(filters.date_to, months)
    days = sorted({p[0] - dt.timedelta(days=1) for p in periods} | {p[1] for p in periods})
    return Months(
        periods=periods,
        aging=receivable_on(filters, days),
        flows=flows(filters, periods[0][0], periods[-1][1], by="month"),
    )


def period_sums(filters: Filters, read: Months) -> dict | None:
    """The period's sums (``reports.kpis.sums_with_receivable``) added up from
    the months already read, when the period starts on a first of the month
    they cover; else None (read them with ``reports.kpis``)."""
    start = filters.date_from
    if start.day != 1 or start < read.periods[0][0] or filters.date_to != read.periods[-1][1]:
        return None
    total = empty()
    for month, sums in read.flows.items():
        if month >= start:
            for key, value in sums.items():
                total[key] += value
    before = start - dt.timedelta(days=1)
    return sums_with_receivable(total, read.aging[before], read.aging[filters.date_to])


def trend(filters: Filters, months: int = TREND_MONTHS, read: Months | None = None) -> list[dict]:
    """Every figure for each of the last ``months`` months (to the period's
    end), oldest first: collected and recovered, DSO, CEI, over-90 share…"""
    read = read or read_months(filters, months)
    first = window_start()
    out = []
    for start, end in read.periods:
        period = replace(filters, date_from=start, date_to=end)
        if first is None or start - dt.timedelta(days=1) < first:
            # Before the rollup window: shown as a gap, not as zeros.
            out.append({"month": start, **dict.fromkeys(KEYS)})
            continue
        sums = sums_with_receivable(
            read.flows.get(start, empty()),
            read.aging[start - dt.timedelta(days=1)],
            read.aging[end],
        )
        out.append({"month": start, **figures_from_sums(sums, period.days)})
    return out


def aging_over_time(
    filters: Filters, months: int = TREND_MONTHS, read: Months | None = None
) -> list[dict]:
    """The receivable per bucket at each month's end (the last at the
    period's end), oldest first."""
    ends = [end for _start, end in months_back(filters.date_to, months)]
    aging = read.aging if read else receivable_on(filters, ends)
    first = window_start()
    return [
        {"day": end, **aging[end], "total": sum(aging[end].values(), ZERO)}
        if first is not None and end >= first
        else {"day": end, **dict.fromkeys(BUCKET_KEYS), "total": None}
        for end in ends
    ]


def roll_rates(filters: Filters, months: int = TREND_MONTHS - 1) -> list[dict]:
    """For each bucket: of the money it held at a month's end, the share in a
    later bucket a month on (rolled) and the share paid or closed by then;
    summed over the last ``months`` complete month pairs up to the period's end."""
    ends = month_ends(filters.date_to - dt.timedelta(days=31 * (months + 1)), filters.date_to)
    first = ends[-months - 1] if len(ends) > months else (ends[0] if ends else filters.date_to)
    table = MonthlyRoll if filters.needs_collector else TeamMonthlyRoll
    rows = (
        table.objects.filter(
            filters.rows(), currency=filters.currency, month__gte=first, month__lt=filters.date_to
        )
        .values("bucket")
        .annotate(opening=Sum("opening"), rolled=Sum("rolled"), paid=Sum("paid"))
        .order_by()
    )
    by_bucket = {r["bucket"]: r for r in rows}
    out = []
    for key in BUCKET_KEYS[:-1]:
        row = by_bucket.get(key, {"opening": ZERO, "rolled": ZERO, "paid": ZERO})
        out.append(
            {
                "bucket": key,
                "opening": row["opening"],
                "rolled_rate": ratio(row["rolled"], row["opening"]),
                "paid_rate": ratio(row["paid"], row["opening"]),
            }
        )
    return out


def _row(flows: dict, overdue: Decimal = ZERO) -> dict:
    return {
        "calls": flows["calls"],
        "connect_rate": ratio(flows["connected"], flows["calls"]),
        "right_party_rate": ratio(flows["right_party"], flows["calls"]),
        "promises": flows["promises"],
        "promise_rate": ratio(flows["promises"], flows["conversations"]),
        "promises_kept": flows["promises_kept"],
        "promises_partly_kept": flows["promises_partly_kept"],
        "promises_broken": flows["promises_broken"],
        "promise_kept_rate": ratio(flows["promises_kept"], flows["promises_evaluated"]),
        "collected": flows["collected"],
        "recovered": flows["recovered"],
        "complaints": flows["complaints"],
        "complaint_rate": ratio(flows["complaints"], flows["conversations"]),
        "overdue_end": overdue,
    }


def _overdue_by(filters: Filters, field: str) -> dict:
    rows = (
        DailyAging.objects.filter(filters.rows(), currency=filters.currency, day=filters.date_to)
        .values(field)
        .annotate(**{k: Sum(k) for k in BUCKET_KEYS[1:]})
        .order_by()
    )
    return {r[field]: sum((r[k] or ZERO for k in BUCKET_KEYS[1:]), ZERO) for r in rows}


def per_collector(filters: Filters) -> list[dict]:
    """One row per collector with debtors in the scope (figures follow the
    debtor: a collector's row counts the work on the debtors assigned to them)."""
    by_collector = flows(filters, filters.date_from, filters.date_to, by="collector_id")
    overdue = _overdue_by(filters, "collector_id")
    ids = set(by_collector) | set(overdue)
    people = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    rows = []
    for pk in ids:
        user = people.get(pk)
        rows.append(
            {
                "collector_id": pk,
                "collector": user.display_name if user else "",
                **_row(by_collector.get(pk, empty()), overdue.get(pk, ZERO)),
            }
        )
    return sorted(rows, key=lambda r: (r["collector"] == "", r["collector"].lower()))


def per_type(filters: Filters) -> list[dict]:
    """One row per debtor type; ``most_overdue`` and ``most_broken`` mark the
    types holding the most overdue money and the most broken promises."""
    by_type = flows(filters, filters.date_from, filters.date_to, by="debtor_type")
    overdue = _overdue_by(filters, "debtor_type")
    rows = [
        {
            "debtor_type": t,
            "label": str(label),
            **_row(by_type.get(t, empty()), overdue.get(t, ZERO)),
        }
        for t, label in DebtorType.choices
    ]
    for mark, field in (("most_overdue", "overdue_end"), ("most_broken", "promises_broken")):
        top = max(rows, key=lambda r: r[field])
        for row in rows:
            row[mark] = bool(top[field]) and row is top
    return rows


def heatmap(filters: Filters) -> dict:
    """Right-party rate by weekday (0 Monday) and hour of the debtor's
    clock, beside the rule-based prior the timing engine starts from."""
    rows = (
        ContactHour.objects.filter(filters.rows(), day__range=(filters.date_from, filters.date_to))
        .values("weekday", "hour")
        .annotate(calls=Sum("calls"), rp=Sum("right_party"), n=Count("id"))
        .order_by()
    )
    measured = {(r["weekday"], r["hour"]): (r["calls"], r["rp"]) for r in rows}
    hours = sorted({h for _w, h in measured} | set(range(8, 19)))
    calendar = Calendar()
    cells = []
    for weekday in range(7):
        for hour in hours:
            calls, rp = measured.get((weekday, hour), (0, 0))
            prior = sum(prior_rate(calendar, weekday, hour * 3600 + q * 900) for q in range(4)) / 4
            cells.append(
                {
                    "weekday": weekday,
                    "hour": hour,
                    "calls": calls,
                    "right_party": rp,
                    "rate": ratio(rp, calls),
                    "prior": Decimal(str(round(prior, 4))),
                }
            )
    return {"hours": hours, "cells": cells}

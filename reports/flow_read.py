"""Reading a period's flows: its whole calendar months from ``MonthlyFlow``
(or ``TeamMonthlyFlow`` when no collector is asked for), the days at either
end from ``DailyFlow``.

A ``MonthlyFlow`` row is the sum of its month's ``DailyFlow`` rows
(:func:`month_rows` makes one from the other, in ``reports.rollups``), so a
period reads the same figures either way; a year is twelve rows per cell
instead of 365. Money is summed from the rows in the asked currency, counts
from the blank-currency rows, in one query per table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from .filters import Filters
from .models import DailyFlow, MonthlyFlow, TeamMonthlyFlow
from .rollup_flows import COUNT_FIELDS, MONEY_FIELDS

FLOW_FIELDS = (*MONEY_FIELDS, *COUNT_FIELDS)
DAY = dt.timedelta(days=1)
ZERO = Decimal(0)
Span = tuple[dt.date, dt.date]


def empty() -> dict:
    return {**dict.fromkeys(COUNT_FIELDS, 0), **dict.fromkeys(MONEY_FIELDS, ZERO)}


def split(first: dt.date, last: dt.date) -> tuple[Span | None, list[Span]]:
    """The whole months inside ``first``…``last`` (first day of the first,
    first day of the last) and the spans of days left at either end."""
    start = first if first.day == 1 else _next_month(first)
    stop = (last + DAY).replace(day=1)  # the day after the last whole month
    if start >= stop:
        return None, [(first, last)]
    ends = []
    if first < start:
        ends.append((first, start - DAY))
    if stop <= last:
        ends.append((stop, last))
    return (start, (stop - DAY).replace(day=1)), ends


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def flows(filters: Filters, first: dt.date, last: dt.date, by: str | None = None) -> dict:
    """The flows from ``first`` to ``last`` in the filters' scope and
    currency: ``{group: sums}`` grouped by ``by`` (a cell column or
    ``"month"``: the first day of the month), or ``{None: sums}``."""
    months, ends = split(first, last)
    counts, money = Q(currency=""), Q(currency=filters.currency)
    sums = {
        **{f: Sum(f, filter=counts) for f in COUNT_FIELDS},
        **{f: Sum(f, filter=money) for f in MONEY_FIELDS},
    }
    cond = filters.rows() & (counts | money)
    sources = []
    if months:
        # A team's rows hold the answer unless collectors must be told apart.
        monthly = (
            MonthlyFlow if filters.needs_collector or by == "collector_id" else TeamMonthlyFlow
        )
        sources.append(monthly.objects.filter(cond, month__range=months))
    if ends:
        days = Q()
        for span in ends:
            days |= Q(day__range=span)
        rows = DailyFlow.objects.filter(cond, days)
        sources.append(rows.annotate(month=TruncMonth("day")) if by == "month" else rows)
    out: dict = {}
    for rows in sources:
        for row in _grouped(rows, by, sums):
            key = _key(row.pop(by)) if by else None
            _add(out.setdefault(key, empty()), row)
    if by is None:
        out.setdefault(None, empty())
    return out


def _grouped(rows, by: str | None, sums: dict) -> Iterable[dict]:
    if by is None:
        return [rows.aggregate(**sums)]
    return rows.values(by).annotate(**sums).order_by()


def _key(value):
    return value.date() if isinstance(value, dt.datetime) else value


def _add(target: dict, row: dict) -> None:
    for k, v in row.items():
        if v:
            target[k] += v


def month_rows(cell: dict, since: dt.date) -> Iterable[tuple]:
    """The ``MonthlyFlow`` rows (in ``reports.rollups.MONTH_FLOW_COLUMNS``
    order) of the cells matching ``cell`` for the months from ``since``'s on,
    summed from ``DailyFlow``."""
    rows = (
        DailyFlow.objects.filter(day__gte=since.replace(day=1), **cell)
        .annotate(month=TruncMonth("day"))
        .values("month", "team_id", "collector_id", "debtor_type", "currency")
        .annotate(**{f: Sum(f) for f in FLOW_FIELDS})
        .order_by()
    )
    for row in rows:
        yield (
            _key(row["month"]),
            row["team_id"],
            row["collector_id"],
            row["debtor_type"],
            row["currency"],
            *(row[f] for f in FLOW_FIELDS),
        )


def team_month_rows(team_type: dict, since: dt.date) -> Iterable[tuple]:
    """The ``TeamMonthlyFlow`` rows (``reports.rollups.TEAM_FLOW_COLUMNS``
    order) of the teams and types matching ``team_type`` for the months from
    ``since``'s on, summed from ``MonthlyFlow``."""
    rows = (
        MonthlyFlow.objects.filter(month__gte=since.replace(day=1), **team_type)
        .values("month", "team_id", "debtor_type", "currency")
        .annotate(**{f: Sum(f) for f in FLOW_FIELDS})
        .order_by()
    )
    for row in rows:
        yield (
            row["month"],
            row["team_id"],
            row["debtor_type"],
            row["currency"],
            *(row[f] for f in FLOW_FIELDS),
        )

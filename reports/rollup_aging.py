"""The open receivable per aging bucket at the end of every day of the
window, per cell and currency, from the invoices and their allocations.

Each invoice's open amount is a few steps (``debtors.as_of.segments``); each
step is cut where the invoice passes from one aging bucket to the next
(``debtors.aging.BUCKETS``), and each piece adds its amount to its bucket from
its first day and takes it away the day after its last. A running sum over
the days then gives every day's figure. Amounts are integer cents while
summing, so a million invoices take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Q

from debtors.aging import BUCKETS, bucket_for
from debtors.as_of import closed_on, segments
from debtors.models import Invoice, PaymentAllocation

from .q import through

BUCKET_KEYS = tuple(b.key for b in BUCKETS)
CENTS = Decimal(100)
CHUNK = 20_000


def _cents(value: Decimal) -> int:
    return int(value * CENTS)


@functools.lru_cache(maxsize=4096)
def _bucket_spans(due: dt.date) -> tuple[tuple[int, dt.date, dt.date], ...]:
    """(bucket index, first day, day after the last) of each bucket for an
    invoice due on ``due``."""
    spans = []
    for index, bucket in enumerate(BUCKETS):
        first = dt.date.min if bucket.low is None else due + dt.timedelta(days=bucket.low)
        after = dt.date.max if bucket.high is None else due + dt.timedelta(days=bucket.high + 1)
        spans.append((index, first, after))
    return tuple(spans)


def _rows(rows, stream: bool) -> Iterator:
    """A big read streams through a server-side cursor; a small one is read at
    once (PostgreSQL plans a cursor for its first rows, which for a few
    debtors' invoices in id order means walking the whole table)."""
    return rows.iterator(chunk_size=CHUNK) if stream else iter(list(rows))


def _allocations(invoice_filter: Q, stream: bool) -> Iterator[tuple[int, dt.date, Decimal]]:
    """(invoice id, received on, amount), in invoice order."""
    rows = (
        PaymentAllocation.objects.filter(through(invoice_filter, "invoice__"))
        .order_by("invoice_id")
        .values_list("invoice_id", "payment__received_on", "amount")
    )
    return _rows(rows, stream)


class AgingGrid:
    """Bucket deltas per (cell, currency) over the days of a window, then
    running sums."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first, self.last = first, last
        self.days = (last - first).days + 1
        self.deltas: dict[tuple, list[list[int]]] = {}
        self.month_ends = month_ends(first, last)
        # (key, month end, bucket index) → [opening, rolled, paid] in cents
        self.rolls: dict[tuple, list[int]] = {}

    def add_rolls(self, key: tuple, due: dt.date, steps: list) -> None:
        """Follow the invoice from each month end to the next."""
        if not steps or steps[0][2] < 0:
            return  # nothing open, or a credit note: no roll to speak of
        values = [_value_at(steps, end) for end in self.month_ends]
        for i in range(len(values) - 1):
            opening, later = values[i], values[i + 1]
            if opening <= 0:
                continue
            end, after = self.month_ends[i], self.month_ends[i + 1]
            bucket = _bucket_index(due, end)
            cell = self.rolls.setdefault((key, end, bucket), [0, 0, 0])
            cell[0] += opening
            if later > 0 and _bucket_index(due, after) > bucket:
                cell[1] += min(later, opening)
            cell[2] += max(opening - later, 0)

    def roll_rows(self, since: dt.date | None = None) -> Iterator[tuple]:
        """(month end, key, bucket key, opening, rolled, paid) as Decimals."""
        for (key, end, bucket), (opening, rolled, paid) in self.rolls.items():
            if since is None or end >= since - dt.timedelta(days=31):  # see rollups._roll_since
                yield (
                    end,
                    key,
                    BUCKET_KEYS[bucket],
                    *(Decimal(v) / CENTS for v in (opening, rolled, paid)),
                )

    def _grid(self, key: tuple) -> list[list[int]]:
        grid = self.deltas.get(key)
        if grid is None:
            grid = self.deltas[key] = [[0] * (self.days + 1) for _ in BUCKETS]
        return grid

    def add_step(self, key: tuple, due: dt.date, start: dt.date, end: dt.date, value: int):
        if end <= self.first or start > self.last:
            return
        grid = None
        for index, first, after in _bucket_spans(due):
            a, b = max(start, first, self.first), min(end, after)
            if a >= b or a > self.last:
                continue
            grid = grid or self._grid(key)
            grid[index][(a - self.first).days] += value
            if b <= self.last:
                grid[index][(b - self.first).days] -= value

    def rows(self, since: dt.date | None = None) -> Iterator[tuple]:
        """(day, key, [amount per bucket]) for every day from ``since`` with
        something open, amounts as Decimals."""
        start = 0 if since is None else max(0, (since - self.first).days)
        for key, grid in self.deltas.items():
            running = [0] * len(BUCKETS)
            for offset in range(self.days):
                for index in range(len(BUCKETS)):
                    running[index] += grid[index][offset]
                if offset >= start and any(running):
                    day = self.first + dt.timedelta(days=offset)
                    yield day, key, [Decimal(v) / CENTS for v in running]


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month that ends from ``first`` to ``last``."""
    ends = []
    day = first
    while True:
        following = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = following - dt.timedelta(days=1)
        if end > last:
            return ends
        ends.append(end)
        day = following


def _value_at(steps: list, day: dt.date) -> int:
    for start, end, value in steps:
        if start <= day < end:
            return value
    return 0


def _bucket_index(due: dt.date, day: dt.date) -> int:
    return _bucket_at((day - due).days)


@functools.cache
def _bucket_at(days_past_due: int) -> int:
    return BUCKET_KEYS.index(bucket_for(days_past_due).key)


def build_aging(
    *,
    invoice_filter: Q,
    cell_of: dict[int, tuple],
    first: dt.date,
    last: dt.date,
    stream: bool = True,
) -> AgingGrid:
    """Every invoice matching ``invoice_filter`` (and issued by ``last``)
    added to a grid of the days ``first`` to ``last``. ``cell_of`` maps a
    debtor id to its cell; ``stream`` False for a few debtors (see _rows)."""
    grid = AgingGrid(first, last)
    # Closed before the window: nothing open in it (a day's margin for zones).
    start_of_first = dt.datetime.combine(first, dt.time(0), tzinfo=dt.UTC) - dt.timedelta(days=2)
    invoices = (
        Invoice.objects.filter(invoice_filter, issue_date__lte=last)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start_of_first))
        .order_by("id")
        .values_list(
            "id",
            "debtor_id",
            "currency",
            "amount",
            "open_amount",
            "issue_date",
            "due_date",
            "closed_at",
        )
    )
    allocations = _allocations(invoice_filter, stream)
    pending = next(allocations, None)
    for (
        inv_id,
        debtor_id,
        currency,
        amount,
        open_amount,
        issued,
        due,
        closed_at,
    ) in _rows(invoices, stream):
        mine = []
        while pending is not None and pending[0] <= inv_id:
            if pending[0] == inv_id:
                mine.append((pending[1], _cents(pending[2])))
            pending = next(allocations, None)
        key = (*cell_of[debtor_id], currency)
        steps = segments(
            amount=_cents(amount),
            open_amount=_cents(open_amount),
            issue_date=issued,
            closed=closed_on(closed_at),
            allocations=mine,
        )
        for start, end, value in steps:
            grid.add_step(key, due, start, end, value)
        grid.add_rolls(key, due, steps)
    return grid


def bucket_columns(amounts: Iterable[Decimal]) -> dict[str, Decimal]:
    return dict(zip(BUCKET_KEYS, amounts, strict=True))

"""How the nightly run would have judged the demo's promises.

The engine's rules (`followups.services`: payments on or after the day a
promise was made count toward it, oldest promise first, filling instalments in
order; kept within a tolerance of 1 % or 1.00; partly kept once a due date
passes with some money in; broken `grace` days after a due date with none) are
replayed here in integer cents, night by night over the debtor's payments.
Kept and broken are final, as in the engine. So the statuses and kept amounts
the demo writes are the ones the next nightly evaluation finds already in
place, and `evaluated_on` is the night a promise's outcome was last decided.

Pure Python, no database.
"""

from __future__ import annotations

import datetime as dt

DAY = dt.timedelta(days=1)
PENDING, KEPT, PARTLY_KEPT, BROKEN = "pending", "kept", "partly_kept", "broken"
OPEN = (PENDING, PARTLY_KEPT)  # the statuses the nightly run evaluates again


class _Promise:
    """A promise as the generator made it, and what the judge found."""

    __slots__ = (
        "id",
        "interaction_id",
        "contact_id",
        "created_at",
        "made_on",
        "dues",
        "amounts",
        "instalment_ids",
        "reminder",
        "paid",
        "statuses",
        "status",
        "kept",
        "evaluated_on",
    )

    def __init__(
        self,
        *,
        id_: int,
        interaction_id: int,
        contact_id: int,
        created_at: dt.datetime,
        dues: list[dt.date],
        amounts: list[int],
        instalment_ids: list[int],
        reminder: str,
    ) -> None:
        self.id = id_
        self.interaction_id = interaction_id
        self.contact_id = contact_id
        self.created_at = created_at
        # The engine's "made on" is the promise's date in the server's zone (UTC).
        self.made_on = created_at.astimezone(dt.UTC).date()
        self.dues = dues
        self.amounts = amounts
        self.instalment_ids = instalment_ids
        self.reminder = reminder
        self.paid = [0] * len(amounts)
        self.statuses = [PENDING] * len(amounts)
        self.status = PENDING
        self.kept = 0
        self.evaluated_on: dt.date | None = None

    @property
    def total(self) -> int:
        return sum(self.amounts)


def tolerance(cents: int) -> int:
    """1 % or 1.00, whichever is smaller, in whole cents (paid amounts are whole
    cents, so this is exactly the engine's Decimal comparison)."""
    return min(cents // 100, 100)


def instalment_status(amount: int, paid: int, due: dt.date, today: dt.date, grace: int) -> str:
    if paid >= amount - tolerance(amount):
        return KEPT
    if paid > 0:
        return PARTLY_KEPT if due < today else PENDING
    if due + grace * DAY < today:
        return BROKEN
    return PENDING


def promise_status(statuses: list[str], paid: int) -> str:
    if all(s == KEPT for s in statuses):
        return KEPT
    if paid > 0:
        return PARTLY_KEPT
    if BROKEN in statuses:
        return BROKEN
    return PENDING


def _nights(
    promises: list[_Promise], payments: list[tuple[dt.date, int]], today: dt.date, grace: int
) -> list[dt.date]:
    """The nights on which an evaluation can change something: a first due date
    (the debtor is picked up), the day after a due date (partly kept), the day
    a broken instalment is decided, the day after money came, and today."""
    first = min(p.made_on for p in promises)
    nights = {today}
    for p in promises:
        nights.add(p.dues[0])
        for due in p.dues:
            nights.add(due + DAY)
            nights.add(due + (grace + 1) * DAY)
    for day, _cents in payments:
        nights.add(day + DAY)
    return sorted(n for n in nights if first < n <= today)


def _judge_one(p: _Promise, pool: list[list], night: dt.date, grace: int) -> None:
    """Count this promise's money out of the pool and set its statuses."""
    entries = [entry for entry in pool if entry[0] >= p.made_on]
    counted = min(sum(entry[1] for entry in entries), p.total)
    left = counted
    for entry in entries:
        take = min(entry[1], left)
        entry[1] -= take
        left -= take
    money = counted
    paid, statuses = [], []
    for amount, due in zip(p.amounts, p.dues, strict=True):
        share = min(amount, money)
        money -= share
        paid.append(share)
        statuses.append(instalment_status(amount, share, due, night, grace))
    status = promise_status(statuses, counted)
    if (status, counted) != (p.status, p.kept):
        p.evaluated_on = night
    p.paid, p.statuses, p.status, p.kept = paid, statuses, status, counted


def judge(
    promises: list[_Promise], payments: list[tuple[dt.date, int]], *, today: dt.date, grace: int
) -> None:
    """Replay the nightly evaluations up to `today` (payments count from the
    night after they were received). `promises` in the order they were made."""
    if not promises:
        return
    payments = sorted(payments)
    for night in _nights(promises, payments, today, grace):
        live = [p for p in promises if p.status in OPEN and p.made_on < night]
        if not any(p.dues[0] <= night for p in live):
            continue  # the nightly run only picks debtors with something due
        since = min(p.made_on for p in live)
        pool = [[day, cents] for day, cents in payments if since <= day < night]
        for p in live:
            _judge_one(p, pool, night, grace)

"""The call queue: today's work for one person, ranked, with the reasons shown.

A queue item is a debtor with an open call or visit assigned to the user and
due by the end of the user's day. The database orders candidates by what
matters most (the reason, then overdue amount x age, from summary columns and
indexes); the top few hundred are then checked against the contact policy at
this moment and re-ranked with the "good moment now" signal from the timing
engine. Its cost does not grow with invoices, and barely with the portfolio.

Claims: **Next** claims the best item for one browser session (``holder``)
under a lease, so two sessions or two people never work the same debtor at
once. Claiming locks the candidate debtor rows with ``SKIP LOCKED`` and writes
the claim with an upsert that only takes an expired claim or one's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from collections_crm.lib.zones import day_bounds
from debtors import aging
from debtors.models import Channel, Debtor, DebtorType

from . import policy, timing
from .models import REASON_RANK, DebtorClaim, FollowUp
from .queue_sql import QUEUE_ACTIONS, candidate_rows, day_counters  # noqa: F401 (read here by the bench)

CLAIM_LEASE = dt.timedelta(minutes=15)
NEXT_TRIES = 20
CANDIDATES = 30  # read in index order, checked against the policy, re-ranked
PAGE = 20
CALLBACK_WINDOW = dt.timedelta(minutes=30)

# What each reason is worth in the ranking (stored on the row as its rank).
REASON_POINTS = REASON_RANK
CALLBACK_NOW_POINTS = 300
_CHIP_LABELS = {
    "callback_now": gettext_lazy("Asked to be called now"),
    "promise_today": gettext_lazy("Promise due today"),
    "good_now": gettext_lazy("Good moment now"),
}
_REASON_LABELS = dict(FollowUp.Reason.choices)
_TYPE_LABELS = dict(DebtorType.choices)
GOOD_MOMENT_POINTS = 150
NOT_NOW_POINTS = -1000
PROMISE_DUE_TODAY_POINTS = 500
# Types that need the collector's attention first when all else is equal.
TYPE_POINTS = {
    DebtorType.STALLING: 40,
    DebtorType.HARDSHIP: 30,
    DebtorType.FORGETFUL: 20,
    DebtorType.DISPUTE: 10,
    DebtorType.UNKNOWN: 25,
}


def bucket_choices() -> list[tuple[str, str]]:
    """The days-past-due filter's options (``debtors.aging``'s buckets, on the
    debtor's ``max_days_past_due``): (key, label in the reader's language)."""
    return [(b.key, str(b.label)) for b in aging.BUCKETS]


def _days_past_due(bucket_key: str) -> tuple[int | None, int | None] | None:
    bucket = aging.bucket_named(bucket_key)
    return None if bucket is None else (bucket.low, bucket.high)


@dataclass(frozen=True)
class QueueFilters:
    debtor_type: str = ""
    bucket: str = ""
    open_now: bool = False


@dataclass
class Chip:
    """One reason an item is where it is; the label is made when shown (only
    the page's items are)."""

    code: str
    points: int
    value: object = None

    @property
    def label(self) -> str:
        if self.code in _REASON_LABELS:  # every reason, ranked or not
            return str(_REASON_LABELS[self.code])
        if self.code == "type":
            return str(_TYPE_LABELS[self.value])
        if self.code == "overdue":
            return _("%(days)s days overdue") % {"days": self.value}
        if self.code == "not_now":
            return str(self.value)
        return str(_CHIP_LABELS[self.code])


@dataclass
class QueueItem:
    followup: FollowUp
    debtor: Debtor
    score: int
    chips: list[Chip] = field(default_factory=list)
    local_time: dt.datetime | None = None
    good_now: bool = False
    callable_now: bool = True
    claimed_by_me: bool = False
    # For the page: made once per page (_for_the_page), not per item in the template.
    link: str = ""
    their_time: str = ""


@dataclass
class Queue:
    items: list[QueueItem]
    left: int
    done_today: int
    promised_today: int
    promised_amounts: dict[str, Decimal]


def _day_bounds(user: User, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The user's own calendar day around ``now``."""
    return day_bounds(user, now)


def _chips_for(followup, debtor, now, promise_due_today: bool, moment) -> list[Chip]:
    chips = [Chip(followup.reason, REASON_POINTS.get(followup.reason, 0))]
    if (
        followup.reason == FollowUp.Reason.CALLBACK
        and abs(followup.due_at - now) <= CALLBACK_WINDOW
    ):
        chips.append(Chip("callback_now", CALLBACK_NOW_POINTS))
    if promise_due_today:
        chips.append(Chip("promise_today", PROMISE_DUE_TODAY_POINTS))
    if moment is not None:
        chips.append(Chip("good_now", GOOD_MOMENT_POINTS))
    if debtor.overdue_balance > 0:
        chips.append(
            Chip("overdue", min(debtor.priority_score // 100, 200), debtor.max_days_past_due)
        )
    chips.append(Chip("type", TYPE_POINTS.get(debtor.debtor_type, 0), debtor.debtor_type))
    return chips


@dataclass
class _Candidates:
    """The candidate rows boiled down: each debtor's most urgent follow-up and
    what the rows said about that debtor."""

    best: list[FollowUp] = field(default_factory=list)
    mine: set[int] = field(default_factory=set)  # claimed by this holder, lease live
    promise_today: set[int] = field(default_factory=set)
    with_override: list[int] = field(default_factory=list)


def _candidates(rows, *, holder: str, now: dt.datetime) -> _Candidates:
    """One item per debtor (the rows come most urgent first)."""
    found = _Candidates()
    seen: set[int] = set()
    for row in rows:
        followup, debtor = row.followup, row.debtor
        if debtor.id in seen:
            continue
        seen.add(debtor.id)
        debtor.pk = debtor.id
        followup.debtor = debtor
        followup.action_label = _ACTION_LABELS.get(followup.action, followup.action)
        found.best.append(followup)
        expires = row.claim_expires_at
        if holder and row.claim_holder == holder and expires and expires > now:
            found.mine.add(debtor.id)
        if row.has_override:
            found.with_override.append(debtor.id)
        if row.promise_due_today:
            found.promise_today.add(debtor.id)
    return found


_HARD_BLOCKS = ("quiet_hours", "quiet_day", "conversation_gap", "no_contact", "channel_blocked")


def _is_hard(violation) -> bool:
    """Caps reached or quiet hours: not today / not now."""
    return violation.code.startswith("cap") or violation.code in _HARD_BLOCKS


def _items(found: _Candidates, *, now: dt.datetime, filters: QueueFilters) -> list[QueueItem]:
    """The candidates checked against the contact policy at ``now``, with
    their chips and scores (unsorted)."""
    histories = policy.histories([f.debtor_id for f in found.best], now=now)
    overrides = policy.overrides_for(found.with_override)
    items: list[QueueItem] = []
    moments: dict = {}
    for followup in found.best:
        debtor = followup.debtor
        calendar = policy.calendar_for(debtor)
        limits = policy.limits_for(
            debtor, override=overrides.get(debtor.id), reason=followup.reason
        )
        blocked = timing.check(calendar, limits, histories.get(debtor.id, []), followup.action, now)
        if any(_is_hard(v) for v in blocked) or (filters.open_now and blocked):
            continue
        moment = None
        if not blocked:
            if calendar not in moments:  # debtors share calendars: score the moment once
                slot = timing.slot_at(calendar, now)
                moments[calendar] = slot if slot.prior >= GOOD_PRIOR else None
            moment = moments[calendar]
        chips = _chips_for(followup, debtor, now, debtor.id in found.promise_today, moment)
        if blocked:
            # Their office is closed or at lunch: today's work, but not now.
            chips.append(Chip("not_now", NOT_NOW_POINTS, blocked[0].message))
        items.append(
            QueueItem(
                followup=followup,
                debtor=debtor,
                score=sum(c.points for c in chips),
                chips=chips,
                local_time=now.astimezone(policy.calendar_zone(debtor)),
                good_now=moment is not None,
                callable_now=not blocked,
                claimed_by_me=debtor.id in found.mine,
            )
        )
    return items


def queue_for(
    user: User,
    *,
    now: dt.datetime | None = None,
    filters: QueueFilters | None = None,
    holder: str = "",
    limit: int = PAGE,
) -> Queue:
    """The user's queue at ``now``: ranked items with chips and the day's counters.
    A fixed number of queries whatever the portfolio or invoice count."""
    now = now or timezone.now()
    filters = filters or QueueFilters()
    start, end = _day_bounds(user, now)
    rows = candidate_rows(
        user,
        now=now,
        end=end,
        day=timezone.localdate(now),
        holder=holder,
        followup_fields=_FOLLOWUP_FIELDS,
        debtor_fields=_DEBTOR_FIELDS,
        limit=CANDIDATES,
        debtor_type=filters.debtor_type,
        days_past_due=_days_past_due(filters.bucket),
    )
    items = _items(_candidates(rows, holder=holder, now=now), now=now, filters=filters)
    items.sort(key=lambda i: (-i.score, i.followup.due_at, i.debtor.id))
    items = items[:limit]
    _for_the_page(items)
    counters = day_counters(user, start=start, end=end)
    return Queue(
        items=items,
        left=counters.left,  # one cheap count: the same queries for every portfolio
        done_today=counters.done_today,
        promised_today=counters.promised_today,
        promised_amounts=counters.promised_amounts,
    )


def _for_the_page(items: list[QueueItem]) -> None:
    """The debtor's link and local time of each item, with one reverse() and
    one translation for the page instead of one of each per item."""
    if not items:
        return
    marker = "00000000-0000-0000-0000-000000000000"
    link = reverse("desk:debtor", kwargs={"public_id": marker})
    their_time = _("%(time)s their time")
    for item in items:
        item.link = link.replace(marker, str(item.debtor.public_id))
        # local_time is in the debtor's zone already: shown as it is, not in the reader's.
        item.their_time = their_time % {"time": item.local_time.strftime("%H:%M")}


GOOD_PRIOR = 0.7
_FOLLOWUP_FIELDS = ("id", "public_id", "reason", "action", "due_at", "status", "debtor_id")
_ACTION_LABELS = dict(Channel.choices)
_DEBTOR_FIELDS = (
    *policy.DEBTOR_FIELDS,
    "public_id",
    "name",
    "overdue_balance",
    "max_days_past_due",
    "currency",
)


# ------------------------------------------------------------------ claims


def claim_release(*, user: User, holder: str, debtor_id: int | None = None) -> int:
    """Give back this holder's claims (one debtor's, or all)."""
    qs = DebtorClaim.objects.filter(user=user, holder=holder)
    if debtor_id is not None:
        qs = qs.filter(debtor_id=debtor_id)
    return qs.delete()[0]


def claim_take(*, user: User, holder: str, debtor: Debtor, now=None) -> bool:
    """Claim one debtor for this holder unless someone else holds a live claim."""
    now = now or timezone.now()
    table = DebtorClaim._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (debtor_id, user_id, holder, claimed_at, expires_at)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (debtor_id) DO UPDATE
               SET user_id = excluded.user_id, holder = excluded.holder,
                   claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
             WHERE {table}.expires_at <= %s OR {table}.holder = excluded.holder
            RETURNING id
            """,
            [debtor.pk, user.pk, holder, now, now + CLAIM_LEASE, now],
        )
        return cursor.fetchone() is not None


def queue_next(
    *, user: User, holder: str, now=None, filters: QueueFilters | None = None
) -> QueueItem | None:
    """Release this holder's claims and claim the best item nobody else holds."""
    now = now or timezone.now()
    with transaction.atomic():
        claim_release(user=user, holder=holder)
        queue = queue_for(user, now=now, filters=filters, holder=holder, limit=CANDIDATES)
        if not queue.items:
            return None
        for item in [i for i in queue.items if i.callable_now][:NEXT_TRIES]:
            # Lock this one candidate; a row another session is claiming at
            # this moment is skipped, not waited for. The upsert then refuses
            # a debtor someone else claimed a moment ago.
            free = (
                Debtor.objects.select_for_update(skip_locked=True)
                .filter(id=item.debtor.id)
                .values_list("id", flat=True)
            )
            if free and claim_take(user=user, holder=holder, debtor=item.debtor, now=now):
                item.claimed_by_me = True
                return item
    return None

"""Reads of follow-ups for pages, API and reports: a debtor's timeline, their
planned steps, the call due today and the next step."""

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import islice

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from collections_crm.lib.money import money_text
from collections_crm.lib.zones import day_bounds
from debtors.models import Channel, Debtor

from . import planning
from .models import FollowUp, Instalment


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    amount: Decimal | None = None
    currency: str = ""
    user: str = ""  # the person's display name


def debtor_timeline(*, debtor: Debtor, limit: int = 30) -> list[TimelineEntry]:
    """Interactions, promises, payments and disputes, newest first, in a fixed
    number of queries whatever the history's length."""
    entries: list[TimelineEntry] = []
    for i in debtor.interactions.select_related("user")[:limit]:
        entries.append(
            TimelineEntry(
                at=i.started_at,
                kind="interaction",
                title=f"{i.get_channel_display()} · {i.get_outcome_display()}",
                detail=i.notes,
                user=i.user.display_name if i.user else "",
            )
        )
    promises = debtor.promises.select_related("made_by").prefetch_related(
        Prefetch("instalments", queryset=Instalment.objects.order_by("sequence"))
    )[:limit]
    for p in promises:
        entries.append(
            TimelineEntry(
                at=p.created_at,
                kind="promise",
                title=p.get_status_display(),
                detail=", ".join(
                    f"{x.due_date:%Y-%m-%d} {money_text(x.amount, p.currency)}"
                    for x in p.instalments.all()
                ),
                amount=p.total_amount,
                currency=p.currency,
                user=p.made_by.display_name if p.made_by else "",
            )
        )
    for pay in debtor.payments.all()[:limit]:
        at = timezone.make_aware(datetime.combine(pay.received_on, datetime.min.time()))
        entries.append(
            TimelineEntry(
                at=at,
                kind="payment",
                title=pay.get_method_display(),
                detail=pay.reference,
                amount=pay.amount,
                currency=pay.currency,
            )
        )
    for d in debtor.disputes.select_related("owner")[:limit]:
        entries.append(
            TimelineEntry(
                at=d.opened_at,
                kind="dispute",
                title=f"{d.get_category_display()} · {d.get_status_display()}",
                detail=d.description,
                amount=d.disputed_amount,
                currency=debtor.currency,
                user=d.owner.display_name if d.owner else "",
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return list(islice(entries, limit))


def debtor_planned_followups(*, debtor: Debtor, limit: int = 20) -> list[FollowUp]:
    """The debtor's open follow-ups, soonest first, with their step and assignee."""
    return list(
        FollowUp.objects.filter(debtor=debtor, status__in=FollowUp.OPEN_STATUSES)
        .select_related("assigned_to", "cadence_step", "policy_override_by")
        .order_by("due_at")[:limit]
    )


def due_followup(
    *,
    debtor: Debtor,
    user: User,
    now: dt.datetime,
    soonest: list[FollowUp] | None = None,
    limit: int = 0,
) -> FollowUp | None:
    """The debtor's open call or visit due by the end of the user's day.
    ``soonest``: the debtor's open follow-ups by due time, at most ``limit`` of
    them (the planned steps the page shows); read from them when they are all
    of them or reach past the end of the day, else in one query."""
    _start, end = day_bounds(user, now)
    if soonest is not None and (len(soonest) < limit or soonest[-1].due_at >= end):
        due = [
            f
            for f in soonest
            if f.status in FollowUp.OPEN_STATUSES
            and f.action in (Channel.CALL, Channel.VISIT)
            and f.due_at < end
        ]
        return min(due, key=lambda f: (f.due_at, f.pk), default=None)
    return (
        FollowUp.objects.filter(
            debtor=debtor,
            status__in=FollowUp.OPEN_STATUSES,
            action__in=(Channel.CALL, Channel.VISIT),
            due_at__lt=end,
        )
        .order_by("due_at", "id")
        .first()
    )


def next_step(*, debtor: Debtor) -> FollowUp | None:
    """The debtor's next planned step (a cadence step, callback, visit...), else
    their earliest open follow-up of any kind."""
    open_rows = FollowUp.objects.filter(debtor=debtor, status__in=FollowUp.OPEN_STATUSES)
    open_rows = open_rows.select_related("assigned_to", "cadence_step").order_by("due_at", "id")
    return open_rows.filter(reason__in=planning.NEXT_STEP_REASONS).first() or open_rows.first()

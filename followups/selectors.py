from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import islice

from django.db.models import Prefetch
from django.utils import timezone

from collections_crm.money import money_text
from debtors.models import Debtor

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

"""What happens to the plan when something happens to a debtor.

- Payment received: promises are evaluated; a debtor with nothing left open
  has every open follow-up cancelled but thank-yous.
- Promise made: the cadence pauses until the last instalment's date (plus the
  grace days); what it supersedes is cancelled (the scheduled cadence step and
  a call about a broken promise, ``SUPERSEDED_BY_PROMISE``); a confirmation
  goes out and a reminder is planned before each instalment.
- Promise kept: a thank-you; the pause ends (unless a newer promise holds it).
- Promise broken: the reminders left are cancelled, the pause ends (unless a
  newer promise holds it), the cadence moves one step up and a call is
  planned at the next good slot, unless a newer promise is open.
- Dispute opened or settled, type changed: the next step is planned again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from collections_crm.lib.money import money_text, quantize_money
from collections_crm.lib.zones import zone_named
from debtors.models import Channel, Contact, Debtor, DebtorType

from . import planning, policy, timing
from .models import CadenceState, FollowUp, Instalment, Interaction, PromiseToPay
from .services import grace_days

# How each type is reminded of an instalment by default.
REMINDER_CHANNELS = {
    DebtorType.FORGETFUL: Channel.SMS,
    DebtorType.HARDSHIP: Channel.SMS,
    DebtorType.DISPUTE: Channel.EMAIL,
    DebtorType.STALLING: Channel.CALL,
    DebtorType.UNKNOWN: Channel.SMS,
}
REMINDER_DAYS_BEFORE = 2
MAX_INSTALMENTS = 24


# What a new promise makes pointless: the cadence's scheduled step (the
# cadence pauses) and the call about a broken promise (a new one replaces it).
# Appointments a person made (a callback, a visit, an escalation, a dispute
# review, a follow-up planned by hand) stay; so do the reminders of another
# promise still open.
SUPERSEDED_BY_PROMISE = (FollowUp.Reason.DUNNING_STEP, FollowUp.Reason.BROKEN_PROMISE)


def followups_supersede(debtor: Debtor, reasons: Iterable[str], *, now: dt.datetime) -> list[str]:
    """Cancel the debtor's scheduled follow-ups with these reasons: an event
    made them pointless. Only scheduled ones: a call a collector has open, or
    a message being sent, finishes as it is. Returns their public ids (str)
    for the event's audit row."""
    rows = FollowUp.objects.filter(
        debtor=debtor, reason__in=list(reasons), status=FollowUp.Status.SCHEDULED
    )
    ids = [str(pk) for pk in rows.values_list("public_id", flat=True)]
    if ids:
        rows.filter(public_id__in=ids).update(status=FollowUp.Status.CANCELLED, completed_at=now)
    return ids


def reminder_channel_for(debtor: Debtor) -> str:
    return REMINDER_CHANNELS.get(debtor.debtor_type, Channel.SMS)


def _local_moment(day: dt.date, at: dt.time, tz_name: str) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=zone_named(tz_name))


def _plan_single(
    debtor: Debtor,
    *,
    action: str,
    reason: str,
    earliest: dt.datetime,
    deadline: dt.datetime,
    contact: Contact | None = None,
    promise: PromiseToPay | None = None,
    instalment: Instalment | None = None,
    assignee_id: int | None = None,
    negotiation: bool = False,
) -> FollowUp | None:
    """Create one follow-up at the best slot between earliest and deadline."""
    limits = policy.limits_for(
        debtor, override=policy.override_for(debtor), contact=contact, reason=reason
    )
    if limits.no_contact:
        return None
    action = planning._substitute(action, contact, limits.blocked_channels)
    history = policy.histories([debtor.pk], now=earliest)[debtor.pk]
    candidates = timing.slots(
        policy.calendar_for(debtor),
        limits,
        history,
        action,
        now=earliest,
        deadline=deadline,
        negotiation=negotiation,
        limit=8,
    )
    # Two instalments a day apart may want the same moment: the second takes
    # the next best one rather than none.
    taken = set(
        FollowUp.objects.filter(
            debtor=debtor,
            reason=reason,
            status__in=FollowUp.OPEN_STATUSES,
            due_at__in=[c.at for c in candidates],
        )
        .exclude(instalment=instalment, promise=promise)
        .values_list("due_at", flat=True)
    )
    slot = next((c for c in candidates if c.at not in taken), None)
    if slot is None:
        return None
    followup, _created = FollowUp.objects.get_or_create(
        debtor=debtor,
        reason=reason,
        due_at=slot.at,
        status=FollowUp.Status.SCHEDULED,
        defaults={
            "action": action,
            "slot_explain": [list(r) for r in slot.reasons],
            "promise": promise,
            "instalment": instalment,
            "assigned_to_id": assignee_id or debtor.assigned_collector_id,
            "priority": debtor.priority_score,
        },
    )
    return followup


def _validate_plan(
    debtor: Debtor, instalments: list[tuple[dt.date, Decimal]], today: dt.date, confirm: bool
) -> list[tuple[dt.date, Decimal]]:
    errors: list[str] = []
    if not instalments:
        raise ValidationError(_("Give at least one date and amount."))
    if len(instalments) > MAX_INSTALMENTS:
        raise ValidationError(_("At most %(n)d instalments.") % {"n": MAX_INSTALMENTS})
    clean = []
    for due_date, amount in instalments:
        if due_date is None or amount is None:
            errors.append(_("Every instalment needs a date and an amount."))
            continue
        amount = quantize_money(amount)
        if due_date < today:
            errors.append(
                _("%(date)s is in the past: a promise is for today or later.")
                % {"date": due_date.isoformat()}
            )
        if amount <= 0:
            errors.append(_("Every instalment must be more than zero."))
        clean.append((due_date, amount))
    dates = [day for day, _amount in clean]
    if len(set(dates)) != len(dates):
        errors.append(_("Two instalments fall on the same day: merge them."))
    total = sum((amount for _day, amount in clean), Decimal(0))
    if not errors and total > debtor.open_balance and not confirm:
        errors.append(
            _(
                "The promise (%(total)s) is more than the open balance (%(open)s). "
                "Tick the confirmation if that is right."
            )
            % {
                "total": money_text(total, debtor.currency),
                "open": money_text(debtor.open_balance, debtor.currency),
            }
        )
    if errors:
        raise ValidationError(errors)
    return sorted(clean)


@transaction.atomic
def promise_create(
    *,
    actor: User | None,
    debtor: Debtor,
    instalments: Iterable[tuple[dt.date, Decimal]],
    reminder_channel: str | None = None,
    contact: Contact | None = None,
    interaction: Interaction | None = None,
    confirm_over_balance: bool = False,
    now: dt.datetime | None = None,
) -> PromiseToPay:
    """Record a promise (one date, or an instalment plan) and re-plan around it."""
    now = now or timezone.now()
    debtor = Debtor.objects.select_for_update().get(pk=debtor.pk)
    today = timezone.localdate(now, timezone=policy.calendar_zone(debtor))
    plan = _validate_plan(debtor, list(instalments), today, confirm_over_balance)
    channel = reminder_channel or reminder_channel_for(debtor)
    if channel not in Channel.values:
        raise ValidationError({"reminder_channel": _("Choose how to remind them.")})
    if contact is not None and contact.debtor_id != debtor.pk:
        raise ValidationError({"contact": _("This person is not a contact of this debtor.")})
    promise = PromiseToPay.objects.create(
        debtor=debtor,
        interaction=interaction,
        contact=contact,
        made_by=actor if actor and actor.pk else None,
        total_amount=sum((amount for _day, amount in plan), Decimal(0)),
        currency=debtor.currency,
        reminder_channel=channel,
    )
    rows = Instalment.objects.bulk_create(
        Instalment(promise=promise, sequence=n, due_date=d, amount=a)
        for n, (d, a) in enumerate(plan, start=1)
    )
    if debtor.status == Debtor.Status.ACTIVE:
        debtor.status = Debtor.Status.PROMISED
        debtor.save(update_fields=["status", "updated_at"])
    state, _created = CadenceState.objects.select_for_update().get_or_create(
        debtor=debtor, defaults={"debtor_type": debtor.debtor_type}
    )
    state.paused_until = plan[-1][0] + dt.timedelta(days=grace_days())
    state.save(update_fields=["paused_until", "updated_at"])
    superseded = followups_supersede(debtor, SUPERSEDED_BY_PROMISE, now=now)
    target = contact or debtor.contacts.order_by("-is_primary", "name").first()
    written = channel in (Channel.SMS, Channel.EMAIL)
    if written:
        _plan_single(
            debtor,
            action=channel,
            reason=FollowUp.Reason.PROMISE_CONFIRMATION,
            earliest=now,
            deadline=now + dt.timedelta(hours=6),
            contact=target,
            promise=promise,
        )
    for instalment in rows:
        _plan_reminder(debtor, promise, instalment, channel, target, now)
    audit_record(
        actor=actor,
        action="promise.create",
        target=promise,
        after={
            "total": str(promise.total_amount),
            "instalments": [[d.isoformat(), str(a)] for d, a in plan],
            "channel": channel,
            "cancelled": superseded,
        },
    )
    planning.next_action_refresh([debtor.pk])
    return promise


def _plan_reminder(debtor, promise, instalment, channel, contact, now) -> FollowUp | None:
    """A reminder in the days before an instalment, never after its morning."""
    earliest = max(
        now,
        _local_moment(
            instalment.due_date - dt.timedelta(days=REMINDER_DAYS_BEFORE),
            dt.time(0),
            debtor.timezone,
        ),
    )
    deadline = _local_moment(instalment.due_date, dt.time(12), debtor.timezone)
    if deadline <= now:
        return None
    return _plan_single(
        debtor,
        action=channel,
        reason=FollowUp.Reason.PROMISE_REMINDER,
        earliest=earliest,
        deadline=deadline,
        contact=contact,
        promise=promise,
        instalment=instalment,
    )


def on_promise_outcomes(*, changes: list[tuple[PromiseToPay, str, str]], now=None) -> None:
    """React to promises whose status changed: (promise, before, after). Set-based;
    the thank-you and the broken-promise call are planned once this commits."""
    now = now or timezone.now()
    kept = [p for p, before, after in changes if before != after and after == "kept"]
    broken = [p for p, before, after in changes if before != after and after == "broken"]
    ended = kept + broken
    if not ended:
        return
    debtor_ids = {p.debtor_id for p in ended}
    FollowUp.objects.filter(
        promise__in=ended,
        reason=FollowUp.Reason.PROMISE_REMINDER,
        status=FollowUp.Status.SCHEDULED,
    ).update(status=FollowUp.Status.CANCELLED, completed_at=now)
    still_promised = PromiseToPay.objects.filter(
        debtor_id=OuterRef("pk"), status=PromiseToPay.Status.PENDING
    )
    # The pause ends, unless another promise still open holds it.
    holding = PromiseToPay.objects.filter(
        debtor_id=OuterRef("debtor_id"), status=PromiseToPay.Status.PENDING
    )
    CadenceState.objects.filter(debtor_id__in=debtor_ids).exclude(Exists(holding)).update(
        paused_until=None
    )
    Debtor.objects.filter(id__in=debtor_ids, status=Debtor.Status.PROMISED).exclude(
        Exists(still_promised)
    ).update(status=Debtor.Status.ACTIVE)
    if broken:
        # Escalate one step: the cadence moves on and its scheduled step goes.
        broken_ids = {p.debtor_id for p in broken}
        CadenceState.objects.bulk_create(
            [CadenceState(debtor_id=p.debtor_id, debtor_type=p.debtor.debtor_type) for p in broken],
            ignore_conflicts=True,
        )
        CadenceState.objects.filter(debtor_id__in=broken_ids).update(
            next_sequence=F("next_sequence") + 1
        )
        FollowUp.objects.filter(
            debtor_id__in=broken_ids,
            reason=FollowUp.Reason.DUNNING_STEP,
            status=FollowUp.Status.SCHEDULED,
        ).update(status=FollowUp.Status.CANCELLED, completed_at=now)
    ids = [p.pk for p in ended]

    def plan_after_commit():
        from .tasks import promise_followups_task

        promise_followups_task.delay(ids)

    transaction.on_commit(plan_after_commit, robust=True)


def _promised_since(promise: PromiseToPay) -> bool:
    """The debtor made a newer promise, still open: it replaces the call about
    this broken one."""
    return PromiseToPay.objects.filter(
        debtor_id=promise.debtor_id,
        status=PromiseToPay.Status.PENDING,
        created_at__gt=promise.created_at,
    ).exists()


def promise_followups(promise_ids: Iterable[int], *, now=None) -> int:
    """After promises ended: a thank-you for a kept one (written channels), a
    call at the next good moment for a broken one."""
    now = now or timezone.now()
    planned = 0
    promises = PromiseToPay.objects.filter(pk__in=list(promise_ids)).select_related(
        "debtor", "contact"
    )
    for promise in promises:
        debtor = promise.debtor
        contact = promise.contact or debtor.contacts.order_by("-is_primary", "name").first()
        if promise.status == PromiseToPay.Status.KEPT and promise.reminder_channel in (
            Channel.SMS,
            Channel.EMAIL,
        ):
            action, reason, negotiation = promise.reminder_channel, "promise_thanks", False
        elif promise.status == PromiseToPay.Status.BROKEN and not _promised_since(promise):
            action, reason, negotiation = Channel.CALL, "broken_promise", True
        else:
            continue
        followup = _plan_single(
            debtor,
            action=action,
            reason=reason,
            earliest=now,
            deadline=now + dt.timedelta(days=1),
            contact=contact,
            promise=promise,
            negotiation=negotiation,
        )
        planned += followup is not None
        planning.next_action_refresh([debtor.pk])
    return planned


def on_payments(debtor_ids: Iterable[int], *, now=None) -> None:
    """After payments: settled debtors need nothing more but a thank-you."""
    now = now or timezone.now()
    ids = list(debtor_ids)
    settled = list(
        Debtor.objects.filter(id__in=ids, open_balance__lte=0).values_list("id", flat=True)
    )
    if settled:
        FollowUp.objects.filter(debtor_id__in=settled, status=FollowUp.Status.SCHEDULED).exclude(
            reason=FollowUp.Reason.PROMISE_THANKS
        ).update(status=FollowUp.Status.CANCELLED, completed_at=now)
    planning.next_action_refresh(ids)


def on_debtors_changed(debtor_ids: Iterable[int], *, what: str = "") -> None:
    """A dispute or the debtor's type changed: plan the next step again."""
    planning.plan_debtors(debtor_ids, replan=True)

"""Sending reminders exactly once.

PostgreSQL holds the schedule. Every minute the dispatcher claims due SMS and
email follow-ups in batches (``SELECT ... FOR UPDATE SKIP LOCKED``), marks them
claimed under a lease and, once that commits, queues their sends,
``FOLLOWUP_SEND_CHUNK`` per task. A send task locks its rows, keeps those
still claimed, checks the contact policy, calls the provider with each
follow-up's id as the idempotency key, and records the ``Interaction`` rows and
the done status in the same transaction.

What can go wrong and what happens then:

- The worker dies before the commit: the rows are still claimed. The message is
  redelivered (acks late), or the sweeper returns the row to the schedule when
  its lease ends and the dispatcher claims it again. The provider gets the same
  idempotency key again and does not send twice.
- The task runs twice (redelivery and a new claim): the second skips rows the
  first holds locked (SKIP LOCKED), and finds them done once it has committed.
- A provider error that may pass (timeout, 429, 5xx): the row goes back to the
  schedule with a backoff (1, 2, 4 ... minutes, at most an hour); after
  ``MAX_ATTEMPTS`` it fails and managers see it.
- A permanent error (bad number, refused address): failed at once, visible.
- Redis is down: the dispatcher gives back the claims it could not queue;
  nothing is lost and sends resume with the next dispatcher run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.services import audit_record
from debtors.models import Channel, Contact, Invoice
from scripts_library.rendering import MAX_INVOICE_NUMBERS
from scripts_library.selectors import published_tracks, stage_for_channel
from scripts_library.tone import tone_check

from . import policy, timing
from .channels import (
    ProviderPermanentError,
    ProviderTemporaryError,
    SmsMessage,
    compose,
    email_build,
    email_send,
    get_sms_backend,
)
from .models import CadenceStep, DebtorPolicyOverride, FollowUp, Interaction
from .optout import opt_out_url
from .planning import cadence_steps_done, next_action_refresh

logger = logging.getLogger(__name__)

AUTOMATED_ACTIONS = (Channel.SMS, Channel.EMAIL)
BATCH = 500
MAX_IN_FLIGHT = 5000
MAX_ATTEMPTS = 6
BACKOFF_MAX = dt.timedelta(hours=1)
RESCHEDULE_WITHIN = dt.timedelta(days=1)

PURPOSES = {
    FollowUp.Reason.DUNNING_STEP: "dunning",
    FollowUp.Reason.PROMISE_REMINDER: "promise_reminder",
    FollowUp.Reason.PROMISE_CONFIRMATION: "promise_confirmation",
    FollowUp.Reason.PROMISE_THANKS: "promise_thanks",
    FollowUp.Reason.BROKEN_PROMISE: "broken_promise",
}


def send_chunk() -> int:
    """Follow-ups per send task: a task per item costs more than the send itself."""
    return max(1, getattr(settings, "FOLLOWUP_SEND_CHUNK", 25))


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "FOLLOWUP_LEASE_SECONDS", 600))


def followups_claim_due(*, now: dt.datetime | None = None, limit: int = BATCH) -> list[int]:
    """Claim up to ``limit`` due SMS/email follow-ups; returns their ids. Rows
    another dispatcher holds are skipped, never waited for. No more than
    ``MAX_IN_FLIGHT`` are claimed at once, so a backlog never outlives its
    lease while it waits in the broker."""
    now = now or timezone.now()
    in_flight = FollowUp.objects.filter(status=FollowUp.Status.CLAIMED).count()
    limit = min(limit, MAX_IN_FLIGHT - in_flight)
    if limit <= 0:
        return []
    with transaction.atomic():
        ids = list(
            FollowUp.objects.select_for_update(skip_locked=True)
            .filter(
                status=FollowUp.Status.SCHEDULED,
                action__in=AUTOMATED_ACTIONS,
                due_at__lte=now,
            )
            .order_by("due_at")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            FollowUp.objects.filter(id__in=ids).update(
                status=FollowUp.Status.CLAIMED, lease_until=now + lease_length()
            )
    return ids


def followups_sweep(*, now: dt.datetime | None = None) -> int:
    """Return claimed follow-ups whose lease ended to the schedule."""
    now = now or timezone.now()
    expired = FollowUp.objects.filter(status=FollowUp.Status.CLAIMED, lease_until__lt=now)
    with transaction.atomic():
        # A follow-up whose sends keep dying (a bug, a poisoned message) stops
        # coming back and shows up among the failed sends.
        expired.filter(attempts__gte=MAX_ATTEMPTS - 1).update(
            status=FollowUp.Status.FAILED,
            lease_until=None,
            completed_at=now,
            last_error="the send did not finish after several tries",
        )
        return expired.update(
            status=FollowUp.Status.SCHEDULED, lease_until=None, attempts=F("attempts") + 1
        )


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _address(followup: FollowUp, contact: Contact | None) -> str:
    if contact is None:
        return ""
    return contact.mobile if followup.action == Channel.SMS else contact.email


def _give_up(followup: FollowUp, status: str, error: str, now: dt.datetime) -> None:
    followup.status = status
    followup.last_error = error[:2000]
    followup.lease_until = None
    followup.completed_at = now
    followup.save(update_fields=["status", "last_error", "lease_until", "completed_at", "attempts"])


class WordingBlocked(Exception):
    """The message would say something the tone guard forbids (a track stored
    before a rule existed, say): it is not sent."""


def _check_wording(composed) -> None:
    text = f"{composed.subject}\n{composed.text}"
    forbidden = [m for m in tone_check(text, composed.language) if m.is_forbidden]
    if forbidden:
        found = "; ".join(f"“{m.text}” ({m.category})" for m in forbidden)
        raise WordingBlocked(f"not sent, forbidden wording: {found}")


def _send(followup: FollowUp, contact: Contact, batch: _Batch) -> str:
    """Hand the message to the provider; returns the provider's id."""
    key = str(followup.public_id)
    debtor = followup.debtor
    promise = followup.promise
    instalment = followup.instalment
    link = opt_out_url(contact, followup.action)
    composed = compose(
        debtor=debtor,
        contact=contact,
        channel=followup.action,
        purpose=PURPOSES.get(followup.reason, "dunning"),
        collector=debtor.assigned_collector,
        promise_amount=instalment.amount
        if instalment
        else (promise.total_amount if promise else None),
        promise_date=instalment.due_date if instalment else None,
        # One instalment of several: the plan's words may be used.
        instalment_plan=bool(
            instalment
            and promise
            and (instalment.sequence > 1 or instalment.amount < promise.total_amount)
        ),
        opt_out_url=link,
        tracks=batch.tracks,
        invoice_numbers=batch.invoice_numbers.get(debtor.id, []),
    )
    _check_wording(composed)
    if followup.action == Channel.SMS:
        result = get_sms_backend().send(
            SmsMessage(
                to=contact.mobile,
                body=composed.text,
                idempotency_key=key,
                sender=getattr(settings, "SMS_SENDER", ""),
            )
        )
        return result.provider_message_id
    message = email_build(
        to=contact.email, composed=composed, idempotency_key=key, opt_out_url=link
    )
    return email_send(message)


@dataclass
class _Batch:
    """What the sends of one batch read, fetched once for all of them."""

    now: dt.datetime
    contacts: dict[int, Contact]
    overrides: dict[int, DebtorPolicyOverride]
    histories: dict[int, list[timing.Attempt]]
    steps: dict[int, CadenceStep]
    tracks: list
    invoice_numbers: dict[int, list[str]]


def _batch_for(followups: list[FollowUp], now: dt.datetime) -> _Batch:
    debtor_ids = {f.debtor_id for f in followups}
    contacts: dict[int, Contact] = {}
    for contact in Contact.objects.filter(debtor_id__in=debtor_ids).order_by(
        "debtor_id", "-is_primary", "name"
    ):
        contacts.setdefault(contact.debtor_id, contact)
    step_ids = {f.cadence_step_id for f in followups if f.cadence_step_id}
    numbers: dict[int, list[str]] = defaultdict(list)
    for debtor_id, number in (
        Invoice.objects.filter(debtor_id__in=debtor_ids, amount__gt=0)
        .exclude(open_amount=0)
        .order_by("debtor_id", "due_date", "number")
        .values_list("debtor_id", "number")
    ):
        if len(numbers[debtor_id]) < MAX_INVOICE_NUMBERS + 50:
            numbers[debtor_id].append(number)
    stages = {stage_for_channel(f.action) for f in followups}
    return _Batch(
        now=now,
        contacts=contacts,
        overrides=policy.overrides_for(debtor_ids),
        histories=policy.histories(debtor_ids, now=now),
        steps={s.id: s for s in CadenceStep.objects.filter(id__in=step_ids)} if step_ids else {},
        tracks=list(published_tracks(stages=stages)),
        invoice_numbers=numbers,
    )


def followups_send_batch(
    followup_ids: list[int], *, now: dt.datetime | None = None
) -> dict[str, int]:
    """Send claimed follow-ups. The batch is one transaction: its rows are
    locked until it commits, so a duplicate delivery of the same ids skips
    them (SKIP LOCKED) and later finds them done. If the batch dies before it
    commits, nothing of it is recorded and the resend carries the same
    idempotency keys, which the provider does not send twice. What the sends
    read is fetched once; what they write is written in bulk."""
    now = now or timezone.now()
    results: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        followups = list(
            FollowUp.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(id__in=followup_ids, status=FollowUp.Status.CLAIMED)
            .select_related(
                "debtor", "debtor__assigned_collector", "promise", "promise__contact", "instalment"
            )
            .order_by("id")
        )
        if len(followups) < len(followup_ids):
            results["skipped"] = len(followup_ids) - len(followups)
        if not followups:
            return dict(results)
        batch = _batch_for(followups, now)
        sent: list[tuple[FollowUp, Interaction]] = []
        for followup in followups:
            results[_send_one(followup, batch, sent)] += 1
        if sent:
            _record_sent(sent, batch)
        next_action_refresh({f.debtor_id for f in followups})
    return dict(results)


def followup_send(followup_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one claimed follow-up. Returns what happened: sent, skipped,
    retry, rescheduled, cancelled or failed."""
    (result,) = followups_send_batch([followup_id], now=now)
    return result


def _send_one(followup: FollowUp, batch: _Batch, sent: list) -> str:
    now = batch.now
    debtor = followup.debtor
    promise = followup.promise
    contact = promise.contact if promise and promise.contact_id else None
    contact = contact or batch.contacts.get(debtor.id)
    if not _address(followup, contact):
        _give_up(followup, FollowUp.Status.FAILED, "no address for this channel", now)
        return "failed"
    limits = policy.limits_for(
        debtor, override=batch.overrides.get(debtor.id), contact=contact, reason=followup.reason
    )
    history = batch.histories.setdefault(debtor.id, [])
    violations = policy.blocking(
        timing.check(policy.calendar_for(debtor), limits, history, followup.action, now),
        overridden=bool(followup.policy_override_reason),
    )
    if violations:
        text = "; ".join(v.message for v in violations)
        if policy.is_hard_stop(violations):
            _give_up(followup, FollowUp.Status.CANCELLED, text, now)
            return "cancelled"
        return _reschedule(followup, text, now, limits=limits, history=history)
    try:
        external_id = _send(followup, contact, batch)
    except ProviderTemporaryError as exc:
        followup.attempts += 1
        if followup.attempts >= MAX_ATTEMPTS:
            _give_up(followup, FollowUp.Status.FAILED, str(exc), now)
            return "failed"
        followup.status = FollowUp.Status.SCHEDULED
        followup.lease_until = None
        followup.last_error = str(exc)[:2000]
        followup.due_at = now + _backoff(followup.attempts)
        followup.save(update_fields=["status", "lease_until", "last_error", "due_at", "attempts"])
        return "retry"
    except (ProviderPermanentError, WordingBlocked) as exc:
        followup.attempts += 1
        _give_up(followup, FollowUp.Status.FAILED, str(exc), now)
        return "failed"
    interaction = Interaction(
        debtor=debtor,
        contact=contact,
        user=None,
        channel=followup.action,
        direction=Interaction.Direction.OUTBOUND,
        started_at=now,
        ended_at=now,
        outcome=Interaction.Outcome.SENT,
        external_id=external_id[:255],
        notes=followup.get_reason_display(),
    )
    sent.append((followup, interaction))
    # A second message to the same debtor in this batch counts this one.
    history.append(policy.attempt_from_row(now, followup.action, Interaction.Outcome.SENT))
    return "sent"


def _record_sent(sent: list[tuple[FollowUp, Interaction]], batch: _Batch) -> None:
    """The Interactions and the done status of every sent follow-up, and the
    cadence moving on: a handful of statements for the whole batch."""
    Interaction.objects.bulk_create([interaction for _, interaction in sent])
    followups = []
    for followup, interaction in sent:
        followup.interaction = interaction
        followup.status = FollowUp.Status.DONE
        followup.completed_at = batch.now
        followup.lease_until = None
        followup.attempts += 1
        followup.last_error = ""
        followups.append(followup)
    FollowUp.objects.bulk_update(
        followups,
        ["interaction", "status", "completed_at", "lease_until", "attempts", "last_error"],
    )
    cadence_steps_done(
        [
            (f.debtor_id, f.debtor.debtor_type, batch.steps.get(f.cadence_step_id))
            for f in followups
            if f.reason == FollowUp.Reason.DUNNING_STEP
        ],
        now=batch.now,
    )


def _reschedule(
    followup: FollowUp,
    why: str,
    now: dt.datetime,
    *,
    limits: timing.Limits,
    history: list[timing.Attempt],
) -> str:
    """The limits forbid sending now: move it to the next allowed slot."""
    slot = timing.best_slot(
        policy.calendar_for(followup.debtor),
        limits,
        history,
        followup.action,
        now=now,
        # The next good moment, not the best one of the coming weeks.
        deadline=now + RESCHEDULE_WITHIN,
    )
    if slot is None:
        _give_up(followup, FollowUp.Status.CANCELLED, why, now)
        return "cancelled"
    followup.status = FollowUp.Status.SCHEDULED
    followup.lease_until = None
    followup.due_at = slot.at
    followup.slot_explain = [list(r) for r in slot.reasons]
    followup.last_error = why[:2000]
    followup.save(
        update_fields=[
            "status",
            "lease_until",
            "due_at",
            "slot_explain",
            "last_error",
        ]
    )
    return "rescheduled"


def followup_retry(*, actor, followup: FollowUp) -> FollowUp:
    """A manager sends a failed follow-up again."""
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.status != FollowUp.Status.FAILED:
            return followup
        followup.status = FollowUp.Status.SCHEDULED
        followup.attempts = 0
        followup.due_at = timezone.now()
        followup.completed_at = None
        followup.save(update_fields=["status", "attempts", "due_at", "completed_at"])
        audit_record(
            actor=actor,
            action="followup.retry",
            target=followup,
            before={"status": FollowUp.Status.FAILED},
            after={"status": FollowUp.Status.SCHEDULED},
        )
    return followup


def followups_unclaim(followup_ids: list[int]) -> int:
    """Give back claims whose send task could not be queued (the broker is
    down): they are due again at the next dispatch, with no attempt counted."""
    return FollowUp.objects.filter(id__in=followup_ids, status=FollowUp.Status.CLAIMED).update(
        status=FollowUp.Status.SCHEDULED, lease_until=None
    )

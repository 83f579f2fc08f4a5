"""The writes made from the debtor workspace: log an outcome, record a
promise, schedule a callback, escalate.

They reuse the engine: ``planning.followup_complete`` closes the due call,
``planning.plan_debtors`` plans the next step, ``policy.contact_check`` says
whether a moment the debtor asked for is allowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.selectors import team_manager
from accounts.services import audit_record
from debtors.models import Channel, Contact, Debtor
from debtors.services import debtor_update
from scripts_library.models import TalkTrack
from scripts_library.tone import tone_check

from . import events, planning, policy, timing
from .models import FollowUp, Interaction, PromiseToPay
from .selectors import due_followup, next_step

ESCALATION_WINDOW_DAYS = {"manager": 3, "visit": 7}
# A callback is at a moment the debtor chose: their own opening hours, lunch
# break, working days and the wait after a conversation give way to it. The
# lawful hours, quiet days, the counting caps and every stop still apply.
CALLBACK_WAIVED = frozenset(
    {"outside_hours", "lunch", "non_working_day", "holiday", "conversation_gap"}
)
LOGGABLE_OUTCOMES = [o for o in Interaction.Outcome if o != Interaction.Outcome.SENT]


def right_contact(debtor: Debtor) -> Contact | None:
    return debtor.contacts.order_by("-is_decision_maker", "-is_primary", "name").first()


# ------------------------------------------------------------------ writes


@dataclass
class LogResult:
    interaction: Interaction
    created: bool
    completed: FollowUp | None = None
    callback: FollowUp | None = None
    next_followup: FollowUp | None = None
    plan_counts: dict = field(default_factory=dict)

    @property
    def nothing_planned(self) -> str:
        """Why no next step is planned, in words."""
        counts = self.plan_counts
        if counts.get("promise_paused"):
            return _("Nothing planned: the cadence waits for the promised payments.")
        if counts.get("dispute_paused"):
            return _("Nothing planned: collection waits for the dispute.")
        if counts.get("no_contact"):
            return _("Nothing planned: this debtor may not be contacted.")
        if counts.get("no_slot"):
            return _("Nothing planned: no allowed moment soon (contact limits reached).")
        if counts.get("closed"):
            return _("Nothing planned: the debtor owes nothing or is closed.")
        return _("Nothing planned yet.")


def _result_for(interaction: Interaction, *, created: bool, counts=None) -> LogResult:
    completed = FollowUp.objects.filter(interaction=interaction).first()
    callback = (
        FollowUp.objects.filter(
            debtor_id=interaction.debtor_id,
            reason=FollowUp.Reason.CALLBACK,
            created_at__gte=interaction.created_at,
        )
        .order_by("created_at")
        .first()
        if interaction.outcome == Interaction.Outcome.CALLBACK
        else None
    )
    return LogResult(
        interaction=interaction,
        created=created,
        completed=completed,
        callback=callback,
        next_followup=next_step(debtor=interaction.debtor),
        plan_counts=counts or {},
    )


def _local_to_utc(debtor: Debtor, local: dt.datetime) -> dt.datetime:
    zone = policy.calendar_zone(debtor)
    if timezone.is_naive(local):
        return local.replace(tzinfo=zone)
    return local


def callback_check(
    *, debtor: Debtor, at: dt.datetime, contact: Contact | None, now: dt.datetime
) -> list[str]:
    """Why a callback at ``at`` may not be scheduled ([] when it may)."""
    if at <= now:
        return [_("That time has passed: pick a moment in the future.")]
    violations = policy.contact_check(
        debtor, Channel.CALL, at=at, contact=contact, reason=FollowUp.Reason.CALLBACK
    )
    return [v.message for v in violations if v.code not in CALLBACK_WAIVED]


@transaction.atomic
def callback_schedule(
    *,
    actor: User,
    debtor: Debtor,
    at: dt.datetime,
    contact: Contact | None = None,
    now: dt.datetime | None = None,
) -> FollowUp:
    """A call at the time the debtor asked for (``at``: aware, or naive in the
    debtor's local time). Refused in the past or when the policy forbids it."""
    now = now or timezone.now()
    at = _local_to_utc(debtor, at).replace(second=0, microsecond=0)
    problems = callback_check(debtor=debtor, at=at, contact=contact, now=now)
    if problems:
        raise ValidationError(problems)
    local = at.astimezone(policy.calendar_zone(debtor))
    # The callback is the next step: the scheduled cadence step gives way.
    FollowUp.objects.filter(
        debtor=debtor, reason=FollowUp.Reason.DUNNING_STEP, status=FollowUp.Status.SCHEDULED
    ).update(status=FollowUp.Status.CANCELLED, completed_at=now)
    followup, _created = FollowUp.objects.get_or_create(
        debtor=debtor,
        reason=FollowUp.Reason.CALLBACK,
        due_at=at,
        status=FollowUp.Status.SCHEDULED,
        defaults={
            "action": Channel.CALL,
            # Shown as "Fri 15:00 their time — the time they asked for".
            "slot_explain": [
                ["at", {"weekday": local.weekday(), "time": f"{local:%H:%M}"}],
                ["callback_asked", {}],
            ],
            "assigned_to": debtor.assigned_collector or actor,
        },
    )
    planning.next_action_refresh([debtor.pk])
    return followup


def notes_check(notes: str) -> None:
    """A note with forbidden wording (a threat, an insult, a false legal
    claim…) is never saved: the collector is told why and what to write."""
    forbidden = [m for m in tone_check(notes or "", "") if m.is_forbidden]
    if forbidden:
        raise ValidationError(
            {
                "notes": [
                    _("“%(text)s” cannot be saved: %(reason)s %(suggestion)s")
                    % {"text": m.text, "reason": m.reason, "suggestion": m.suggestion}
                    for m in forbidden
                ]
            }
        )


@transaction.atomic
def interaction_log(
    *,
    actor: User,
    debtor: Debtor,
    outcome: str,
    idempotency_key: str,
    channel: str = Channel.CALL,
    contact: Contact | None = None,
    notes: str = "",
    is_complaint: bool = False,
    track: TalkTrack | None = None,
    callback_at: dt.datetime | None = None,
    compliance_flags: list | None = None,
    plan: bool = True,
    now: dt.datetime | None = None,
) -> LogResult:
    """Record a call's outcome, close the debtor's due call or visit and plan the
    next step. Logging the same idempotency key again returns the first result."""
    now = now or timezone.now()
    existing = (
        Interaction.objects.filter(user=actor, idempotency_key=idempotency_key)
        .select_related("debtor")
        .first()
    )
    if existing is not None:
        return _replay(existing, debtor)
    if outcome not in LOGGABLE_OUTCOMES:
        raise ValidationError({"outcome": _("Choose what happened on the call.")})
    if contact is not None and contact.debtor_id != debtor.pk:
        raise ValidationError({"contact": _("This person is not a contact of this debtor.")})
    if outcome == Interaction.Outcome.CALLBACK and callback_at is None:
        raise ValidationError({"callback_at": _("When did they ask to be called back?")})
    notes_check(notes)
    try:
        with transaction.atomic():
            interaction = Interaction.objects.create(
                debtor=debtor,
                contact=contact,
                user=actor,
                channel=channel,
                direction=Interaction.Direction.OUTBOUND,
                started_at=now,
                outcome=outcome,
                right_party_contact=outcome in Interaction.CONVERSATION_OUTCOMES,
                notes=notes.strip(),
                is_complaint=is_complaint,
                compliance_flags=compliance_flags or [],
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # The same form posted twice at once: the other request saved it.
        existing = Interaction.objects.select_related("debtor").get(
            user=actor, idempotency_key=idempotency_key
        )
        return _replay(existing, debtor)
    if track is not None:
        interaction.talk_tracks.add(track)
    completed = due_followup(debtor=debtor, user=actor, now=now)
    if completed is not None:
        completed = FollowUp.objects.select_for_update().get(pk=completed.pk)
        planning.followup_complete(completed, interaction=interaction, now=now)
    callback = None
    if outcome == Interaction.Outcome.CALLBACK:
        try:
            callback = callback_schedule(
                actor=actor, debtor=debtor, at=callback_at, contact=contact, now=now
            )
        except ValidationError as exc:
            raise ValidationError({"callback_at": exc.messages}) from exc
    counts = planning.plan_debtors([debtor.pk], now=now) if plan else {}
    return LogResult(
        interaction=interaction,
        created=True,
        completed=completed,
        callback=callback,
        next_followup=next_step(debtor=debtor),
        plan_counts=counts,
    )


def _replay(existing: Interaction, debtor: Debtor) -> LogResult:
    if existing.debtor_id != debtor.pk:
        raise ValidationError(_("This form was already used for another debtor. Reload the page."))
    return _result_for(existing, created=False)


@transaction.atomic
def promise_record(
    *,
    actor: User,
    debtor: Debtor,
    instalments: list,
    reminder_channel: str,
    contact: Contact | None,
    confirm_over_balance: bool,
    from_call: bool,
    idempotency_key: str,
    track: TalkTrack | None = None,
    now: dt.datetime | None = None,
) -> PromiseToPay:
    """A promise through ``events.promise_create`` (which validates it); made on
    a call, it is logged as that call's PROMISE outcome, once per form."""
    now = now or timezone.now()
    interaction = None
    if from_call:
        done = Interaction.objects.filter(user=actor, idempotency_key=idempotency_key).first()
        promise = done.promises.first() if done is not None else None
        if promise is not None:
            return promise
        interaction = interaction_log(
            actor=actor,
            debtor=debtor,
            outcome=Interaction.Outcome.PROMISE,
            idempotency_key=idempotency_key,
            contact=contact,
            track=track,
            plan=False,
            now=now,
        ).interaction
    promise = events.promise_create(
        actor=actor,
        debtor=debtor,
        instalments=instalments,
        reminder_channel=reminder_channel,
        contact=contact,
        interaction=interaction,
        confirm_over_balance=confirm_over_balance,
        now=now,
    )
    planning.plan_debtors([debtor.pk], now=now)
    return promise


ESCALATION_TARGETS = (
    ("manager", gettext_lazy("Manager call")),
    ("visit", gettext_lazy("Field visit")),
    ("legal", gettext_lazy("Legal")),
)


@transaction.atomic
def escalate(
    *, actor: User, debtor: Debtor, target: str, reason: str, now: dt.datetime | None = None
) -> FollowUp | None:
    """Escalate: a manager's call or a field visit at the best allowed moment
    (assigned to the team's manager, or the debtor's collector for a visit),
    or hand the debtor to legal. Returns the follow-up planned, None for legal."""
    now = now or timezone.now()
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why you escalate.")})
    if target == "legal":
        debtor_update(actor=actor, debtor=debtor, data={"status": Debtor.Status.LEGAL})
        audit_record(
            actor=actor,
            action="debtor.escalate",
            target=debtor,
            after={"target": target, "reason": reason.strip()},
        )
        planning.plan_debtors([debtor.pk], now=now)
        return None
    if target not in ESCALATION_WINDOW_DAYS:
        raise ValidationError({"target": _("Choose how to escalate.")})
    if target == "manager":
        action, why = Channel.CALL, FollowUp.Reason.ESCALATION
        assignee = team_manager(debtor.team_id) or debtor.assigned_collector or actor
    else:
        action, why = Channel.VISIT, FollowUp.Reason.VISIT
        assignee = debtor.assigned_collector or actor
    contact = right_contact(debtor)
    limits = policy.limits_for(
        debtor, override=policy.override_for(debtor), contact=contact, reason=why
    )
    if limits.no_contact:
        problems = policy.contact_check(debtor, action, at=now, contact=contact, reason=why)
        raise ValidationError([v.message for v in problems if v.code == "no_contact"])
    slot = timing.best_slot(
        policy.calendar_for(debtor),
        limits,
        policy.histories([debtor.pk], now=now)[debtor.pk],
        action,
        now=now,
        deadline=now + dt.timedelta(days=ESCALATION_WINDOW_DAYS[target]),
        negotiation=True,
    )
    if slot is None:
        raise ValidationError(
            _("No allowed moment in the next %(days)d days: the contact limits are reached.")
            % {"days": ESCALATION_WINDOW_DAYS[target]}
        )
    FollowUp.objects.filter(
        debtor=debtor, reason=FollowUp.Reason.DUNNING_STEP, status=FollowUp.Status.SCHEDULED
    ).update(status=FollowUp.Status.CANCELLED, completed_at=now)
    followup, _created = FollowUp.objects.get_or_create(
        debtor=debtor,
        reason=why,
        due_at=slot.at,
        status=FollowUp.Status.SCHEDULED,
        defaults={
            "action": action,
            "slot_explain": [list(r) for r in slot.reasons],
            "assigned_to": assignee,
        },
    )
    if debtor.status == Debtor.Status.ACTIVE:
        debtor_update(actor=actor, debtor=debtor, data={"status": Debtor.Status.ESCALATED})
    audit_record(
        actor=actor,
        action="debtor.escalate",
        target=debtor,
        after={"target": target, "reason": reason.strip(), "due_at": slot.at.isoformat()},
    )
    planning.next_action_refresh([debtor.pk])
    return followup

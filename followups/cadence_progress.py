"""Cadences and where each debtor stands in theirs: the steps per debtor
type (active database cadences, else the shipped ones), the follow-ups that
count as a debtor's next step, and moving debtors past the steps they did."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from debtors.models import Debtor, DebtorType

from .defaults import cadence_steps
from .models import Cadence, CadenceState, CadenceStep, FollowUp, Interaction

# Follow-ups that are the debtor's next step: while one is open no cadence step
# is added. Promise reminders and thanks run beside the cadence.
NEXT_STEP_REASONS = frozenset(
    {
        FollowUp.Reason.DUNNING_STEP,
        FollowUp.Reason.BROKEN_PROMISE,
        FollowUp.Reason.CALLBACK,
        FollowUp.Reason.DISPUTE_REVIEW,
        FollowUp.Reason.VISIT,
        FollowUp.Reason.ESCALATION,
        FollowUp.Reason.MANUAL,
    }
)
# Debtors in these states are not chased by the cadence.
CLOSED_STATUSES = frozenset({Debtor.Status.SETTLED, Debtor.Status.WRITTEN_OFF, Debtor.Status.LEGAL})


@dataclass(frozen=True)
class Step:
    id: int | None
    sequence: int
    name: str
    action: str
    day_offset: int
    min_gap_days: int
    window_days: int
    negotiation: bool
    owner: str
    repeat_every_days: int | None
    escalate_to: str


def cadences() -> dict[str, list[Step]]:
    """debtor type -> steps in order. Active database cadences, else the shipped ones."""
    result: dict[str, list[Step]] = {}
    rows = CadenceStep.objects.filter(cadence__is_active=True).select_related("cadence")
    for row in rows.order_by("cadence__debtor_type", "sequence"):
        result.setdefault(row.cadence.debtor_type, []).append(
            Step(
                id=row.id,
                sequence=row.sequence,
                name=row.name,
                action=row.action,
                day_offset=row.day_offset,
                min_gap_days=row.min_gap_days,
                window_days=row.window_days,
                negotiation=row.negotiation,
                owner=row.owner,
                repeat_every_days=row.repeat_every_days,
                escalate_to=row.escalate_to,
            )
        )
    inactive = set(Cadence.objects.filter(is_active=False).values_list("debtor_type", flat=True))
    for debtor_type in DebtorType.values:
        if debtor_type not in result and debtor_type not in inactive:
            result[debtor_type] = [
                Step(id=None, **{k: v for k, v in s.items() if k in Step.__annotations__})
                for s in cadence_steps(debtor_type)
            ]
    return result


def followup_complete(
    followup: FollowUp,
    *,
    interaction: Interaction | None = None,
    now: dt.datetime | None = None,
    step: CadenceStep | None = None,
    also_save: tuple[str, ...] = (),
) -> None:
    """Mark a follow-up done and, for a cadence step, move the debtor to the
    next step (and the status the step sets). Call inside the transaction that
    records what was done; the caller re-plans when it wants the next step now.
    ``step`` saves a query when the caller has it; ``also_save`` names other
    fields the caller changed, written in the same UPDATE."""
    now = now or timezone.now()
    followup.status = FollowUp.Status.DONE
    followup.completed_at = now
    followup.lease_until = None
    fields = ["status", "completed_at", "lease_until", *also_save]
    if interaction is not None:
        followup.interaction = interaction
        fields.append("interaction")
    followup.save(update_fields=fields)
    if followup.reason != FollowUp.Reason.DUNNING_STEP:
        return
    if step is None and followup.cadence_step_id:
        step = CadenceStep.objects.filter(pk=followup.cadence_step_id).first()
    cadence_steps_done([(followup.debtor_id, followup.debtor.debtor_type, step)], now=now)


def cadence_steps_done(
    done: list[tuple[int, str, CadenceStep | None]], *, now: dt.datetime
) -> None:
    """Move debtors past the cadence steps just done: (debtor id, debtor type,
    step). Debtors without a position get one; a step that sets a status sets
    it. A fixed number of statements for any number of debtors."""
    if not done:
        return
    ids = {debtor_id for debtor_id, _type, _step in done}
    states = {
        s.debtor_id: s for s in CadenceState.objects.select_for_update().filter(debtor_id__in=ids)
    }
    new: dict[int, CadenceState] = {}
    escalate: dict[str, set[int]] = defaultdict(set)
    for debtor_id, debtor_type, step in done:
        state = states.get(debtor_id) or new.get(debtor_id)
        if state is None:
            state = new[debtor_id] = CadenceState(debtor_id=debtor_id, debtor_type=debtor_type)
        state.next_sequence = (
            max(state.next_sequence, step.sequence + 1) if step else state.next_sequence + 1
        )
        state.last_step_done_at = state.updated_at = now
        if step is not None and step.escalate_to:
            escalate[step.escalate_to].add(debtor_id)
    if states:
        CadenceState.objects.bulk_update(
            list(states.values()), ["next_sequence", "last_step_done_at", "updated_at"]
        )
    if new:
        CadenceState.objects.bulk_create(list(new.values()), ignore_conflicts=True)
    for status, debtor_ids in escalate.items():
        Debtor.objects.filter(pk__in=debtor_ids).exclude(
            Q(status=status) | Q(status__in=CLOSED_STATUSES)
        ).update(status=status, updated_at=now)

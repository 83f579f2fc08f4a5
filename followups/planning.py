"""Planning: which follow-up comes next for each debtor, and when.

Every debtor with money open walks the cadence of their type, one step at a
time. A step is not planned before ``day_offset`` days past the oldest due
date, nor before ``min_gap_days`` after the previous step; within
``window_days`` from then the timing engine picks the best moment. A step is
done when its follow-up is done (sent, or a collector logged the call); the
last step may repeat.

``plan_debtors`` works on any set of debtors with a fixed number of queries per
chunk; the nightly run (``plan_all``) and every event (payment, promise,
dispute, type change) use it. Planning never churns: a debtor who already has
an open next step keeps it unless the event asks to re-plan.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from accounts.selectors import team_manager_ids
from collections_crm.lib.zones import zone_named
from debtors.models import Channel, Contact, Debtor, Dispute

from . import policy, timing
from .cadence_progress import (
    CLOSED_STATUSES,
    NEXT_STEP_REASONS,
    Step,
    cadence_steps_done,
    cadences,
    followup_complete,
)
from .contact_rates import (
    DEBTOR_RATE_MIN_CALLS,
    RATE_HISTORY_DAYS,
    contact_rates_refresh,
    debtor_rates,
    team_rates,
)
from .models import CadenceState, CadenceStep, FollowUp
from .planning_sql import (
    cadence_states_insert,
    followups_insert,
    followups_priority_refresh,
    next_action_refresh,
)

# Names that lived here before cadences, contact rates and the set-based
# writes got modules of their own; callers keep importing them from here.
__all__ = [
    "CHUNK",
    "CLOSED_STATUSES",
    "DEBTOR_FIELDS",
    "DEBTOR_RATE_MIN_CALLS",
    "NEXT_STEP_REASONS",
    "RATE_HISTORY_DAYS",
    "Plan",
    "Planner",
    "Step",
    "cadence_states_insert",
    "cadence_steps_done",
    "cadences",
    "contact_rates_refresh",
    "followup_complete",
    "followups_insert",
    "followups_priority_refresh",
    "next_action_refresh",
    "plan_all",
    "plan_debtors",
    "team_rates",
]

logger = logging.getLogger(__name__)

CHUNK = 2000
DEBTOR_FIELDS = (*policy.DEBTOR_FIELDS, "oldest_due_date")


def _local_start(day: dt.date, tz_name: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone_named(tz_name))


def _substitute(action: str, contact: Contact | None, blocked: frozenset[str]) -> str:
    """A written step needs an address: SMS falls back to email and email to
    SMS, and both to a call when neither is possible."""
    has = {
        Channel.SMS: bool(contact and contact.mobile),
        Channel.EMAIL: bool(contact and contact.email),
    }
    if action not in has:
        return action
    order = [action, Channel.EMAIL if action == Channel.SMS else Channel.SMS]
    for candidate in order:
        if has[candidate] and candidate not in blocked:
            return candidate
    return Channel.CALL


@dataclass
class Plan:
    """What one planning pass decided; written in bulk at the end of a chunk."""

    create: list[SimpleNamespace] = field(default_factory=list)  # FollowUp fields
    cancel: set[int] = field(default_factory=set)
    states_new: list[SimpleNamespace] = field(default_factory=list)  # CadenceState fields
    states_changed: list[CadenceState] = field(default_factory=list)
    skipped: int = 0


class Planner:
    """Plans one chunk of debtors with a fixed number of queries."""

    def __init__(self, *, now: dt.datetime, replan: bool = False):
        self.now = now
        self.replan = replan
        self.cadences = cadences()
        self.team_rates = team_rates()
        self.managers = team_manager_ids()
        self._slot_cache: dict = {}
        self.counts: dict[str, int] = defaultdict(int)

    # ------------------------------------------------------------------ loading
    def run(self, debtor_ids: list[int]) -> None:
        # Plain rows, not model instances: a night plans every debtor.
        debtors = [
            SimpleNamespace(**row)
            for row in Debtor.objects.filter(id__in=debtor_ids)
            .order_by("id")
            .values(*DEBTOR_FIELDS)
        ]
        ids = [d.id for d in debtors]
        states = {s.debtor_id: s for s in CadenceState.objects.filter(debtor_id__in=ids)}
        overrides = policy.overrides_for(ids)
        open_followups: dict[int, list[dict]] = defaultdict(list)
        for row in FollowUp.objects.filter(
            debtor_id__in=ids, status__in=FollowUp.OPEN_STATUSES
        ).values("id", "debtor_id", "reason", "status", "cadence_step_id", "due_at"):
            open_followups[row["debtor_id"]].append(row)
        contacts: dict[int, SimpleNamespace] = {}
        primary_first = Contact.objects.filter(debtor_id__in=ids).order_by(
            "debtor_id", "-is_primary", "name"
        )
        if connection.vendor == "postgresql":
            primary_first = primary_first.distinct("debtor_id")  # one row per debtor
        for row in primary_first.values("debtor_id", "mobile", "email", "opted_out_channels"):
            contacts.setdefault(row["debtor_id"], SimpleNamespace(**row))
        owners: dict[int, int] = {}
        for debtor_id, owner_id in (
            Dispute.objects.filter(
                debtor_id__in=[d.id for d in debtors if d.disputed_balance > 0],
                status__in=[Dispute.Status.OPEN, Dispute.Status.ESCALATED],
                owner__isnull=False,
            )
            .order_by("debtor_id", "opened_at")
            .values_list("debtor_id", "owner_id")
        ):
            owners.setdefault(debtor_id, owner_id)  # the oldest open dispute's owner
        history = policy.histories(ids, now=self.now)
        rates_by_debtor = debtor_rates(ids, self.now)

        plan = Plan()
        for debtor in debtors:
            self._plan_one(
                debtor,
                plan=plan,
                state=states.get(debtor.id),
                override=overrides.get(debtor.id),
                open_rows=open_followups.get(debtor.id, []),
                contact=contacts.get(debtor.id),
                dispute_owner=owners.get(debtor.id),
                history=history.get(debtor.id, []),
                rates=rates_by_debtor.get(debtor.id),
            )
        self._write(plan, ids)

    # ----------------------------------------------------------------- deciding
    def _plan_one(
        self, debtor, *, plan, state, override, open_rows, contact, dispute_owner, history, rates
    ) -> None:
        if self._closed(debtor, plan, open_rows):
            return
        open_next = [r for r in open_rows if r["reason"] in NEXT_STEP_REASONS]
        scheduled_steps = [
            r
            for r in open_next
            if r["reason"] == FollowUp.Reason.DUNNING_STEP and r["status"] == "scheduled"
        ]
        state, open_next = self._position(debtor, plan, state, open_next, scheduled_steps)
        if 0 < debtor.open_balance <= debtor.disputed_balance:
            self._dispute_hold(
                debtor,
                plan=plan,
                open_rows=open_rows,
                scheduled_steps=scheduled_steps,
                override=override,
                dispute_owner=dispute_owner,
                rates=rates,
            )
            return
        open_next = self._settled_reviews_drop(debtor, plan, open_next)
        if self._waiting(debtor, plan, state, open_next, scheduled_steps):
            return
        found = self._next_step(debtor, state)
        if found is None:
            return
        step, repeating = found
        self._add(
            debtor,
            plan=plan,
            action=step.action,
            reason=FollowUp.Reason.DUNNING_STEP,
            earliest=self._step_earliest(debtor, state, step, repeating),
            window_days=step.window_days,
            negotiation=step.negotiation,
            assignee=self._step_assignee(debtor, step, dispute_owner),
            override=override,
            contact=contact,
            history=history,
            rates=rates,
            step=step,
        )

    def _closed(self, debtor, plan: Plan, open_rows: list[dict]) -> bool:
        """Nothing to chase: settled, written off, at law, or nothing owed.
        Their scheduled follow-ups go."""
        if (
            debtor.status in CLOSED_STATUSES
            or debtor.open_balance <= 0
            or debtor.oldest_due_date is None
        ):
            plan.cancel |= {r["id"] for r in open_rows if r["status"] == "scheduled"}
            self.counts["closed"] += 1
            return True
        return False

    def _position(self, debtor, plan: Plan, state, open_next: list, scheduled_steps: list):
        """The debtor's place in their cadence (new debtors start at the first
        step; a new type starts its own cadence) and the next-step follow-ups
        still open once a re-plan cancelled the scheduled cadence step."""
        if state is None:
            state = SimpleNamespace(
                debtor_id=debtor.id,
                debtor_type=debtor.debtor_type,
                next_sequence=1,
                paused_until=None,
                last_step_done_at=None,
            )
            plan.states_new.append(state)
            return state, open_next
        if state.debtor_type != debtor.debtor_type:
            # A new type starts its own cadence from the first step.
            state.debtor_type = debtor.debtor_type
            state.next_sequence = 1
            plan.states_changed.append(state)
        elif not self.replan:
            return state, open_next
        plan.cancel |= {r["id"] for r in scheduled_steps}
        return state, [r for r in open_next if r not in scheduled_steps]

    def _dispute_hold(
        self, debtor, *, plan, open_rows, scheduled_steps, override, dispute_owner, rates
    ) -> None:
        """The whole balance is disputed: the cadence waits and someone
        reviews the dispute (its owner, else the team's manager)."""
        plan.cancel |= {r["id"] for r in scheduled_steps}
        if not any(r["reason"] == FollowUp.Reason.DISPUTE_REVIEW for r in open_rows):
            self._add(
                debtor,
                plan=plan,
                action=Channel.CALL,
                reason=FollowUp.Reason.DISPUTE_REVIEW,
                earliest=self.now,
                window_days=2,
                negotiation=False,
                assignee=dispute_owner
                or self.managers.get(debtor.team_id)
                or debtor.assigned_collector_id,
                override=override,
                contact=None,
                history=[],
                rates=rates,
                step=None,
            )
        self.counts["dispute_paused"] += 1

    @staticmethod
    def _settled_reviews_drop(debtor, plan: Plan, open_next: list) -> list:
        """The dispute is settled (or covers only part): its review no longer
        holds the cadence up once nothing is disputed."""
        reviews = {
            r["id"]
            for r in open_next
            if r["reason"] == FollowUp.Reason.DISPUTE_REVIEW and r["status"] == "scheduled"
        }
        if reviews and not debtor.disputed_balance:
            plan.cancel |= reviews
            return [r for r in open_next if r["id"] not in reviews]
        return open_next

    def _waiting(self, debtor, plan: Plan, state, open_next: list, scheduled_steps: list) -> bool:
        """A promise pauses the cadence; an open next step is kept."""
        local_today = self.now.astimezone(policy.calendar_zone(debtor)).date()
        if state.paused_until and local_today <= state.paused_until:
            plan.cancel |= {r["id"] for r in scheduled_steps}
            self.counts["promise_paused"] += 1
            return True
        if any(r["id"] not in plan.cancel for r in open_next):
            self.counts["kept"] += 1
            return True
        return False

    def _next_step(self, debtor, state) -> tuple[Step, bool] | None:
        """The cadence step due next and whether it is the last one repeating."""
        steps = self.cadences.get(debtor.debtor_type) or []
        if not steps:
            self.counts["no_cadence"] += 1
            return None
        if state.next_sequence <= len(steps):
            return steps[state.next_sequence - 1], False
        if steps[-1].repeat_every_days:
            return steps[-1], True
        self.counts["cadence_done"] += 1
        return None

    def _step_earliest(self, debtor, state, step: Step, repeating: bool) -> dt.datetime:
        """Not before the step's days past due, nor before its gap after the
        previous step (the repeat interval when the last step repeats)."""
        earliest = max(
            self.now,
            _local_start(
                debtor.oldest_due_date + dt.timedelta(days=step.day_offset), debtor.timezone
            ),
        )
        if state.last_step_done_at:
            gap = step.repeat_every_days if repeating else step.min_gap_days
            earliest = max(earliest, state.last_step_done_at + dt.timedelta(days=gap))
        return earliest

    def _step_assignee(self, debtor, step: Step, dispute_owner: int | None) -> int | None:
        if step.owner == CadenceStep.Owner.MANAGER:
            return self.managers.get(debtor.team_id) or debtor.assigned_collector_id
        if step.owner == CadenceStep.Owner.DISPUTE_OWNER:
            return dispute_owner or debtor.assigned_collector_id
        return debtor.assigned_collector_id

    def _add(
        self,
        debtor,
        *,
        plan,
        action,
        reason,
        earliest,
        window_days,
        negotiation,
        assignee,
        override,
        contact,
        history,
        rates,
        step,
    ) -> None:
        limits = policy.limits_for(debtor, override=override, contact=contact, reason=reason)
        if limits.no_contact:
            self.counts["no_contact"] += 1
            return
        action = _substitute(action, contact, limits.blocked_channels)
        slot = self._slot(
            debtor, limits, history, action, earliest, window_days, negotiation, rates
        )
        if slot is None:
            plan.skipped += 1
            self.counts["no_slot"] += 1
            return
        plan.create.append(
            SimpleNamespace(
                debtor_id=debtor.id,
                action=action,
                reason=reason,
                due_at=slot.at,
                slot_explain=[list(r) for r in slot.reasons],
                cadence_step_id=step.id if step else None,
                assigned_to_id=assignee,
                priority=debtor.priority_score,
            )
        )
        self.counts["planned"] += 1

    def _slot(self, debtor, limits, history, action, earliest, window_days, negotiation, rates):
        calendar = policy.calendar_for(debtor)
        deadline = earliest + dt.timedelta(days=window_days)
        team = self.team_rates.get(debtor.team_id)
        if history or rates:
            return timing.best_slot(
                calendar,
                limits,
                history,
                action,
                now=earliest,
                deadline=deadline,
                negotiation=negotiation,
                team_rates=team,
                debtor_rates=rates,
            )
        # Without a history of their own, debtors with the same calendar,
        # limits and window get the same slot: compute it once.
        key = (calendar, limits, action, earliest, window_days, negotiation, debtor.team_id)
        if key not in self._slot_cache:
            self._slot_cache[key] = timing.best_slot(
                calendar,
                limits,
                [],
                action,
                now=earliest,
                deadline=deadline,
                negotiation=negotiation,
                team_rates=team,
            )
        return self._slot_cache[key]

    # ------------------------------------------------------------------ writing
    def _write(self, plan: Plan, ids: list[int]) -> None:
        with transaction.atomic():
            if plan.cancel:
                FollowUp.objects.filter(
                    id__in=plan.cancel, status=FollowUp.Status.SCHEDULED
                ).update(status=FollowUp.Status.CANCELLED, completed_at=self.now)
                self.counts["cancelled"] += len(plan.cancel)
            if plan.states_new:
                cadence_states_insert(plan.states_new, now=self.now)
            if plan.states_changed:
                CadenceState.objects.bulk_update(
                    plan.states_changed, ["debtor_type", "next_sequence"]
                )
            if plan.create:
                followups_insert(plan.create, now=self.now)
            next_action_refresh(ids)


def plan_debtors(
    debtor_ids: Iterable[int], *, now: dt.datetime | None = None, replan: bool = False
) -> dict[str, int]:
    """Plan the next step of these debtors. ``replan`` cancels their scheduled
    cadence step first (an event changed the picture)."""
    now = now or timezone.now()
    ids = sorted({pk for pk in debtor_ids if pk is not None})
    planner = Planner(now=now, replan=replan)
    for start in range(0, len(ids), CHUNK):
        planner.run(ids[start : start + CHUNK])
    return dict(planner.counts)


def plan_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Nightly: every debtor with money open, in chunks (one transaction each)."""
    now = now or timezone.now()
    ids = list(
        Debtor.objects.filter(open_balance__gt=0)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("id")
        .values_list("id", flat=True)
    )
    planner = Planner(now=now)
    for start in range(0, len(ids), CHUNK):
        planner.run(ids[start : start + CHUNK])
    counts = dict(planner.counts)
    counts["debtors"] = len(ids)
    return counts

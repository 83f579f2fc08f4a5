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
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.selectors import team_manager_ids
from collections_crm.lib.zones import zone_named
from debtors.models import Channel, Contact, Debtor, DebtorType, Dispute

from . import policy, timing
from .defaults import cadence_steps
from .models import (
    Cadence,
    CadenceState,
    CadenceStep,
    ContactRate,
    FollowUp,
    Interaction,
)

logger = logging.getLogger(__name__)

CHUNK = 2000
INSERT_CHUNK = 5000
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
RATE_HISTORY_DAYS = 180
DEBTOR_RATE_MIN_CALLS = 8
DEBTOR_FIELDS = (*policy.DEBTOR_FIELDS, "oldest_due_date")


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


def team_rates() -> dict[int | None, dict[tuple[int, int], tuple[int, int]]]:
    rates: dict = defaultdict(dict)
    for team_id, weekday, hour, trials, successes in ContactRate.objects.values_list(
        "team_id", "weekday", "hour", "trials", "successes"
    ):
        rates[team_id][(weekday, hour)] = (successes, trials)
    return rates


def _local_cell(started_at: dt.datetime, tz_name: str) -> tuple[int, int]:
    local = started_at.astimezone(zone_named(tz_name))
    return local.weekday(), local.hour


def _calls(since: dt.datetime, debtor_ids: list[int] | None = None):
    calls = Interaction.objects.filter(
        channel=Channel.CALL, direction=Interaction.Direction.OUTBOUND, started_at__gte=since
    )
    if debtor_ids is not None:
        calls = calls.filter(debtor_id__in=debtor_ids)
    return calls


def contact_rates_refresh(*, now: dt.datetime | None = None) -> int:
    """Rebuild the per-team weekday x hour right-party rates from the last
    half year of outbound calls, in the debtors' local time. One statement on
    PostgreSQL; in Python on SQLite (the embedded demo)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=RATE_HISTORY_DAYS)
    table = ContactRate._meta.db_table
    with transaction.atomic():
        ContactRate.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {table} (team_id, weekday, hour, trials, successes)
                    SELECT d.team_id,
                           (EXTRACT(ISODOW FROM i.started_at AT TIME ZONE d.timezone))::int - 1,
                           EXTRACT(HOUR FROM i.started_at AT TIME ZONE d.timezone)::int,
                           count(*), count(*) FILTER (WHERE i.right_party_contact)
                      FROM {Interaction._meta.db_table} i
                      JOIN {Debtor._meta.db_table} d ON d.id = i.debtor_id
                     WHERE i.channel = 'call' AND i.direction = 'outbound'
                       AND i.started_at >= %s
                       AND d.timezone IN (SELECT name FROM pg_timezone_names)
                     GROUP BY 1, 2, 3
                    """,
                    [since],
                )
                return cursor.rowcount
        cells: dict = defaultdict(lambda: [0, 0])
        for started_at, tz_name, team_id, ok in _calls(since).values_list(
            "started_at", "debtor__timezone", "debtor__team_id", "right_party_contact"
        ):
            cell = _local_cell(started_at, tz_name)
            cells[(team_id, *cell)][0] += 1
            cells[(team_id, *cell)][1] += int(ok)
        ContactRate.objects.bulk_create(
            ContactRate(team_id=t, weekday=w, hour=h, trials=n, successes=k)
            for (t, w, h), (n, k) in cells.items()
        )
        return len(cells)


def _debtor_rates(debtor_ids: list[int], now: dt.datetime) -> dict[int, dict]:
    """Per-debtor weekday x hour rates, only for debtors with enough calls."""
    if not debtor_ids:
        return {}
    since = now - dt.timedelta(days=RATE_HISTORY_DAYS)
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    rows = _calls(since, debtor_ids).values_list(
        "debtor_id", "started_at", "debtor__timezone", "right_party_contact"
    )
    if connection.vendor == "postgresql":
        # Only debtors with enough calls are worth reading row by row.
        busy = (
            _calls(since, debtor_ids)
            .values("debtor_id")
            .annotate(n=Count("id"))
            .filter(n__gte=DEBTOR_RATE_MIN_CALLS)
            .values_list("debtor_id", flat=True)
        )
        rows = rows.filter(debtor_id__in=busy)
    for debtor_id, started_at, tz_name, ok in rows:
        cell = _local_cell(started_at, tz_name)
        counts[debtor_id][cell][0] += 1
        counts[debtor_id][cell][1] += int(ok)
    rates: dict[int, dict] = {}
    for debtor_id, cells in counts.items():
        if sum(n for n, _ in cells.values()) >= DEBTOR_RATE_MIN_CALLS:
            rates[debtor_id] = {cell: (k, n) for cell, (n, k) in cells.items()}
    return rates


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
        debtor_rates = _debtor_rates(ids, self.now)

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
                rates=debtor_rates.get(debtor.id),
            )
        self._write(plan, ids)

    # ----------------------------------------------------------------- deciding
    def _plan_one(
        self, debtor, *, plan, state, override, open_rows, contact, dispute_owner, history, rates
    ) -> None:
        open_next = [r for r in open_rows if r["reason"] in NEXT_STEP_REASONS]
        scheduled_steps = [
            r
            for r in open_next
            if r["reason"] == FollowUp.Reason.DUNNING_STEP and r["status"] == "scheduled"
        ]
        if (
            debtor.status in CLOSED_STATUSES
            or debtor.open_balance <= 0
            or debtor.oldest_due_date is None
        ):
            plan.cancel |= {r["id"] for r in open_rows if r["status"] == "scheduled"}
            self.counts["closed"] += 1
            return

        if state is None:
            state = SimpleNamespace(
                debtor_id=debtor.id,
                debtor_type=debtor.debtor_type,
                next_sequence=1,
                paused_until=None,
                last_step_done_at=None,
            )
            plan.states_new.append(state)
        elif state.debtor_type != debtor.debtor_type:
            # A new type starts its own cadence from the first step.
            state.debtor_type = debtor.debtor_type
            state.next_sequence = 1
            plan.states_changed.append(state)
            plan.cancel |= {r["id"] for r in scheduled_steps}
            open_next = [r for r in open_next if r not in scheduled_steps]
        elif self.replan:
            plan.cancel |= {r["id"] for r in scheduled_steps}
            open_next = [r for r in open_next if r not in scheduled_steps]

        whole_dispute = 0 < debtor.open_balance <= debtor.disputed_balance
        if not whole_dispute:
            # The dispute is settled (or covers only part): its review no
            # longer holds the cadence up.
            reviews = {
                r["id"]
                for r in open_next
                if r["reason"] == FollowUp.Reason.DISPUTE_REVIEW and r["status"] == "scheduled"
            }
            if reviews and not debtor.disputed_balance:
                plan.cancel |= reviews
                open_next = [r for r in open_next if r["id"] not in reviews]
        if whole_dispute:
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
            return
        local_today = self.now.astimezone(policy.calendar_zone(debtor)).date()
        if state.paused_until and local_today <= state.paused_until:
            plan.cancel |= {r["id"] for r in scheduled_steps}
            self.counts["promise_paused"] += 1
            return
        if any(r["id"] not in plan.cancel for r in open_next):
            self.counts["kept"] += 1
            return

        steps = self.cadences.get(debtor.debtor_type) or []
        if not steps:
            self.counts["no_cadence"] += 1
            return
        repeating = False
        if state.next_sequence <= len(steps):
            step = steps[state.next_sequence - 1]
        elif steps[-1].repeat_every_days:
            step, repeating = steps[-1], True
        else:
            self.counts["cadence_done"] += 1
            return

        earliest = max(
            self.now,
            _local_start(
                debtor.oldest_due_date + dt.timedelta(days=step.day_offset), debtor.timezone
            ),
        )
        if state.last_step_done_at:
            gap = step.repeat_every_days if repeating else step.min_gap_days
            earliest = max(earliest, state.last_step_done_at + dt.timedelta(days=gap))
        if step.owner == CadenceStep.Owner.MANAGER:
            assignee = self.managers.get(debtor.team_id) or debtor.assigned_collector_id
        elif step.owner == CadenceStep.Owner.DISPUTE_OWNER:
            assignee = dispute_owner or debtor.assigned_collector_id
        else:
            assignee = debtor.assigned_collector_id
        self._add(
            debtor,
            plan=plan,
            action=step.action,
            reason=FollowUp.Reason.DUNNING_STEP,
            earliest=earliest,
            window_days=step.window_days,
            negotiation=step.negotiation,
            assignee=assignee,
            override=override,
            contact=contact,
            history=history,
            rates=rates,
            step=step,
        )

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


def followups_insert(followups: list, *, now: dt.datetime) -> None:
    """Insert planned follow-ups; one already open in the same slot wins. On
    PostgreSQL one ``INSERT ... SELECT FROM unnest(...)`` per chunk: the
    nightly plan writes tens of thousands and ``bulk_create`` spends most of
    its time building objects and parameters."""
    if connection.vendor != "postgresql":
        FollowUp.objects.bulk_create(
            [FollowUp(**vars(f)) for f in followups], ignore_conflicts=True, batch_size=2000
        )
        return
    table = FollowUp._meta.db_table
    for start in range(0, len(followups), INSERT_CHUNK):
        chunk = followups[start : start + INSERT_CHUNK]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (public_id, debtor_id, action, reason, due_at,
                    slot_explain, status, assigned_to_id, cadence_step_id, attempts, last_error,
                    policy_override_reason, priority, created_at)
                SELECT gen_random_uuid(), d, a, r, t, se::jsonb, 'scheduled', u, c, 0, '', '',
                       p, %s
                  FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[],
                              %s::text[], %s::bigint[], %s::bigint[], %s::int[])
                       AS x(d, a, r, t, se, u, c, p)
                ON CONFLICT DO NOTHING
                """,
                [
                    now,
                    [f.debtor_id for f in chunk],
                    [f.action for f in chunk],
                    [f.reason for f in chunk],
                    [f.due_at for f in chunk],
                    [json.dumps(f.slot_explain) for f in chunk],
                    [f.assigned_to_id for f in chunk],
                    [f.cadence_step_id for f in chunk],
                    [f.priority for f in chunk],
                ],
            )


def cadence_states_insert(states: list, *, now: dt.datetime) -> None:
    """Positions for debtors planned for the first time (one statement on
    PostgreSQL); a position another run created meanwhile is kept."""
    if connection.vendor != "postgresql":
        CadenceState.objects.bulk_create(
            [CadenceState(debtor_id=s.debtor_id, debtor_type=s.debtor_type) for s in states],
            ignore_conflicts=True,
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {CadenceState._meta.db_table} (debtor_id, debtor_type, next_sequence,
                updated_at)
            SELECT d, t, 1, %s FROM unnest(%s::bigint[], %s::text[]) AS x(d, t)
            ON CONFLICT DO NOTHING
            """,
            [now, [s.debtor_id for s in states], [s.debtor_type for s in states]],
        )


def followups_priority_refresh() -> int:
    """Open follow-ups carry their debtor's priority for the queue's index;
    nightly, after the summaries moved, bring the changed ones up to date."""
    current = Debtor.objects.filter(pk=OuterRef("debtor_id")).values("priority_score")[:1]
    return (
        FollowUp.objects.filter(status__in=FollowUp.OPEN_STATUSES)
        .exclude(priority=Subquery(current))
        .update(priority=Subquery(current))
    )


def next_action_refresh(debtor_ids: Iterable[int]) -> None:
    """Debtor.next_action_at = their earliest open follow-up. One statement,
    touching only the debtors whose value changes."""
    ids = sorted(set(debtor_ids))
    if not ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {Debtor._meta.db_table} d SET next_action_at = n.due_at
                  FROM (SELECT x.id, min(f.due_at) AS due_at
                          FROM unnest(%s::bigint[]) AS x(id)
                          LEFT JOIN {FollowUp._meta.db_table} f ON f.debtor_id = x.id
                           AND f.status IN ('scheduled', 'claimed', 'in_progress')
                         GROUP BY x.id) n
                 WHERE d.id = n.id AND d.next_action_at IS DISTINCT FROM n.due_at
                """,
                [ids],
            )
        return
    earliest = (
        FollowUp.objects.filter(debtor_id=OuterRef("pk"), status__in=FollowUp.OPEN_STATUSES)
        .order_by()
        .values("debtor_id")
        .annotate(first=Min("due_at"))
        .values("first")
    )
    Debtor.objects.filter(id__in=ids).update(next_action_at=Subquery(earliest))


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


# ------------------------------------------------------------------ step done


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

"""Planning's set-based writes: new follow-ups and cadence positions in one
statement per chunk, the queue's copy of each debtor's priority, and each
debtor's next action time."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import connection
from django.db.models import Min, OuterRef, Subquery

from debtors.models import Debtor

from .models import CadenceState, FollowUp

INSERT_CHUNK = 5000


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

"""A debtor's summary columns (balances, oldest due date, days past due,
priority), recomputed set-based from the invoices. Every service that changes
invoices calls :func:`debtor_refresh_summary`; the aging import reuses the same
aggregates for the debtors it creates."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from .models import Debtor, Invoice

# Priority until the call queue brings its own explainable ranking: overdue
# money weighted by age, so large old debts come first. Bounded to fit an int.
_PRIORITY_CAP = 1_000_000
SUMMARY_COLUMNS = (
    "open_balance",
    "overdue_balance",
    "disputed_balance",
    "open_invoice_count",
    "oldest_due_date",
    "max_days_past_due",
)


def summary_aggregates_sql(
    *, alias: str, is_open: str, disputed: str | None = None
) -> tuple[str, int]:
    """The summary columns as aggregates over invoice-like rows ``alias``
    (``open_amount``, ``due_date`` and ``disputed``, by default the
    ``disputed_amount`` column), counting the rows where the ``is_open``
    predicate holds. Returns the select list, aliased as :data:`SUMMARY_COLUMNS`,
    and how many ``today`` parameters it takes.

    Shared by :func:`debtor_refresh_summary` and the aging import, which gives
    new debtors their summary from the staged rows as it creates them."""
    # Credit notes lower the balance but never make a debtor look older.
    open_amount, due_date = f"{alias}.open_amount", f"{alias}.due_date"
    disputed = disputed or f"{alias}.disputed_amount"
    overdue = f"({is_open}) AND {due_date} < %s AND {open_amount} > 0"
    oldest_overdue = f"MIN(CASE WHEN {overdue} THEN {due_date} END)"
    if connection.vendor == "postgresql":
        days = f"COALESCE(%s::date - {oldest_overdue}, 0)"
    else:
        days = f"COALESCE(CAST(julianday(%s) - julianday({oldest_overdue}) AS INTEGER), 0)"
    select = f"""COALESCE(SUM(CASE WHEN {is_open} THEN {open_amount} END), 0) AS open_balance,
        COALESCE(SUM(CASE WHEN {overdue} THEN {open_amount} END), 0) AS overdue_balance,
        COALESCE(SUM(CASE WHEN {is_open} THEN {disputed} END), 0) AS disputed_balance,
        COUNT(CASE WHEN {is_open} THEN 1 END) AS open_invoice_count,
        MIN(CASE WHEN ({is_open}) AND {open_amount} > 0 THEN {due_date} END) AS oldest_due_date,
        {days} AS max_days_past_due"""
    return select, 3


def priority_score_sql(alias: str) -> str:
    """The priority score from the summary columns of ``alias``: the overdue
    amount weighted by its age, capped."""
    score = f"{alias}.overdue_balance / 100 * (1 + {alias}.max_days_past_due / 30.0)"
    return (
        f"CASE WHEN {alias}.overdue_balance <= 0 THEN 0 ELSE CAST(CASE WHEN {score} > "
        f"{_PRIORITY_CAP} THEN {_PRIORITY_CAP} ELSE {score} END AS INTEGER) END"
    )


def debtor_refresh_summary(
    *,
    debtor_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
    where: tuple[str, list] | None = None,
) -> int:
    """Recompute the summary columns of the given debtors (all when None).

    ``where`` selects the debtors by SQL instead: a condition on the debtor
    table aliased ``dd`` and its parameters (the aging import passes a
    subquery rather than a list of a hundred thousand ids).

    Set-based: one UPDATE statement whatever the number of debtors, never one
    query per debtor, and it rewrites only the debtors whose summary changed
    (or was never computed). Returns the number of debtors it changed.
    """
    today = today or timezone.localdate()
    d = Debtor._meta.db_table
    i = Invoice._meta.db_table
    if where is not None:
        where_sql, params_ids = f"WHERE {where[0]}", list(where[1])
    elif debtor_ids is not None:
        ids = sorted(set(debtor_ids))
        if not ids:
            return 0
        where_sql = f"WHERE dd.id IN ({', '.join(['%s'] * len(ids))})"
        params_ids = ids
    else:
        where_sql, params_ids = "", []
    # The join keeps only the open items: a debtor without any gets one row of NULLs.
    aggregates, n_today = summary_aggregates_sql(alias="i", is_open="i.id IS NOT NULL")
    now_sql = "NOW()" if connection.vendor == "postgresql" else "CURRENT_TIMESTAMP"
    assignments = ", ".join(f"{c} = s.{c}" for c in SUMMARY_COLUMNS)
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(f"{d}.{c} {differs} s.{c}" for c in SUMMARY_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {d} SET {assignments}, priority_score = {priority_score_sql("s")},
                summary_refreshed_at = {now_sql}
            FROM (
                SELECT dd.id, {aggregates}
                FROM {d} dd
                LEFT JOIN {i} i ON i.debtor_id = dd.id
                    AND i.open_amount <> 0 AND i.status <> 'written_off'
                {where_sql}
                GROUP BY dd.id
            ) AS s
            WHERE {d}.id = s.id AND ({changed} OR {d}.summary_refreshed_at IS NULL
                OR {d}.priority_score <> {priority_score_sql("s")})
            """,
            [*([today] * n_today), *params_ids],
        )
        return cursor.rowcount

"""The facts the type review's rules read, gathered for many debtors at once.

One statement per kind of fact, grouped by debtor, on PostgreSQL and SQLite
alike: never a query per debtor. ``ids`` is a list of debtor ids (at most
``CHUNK`` of them, so an IN list stays within SQLite's limits) or None for
every debtor. Each reader fills the matching fields of :class:`Facts`; a
debtor without any signal has no facts at all.

Measured on PostgreSQL with the demo book at 100,000 debtors (1M invoices,
0.85M payments, 0.8M interactions): one run over everybody takes 3-4 s of
SQL in 15 statements, about 4 s in all; a run for one debtor about 30 ms.
Three readers are plain SQL, each for a measured reason: every open debtor
(``debtors_open``: building 100,000 ORM rows cost more than the query), the
payment history (a grouped join through the allocations, with the date
arithmetic written for each database) and the dodged calls (three narrowing
steps the ORM cannot express; an earlier join back to the last conversation
cost a second more than reading its outcome in the same aggregate).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from debtors.models import Debtor, DebtorType, Dispute, Invoice, Payment, PaymentAllocation

from .models import Interaction, PromiseToPay
from .sql import fetch, listed

CHUNK = 900
CLOSED_STATUSES = (Debtor.Status.SETTLED, Debtor.Status.WRITTEN_OFF)
OPEN_DISPUTE_STATUSES = (Dispute.Status.OPEN, Dispute.Status.ESCALATED)
# Calls nobody picked up (or that were cut off): a dodge when it keeps happening.
UNANSWERED = (
    Interaction.Outcome.NO_ANSWER,
    Interaction.Outcome.BUSY,
    Interaction.Outcome.MESSAGE_LEFT,
)
# We spoke with somebody there, on the phone (either way) or on a visit.
SPOKEN = tuple(sorted(Interaction.CONVERSATION_OUTCOMES))
SPOKEN_CHANNELS = ("call", "visit")


@dataclass
class Window:
    """How far back each reader looks, and from which moment."""

    now: dt.datetime
    history_days: int
    late_days: int
    plan_days: int
    broken_days: int
    dodge_days: int
    plan_min_instalments: int
    dodge_min_calls: int

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def moment_ago(self, days: int) -> dt.datetime:
        return self.now - dt.timedelta(days=days)


@dataclass(slots=True)
class Facts:
    """What one debtor's recent history says, as counts and first dates."""

    debtor_id: int
    today: dt.date
    current_type: str
    owes: bool = False
    open_disputes: int = 0
    first_dispute_on: dt.date | None = None
    broken_promises: int = 0
    first_broken_on: dt.date | None = None
    plans: int = 0
    last_plan_on: dt.date | None = None
    plan_instalments: int = 0
    payments: int = 0
    first_payment_on: dt.date | None = None
    partly_kept: int = 0
    overdue_since: dt.date | None = None
    paid_on_time: int = 0
    paid_late: int = 0
    unanswered_calls: int = 0
    first_unanswered_on: dt.date | None = None
    last_spoke_on: dt.date | None = None
    last_spoke_was_callback: bool = False


class Found(dict):
    """Debtor id -> Facts, made when a reader first finds something about an
    open debtor (most debtors have no signal and never get one)."""

    def __init__(self, debtors: dict[int, tuple[str, bool]], today: dt.date):
        super().__init__()
        self.debtors = debtors
        self.today = today

    def at(self, debtor_id: int) -> Facts | None:
        found = self.get(debtor_id)
        if found is None and debtor_id in self.debtors:
            debtor_type, owes = self.debtors[debtor_id]
            found = self[debtor_id] = Facts(debtor_id, self.today, debtor_type, owes)
        return found


def _scoped(qs: QuerySet, field: str, ids: Sequence[int] | None) -> QuerySet:
    return qs if ids is None else qs.filter(**{f"{field}__in": list(ids)})


def _days():
    """A moment -> its day in the current time zone (the zone looked up once,
    not once for each of thousands of rows)."""
    zone = timezone.get_current_timezone()

    def day(value) -> dt.date | None:
        return value.astimezone(zone).date() if value is not None else None

    return day


def debtors_open(ids: Sequence[int] | None) -> dict[int, tuple[str, bool]]:
    """Debtor id -> (type, still owes something) for the debtors not closed
    (settled and written-off debtors get no suggestion). Plain SQL: for every
    debtor at night, the ORM's row building would cost more than the query."""
    closed, params = listed("closed", CLOSED_STATUSES)
    sql = (
        f"SELECT id, debtor_type, CASE WHEN open_balance > 0 THEN 1 ELSE 0 END"
        f" FROM {Debtor._meta.db_table} WHERE status NOT IN {closed}"
    )
    if ids is not None:
        only, p_ids = listed("id", ids)
        sql, params = f"{sql} AND id IN {only}", {**params, **p_ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: (debtor_type, bool(owes)) for pk, debtor_type, owes in cursor.fetchall()}


def read_disputes(facts: Found, ids, window: Window) -> None:
    day = _days()
    rows = (
        _scoped(Dispute.objects.filter(status__in=OPEN_DISPUTE_STATUSES), "debtor_id", ids)
        .values("debtor_id")
        .annotate(n=Count("id"), first=Min("opened_at"))
        .values_list("debtor_id", "n", "first")
    )
    for debtor_id, n, first in rows:
        if f := facts.at(debtor_id):
            f.open_disputes, f.first_dispute_on = n, day(first)


def read_broken_promises(facts: Found, ids, window: Window) -> None:
    """Promises that broke (their evaluation found an instalment unpaid past
    its grace days) within the window; ``evaluated_at`` is when they broke."""
    day = _days()
    rows = (
        _scoped(
            PromiseToPay.objects.filter(
                status=PromiseToPay.Status.BROKEN,
                evaluated_at__gte=window.moment_ago(window.broken_days),
            ),
            "debtor_id",
            ids,
        )
        .values("debtor_id")
        .annotate(n=Count("id"), first=Min("evaluated_at"))
        .values_list("debtor_id", "n", "first")
    )
    for debtor_id, n, first in rows:
        if f := facts.at(debtor_id):
            f.broken_promises, f.first_broken_on = n, day(first)


def read_plans_and_parts(facts: Found, ids, window: Window) -> None:
    """Instalment plans asked for within the window, and for those debtors
    only: the payments received and the promises partly kept since then."""
    day = _days()
    since = window.moment_ago(window.plan_days)
    plans = (
        _scoped(PromiseToPay.objects.filter(created_at__gte=since), "debtor_id", ids)
        .annotate(k=Count("instalments"))
        .filter(k__gte=window.plan_min_instalments)
    )
    planners = set()
    for debtor_id, made_at, k in plans.values_list("debtor_id", "created_at", "k"):
        f = facts.at(debtor_id)
        if f is None:
            continue
        planners.add(debtor_id)
        f.plans += 1
        made_on = day(made_at)
        if f.last_plan_on is None or made_on >= f.last_plan_on:
            f.last_plan_on, f.plan_instalments = made_on, k
    if not planners:
        return
    planner_ids = plans.values("debtor_id")
    payments = (
        Payment.objects.filter(
            debtor_id__in=planner_ids, received_on__gte=window.days_ago(window.plan_days)
        )
        .values("debtor_id")
        .annotate(n=Count("id"), first=Min("received_on"))
        .values_list("debtor_id", "n", "first")
    )
    for debtor_id, n, first in payments:
        if debtor_id in planners:
            facts[debtor_id].payments, facts[debtor_id].first_payment_on = n, first
    partly = (
        PromiseToPay.objects.filter(
            debtor_id__in=planner_ids,
            status=PromiseToPay.Status.PARTLY_KEPT,
            created_at__gte=since,
        )
        .values("debtor_id")
        .annotate(n=Count("id"))
        .values_list("debtor_id", "n")
    )
    for debtor_id, n in partly:
        if debtor_id in planners:
            facts[debtor_id].partly_kept = n


def _plus_days(column: str, days: int) -> str:
    """``column`` (a date) plus whole days, in this database's dialect."""
    if connection.vendor == "sqlite":
        return f"date({column}, '+{int(days)} days')"
    return f"({column} + {int(days)})"


def read_payment_history(facts: Found, ids, window: Window, tolerance: int) -> None:
    """For debtors overdue since recently (``late_days``): their oldest open
    due date, and how many of their invoices due in the history window were
    paid in full on time (last payment by the due date plus ``tolerance``
    days) or late. Invoices closed without a payment are not counted, nor
    debtors already typed forgetful (the rule could not change their type)."""
    debtors = _scoped(
        Debtor.objects.exclude(status__in=CLOSED_STATUSES)
        # The rule can change nothing for a debtor already typed forgetful.
        .exclude(debtor_type=DebtorType.FORGETFUL)
        .filter(
            overdue_balance__gt=0,
            oldest_due_date__lt=window.today,
            oldest_due_date__gte=window.days_ago(window.late_days),
        ),
        "pk",
        ids,
    )
    late = dict(debtors.values_list("pk", "oldest_due_date"))
    for debtor_id, since in late.items():
        if f := facts.at(debtor_id):
            f.overdue_since = since
    if not late:
        return
    candidates, params = debtors.order_by().values("pk").query.sql_with_params()
    due_plus = _plus_days("x.due_date", tolerance)
    sql = f"""
        SELECT x.debtor_id,
               SUM(CASE WHEN x.paid_on <= {due_plus} THEN 1 ELSE 0 END),
               SUM(CASE WHEN x.paid_on > {due_plus} THEN 1 ELSE 0 END)
          FROM (SELECT i.debtor_id, i.due_date, MAX(p.received_on) AS paid_on
                  FROM {Invoice._meta.db_table} i
                  JOIN {PaymentAllocation._meta.db_table} a ON a.invoice_id = i.id
                  JOIN {Payment._meta.db_table} p ON p.id = a.payment_id
                 WHERE i.status = %s AND i.amount > 0 AND i.is_synthetic = %s
                   AND i.due_date >= %s AND i.due_date < %s
                   AND i.debtor_id IN ({candidates})
                 GROUP BY i.id, i.debtor_id, i.due_date) x
         GROUP BY x.debtor_id
    """
    args = [Invoice.Status.PAID.value, False, window.days_ago(window.history_days), window.today]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, *params])
        rows = cursor.fetchall()
    for debtor_id, on_time, late_count in rows:
        if f := facts.at(debtor_id):
            f.paid_on_time, f.paid_late = int(on_time or 0), int(late_count or 0)


def read_dodged_calls(facts: Found, ids, window: Window) -> None:
    """For debtors with at least ``dodge_min_calls`` unanswered outbound calls
    in the window: when we last spoke with them (within ``history_days``),
    whether that conversation was a request to call back, and the unanswered
    outbound calls since it within the window. Debtors we have not spoken
    with have no facts here: an unanswered number is not a dodge until
    somebody there has answered it. Each step narrows the debtors the next
    one reads through the (debtor, time) index."""
    day = _days()
    table = Interaction._meta.db_table
    unanswered, p_unanswered = listed("u", UNANSWERED)
    spoken, p_spoken = listed("s", SPOKEN)
    channels, p_channels = listed("ch", SPOKEN_CHANNELS)
    only, p_ids = listed("id", ids) if ids is not None else ("", {})
    scope = f"AND debtor_id IN {only}" if ids is not None else ""
    sql = f"""
        WITH recent AS (
            SELECT debtor_id FROM {table}
             WHERE channel = %(call)s AND direction = %(out)s AND outcome IN {unanswered}
               AND started_at >= %(since)s AND started_at <= %(now)s {scope}
             GROUP BY debtor_id HAVING COUNT(*) >= %(min_calls)s
        ), spoke AS (
            SELECT i.debtor_id, MAX(i.started_at) AS at,
                   MAX(CASE WHEN i.outcome = %(callback)s THEN i.started_at END) AS callback_at
              FROM {table} i JOIN recent r ON r.debtor_id = i.debtor_id
             WHERE i.channel IN {channels} AND i.outcome IN {spoken}
               AND i.started_at >= %(spoke_from)s AND i.started_at <= %(now)s
             GROUP BY i.debtor_id
        )
        SELECT s.debtor_id, s.at, CASE WHEN s.callback_at = s.at THEN 1 ELSE 0 END,
               COUNT(u.id), MIN(u.started_at)
          FROM spoke s JOIN {table} u ON u.debtor_id = s.debtor_id
         WHERE u.channel = %(call)s AND u.direction = %(out)s AND u.outcome IN {unanswered}
           AND u.started_at > s.at AND u.started_at >= %(since)s AND u.started_at <= %(now)s
         GROUP BY s.debtor_id, s.at, s.callback_at
    """
    params = {
        "call": "call",
        "out": Interaction.Direction.OUTBOUND.value,
        "callback": Interaction.Outcome.CALLBACK.value,
        "since": window.moment_ago(window.dodge_days),
        "spoke_from": window.moment_ago(window.history_days),
        "now": window.now,
        "min_calls": window.dodge_min_calls,
        **p_unanswered,
        **p_spoken,
        **p_channels,
        **p_ids,
    }
    at = Interaction._meta.get_field("started_at")
    for debtor_id, spoke_at, callback, n, first in fetch(sql, params, [None, at, None, None, at]):
        if n and (f := facts.at(debtor_id)):
            f.last_spoke_on, f.last_spoke_was_callback = day(spoke_at), bool(callback)
            f.unanswered_calls, f.first_unanswered_on = int(n), day(first)


def facts_for(ids: Sequence[int] | None, window: Window, *, tolerance: int) -> Found:
    """The open debtors in ``ids`` (None: all) about whom a reader found
    something, with what it found; ``.debtors`` holds every open debtor read."""
    facts = Found(debtors_open(ids), window.today)
    read_disputes(facts, ids, window)
    read_broken_promises(facts, ids, window)
    read_plans_and_parts(facts, ids, window)
    read_payment_history(facts, ids, window, tolerance)
    read_dodged_calls(facts, ids, window)
    return facts

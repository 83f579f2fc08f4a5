"""The call queue's two reads, in SQL of their own: the candidate rows with
their debtors, and the day's counters.

The queue page is read all day long. Composed and compiled by the ORM, these
reads cost the web process several times the CPU the database spends on them
(about 6 ms a page on our hardware against a 50 ms target); written out, they
cost a cursor call. Plain SQL that runs on PostgreSQL and on SQLite (the
embedded demo), through followups.sql. The tests in tests/followups/test_queue.py
cover each condition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection
from django.db.models import Field

from accounts.models import User
from debtors.models import Debtor
from debtors.permissions import debtor_scope

from .models import DebtorClaim, FollowUp, PromiseToPay
from .sql import fetch, listed

QUEUE_ACTIONS = ("call", "visit")
# The open follow-ups a collector may take from the queue: every open status
# (FollowUp.OPEN_STATUSES) but CLAIMED, which a dispatcher holds while it sends
# an SMS or email.
TAKEABLE_STATUSES = tuple(s for s in FollowUp.OPEN_STATUSES if s != FollowUp.Status.CLAIMED)
OPEN_PROMISES = (PromiseToPay.Status.PENDING, PromiseToPay.Status.PARTLY_KEPT)
_TAKEABLE, _TAKEABLE_PARAMS = listed("takeable", TAKEABLE_STATUSES)
_ACTIONS, _ACTIONS_PARAMS = listed("action", QUEUE_ACTIONS)
_PROMISES, _PROMISES_PARAMS = listed("promise", OPEN_PROMISES)

# Open calls and visits assigned to the user, due by the end of their day: the
# condition of the followup_queue index, whose order is the ranking's.
_DUE = f"""SELECT * FROM followups_followup
 WHERE assigned_to_id = %(user)s AND status IN {_TAKEABLE}
   AND action IN {_ACTIONS} AND due_at < %(end)s
"""
# Without filters, the best rows are read from the queue index alone, in its
# order, then checked against their debtors: the cost does not follow the
# portfolio, and the joins stop once the page's rows are found.
_BEST = f"{_DUE} ORDER BY rank DESC, priority DESC, due_at LIMIT %(best)s"

_ROWS = f"""SELECT {{columns}}, c.holder, c.expires_at, o.id IS NOT NULL,
       EXISTS (
           SELECT 1
             FROM followups_instalment i
             JOIN followups_promisetopay p ON p.id = i.promise_id
            WHERE p.debtor_id = f.debtor_id AND p.status IN {_PROMISES}
              AND i.due_date BETWEEN %(day_before)s AND %(day_after)s
       )
  FROM ({{followups}}) f
  JOIN debtors_debtor d ON d.id = f.debtor_id
  LEFT JOIN followups_debtorclaim c ON c.debtor_id = d.id
  LEFT JOIN followups_debtorpolicyoverride o ON o.debtor_id = d.id
 WHERE {{scope}} AND {{filters}}
   AND NOT d.do_not_contact AND NOT d.cease_contact
   -- A dispute over the whole balance pauses collection calls.
   AND NOT (d.disputed_balance >= d.open_balance AND d.open_balance > 0
            AND f.reason <> %(dispute_review)s)
   -- Someone else is working this debtor right now.
   AND (c.expires_at IS NULL OR c.expires_at <= %(now)s OR c.holder = %(holder)s)
 ORDER BY f.rank DESC, f.priority DESC, f.due_at
 LIMIT %(limit)s
"""

_COUNTERS = f"""SELECT 'left', CAST(NULL AS TEXT), COUNT(*), CAST(NULL AS NUMERIC)
  FROM ({_DUE}) due
UNION ALL
SELECT 'done', NULL, COUNT(*), NULL
  FROM followups_interaction WHERE user_id = %(user)s AND started_at >= %(start)s
UNION ALL
SELECT 'promised', currency, COUNT(*), SUM(total_amount)
  FROM followups_promisetopay WHERE made_by_id = %(user)s AND created_at >= %(start)s
 GROUP BY currency
"""


@dataclass(frozen=True)
class Row:
    """One candidate: the follow-up's and the debtor's fields, as asked."""

    followup: SimpleNamespace
    debtor: SimpleNamespace
    claim_holder: str | None
    claim_expires_at: dt.datetime | None
    has_override: bool
    promise_due_today: bool


def _fields(model, names: Sequence[str]) -> list[Field]:
    by_column = {f.attname: f for f in model._meta.concrete_fields}
    return [by_column[name] for name in names]


def candidate_rows(
    user: User,
    *,
    now: dt.datetime,
    end: dt.datetime,
    day: dt.date,
    holder: str,
    followup_fields: tuple[str, ...],
    debtor_fields: tuple[str, ...],
    limit: int,
    debtor_type: str = "",
    days_past_due: tuple[int | None, int | None] | None = None,
) -> list[Row]:
    """Open calls and visits for the user due before ``end``, best reason and
    biggest overdue x age first, minus debtors who may not be called or are
    being worked by someone else (not ``holder``)."""
    ops = connection.ops
    params = {
        **_TAKEABLE_PARAMS,
        **_ACTIONS_PARAMS,
        **_PROMISES_PARAMS,
        "user": user.pk,
        "end": ops.adapt_datetimefield_value(end),
        "now": ops.adapt_datetimefield_value(now),
        "holder": holder,
        "dispute_review": str(FollowUp.Reason.DISPUTE_REVIEW),
        "day_before": ops.adapt_datefield_value(day - dt.timedelta(days=1)),
        "day_after": ops.adapt_datefield_value(day + dt.timedelta(days=1)),
        "limit": limit,
        "best": limit * 3,
    }
    # The debtors the user may see, as a condition on the debtor already
    # joined: no second pass over the portfolio.
    scope, scope_params = debtor_scope(user).sql("d")
    params.update(scope_params)
    filters = []
    if debtor_type:
        filters.append("d.debtor_type = %(debtor_type)s")
        params["debtor_type"] = debtor_type
    low, high = days_past_due or (None, None)
    if low is not None:
        filters.append("d.max_days_past_due >= %(low)s")
        params["low"] = low
    if high is not None:
        filters.append("d.max_days_past_due <= %(high)s")
        params["high"] = high
    sql = _ROWS.format(
        columns=", ".join([f"f.{n}" for n in followup_fields] + [f"d.{n}" for n in debtor_fields]),
        followups=_DUE if debtor_type or days_past_due else _BEST,
        scope=scope,
        filters=" AND ".join(filters) or "TRUE",
    )
    fields = [
        *_fields(FollowUp, followup_fields),
        *_fields(Debtor, debtor_fields),
        None,  # the claim's holder
        DebtorClaim._meta.get_field("expires_at"),
    ]
    n_followup, n_debtor = len(followup_fields), len(debtor_fields)
    rows = []
    for values in fetch(sql, params, fields):
        followup = dict(zip(followup_fields, values[:n_followup], strict=True))
        debtor = dict(zip(debtor_fields, values[n_followup : n_followup + n_debtor], strict=True))
        claim_holder, claim_expires_at, has_override, promise_due = values[n_followup + n_debtor :]
        rows.append(
            Row(
                SimpleNamespace(**followup),
                SimpleNamespace(**debtor),
                claim_holder=claim_holder,
                claim_expires_at=claim_expires_at,
                has_override=bool(has_override),
                promise_due_today=bool(promise_due),
            )
        )
    return rows


@dataclass(frozen=True)
class Counters:
    left: int
    done_today: int
    promised_today: int
    promised_amounts: dict[str, Decimal]


def day_counters(user: User, *, start: dt.datetime, end: dt.datetime) -> Counters:
    """Calls and visits due by ``end`` (read from the queue index alone: debtors
    paused since planning may still be counted), the user's interactions and
    promises since ``start``: one statement."""
    params = {
        **_TAKEABLE_PARAMS,
        **_ACTIONS_PARAMS,
        "user": user.pk,
        "start": connection.ops.adapt_datetimefield_value(start),
        "end": connection.ops.adapt_datetimefield_value(end),
    }
    total = PromiseToPay._meta.get_field("total_amount")
    rows = fetch(_COUNTERS, params, [None, None, None, total])
    counts = {kind: n for kind, _currency, n, _total in rows if kind != "promised"}
    promised = sorted((c, n, amount) for kind, c, n, amount in rows if kind == "promised")
    return Counters(
        left=counts["left"],
        done_today=counts["done"],
        promised_today=sum(n for _currency, n, _amount in promised),
        promised_amounts={currency: amount for currency, _n, amount in promised},
    )

"""The book bench/reports_bench.py measures: the demo book (seed_demo) topped
up with set-based SQL so the manager's reports have thirteen months to read.

seed_demo gives --debtors debtors with 10 invoices each, their payments,
promises, disputes and a couple of months of calls. On top of it, each step
only when the book does not have it yet (so a reused database is not grown
again, and a seed that already writes this much history gets nothing added):

- collectors: a real team has one collector per ~1,000 debtors, not the
  demo's three; the debtors a collector holds are spread over
  ``debtors // per_collector`` collectors of their team (round robin by id),
  and the interactions those collectors logged follow their debtors. A cell
  of the rollups is (team, collector, debtor type), so this sets how much an
  incremental update has to remake;
- interactions: up to ``per_debtor`` per debtor (2,000,000 for 100,000
  debtors) over the last 56 weeks, on weekdays, within each debtor's own
  business hours (never at lunch), in their time zone; a channel mix (calls out
  and in, SMS, email, visits, letters), outcomes with ``right_party_contact``
  true exactly for the conversation outcomes, right-party rates that follow
  the timing prior (Fri > Thu > Tue > Wed > Mon, better in the first 15
  minutes of a morning or afternoon) and about 1.5% of conversations flagged
  as complaints;
- payments: half the invoices still open with nothing allocated and issued
  three weeks ago or more get one payment on a day between a week after issue
  (or 13 months ago) and yesterday, allocated to that invoice: a third settle
  it in full (the invoice is closed that day), the others pay 20-70%. The
  invoice's open amount and status follow, then the debtors' summaries.

Everything runs in the database (INSERT ... SELECT with generate_series and
random() after setseed), in seconds per million rows.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import time

HISTORY_REFERENCE = "reports bench history"
WEEKS = 56  # 13 months of weekdays
PAID_SHARE = 0.5
CONVERSATIONS = ("right_party", "promise", "refused", "dispute", "paid", "callback")


def _execute(sql: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def seed(debtors: int, invoices_per_debtor: int, reseed: bool) -> float | None:
    """seed_demo into an emptied book unless the book is there; seconds or None."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Team, User
    from debtors.models import Debtor, Invoice
    from followups.models import ContactPolicy

    call_command("migrate", verbosity=0)
    if (
        not reseed
        and Debtor.objects.count() == debtors
        and Invoice.objects.count() == debtors * invoices_per_debtor
    ):
        return None
    from demo.management.commands.seed_demo import TABLE_MODELS

    demo_models = [*TABLE_MODELS.values(), ContactPolicy, User, Team]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in demo_models)
    _execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    started = time.perf_counter()
    call_command(
        "seed_demo",
        debtors=debtors,
        invoices_per_debtor=invoices_per_debtor,
        history_percent=100,
        method="copy",
        stdout=io.StringIO(),
    )
    return time.perf_counter() - started


def spread_collectors(debtors: int, per_collector: int) -> int:
    """More collectors, as a team of this size would have; returns how many
    were added (0 when the book already has them)."""
    from django.db import transaction

    from accounts.models import User

    want = max(debtors // per_collector, 0)
    collectors = User.objects.filter(role=User.Role.COLLECTOR, is_active=True)
    have = collectors.count()
    if want <= have:
        return 0
    old = list(collectors.values_list("id", flat=True))
    teams = dict(
        _rows(
            "SELECT team_id, count(*) FROM debtors_debtor WHERE team_id IS NOT NULL "
            "AND assigned_collector_id IS NOT NULL GROUP BY team_id"
        )
    )
    total = sum(teams.values()) or 1
    zones = dict(User.objects.filter(role=User.Role.MANAGER).values_list("team_id", "timezone"))
    with transaction.atomic():
        new = []
        for team_id, count in sorted(teams.items()):
            mine = collectors.filter(team_id=team_id).count()
            for i in range(max(round(want * count / total) - mine, 0)):
                new.append(
                    User(
                        username=f"rb_{team_id}_{i + 1:03d}",
                        password="!",  # unusable: nobody logs in as them
                        role=User.Role.COLLECTOR,
                        team_id=team_id,
                        timezone=zones.get(team_id) or "Asia/Shanghai",
                        first_name="Bench",
                        last_name=f"Collector {team_id}-{i + 1}",
                    )
                )
        User.objects.bulk_create(new)
        _execute(
            """
            WITH c AS (
                SELECT team_id, array_agg(id ORDER BY id) AS ids FROM accounts_user
                WHERE role = 'collector' AND is_active GROUP BY team_id
            )
            UPDATE debtors_debtor d SET assigned_collector_id =
                c.ids[1 + mod(d.id, array_length(c.ids, 1))]
            FROM c WHERE c.team_id = d.team_id AND d.assigned_collector_id IS NOT NULL
            """
        )
        for table, column in (
            ("followups_interaction", "user_id"),
            ("followups_followup", "assigned_to_id"),
        ):
            _execute(
                f"UPDATE {table} t SET {column} = d.assigned_collector_id FROM debtors_debtor d "
                f"WHERE t.debtor_id = d.id AND t.{column} = ANY(%s) "
                "AND d.assigned_collector_id IS NOT NULL",
                [old],
            )
    return len(new)


def _rows(sql: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


INTERACTIONS_SQL = """
WITH people AS MATERIALIZED (
    SELECT d.id, d.timezone, COALESCE(d.assigned_collector_id, m.manager_id) AS user_id,
        (SELECT c.id FROM debtors_contact c WHERE c.debtor_id = d.id
         ORDER BY c.is_primary DESC, c.id LIMIT 1) AS contact_id,
        (EXTRACT(EPOCH FROM d.business_hours_start) / 60)::int AS opens,
        (EXTRACT(EPOCH FROM d.business_hours_end) / 60)::int - 20 AS closes,
        (EXTRACT(EPOCH FROM COALESCE(d.lunch_start, d.business_hours_start)) / 60)::int
            AS lunch_from,
        (EXTRACT(EPOCH FROM COALESCE(d.lunch_end, d.business_hours_start)) / 60)::int
            AS lunch_until
    FROM debtors_debtor d
    LEFT JOIN (SELECT team_id, min(id) AS manager_id FROM accounts_user
               WHERE role = 'manager' GROUP BY team_id) m ON m.team_id = d.team_id
),
draws AS MATERIALIZED (
    SELECT p.*, GREATEST(lunch_from - opens, 0) AS morning,
        GREATEST(lunch_from - opens, 0) + GREATEST(closes - lunch_until, 0) AS open_minutes,
        random() AS r_week, random() AS r_wd, random() AS r_min, random() AS r_sec,
        random() AS r_chan, random() AS r_out, random() AS r_sub, random() AS r_len,
        random() AS r_cmp
    FROM people p CROSS JOIN generate_series(1, %(per)s)
),
slots AS MATERIALIZED (
    SELECT d.*, CASE WHEN day0 >= %(today)s::date THEN day0 - 7 ELSE day0 END AS day,
        CASE WHEN m < morning THEN opens + m ELSE lunch_until + m - morning END AS minute
    FROM (
        SELECT d.*, floor(r_min * GREATEST(open_minutes, 1))::int AS m,
            %(monday)s::date - 7 * floor(r_week * %(weeks)s)::int + floor(r_wd * 5)::int
                AS day0
        FROM draws d
    ) d
),
touches AS MATERIALIZED (
    SELECT s.*,
        (s.day + make_interval(mins => s.minute, secs => floor(r_sec * 60)))
            AT TIME ZONE s.timezone AS started_at,
        CASE WHEN r_chan < .69 THEN 'call' WHEN r_chan < .83 THEN 'sms'
             WHEN r_chan < .95 THEN 'email' WHEN r_chan < .985 THEN 'visit'
             ELSE 'letter' END AS channel,
        CASE WHEN r_chan >= .64 AND r_chan < .69 THEN 'inbound' ELSE 'outbound' END
            AS direction,
        .27 * (ARRAY[.90, 1.05, .95, 1.10, 1.20])[EXTRACT(ISODOW FROM s.day)::int]
            * CASE WHEN s.minute < s.opens + 15
                     OR (s.morning > 0 AND s.minute >= s.lunch_until
                         AND s.minute < s.lunch_until + 15)
                   THEN 1.2 ELSE 1 END AS rp_rate,
        CASE WHEN r_sub < .25 THEN 'right_party' WHEN r_sub < .60 THEN 'promise'
             WHEN r_sub < .75 THEN 'callback' WHEN r_sub < .85 THEN 'refused'
             WHEN r_sub < .93 THEN 'paid' ELSE 'dispute' END AS talk
    FROM slots s
),
outcomes AS MATERIALIZED (
    SELECT t.*, CASE
        WHEN channel IN ('sms', 'email', 'letter') THEN 'sent'
        WHEN channel = 'visit' THEN CASE WHEN r_out < .7 THEN talk ELSE 'no_answer' END
        WHEN direction = 'inbound' THEN talk
        WHEN r_out < rp_rate THEN talk
        WHEN r_out < rp_rate + .03 THEN 'wrong_number'
        WHEN r_out < rp_rate + .13 THEN 'busy'
        WHEN r_out < rp_rate + .25 THEN 'message_left'
        ELSE 'no_answer' END AS outcome
    FROM touches t
)
INSERT INTO followups_interaction (
    public_id, debtor_id, contact_id, user_id, channel, direction, started_at, ended_at,
    outcome, right_party_contact, notes, compliance_flags, is_complaint, idempotency_key,
    external_id, created_at)
SELECT gen_random_uuid(), id, contact_id, user_id, channel, direction, started_at,
    started_at + CASE
        WHEN channel = 'visit' THEN make_interval(mins => 30 + floor(r_len * 60)::int)
        WHEN channel <> 'call' THEN NULL
        WHEN outcome IN ('no_answer', 'busy') THEN make_interval(secs => 20 + floor(r_len * 25))
        WHEN outcome IN ('message_left', 'wrong_number')
            THEN make_interval(secs => 25 + floor(r_len * 40))
        ELSE make_interval(secs => 60 + floor(r_len * 660)) END,
    outcome, outcome = ANY(%(conversations)s), '', '[]'::jsonb,
    outcome = ANY(%(conversations)s) AND r_cmp < .015, NULL, '', started_at
FROM outcomes
"""


def top_up_interactions(debtors: int, per_debtor: int, today: dt.date) -> int:
    """Interactions until there are ``per_debtor`` per debtor; rows added."""
    from followups.models import Interaction

    have = Interaction.objects.count()
    missing = debtors * per_debtor - have
    if missing <= 0 or debtors == 0:
        return 0
    per = math.ceil(missing / debtors)
    monday = today - dt.timedelta(days=today.weekday())
    _execute("SELECT setseed(0.42)")
    return _execute(
        INTERACTIONS_SQL,
        {
            "per": per,
            "today": today,
            "monday": monday,
            "weeks": WEEKS,
            "conversations": list(CONVERSATIONS),
        },
    )


PAYMENTS_SQL = """
CREATE TEMP TABLE reports_bench_paid ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('debtors_payment', 'id')) AS payment_id,
    id AS invoice_id, debtor_id, currency, day, full_payment,
    CASE WHEN full_payment THEN open_amount
         ELSE GREATEST(round(open_amount * (.2 + .5 * r_share)::numeric, 2), .01) END AS amount,
    (day + time '10:00') AT TIME ZONE %(zone)s AS paid_at
FROM (
    SELECT i.*, r_full < 1.0 / 3 AS full_payment,
        first_day + floor(r_day * (%(yesterday)s::date - first_day + 1))::int AS day
    FROM (
        SELECT i.*, random() AS r_pick, random() AS r_day, random() AS r_full,
            random() AS r_share,
            GREATEST(i.issue_date + 7, %(earliest)s::date) AS first_day
        FROM debtors_invoice i
        WHERE i.status = 'open' AND i.amount > 0 AND i.open_amount = i.amount
          AND i.disputed_amount = 0 AND i.issue_date <= %(latest_issue)s::date
          AND NOT EXISTS (SELECT 1 FROM debtors_paymentallocation a WHERE a.invoice_id = i.id)
        OFFSET 0
    ) i
    WHERE r_pick < %(share)s
) i;
INSERT INTO debtors_payment (id, public_id, debtor_id, amount, unallocated_amount, currency,
    received_on, method, reference, import_reference, recorded_by_id, created_at)
SELECT payment_id, gen_random_uuid(), debtor_id, amount, 0, currency, day, 'bank_transfer',
    %(reference)s, NULL, NULL, paid_at
FROM reports_bench_paid;
INSERT INTO debtors_paymentallocation (payment_id, invoice_id, amount, created_at)
SELECT payment_id, invoice_id, amount, paid_at FROM reports_bench_paid;
UPDATE debtors_invoice i SET
    open_amount = i.open_amount - p.amount,
    status = CASE WHEN p.full_payment THEN 'paid' ELSE 'partially_paid' END,
    closed_at = CASE WHEN p.full_payment THEN p.paid_at END,
    closed_reason = CASE WHEN p.full_payment THEN 'payment' ELSE i.closed_reason END,
    updated_at = now()
FROM reports_bench_paid p WHERE i.id = p.invoice_id;
"""


def top_up_payments(today: dt.date) -> int:
    """Thirteen months of payments on open invoices, once; payments added."""
    from django.conf import settings
    from django.db import transaction

    from debtors.models import Payment
    from debtors.summary_services import debtor_refresh_summary

    if Payment.objects.filter(reference=HISTORY_REFERENCE).exists():
        return 0
    with transaction.atomic():
        _execute("SELECT setseed(0.17)")
        _execute(
            PAYMENTS_SQL,
            {
                "zone": settings.COMPANY_TIMEZONE,
                "yesterday": today - dt.timedelta(days=1),
                "earliest": today - dt.timedelta(days=395),
                "latest_issue": today - dt.timedelta(days=21),
                "share": PAID_SHARE,
                "reference": HISTORY_REFERENCE,
            },
        )
        added = Payment.objects.filter(reference=HISTORY_REFERENCE).count()
        debtor_refresh_summary(today=today)
    return added


def prepare(args, today: dt.date) -> dict:
    """The whole book for one size; what was done and how long each step took."""
    from django.db import transaction

    steps: dict[str, float] = {}
    info: dict = {"steps": steps}
    seeded = seed(args.one, args.invoices_per_debtor, args.reseed)
    if seeded is not None:
        steps["seed_demo"] = seeded
    changed = seeded is not None
    for name, step in (
        ("collectors", lambda: spread_collectors(args.one, args.debtors_per_collector)),
        ("interactions", lambda: _atomic(top_up_interactions, args.one, args.per_debtor, today)),
        ("payments", lambda: top_up_payments(today)),
    ):
        started = time.perf_counter()
        added = step()
        if added:
            steps[f"{name} (+{added:,})"] = time.perf_counter() - started
            changed = True
    if changed:
        started = time.perf_counter()
        assert not transaction.get_connection().in_atomic_block
        _execute("VACUUM ANALYZE")
        steps["vacuum analyze"] = time.perf_counter() - started
    info["counts"] = counts(today)
    return info


def _atomic(function, *args):
    from django.db import transaction

    with transaction.atomic():
        return function(*args)


def counts(today: dt.date) -> dict:
    """Rows per table, and per month over 13 months: interactions, calls,
    payments and the CNY collected, so the reader sees the spread."""
    from accounts.models import User
    from debtors.models import Debtor, Dispute, Invoice, Payment, PaymentAllocation
    from followups.models import Interaction, PromiseToPay

    out = {
        "debtors": Debtor.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "allocations": PaymentAllocation.objects.count(),
        "interactions": Interaction.objects.count(),
        "promises": PromiseToPay.objects.count(),
        "disputes": Dispute.objects.count(),
        "collectors": User.objects.filter(role=User.Role.COLLECTOR).count(),
    }
    first = (today.replace(day=1) - dt.timedelta(days=370)).replace(day=1)
    out["months"] = _rows(
        """
        SELECT to_char(m, 'YYYY-MM'),
            (SELECT count(*) FROM followups_interaction
             WHERE started_at >= m AND started_at < m + interval '1 month'),
            (SELECT count(*) FROM followups_interaction WHERE channel = 'call'
             AND started_at >= m AND started_at < m + interval '1 month'),
            (SELECT count(*) FROM debtors_payment
             WHERE received_on >= m AND received_on < m + interval '1 month'),
            (SELECT COALESCE(sum(amount), 0)::bigint FROM debtors_payment WHERE currency = 'CNY'
             AND received_on >= m AND received_on < m + interval '1 month')
        FROM generate_series(%s::date, %s::date, interval '1 month') AS m ORDER BY m
        """,
        [first, today],
    )
    return out

"""Load a realistic demo book: users per role, debtors of every type, invoices in
every aging bucket, payments, disputes, calls, promises and follow-ups.

    python manage.py seed_demo [--debtors N] [--seed S] [--invoices-per-debtor K]
                               [--today YYYY-MM-DD] [--if-empty] [--method auto|insert|copy]

Deterministic for a seed and a date. Rows come from `demo.demo_data`; they
are written with batched INSERTs (any database) or, on PostgreSQL, streamed
with COPY in chunks, so 100,000 debtors with a million invoices load in
seconds. Everything happens in one transaction: a failure leaves nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Language, Team, User
from debtors.models import Contact, Debtor, Dispute, Invoice, Payment, PaymentAllocation
from debtors.services import debtor_refresh_summary
from demo.demo_data import COLUMNS, TABLES, DemoGenerator, DemoParams, Rows, Staff
from followups.defaults import POLICY_PACKS
from followups.models import (
    ContactPolicy,
    DebtorPolicyOverride,
    FollowUp,
    Instalment,
    Interaction,
    PromiseToPay,
)
from followups.planning import followups_priority_refresh

DEMO_PASSWORD = "demo12345"
# Team names are data, shown as typed in every language. Demo users read
# English or Chinese, so the demo teams are named in both, as a bilingual
# company would name them.
EAST, NORTH_AMERICA = "华东 East China", "北美 North America"
# username: role, team, language, time zone, first name, last name
DEMO_USERS: dict[str, tuple[str, str | None, str, str, str, str]] = {
    "admin": (User.Role.ADMIN, None, Language.EN, "Asia/Shanghai", "Alex", "Admin"),
    "manager": (User.Role.MANAGER, EAST, Language.EN, "Asia/Shanghai", "Jing", "Chen"),
    "collector": (User.Role.COLLECTOR, EAST, Language.EN, "Asia/Shanghai", "Yang", "Liu"),
    "collector2": (User.Role.COLLECTOR, EAST, Language.ZH_HANS, "Asia/Shanghai", "伟", "张"),
    "finance": (User.Role.FINANCE, None, Language.EN, "Asia/Shanghai", "Min", "Zhou"),
    "manager2": (
        User.Role.MANAGER,
        NORTH_AMERICA,
        Language.EN,
        "America/New_York",
        "Sarah",
        "Mitchell",
    ),
    "collector3": (
        User.Role.COLLECTOR,
        NORTH_AMERICA,
        Language.EN,
        "America/New_York",
        "David",
        "Ortiz",
    ),
}

POLICIES = POLICY_PACKS

TABLE_MODELS: dict[str, type[models.Model]] = {
    "debtor": Debtor,
    "contact": Contact,
    "invoice": Invoice,
    "payment": Payment,
    "allocation": PaymentAllocation,
    "dispute": Dispute,
    "dispute_invoice": Dispute.invoices.through,
    "interaction": Interaction,
    "promise": PromiseToPay,
    "instalment": Instalment,
    "followup": FollowUp,
}


def _check_columns() -> None:
    """The generator fills every column that needs a value. Columns it does not
    know (added since) must be nullable or have a database default, which is
    what INSERT and COPY then give them; anything else is a clear error."""
    for table, model in TABLE_MODELS.items():
        fields = {f.attname: f for f in model._meta.concrete_fields}
        given = set(COLUMNS[table])
        unknown = sorted(given - set(fields))
        missing = sorted(
            name
            for name, f in fields.items()
            if name not in given
            and not (f.null or f.has_db_default() or getattr(f, "generated", False))
        )
        if unknown or missing:
            raise CommandError(
                f"followups/demo_data.py COLUMNS[{table!r}] is out of date with "
                f"{model.__name__}: no value for {missing}, unknown {unknown}"
            )


class _InsertWriter:
    """Any database: executemany INSERTs, each value prepared by its model field,
    so explicit timestamps survive (bulk_create would overwrite auto_now_add)."""

    name = "INSERT"

    def __init__(self) -> None:
        qn = connection.ops.quote_name
        self.statements: dict[str, tuple[str, list[models.Field]]] = {}
        for table, model in TABLE_MODELS.items():
            fields = [model._meta.get_field(column) for column in COLUMNS[table]]
            columns = ", ".join(qn(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"
            self.statements[table] = (sql, fields)
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0

    def write(self, rows: Rows) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in TABLES:
                batch = rows[table]
                if not batch:
                    continue
                sql, fields = self.statements[table]
                params = [
                    [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
                    for row in batch
                ]
                cursor.executemany(sql, params)
                self.counts[table] += len(batch)
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        pass


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_TEXT_FIELDS = {"CharField", "TextField", "SlugField", "EmailField"}


def _copy_line_formatter(model: type[models.Model], columns: tuple[str, ...]):
    """A function turning one row tuple into one line of COPY text format.

    Built once per table from the model's field types and compiled, so a
    million rows cost one f-string each instead of a Python call per value:
    text is escaped (only when it needs it), booleans become t/f, JSON is
    dumped, NULL is \\N, dates, times and datetimes are memoised (a book reuses a few
    hundred), and everything else (ints, Decimals, hex UUIDs) is written as
    str() gives it, which PostgreSQL reads back exactly.
    """
    memo: dict[object, str] = {}

    def remember(value: object) -> str:
        if len(memo) > 200_000:
            memo.clear()
        text = memo[value] = str(value)
        return text

    parts = []
    for i, column in enumerate(columns):
        field = model._meta.get_field(column)
        kind = field.get_internal_type()
        v = f"r[{i}]"
        if kind in _TEXT_FIELDS:
            expr = f"({v} if {v}.isprintable() and BS not in {v} else {v}.translate(E))"
        elif kind == "BooleanField":
            expr = f"(T if {v} else F)"
        elif kind == "JSONField":
            expr = f"dumps({v}, ensure_ascii=False).translate(E)"
        elif kind in ("DateField", "DateTimeField", "TimeField"):
            expr = f"(M.get({v}) or remember({v}))"
        else:
            expr = v
        if field.null:
            expr = f"(N if {v} is None else {expr})"
        parts.append("{" + expr + "}")
    source = 'lambda r: f"' + "\\t".join(parts) + '\\n"'
    namespace = {
        "E": _COPY_ESCAPES,
        "N": "\\N",
        "T": "t",
        "F": "f",
        "BS": "\\",
        "M": memo,
        "remember": remember,
        "dumps": json.dumps,
    }
    return eval(compile(source, f"<copy {model._meta.db_table}>", "eval"), namespace)  # noqa: S307


class _CopyWriter:
    """PostgreSQL: every table of a chunk streamed with COPY FROM STDIN.

    The main thread generates and formats; a second thread feeds COPY, which
    waits on the server with the GIL released, so Python and PostgreSQL work
    side by side. Only that thread touches the connection until `close`."""

    name = "PostgreSQL COPY"

    def __init__(self) -> None:
        qn = connection.ops.quote_name
        self.statements: dict[str, tuple[str, Callable[[tuple], str]]] = {}
        for table, model in TABLE_MODELS.items():
            columns = ", ".join(qn(model._meta.get_field(c).column) for c in COLUMNS[table])
            sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
            self.statements[table] = (sql, _copy_line_formatter(model, COLUMNS[table]))
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0  # time the COPY thread spent in COPY
        self._jobs: queue.Queue[list[tuple[str, bytes]] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._cursor = connection.cursor()
        self._thread = threading.Thread(
            target=self._ship, args=(self._cursor.cursor,), name="seed-demo-copy", daemon=True
        )
        self._thread.start()

    def write(self, rows: Rows) -> None:
        if self._error is not None:
            raise self._error
        jobs = []
        for table in TABLES:
            batch = rows[table]
            if batch:
                sql, line = self.statements[table]
                jobs.append((sql, "".join(map(line, batch)).encode()))
                self.counts[table] += len(batch)
        self._jobs.put(jobs)

    def _ship(self, raw) -> None:
        while (jobs := self._jobs.get()) is not None:
            if self._error is not None:
                continue  # drain: the main thread raises on its next write or close
            started = time.perf_counter()
            try:
                for sql, data in jobs:
                    if hasattr(raw, "copy_expert"):  # psycopg2
                        raw.copy_expert(sql, io.BytesIO(data), size=len(data) or 1)
                    else:  # psycopg 3
                        with raw.copy(sql) as copy:
                            copy.write(data)
            except BaseException as exc:  # handed to the main thread
                self._error = exc
            self.seconds += time.perf_counter() - started

    def close(self) -> None:
        """Wait for the COPY thread; raise what it raised."""
        self._jobs.put(None)
        self._thread.join()
        self._cursor.close()
        if self._error is not None:
            raise self._error


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _percent(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError("give a percentage from 0 to 100")
    return number


class Command(BaseCommand):
    help = "Load deterministic demo data (users, debtors, invoices, history) into an empty DB."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--debtors", type=int, default=300, help="How many debtors (300).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42).")
        parser.add_argument(
            "--invoices-per-debtor",
            type=int,
            default=None,
            help="Exactly K invoices per debtor (default: 1 to 10).",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="The date the book is aged against (default: today).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users.",
        )
        parser.add_argument(
            "--method",
            choices=("auto", "insert", "copy"),
            default="auto",
            help="How rows are written; auto: COPY on PostgreSQL, else INSERT.",
        )
        parser.add_argument(
            "--history-percent",
            type=_percent,
            default=None,
            help="Share of debtors with calls and promises (default: all up "
            "to 20,000 debtors, then 30%%).",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("seed_demo: the database already has users; nothing to do.")
            return
        if options["debtors"] < 0:
            raise CommandError("--debtors must not be negative.")
        ipd = options["invoices_per_debtor"]
        if ipd is not None and not 1 <= ipd <= 100:
            raise CommandError("--invoices-per-debtor must be between 1 and 100.")
        method = options["method"]
        if method == "auto":
            method = "copy" if connection.vendor == "postgresql" else "insert"
        if method == "copy" and connection.vendor != "postgresql":
            raise CommandError("--method copy needs PostgreSQL.")
        _check_columns()
        today = options["today"] or timezone.localdate()
        params = DemoParams(
            today=today,
            debtors=options["debtors"],
            seed=options["seed"],
            invoices_per_debtor=ipd,
            history_percent=options["history_percent"],
        )

        phases: dict[str, float] = {}
        started = time.perf_counter()
        with transaction.atomic():
            _refuse_if_seeded()
            staff = _create_staff(today=today)
            policies = _create_policies()
            first_ids = {
                table: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
                for table, model in TABLE_MODELS.items()
            }
            generator = DemoGenerator(params=params, staff=staff, first_ids=first_ids)
            with _bulk_load_mode(enabled=method == "copy", phases=phases):
                writer = _CopyWriter() if method == "copy" else _InsertWriter()
                # Millions of fresh tuples and no reference cycles: the cyclic
                # collector would only rescan them (about a tenth of the time).
                collecting = gc.isenabled()
                gc.disable()
                try:
                    for rows in generator.batches():
                        writer.write(rows)
                finally:
                    if collecting:
                        gc.enable()
                    writer.close()
                phases["generate and write"] = time.perf_counter() - started
                phases[f"in {writer.name}"] = writer.seconds
                _reset_sequences()
                if connection.vendor == "postgresql":
                    # Statistics for the summary query; autovacuum does the rest.
                    mark = time.perf_counter()
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "ANALYZE "
                            + ", ".join(
                                connection.ops.quote_name(m._meta.db_table)
                                for m in (Debtor, Invoice)
                            )
                        )
                    phases["analyze"] = time.perf_counter() - mark
                # Before the secondary indexes come back: cheaper updates.
                mark = time.perf_counter()
                debtor_refresh_summary(today=today)
                phases["summaries"] = time.perf_counter() - mark
            _reminders_due_now(today=today)
            followups_priority_refresh()
            mark = time.perf_counter()
        phases["commit"] = time.perf_counter() - mark
        elapsed = time.perf_counter() - started

        counts = writer.counts
        total = sum(counts.values()) + len(DEMO_USERS) + policies
        self.stdout.write(
            f"seed_demo: {counts['debtor']:,} debtors, {counts['contact']:,} contacts, "
            f"{counts['invoice']:,} invoices, {counts['payment']:,} payments "
            f"({counts['allocation']:,} allocations), {counts['dispute']:,} disputes, "
            f"{counts['interaction']:,} interactions, {counts['promise']:,} promises "
            f"({counts['instalment']:,} instalments), {counts['followup']:,} follow-ups, "
            f"{len(DEMO_USERS)} users, {policies} contact policies"
        )
        self.stdout.write(
            f"seed_demo: {total:,} rows in {elapsed:.1f} s via {writer.name} "
            f"(seed {params.seed}, aged as of {today:%Y-%m-%d})"
        )
        if options["verbosity"] > 1:
            self.stdout.write(
                "seed_demo: "
                + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
            )
        self.stdout.write(f"seed_demo: logins (password {DEMO_PASSWORD}): " + ", ".join(DEMO_USERS))


def _reminders_due_now(*, today: dt.date) -> None:
    """So that the demo worker has something to send at once, whatever the hour:
    one forgetful debtor who agreed to messages at any hour, with an SMS and an
    email reminder due since the start of the day."""
    debtor = (
        Debtor.objects.filter(
            debtor_type="forgetful",
            open_balance__gt=0,
            do_not_contact=False,
            cease_contact=False,
            contacts__is_primary=True,
        )
        .exclude(contacts__mobile="")
        .exclude(contacts__email="")
        .order_by("id")
        .first()
    )
    if debtor is None:
        return
    all_day = {
        "business_hours_start": dt.time(0),
        "business_hours_end": dt.time(23, 59),
        "lunch_start": None,
        "lunch_end": None,
        "working_days": list(range(7)),
    }
    Debtor.objects.filter(pk=debtor.pk).update(**all_day)
    DebtorPolicyOverride.objects.create(
        debtor=debtor,
        allowed_from_local=dt.time(0),
        allowed_until_local=dt.time(23, 59),
        quiet_weekdays=[],
        reason="Asked in writing for payment reminders at any hour (demo: the worker sends "
        "these as soon as it starts).",
    )
    due = dt.datetime.combine(today, dt.time(0), tzinfo=dt.UTC)
    for minute, action in enumerate(("sms", "email")):
        FollowUp.objects.create(
            debtor=debtor,
            action=action,
            reason=FollowUp.Reason.DUNNING_STEP,
            due_at=due + dt.timedelta(minutes=minute),
            assigned_to=debtor.assigned_collector,
        )
    Debtor.objects.filter(pk=debtor.pk, next_action_at__gt=due).update(next_action_at=due)


def _refuse_if_seeded() -> None:
    taken = list(User.objects.filter(username__in=DEMO_USERS).values_list("username", flat=True))
    if taken or Debtor.objects.exists():
        found = f"users {', '.join(sorted(taken))}" if taken else "debtors"
        raise CommandError(
            f"The database already has {found}; seed_demo only loads into a database without "
            "debtors or demo users. Use --if-empty to skip quietly."
        )


def _create_staff(*, today: dt.date) -> Staff:
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in (EAST, NORTH_AMERICA)}
    password = make_password(DEMO_PASSWORD)  # hashed once for every demo user
    joined = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=400)
    users = {}
    for username, (role, team, language, tz, first, last) in DEMO_USERS.items():
        users[username] = User(
            username=username,
            password=password,
            role=role,
            team=teams[team] if team else None,
            language=language,
            timezone=tz,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            is_staff=role == User.Role.ADMIN,
            is_superuser=role == User.Role.ADMIN,
            date_joined=joined,
        )
    User.objects.bulk_create(users.values())
    ids = dict(User.objects.filter(username__in=DEMO_USERS).values_list("username", "id"))
    return Staff(
        team_east=teams[EAST].pk,
        team_na=teams[NORTH_AMERICA].pk,
        collector=ids["collector"],
        collector2=ids["collector2"],
        collector3=ids["collector3"],
        manager=ids["manager"],
        manager2=ids["manager2"],
        finance=ids["finance"],
    )


def _create_policies() -> int:
    created = 0
    for pack, values in POLICIES.items():
        _, was_created = ContactPolicy.objects.get_or_create(
            pack=pack, debtor_type="", defaults=values
        )
        created += was_created
    return created


@contextmanager
def _bulk_load_mode(*, enabled: bool, phases: dict[str, float]) -> Iterator[None]:
    """Load PostgreSQL tables the way pg_restore does: without their secondary
    indexes, unique constraints (other than primary keys) and foreign keys,
    which are put back afterwards.

    Maintaining random-UUID indexes row by row costs more than the rows
    themselves, and Django's deferred foreign keys would queue one check per
    row until commit; rebuilding an index sorts once, and re-adding a key or a
    unique constraint checks it once, set-based, over the whole table. It all
    happens inside the seed's transaction: a duplicate or a dangling
    reference fails the seed and the rollback restores the schema.
    """
    if not enabled:
        yield
        return
    tables = [m._meta.db_table for m in TABLE_MODELS.values()]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Run the checks already queued in this transaction (the demo users):
        # ALTER TABLE refuses tables with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Sort a million keys in memory when the indexes are rebuilt.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            """
            SELECT t.relname, k.conname, pg_get_constraintdef(k.oid), k.contype
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(current_schema())
              AND (k.contype = 'f' OR (k.contype = 'u' AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid)))
            ORDER BY k.contype DESC, 1, 2
            """,
            [tables],
        )
        constraints = cursor.fetchall()  # unique ones first, then foreign keys
        cursor.execute(
            """
            SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
                 JOIN pg_class i ON i.oid = x.indexrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(current_schema())
              AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid
                              AND k.contype IN ('p', 'u', 'x'))
            ORDER BY 1, 2
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _kind in reversed(constraints):  # keys first
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for _table, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        for _table, _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    phases["indexes and keys"] = time.perf_counter() - mark


def _reset_sequences() -> None:
    """Rows came with explicit ids: move the id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(TABLE_MODELS.values()))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

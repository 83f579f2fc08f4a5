"""How `seed_demo` writes the generator's rows: batched INSERTs on any
database, or on PostgreSQL COPY fed from a second thread, into tables loaded
the way pg_restore does (secondary indexes and keys lifted, then put back)."""

from __future__ import annotations

import io
import json
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models

from debtors.models import Contact, Debtor, Dispute, Invoice, Payment, PaymentAllocation
from followups.models import FollowUp, Instalment, Interaction, PromiseToPay

from .tables import COLUMNS, TABLES, Rows

TABLE_MODELS: dict[str, type[models.Model]] = {
    "debtor": Debtor,
    "contact": Contact,
    "invoice": Invoice,
    "payment": Payment,
    "allocation": PaymentAllocation,
    "dispute": Dispute,
    "dispute_invoice": Dispute.invoices.through,
    "interaction": Interaction,
    "interaction_track": Interaction.talk_tracks.through,
    "promise": PromiseToPay,
    "instalment": Instalment,
    "followup": FollowUp,
}


def check_columns() -> None:
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
                f"demo/tables.py COLUMNS[{table!r}] is out of date with "
                f"{model.__name__}: no value for {missing}, unknown {unknown}"
            )


# Fields whose values the generator already gives as the database driver takes
# them (ints, strings, booleans): no per-value preparation.
_AS_GIVEN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


class InsertWriter:
    """Any database: executemany INSERTs, each value that needs it (dates,
    money, JSON, UUIDs) prepared by its model field, so explicit timestamps
    survive (bulk_create would overwrite auto_now_add)."""

    name = "INSERT"

    def __init__(self) -> None:
        qn = connection.ops.quote_name
        self.statements: dict[str, tuple[str, list[tuple[int, models.Field]]]] = {}
        for table, model in TABLE_MODELS.items():
            fields = [model._meta.get_field(column) for column in COLUMNS[table]]
            columns = ", ".join(qn(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"
            prepared = [
                (n, f) for n, f in enumerate(fields) if f.get_internal_type() not in _AS_GIVEN
            ]
            self.statements[table] = (sql, prepared)
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0

    def write(self, rows: Rows) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in TABLES:
                batch = rows[table]
                if not batch:
                    continue
                sql, prepared = self.statements[table]
                params = []
                for row in batch:
                    values = list(row)
                    for n, f in prepared:
                        values[n] = f.get_db_prep_save(values[n], connection)
                    params.append(values)
                cursor.executemany(sql, params)
                self.counts[table] += len(batch)
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        pass


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_TEXT_FIELDS = {"CharField", "TextField", "SlugField", "EmailField"}


def _plain_choices(field: models.Field) -> bool:
    """A text field limited to choices that COPY takes as they are."""
    values = [value for value, _label in field.flatchoices] if field.choices else []
    return bool(values) and all(
        isinstance(value, str) and value.isprintable() and "\\" not in value for value in values
    )


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
        if kind in _TEXT_FIELDS and _plain_choices(field):
            expr = v  # one of a few known codes: nothing to escape
        elif kind in _TEXT_FIELDS:
            expr = f"({v} if {v}.isprintable() and BS not in {v} else {v}.translate(E))"
        elif kind == "BooleanField":
            expr = f"(T if {v} else F)"
        elif kind == "JSONField":  # most are empty: skip the encoder for those
            expr = f"(J[type({v})] if not {v} else dumps({v}, ensure_ascii=False).translate(E))"
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
        "J": {list: "[]", dict: "{}"},
    }
    return eval(compile(source, f"<copy {model._meta.db_table}>", "eval"), namespace)  # noqa: S307


class CopyWriter:
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


@contextmanager
def bulk_load_mode(*, enabled: bool, phases: dict[str, float]) -> Iterator[None]:
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


def reset_sequences() -> None:
    """Rows came with explicit ids: move the id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(TABLE_MODELS.values()))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

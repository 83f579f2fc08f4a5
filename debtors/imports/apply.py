"""Apply a staged aging report to the database: all or nothing, set-based.

The stage file the preview wrote (see :mod:`.staging`) is loaded into a
temporary table (PostgreSQL ``COPY``; batched inserts on SQLite, the embedded
default). A handful of set-based statements then create the new debtors with
their summaries, resolve every staged row to its debtor and invoice once,
update the changed invoices, close the ones a snapshot no longer lists, insert
the new ones and remember every before-state so the batch can be undone.
Nothing here runs one query per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..invoice_status import invoice_status_sql
from ..models import Debtor, ImportBatch, ImportInvoiceChange, Invoice
from .staging import STAGE_COLUMNS

STAGE = "crm_import_stage"
ROWS = "crm_import_rows"  # the stage with debtor and invoice resolved
CHANGED = "crm_import_changed"  # the rows whose invoice the file changes
SQLITE_CHUNK = 5_000

Progress = Callable[[int], None]


@dataclass
class ApplyCounts:
    rows: int = 0
    debtors_created: int = 0
    invoices_created: int = 0
    invoices_updated: int = 0
    invoices_unchanged: int = 0
    invoices_closed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class _ProgressReader(io.RawIOBase):
    """Reads the stage for ``COPY`` and reports how far it got."""

    def __init__(self, raw: IO[bytes], size: int, progress: Progress | None):
        self._raw, self._size, self._progress = raw, max(size, 1), progress
        self._done = self._reported = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._done += len(chunk)
        percent = 5 + 45 * self._done // self._size
        if self._progress and percent >= self._reported + 5:
            self._reported = percent
            self._progress(percent)
        return chunk


def _pg() -> bool:
    return connection.vendor == "postgresql"


# A version 7 UUID (RFC 9562): the clock's milliseconds, then 74 random bits.
# Time-ordered, so a million new rows append to the public_id index instead of
# scattering over it (about a quarter of the invoice insert's time with version 4), and
# as unguessable as any id that names no secret needs to be.
UUID7_SQL = (
    "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
    "substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) "
    "FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"
)


# The same as 32 hex digits, as Django keeps UUIDs in SQLite. It only ever runs in
# statements with parameters, where "%%" is the way to write a literal "%": Django's
# SQLite cursor turns it into one, and its debug logging (DEBUG=true, as `make run`
# sets) formats the statement with the parameters, which a bare "%012x" breaks.
UUID7_SQLITE = (
    "lower(printf('%%012x', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) || '7' "
    "|| substr(hex(randomblob(2)), 2, 3) || substr('89ab', 1 + abs(random()) %% 4, 1) "
    "|| substr(hex(randomblob(8)), 2, 15))"
)


def _uuid_sql() -> str:
    return UUID7_SQL if _pg() else UUID7_SQLITE


def _size(stage: IO[bytes]) -> int:
    here = stage.tell()
    end = stage.seek(0, io.SEEK_END)
    stage.seek(here)
    return end - here


def _sqlite_rows(stage: IO[bytes]):
    booleans = {"t": 1, "f": 0}
    text = io.TextIOWrapper(stage, encoding="utf-8", newline="")
    try:
        for row in csv.reader(text):
            row = [None if v == "" else v for v in row]
            row[-1] = booleans.get(row[-1], row[-1])
            yield row
    finally:
        text.detach()  # the caller closes the stage, not this reader


def _load_stage(cursor, stage: IO[bytes], counts: ApplyCounts, progress) -> None:
    on_commit = " ON COMMIT DROP" if _pg() else ""
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(f"DROP TABLE IF EXISTS {ROWS}")
    cursor.execute(
        f"""CREATE TEMP TABLE {STAGE} (
            row_number integer, debtor_code varchar(64), debtor_name varchar(255),
            number varchar(64), issue_date date, due_date date, amount numeric(14, 2),
            open_amount numeric(14, 2), currency varchar(3), is_synthetic boolean
        ){on_commit}"""
    )
    columns = ", ".join(STAGE_COLUMNS)
    if _pg():
        cursor.cursor.copy_expert(
            f"COPY {STAGE} ({columns}) FROM STDIN WITH (FORMAT csv)",
            _ProgressReader(stage, _size(stage), progress),
        )
    else:
        marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
        sql = f"INSERT INTO {STAGE} ({columns}) VALUES ({marks})"
        chunk: list = []
        for row in _sqlite_rows(stage):
            chunk.append(row)
            if len(chunk) >= SQLITE_CHUNK:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
    cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
    counts.rows = cursor.fetchone()[0]
    _analyze(cursor, STAGE)


def _analyze(cursor, *tables: str) -> None:
    """Fresh planner statistics for tables this import just filled: with the
    statistics of an empty table PostgreSQL picks nested-loop joins, and a
    million-row import turns quadratic."""
    if _pg():
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _debtor_defaults() -> tuple[list[str], list[str], list]:
    """Columns, SQL placeholders and values of a new debtor's defaults (those
    the model would give a ``Debtor()``), for the set-based insert."""
    from ..services import SUMMARY_COLUMNS

    template = Debtor()
    explicit = {"id", "public_id", "code", "name", "currency", "created_by_import_id"}
    explicit |= {"created_at", "updated_at", "priority_score", "summary_refreshed_at"}
    explicit |= set(SUMMARY_COLUMNS)
    columns, marks, values = [], [], []
    for field in Debtor._meta.concrete_fields:
        if field.attname in explicit:
            continue
        columns.append(field.column)
        value = field.get_db_prep_save(getattr(template, field.attname), connection)
        marks.append(f"CAST(%s AS {field.db_type(connection)})" if _pg() else "%s")
        values.append(value)
    return columns, marks, values


def _new_debtors(cursor, batch: ImportBatch, now) -> int:
    """Create the debtors the file names and the CRM does not know yet, each
    with its summary computed from its staged rows (all the invoices it has)."""
    from ..services import SUMMARY_COLUMNS, priority_score_sql, summary_aggregates_sql

    d = Debtor._meta.db_table
    columns, marks, values = _debtor_defaults()
    aggregates, n_today = summary_aggregates_sql(
        alias="s", is_open="s.open_amount <> 0", disputed="0"
    )
    uuid = _uuid_sql()
    summary = ", ".join(f"x.{c}" for c in SUMMARY_COLUMNS)
    cursor.execute(
        f"""INSERT INTO {d} (public_id, code, name, currency, created_by_import_id, created_at,
                             updated_at, summary_refreshed_at, priority_score,
                             {", ".join(SUMMARY_COLUMNS)}, {", ".join(columns)})
            SELECT {uuid}, x.code, COALESCE(x.name, x.code), COALESCE(x.currency, %s), %s,
                   %s, %s, %s, {priority_score_sql("x")}, {summary}, {", ".join(marks)}
            FROM (
                SELECT s.debtor_code AS code, MIN(s.debtor_name) AS name,
                       MIN(NULLIF(s.currency, '')) AS currency, {aggregates}
                FROM {STAGE} s
                WHERE NOT EXISTS (SELECT 1 FROM {d} d WHERE d.code = s.debtor_code)
                GROUP BY s.debtor_code
            ) AS x
            ORDER BY x.code""",
        [
            batch.currency or settings.DEFAULT_CURRENCY,
            batch.pk,
            now,
            now,
            now,
            *values,
            *([timezone.localdate()] * n_today),
        ],
    )
    return cursor.rowcount


def _resolve(cursor) -> None:
    """Give every staged row its debtor and its invoice as it is now, in one
    join: later statements compare and write without probing the tables."""
    d, i = Debtor._meta.db_table, Invoice._meta.db_table
    _analyze(cursor, d, i)
    on_commit = " ON COMMIT DROP" if _pg() else ""
    cursor.execute(
        f"""CREATE TEMP TABLE {ROWS}{on_commit} AS
            SELECT s.*, d.id AS debtor_id, d.currency AS debtor_currency, i.id AS invoice_id,
                   i.amount AS old_amount, i.open_amount AS old_open_amount,
                   i.due_date AS old_due_date, i.issue_date AS old_issue_date,
                   i.status AS old_status
            FROM {STAGE} s
            JOIN {d} d ON d.code = s.debtor_code
            LEFT JOIN {i} i ON i.debtor_id = d.id AND i.number = s.number"""
    )
    cursor.execute(f"DROP TABLE {STAGE}")
    _analyze(cursor, ROWS)


def _apply_invoices(cursor, batch: ImportBatch, now, counts: ApplyCounts) -> None:
    """Change the invoices the file states differently, remembering each one's
    before-state (taken in the resolving join) for undo."""
    now = connection.ops.adapt_datetimefield_value(now)
    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    greatest, least = ("GREATEST", "LEAST") if _pg() else ("MAX", "MIN")
    # A file without original amounts repeats the open amount as the amount: then
    # keep the larger original we already know, so a part payment stays visible.
    new_amount = (
        f"CASE WHEN r.amount = r.open_amount AND r.open_amount >= 0 "
        f"THEN {greatest}(r.old_amount, r.amount) "
        f"WHEN r.amount = r.open_amount THEN {least}(r.old_amount, r.amount) "
        f"ELSE r.amount END"
    )
    # The changed rows, set apart once: the planner then knows how few they are.
    cursor.execute(f"DROP TABLE IF EXISTS {CHANGED}")
    on_commit = " ON COMMIT DROP" if _pg() else ""
    cursor.execute(
        f"""CREATE TEMP TABLE {CHANGED}{on_commit} AS
            SELECT * FROM (
                SELECT r.invoice_id, {new_amount} AS new_amount, r.open_amount, r.due_date,
                       r.issue_date, r.old_amount, r.old_open_amount, r.old_due_date,
                       r.old_issue_date, r.old_status
                FROM {ROWS} r WHERE r.invoice_id IS NOT NULL
            ) AS u
            WHERE u.old_open_amount <> u.open_amount OR u.old_due_date <> u.due_date
               OR u.old_issue_date <> u.issue_date OR u.old_amount <> u.new_amount"""
    )
    _analyze(cursor, CHANGED)
    cursor.execute(
        f"""INSERT INTO {c} (batch_id, invoice_id, action, before_amount, before_open_amount,
                             before_due_date, before_issue_date, before_status)
            SELECT %s, u.invoice_id, 'updated', u.old_amount, u.old_open_amount,
                   u.old_due_date, u.old_issue_date, u.old_status
            FROM {CHANGED} u""",
        [batch.pk],
    )
    counts.invoices_updated = cursor.rowcount
    if counts.invoices_updated:
        status = invoice_status_sql("u.open_amount", "u.new_amount", keep=f"{i}.status")
        cursor.execute(
            f"""UPDATE {i} SET
                    amount = u.new_amount, open_amount = u.open_amount, due_date = u.due_date,
                    issue_date = u.issue_date, updated_at = %s,
                    status = {status},
                    closed_at = CASE WHEN u.open_amount = 0 THEN %s ELSE NULL END,
                    closed_reason = CASE WHEN u.open_amount = 0 THEN %s ELSE '' END
                FROM {CHANGED} u
                WHERE {i}.id = u.invoice_id""",
            [now, now, f"import:{batch.public_id}"],
        )
    cursor.execute(f"DROP TABLE {CHANGED}")


def _close_missing(cursor, batch: ImportBatch, now, counts: ApplyCounts) -> None:
    """Snapshot mode: what the ledger no longer lists has been paid."""
    now = connection.ops.adapt_datetimefield_value(now)
    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    # Runs before the new invoices are inserted: every invoice the file lists
    # has its id in the resolved rows by then.
    missing = f"""{i} i WHERE i.open_amount <> 0 AND i.status <> 'written_off'
        AND NOT EXISTS (SELECT 1 FROM {ROWS} r WHERE r.invoice_id = i.id)"""
    cursor.execute(
        f"""INSERT INTO {c} (batch_id, invoice_id, action, before_amount, before_open_amount,
                             before_due_date, before_issue_date, before_status)
            SELECT %s, i.id, 'closed', i.amount, i.open_amount, i.due_date, i.issue_date,
                   i.status
            FROM {missing}""",
        [batch.pk],
    )
    counts.invoices_closed = cursor.rowcount
    if not counts.invoices_closed:
        return
    cursor.execute(
        f"""UPDATE {i} SET open_amount = 0, disputed_amount = 0, status = 'paid',
                closed_at = %s, closed_reason = %s, updated_at = %s
            WHERE id IN (SELECT invoice_id FROM {c} WHERE batch_id = %s AND action = 'closed')""",
        [now, f"import:{batch.public_id}", now, batch.pk],
    )


def _insert_new(cursor, batch: ImportBatch, now, counts: ApplyCounts) -> None:
    """Invoices the CRM does not know yet, marked with the batch for undo."""
    now = connection.ops.adapt_datetimefield_value(now)
    i = Invoice._meta.db_table
    uuid = _uuid_sql()
    cursor.execute(
        f"""INSERT INTO {i} (public_id, debtor_id, number, issue_date, due_date, amount,
                             open_amount, disputed_amount, currency, status, is_synthetic,
                             closed_reason, created_by_import_id, created_at, updated_at)
            SELECT {uuid}, r.debtor_id, r.number, r.issue_date, r.due_date, r.amount,
                   r.open_amount, 0, COALESCE(NULLIF(r.currency, ''), r.debtor_currency),
                   {invoice_status_sql("r.open_amount", "r.amount")}, r.is_synthetic, '', %s, %s, %s
            FROM {ROWS} r
            WHERE r.invoice_id IS NULL""",
        [batch.pk, now, now],
    )
    counts.invoices_created = cursor.rowcount
    counts.invoices_unchanged = counts.rows - counts.invoices_created - counts.invoices_updated
    _analyze(cursor, i, ImportInvoiceChange._meta.db_table)


def _refresh_touched(batch: ImportBatch) -> None:
    """Summaries of the debtors that were there before and whose invoices this
    batch changed, closed or added to (new debtors got theirs when created)."""
    from ..services import debtor_refresh_summary

    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    touched = f"""dd.id IN (
        SELECT i.debtor_id FROM {c} x JOIN {i} i ON i.id = x.invoice_id WHERE x.batch_id = %s
        UNION SELECT debtor_id FROM {ROWS} WHERE invoice_id IS NULL
    ) AND (dd.created_by_import_id IS NULL OR dd.created_by_import_id <> %s)"""
    debtor_refresh_summary(where=(touched, [batch.pk, batch.pk]))


def aging_apply(
    *,
    batch: ImportBatch,
    stage: IO[bytes],
    progress: Progress | None = None,
) -> ApplyCounts:
    """Write the staged records of one aging report. Call inside
    ``transaction.atomic``: any failure leaves the database exactly as it was."""
    counts = ApplyCounts()
    now = timezone.now().replace(microsecond=0)
    with connection.cursor() as cursor:
        if _pg():
            # This transaction's joins hash a million rows: keep them in memory
            # rather than in batches on disk (4 MB is the server's default).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        _load_stage(cursor, stage, counts, progress)
        if progress:
            progress(55)
        counts.debtors_created = _new_debtors(cursor, batch, now)
        _resolve(cursor)
        if progress:
            progress(65)
        _apply_invoices(cursor, batch, now, counts)
        if batch.mode == ImportBatch.Mode.SNAPSHOT:
            _close_missing(cursor, batch, now, counts)
        if progress:
            progress(75)
        _insert_new(cursor, batch, now, counts)
        if progress:
            progress(90)
        _refresh_touched(batch)
        cursor.execute(f"DROP TABLE IF EXISTS {ROWS}")
    return counts


def _touched_debtor_ids(cursor, batch: ImportBatch) -> list[int]:
    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    cursor.execute(
        f"""SELECT i.debtor_id FROM {c} x JOIN {i} i ON i.id = x.invoice_id
            WHERE x.batch_id = %s
            UNION SELECT debtor_id FROM {i} WHERE created_by_import_id = %s""",
        [batch.pk, batch.pk],
    )
    return [row[0] for row in cursor.fetchall()]


def aging_undo_apply(*, batch: ImportBatch) -> dict[str, int]:
    """Put every invoice the batch touched back as it was; remove what it created."""
    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        ids = _touched_debtor_ids(cursor, batch)
        cursor.execute(
            f"""UPDATE {i} SET amount = x.before_amount, open_amount = x.before_open_amount,
                    due_date = x.before_due_date, issue_date = x.before_issue_date,
                    status = x.before_status, closed_at = NULL, closed_reason = '',
                    updated_at = %s
                FROM {c} x
                WHERE x.invoice_id = {i}.id AND x.batch_id = %s AND x.action <> 'created'""",
            [connection.ops.adapt_datetimefield_value(timezone.now()), batch.pk],
        )
        restored = cursor.rowcount
        batch.changes.all().delete()
        _, deleted = Invoice.objects.filter(created_by_import=batch).delete()
        removed_invoices = deleted.get(Invoice._meta.label, 0)
        _, deleted = Debtor.objects.filter(created_by_import=batch, invoices__isnull=True).delete()
        removed_debtors = deleted.get(Debtor._meta.label, 0)
        from ..services import debtor_refresh_summary

        debtor_refresh_summary(debtor_ids=ids)
    return {
        "invoices_restored": restored,
        "invoices_removed": removed_invoices,
        "debtors_removed": removed_debtors,
    }

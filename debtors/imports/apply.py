"""Apply parsed aging records to the database: all or nothing, set-based.

The records are streamed into a temporary stage table (PostgreSQL ``COPY``;
batched inserts on SQLite, the embedded default), then a handful of set-based
statements create the new debtors and invoices, update the changed ones, close
the ones a snapshot no longer lists, and remember every before-state so the
batch can be undone. Nothing here runs one query per row.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import Debtor, ImportBatch, ImportInvoiceChange, Invoice
from .parse import InvoiceRecord

STAGE = "crm_import_stage"
STAGE_COLUMNS = [
    "row_number", "debtor_code", "debtor_name", "number", "issue_date", "due_date", "amount",
    "open_amount", "currency", "is_synthetic",
]  # fmt: skip
SQLITE_CHUNK = 5_000
# Above this many touched debtors a refresh of every summary is cheaper than a
# statement naming each of them.
REFRESH_ALL_ABOVE = 5_000

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


class _IterFile(io.TextIOBase):
    """A read-only file over an iterator of text lines, for ``copy_expert``."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._lines)
            except StopIteration:
                break
        if size < 0:
            out, self._buffer = self._buffer, ""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


def _stage_values(record: InvoiceRecord) -> tuple:
    return (
        record.row_number,
        record.debtor_code,
        record.debtor_name,
        record.invoice_number,
        record.issue_date,
        record.due_date,
        record.amount,
        record.open_amount,
        (record.currency or "")[:3],
        record.is_synthetic,
    )


def _csv_lines(rows: Iterable[tuple], counts: ApplyCounts, progress, total_hint):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in rows:
        writer.writerow(["" if v is None else v for v in values])
        counts.rows += 1
        if counts.rows % 20_000 == 0:
            if progress and total_hint:
                progress(min(60, 5 + 55 * counts.rows // total_hint))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _sqlite_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _load_stage(cursor, records: Iterable[InvoiceRecord], counts, progress, total_hint) -> None:
    pg = connection.vendor == "postgresql"
    on_commit = " ON COMMIT DROP" if pg else ""
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(
        f"""CREATE TEMP TABLE {STAGE} (
            row_number integer, debtor_code varchar(64), debtor_name varchar(255),
            number varchar(64), issue_date date, due_date date, amount numeric(14, 2),
            open_amount numeric(14, 2), currency varchar(3), is_synthetic boolean,
            debtor_id bigint, invoice_id bigint
        ){on_commit}"""
    )
    rows = (_stage_values(r) for r in records)
    if pg:
        cursor.cursor.copy_expert(
            f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
            _IterFile(_csv_lines(rows, counts, progress, total_hint)),
        )
    else:
        marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
        sql = f"INSERT INTO {STAGE} ({', '.join(STAGE_COLUMNS)}) VALUES ({marks})"
        chunk: list[tuple] = []
        for values in rows:
            chunk.append(tuple(_sqlite_value(v) for v in values))
            if len(chunk) >= SQLITE_CHUNK:
                cursor.executemany(sql, chunk)
                counts.rows += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            counts.rows += len(chunk)
    cursor.execute(f"CREATE INDEX {STAGE}_key ON {STAGE} (debtor_code, number)")
    if pg:
        cursor.execute(f"ANALYZE {STAGE}")


def _new_debtors(cursor, batch: ImportBatch, now) -> int:
    """Create the debtors the file names and the CRM does not know yet."""
    d = Debtor._meta.db_table
    cursor.execute(
        f"""SELECT s.debtor_code, MIN(s.debtor_name), MIN(s.currency)
            FROM {STAGE} s LEFT JOIN {d} d ON d.code = s.debtor_code
            WHERE d.id IS NULL GROUP BY s.debtor_code ORDER BY s.debtor_code"""
    )
    found = cursor.fetchall()
    if not found:
        return 0
    debtors = [
        Debtor(
            code=code,
            name=name or code,
            currency=currency or batch.currency or settings.DEFAULT_CURRENCY,
            created_by_import=batch,
            created_at=now,
            updated_at=now,
        )
        for code, name, currency in found
    ]
    if connection.vendor == "postgresql":
        _copy_models(cursor, Debtor, debtors)
    else:
        Debtor.objects.bulk_create(debtors, batch_size=2_000)
    return len(debtors)


def _copy_models(cursor, model, objects) -> None:
    """COPY unsaved model instances into their table (PostgreSQL only)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for n, obj in enumerate(objects, 1):
            row = []
            for f in fields:
                value = getattr(obj, f.attname)
                if f.attname in json_fields:
                    row.append(json.dumps(value))
                elif value is None:
                    row.append(r"\N")
                elif isinstance(value, bool):
                    row.append("t" if value else "f")
                else:
                    row.append(value)
            writer.writerow(row)
            if n % 10_000 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    columns = ", ".join(f'"{f.column}"' for f in fields)
    cursor.cursor.copy_expert(
        f"COPY {model._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
        _IterFile(lines()),
    )


def _sql_dialect() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {"uuid": "gen_random_uuid()", "greatest": "GREATEST", "least": "LEAST"}
    return {"uuid": "lower(hex(randomblob(16)))", "greatest": "MAX", "least": "MIN"}


def _status_sql(open_expr: str, amount_expr: str, keep: str | None = None) -> str:
    sticky = ""
    if keep:
        sticky = f"WHEN {keep} IN ('disputed', 'written_off') THEN {keep} "
    return (
        f"CASE {sticky}WHEN {open_expr} = 0 THEN 'paid' "
        f"WHEN {open_expr} <> {amount_expr} THEN 'partially_paid' ELSE 'open' END"
    )


def _apply_invoices(cursor, batch: ImportBatch, now, counts: ApplyCounts) -> None:
    now = connection.ops.adapt_datetimefield_value(now)
    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    sql = _sql_dialect()
    matched = f"{STAGE} s JOIN {i} i ON i.id = s.invoice_id"
    # A file without original amounts repeats the open amount as the amount: then
    # keep the larger original we already know, so a part payment stays visible.
    new_amount = (
        f"CASE WHEN s.amount = s.open_amount AND s.open_amount >= 0 "
        f"THEN {sql['greatest']}(i.amount, s.amount) "
        f"WHEN s.amount = s.open_amount THEN {sql['least']}(i.amount, s.amount) "
        f"ELSE s.amount END"
    )
    changed = (
        f"(i.open_amount <> s.open_amount OR i.due_date <> s.due_date "
        f"OR i.issue_date <> s.issue_date OR i.amount <> {new_amount})"
    )
    # 1. Remember what the changed invoices were, then change them.
    cursor.execute(
        f"""INSERT INTO {c} (batch_id, invoice_id, action, before_amount, before_open_amount,
                             before_due_date, before_issue_date, before_status)
            SELECT %s, i.id, 'updated', i.amount, i.open_amount, i.due_date, i.issue_date,
                   i.status
            FROM {matched} WHERE {changed}""",
        [batch.pk],
    )
    counts.invoices_updated = cursor.rowcount
    cursor.execute(
        f"""UPDATE {i} SET
                amount = u.new_amount, open_amount = u.open_amount, due_date = u.due_date,
                issue_date = u.issue_date, updated_at = %s,
                status = {_status_sql("u.open_amount", "u.new_amount", keep=f"{i}.status")},
                closed_at = CASE WHEN u.open_amount = 0 THEN %s ELSE NULL END,
                closed_reason = CASE WHEN u.open_amount = 0 THEN %s ELSE '' END
            FROM (
                SELECT i.id AS invoice_id, {new_amount} AS new_amount, s.open_amount,
                       s.due_date, s.issue_date
                FROM {matched} WHERE {changed}
            ) AS u
            WHERE {i}.id = u.invoice_id""",
        [now, now, f"import:{batch.public_id}"],
    )


def _insert_new(cursor, batch: ImportBatch, now, counts: ApplyCounts) -> None:
    """Invoices the CRM does not know yet, marked with the batch for undo."""
    now = connection.ops.adapt_datetimefield_value(now)
    d, i = Debtor._meta.db_table, Invoice._meta.db_table
    sql = _sql_dialect()
    cursor.execute(
        f"""INSERT INTO {i} (public_id, debtor_id, number, issue_date, due_date, amount,
                             open_amount, disputed_amount, currency, status, is_synthetic,
                             closed_reason, created_by_import_id, created_at, updated_at)
            SELECT {sql["uuid"]}, d.id, s.number, s.issue_date, s.due_date, s.amount,
                   s.open_amount, 0, COALESCE(NULLIF(s.currency, ''), d.currency),
                   {_status_sql("s.open_amount", "s.amount")}, s.is_synthetic, '', %s, %s, %s
            FROM {STAGE} s JOIN {d} d ON d.id = s.debtor_id
            WHERE s.invoice_id IS NULL""",
        [batch.pk, now, now],
    )
    counts.invoices_created = cursor.rowcount
    counts.invoices_unchanged = counts.rows - counts.invoices_created - counts.invoices_updated


def _close_missing(cursor, batch: ImportBatch, now, counts: ApplyCounts) -> None:
    """Snapshot mode: what the ledger no longer lists has been paid."""
    now = connection.ops.adapt_datetimefield_value(now)
    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    # Runs before the new invoices are inserted: every invoice the file lists
    # has its id in the stage by then.
    missing = f"""{i} i WHERE i.open_amount <> 0 AND i.status <> 'written_off'
        AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.invoice_id = i.id)"""
    cursor.execute(
        f"""INSERT INTO {c} (batch_id, invoice_id, action, before_amount, before_open_amount,
                             before_due_date, before_issue_date, before_status)
            SELECT %s, i.id, 'closed', i.amount, i.open_amount, i.due_date, i.issue_date,
                   i.status
            FROM {missing}""",
        [batch.pk],
    )
    counts.invoices_closed = cursor.rowcount
    cursor.execute(
        f"""UPDATE {i} SET open_amount = 0, disputed_amount = 0, status = 'paid',
                closed_at = %s, closed_reason = %s, updated_at = %s
            WHERE id IN (SELECT invoice_id FROM {c} WHERE batch_id = %s AND action = 'closed')""",
        [now, f"import:{batch.public_id}", now, batch.pk],
    )


def _resolve_ids(cursor) -> None:
    """Give every staged row its debtor's and (existing) invoice's id once, so
    later statements join on ids and never probe the table they are filling."""
    d, i = Debtor._meta.db_table, Invoice._meta.db_table
    cursor.execute(
        f"""UPDATE {STAGE} SET debtor_id = d.id FROM {d} d
            WHERE d.code = {STAGE}.debtor_code"""
    )
    cursor.execute(
        f"""UPDATE {STAGE} SET invoice_id = i.id FROM {i} i
            WHERE i.debtor_id = {STAGE}.debtor_id AND i.number = {STAGE}.number"""
    )
    cursor.execute(f"CREATE INDEX {STAGE}_invoice ON {STAGE} (invoice_id)")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {STAGE}")


def _analyze(cursor, *models) -> None:
    """Fresh planner statistics for tables this import just filled: with the
    statistics of an empty table PostgreSQL picks nested-loop joins, and a
    million-row import turns quadratic."""
    if connection.vendor == "postgresql":
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _touched_debtor_ids(cursor, batch: ImportBatch) -> list[int]:
    i, c = Invoice._meta.db_table, ImportInvoiceChange._meta.db_table
    cursor.execute(
        f"""SELECT i.debtor_id FROM {c} x JOIN {i} i ON i.id = x.invoice_id
            WHERE x.batch_id = %s
            UNION SELECT debtor_id FROM {i} WHERE created_by_import_id = %s""",
        [batch.pk, batch.pk],
    )
    return [row[0] for row in cursor.fetchall()]


def _refresh(cursor, batch: ImportBatch, *, everything: bool) -> None:
    from ..services import debtor_refresh_summary

    if everything:
        debtor_refresh_summary()
        return
    ids = _touched_debtor_ids(cursor, batch)
    if len(ids) > REFRESH_ALL_ABOVE:
        debtor_refresh_summary()
    elif ids:
        debtor_refresh_summary(debtor_ids=ids)


def aging_apply(
    *,
    batch: ImportBatch,
    records: Iterable[InvoiceRecord],
    total_hint: int = 0,
    progress: Progress | None = None,
) -> ApplyCounts:
    """Write the records of one aging report. Call inside ``transaction.atomic``:
    any failure leaves the database exactly as it was."""
    counts = ApplyCounts()
    now = timezone.now().replace(microsecond=0)
    with connection.cursor() as cursor:
        _load_stage(cursor, records, counts, progress, total_hint)
        if progress:
            progress(65)
        counts.debtors_created = _new_debtors(cursor, batch, now)
        _analyze(cursor, Debtor, Invoice)
        _resolve_ids(cursor)
        _apply_invoices(cursor, batch, now, counts)
        snapshot = batch.mode == ImportBatch.Mode.SNAPSHOT
        if snapshot:
            _close_missing(cursor, batch, now, counts)
        if progress:
            progress(80)
        _insert_new(cursor, batch, now, counts)
        _analyze(cursor, Invoice, ImportInvoiceChange)
        if progress:
            progress(90)
        _refresh(cursor, batch, everything=snapshot)
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return counts


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

"""Writing rollup rows fast: COPY on PostgreSQL, one executemany elsewhere.
Building model instances for bulk_create cost more than the figures
themselves (a million rows would take minutes)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.db import connection

BATCH = 50_000


def _text(value) -> str:
    if value is None:
        return "\\N"
    if not isinstance(value, str):  # numbers and dates need no escaping
        return str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def insert_rows(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``model``'s table."""
    table = model._meta.db_table
    count = 0
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            count += _flush(table, columns, batch)
            batch = []
    if batch:
        count += _flush(table, columns, batch)
    return count


def _flush(table: str, columns: tuple[str, ...], batch: list[tuple]) -> int:
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data = io.StringIO("".join("\t".join(map(_text, row)) + "\n" for row in batch))
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", data)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
    return len(batch)

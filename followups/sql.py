"""Plain SQL for the hottest reads, on PostgreSQL and on SQLite alike.

Where composing a query with the ORM costs the web process more than the
database's work (the call queue, contact histories), the statement is written
out. These helpers keep it portable and keep its results what the ORM would
give: values are parameters, IN lists are spelled out, and each column comes
back converted as the ORM converts the model field it reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import Field


def listed(name: str, values: Sequence) -> tuple[str, dict]:
    """``(%(name_0)s, %(name_1)s, ...)`` and its parameters: an IN list for
    any database (str() turns choices into their plain values)."""
    params = {f"{name}_{i}": str(v) if isinstance(v, str) else v for i, v in enumerate(values)}
    return "(" + ", ".join(f"%({key})s" for key in params) + ")", params


@cache
def _converters(field: Field, vendor: str) -> list:
    """What the ORM does to a value read for this field on this database."""
    col = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
    return [(converter, col) for converter in converters]


def fetch(sql: str, params: dict, fields: Sequence[Field | None]) -> list[list]:
    """The rows of ``sql``, each column converted as the ORM converts its field
    (None: as the driver gives it)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    steps = [(i, _converters(f, connection.vendor)) for i, f in enumerate(fields) if f]
    steps = [(i, converters) for i, converters in steps if converters]
    if steps:
        for row in rows:
            for i, converters in steps:
                for converter, col in converters:
                    row[i] = converter(row[i], col, connection)
    return rows

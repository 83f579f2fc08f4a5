"""The invoice status rule and its SQL twin agree, case by case, in the real
database."""

from decimal import Decimal

import pytest
from django.db import connection

from debtors.invoice_status import invoice_status, invoice_status_sql
from debtors.models import Invoice

pytestmark = pytest.mark.django_db

S = Invoice.Status
# (amount, open amount): an invoice, a credit note and a zero invoice, each
# untouched, partly settled, settled (0.00 and -0.00) and over-stated.
AMOUNTS = [
    (Decimal("1000.00"), Decimal("1000.00")),
    (Decimal("1000.00"), Decimal("400.00")),
    (Decimal("1000.00"), Decimal("0.00")),
    (Decimal("1000.00"), Decimal("-0.00")),
    (Decimal("1000.00"), Decimal("1200.00")),
    (Decimal("1000.00"), Decimal("-50.00")),
    (Decimal("-500.00"), Decimal("-500.00")),
    (Decimal("-500.00"), Decimal("-200.00")),
    (Decimal("-500.00"), Decimal("0.00")),
    (Decimal("0.00"), Decimal("0.00")),
    (Decimal("0.00"), Decimal("10.00")),
]
# None: a new invoice, with no status yet.
CURRENT = [None, *S.values]
GRID = [(amount, open_, current) for amount, open_ in AMOUNTS for current in CURRENT]


def _in_sql(cases) -> list[tuple[str, str]]:
    """Each case's status as the database computes it from the SQL twin: with
    its current status kept, and as for a new invoice (no status to keep)."""
    rows = ", ".join("(%s, CAST(%s AS NUMERIC), CAST(%s AS NUMERIC), %s)" for _ in cases)
    params = [v for i, case in enumerate(cases) for v in (i, *case)]
    kept = invoice_status_sql("v.open_amount", "v.amount", keep="v.status")
    new = invoice_status_sql("v.open_amount", "v.amount")
    sql = f"""SELECT {kept}, {new}
                FROM (VALUES {rows}) AS v(n, amount, open_amount, status)
               ORDER BY v.n"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def test_the_sql_twin_agrees_with_the_rule_on_every_case():
    in_python = [
        (
            invoice_status(amount=a, open_amount=o, current=c),
            invoice_status(amount=a, open_amount=o),
        )
        for a, o, c in GRID
    ]
    in_sql = _in_sql(GRID)
    assert len(in_sql) == len(GRID)
    disagree = [
        (case, py, sql) for case, py, sql in zip(GRID, in_python, in_sql, strict=True) if py != sql
    ]
    assert not disagree


def test_the_grid_reaches_every_status():
    in_sql = _in_sql(GRID)
    assert {kept for kept, _new in in_sql} == set(S.values)
    # Only a dispute or a write-off makes the sticky statuses, never the amounts.
    assert {new for _kept, new in in_sql} == {S.OPEN, S.PARTIALLY_PAID, S.PAID}
    assert {invoice_status(amount=a, open_amount=o, current=c) for a, o, c in GRID} == set(
        S.values
    )


@pytest.mark.parametrize(
    ("amount", "open_amount", "current", "status"),
    [
        ("1000.00", "1000.00", None, S.OPEN),
        ("1000.00", "400.00", S.OPEN, S.PARTIALLY_PAID),
        ("1000.00", "0.00", S.PARTIALLY_PAID, S.PAID),
        ("1000.00", "1000.00", S.PAID, S.OPEN),
        ("-500.00", "-200.00", None, S.PARTIALLY_PAID),
        ("-500.00", "0.00", S.OPEN, S.PAID),
        ("0.00", "0.00", None, S.PAID),
        ("1000.00", "0.00", S.DISPUTED, S.DISPUTED),
        ("1000.00", "400.00", S.WRITTEN_OFF, S.WRITTEN_OFF),
    ],
)
def test_it_reads_the_amounts_unless_the_status_is_sticky(amount, open_amount, current, status):
    assert (
        invoice_status(amount=Decimal(amount), open_amount=Decimal(open_amount), current=current)
        == status
    )

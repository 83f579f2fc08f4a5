"""An invoice's status, defined once, with its SQL twin beside it.

The rule: a disputed or written-off invoice keeps that status (only a dispute
service or a write-off moves it out); otherwise an invoice with nothing open is
paid, one whose open amount differs from its amount is partially paid, and the
rest are open. Credit notes (negative amounts) follow the same rule: a credit
fully used is paid, a credit partly used is partially paid.

:func:`invoice_status` is the rule for one invoice in Python (services, demo
data); :func:`invoice_status_sql` says the same as a ``CASE`` expression for the
set-based import, which never reads invoices one by one. The test in
tests/debtors/test_invoice_status.py evaluates both over the same grid and holds
them equal.
"""

from __future__ import annotations

from decimal import Decimal

from .models import Invoice

# The statuses the amounts never move an invoice out of.
STICKY_STATUSES = (Invoice.Status.DISPUTED, Invoice.Status.WRITTEN_OFF)


def invoice_status(
    *, amount: Decimal, open_amount: Decimal, current: str | None = None
) -> Invoice.Status:
    """The status of an invoice of ``amount`` with ``open_amount`` still open,
    whose status is ``current`` now (None for a new invoice)."""
    if current in STICKY_STATUSES:
        return Invoice.Status(current)
    if open_amount == 0:
        return Invoice.Status.PAID
    if open_amount != amount:
        return Invoice.Status.PARTIALLY_PAID
    return Invoice.Status.OPEN


def _literal(status: Invoice.Status) -> str:
    # The statuses are the model's constants, never input: safe to spell out.
    return "'" + str(status.value) + "'"


def invoice_status_sql(open_expr: str, amount_expr: str, keep: str | None = None) -> str:
    """:func:`invoice_status` as an SQL ``CASE`` over the expressions
    ``open_expr`` and ``amount_expr``; ``keep`` is the expression of the current
    status (None for new invoices, which have none)."""
    sticky = ""
    if keep:
        listed = ", ".join(_literal(s) for s in STICKY_STATUSES)
        sticky = f"WHEN {keep} IN ({listed}) THEN {keep} "
    return (
        f"CASE {sticky}WHEN {open_expr} = 0 THEN {_literal(Invoice.Status.PAID)} "
        f"WHEN {open_expr} <> {amount_expr} THEN {_literal(Invoice.Status.PARTIALLY_PAID)} "
        f"ELSE {_literal(Invoice.Status.OPEN)} END"
    )


def invoice_status_of(invoice: Invoice) -> Invoice.Status:
    """:func:`invoice_status` for an invoice whose amounts were just changed."""
    return invoice_status(
        amount=invoice.amount, open_amount=invoice.open_amount, current=invoice.status
    )

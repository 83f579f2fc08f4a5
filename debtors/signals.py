"""Signals debtors sends for higher apps (followups) to react to, so that
debtors never imports them.

``payments_recorded(sender, debtor_ids: list[int], since: date | None)`` is
sent once the transaction that recorded payments has committed; ``since`` is
the earliest day a payment was received on (None: not known, any day). Receivers run in the
committing thread; a receiver that fails is logged and does not undo the
payments (``robust`` on-commit callback).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import django.dispatch
from django.db import DEFAULT_DB_ALIAS, transaction

payments_recorded = django.dispatch.Signal()
# ``debtors_changed(sender, debtor_ids: list[int], what: str)`` after a commit
# that changed what follow-ups depend on: what is "type" or "dispute".
debtors_changed = django.dispatch.Signal()

_PENDING = "_payments_recorded_pending"


class _Pending:
    """The debtors whose payments one transaction recorded. Many calls in one
    transaction (every line of a payment file) send the signal once."""

    def __init__(self):
        self.debtor_ids: set[int] = set()
        self.days: set[dt.date | None] = set()
        self.sent = False

    def add(self, ids: set[int], since: dt.date | None) -> None:
        self.debtor_ids |= ids
        self.days.add(since)

    @property
    def since(self) -> dt.date | None:
        return None if None in self.days else min(self.days, default=None)

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True
        connection = transaction.get_connection(DEFAULT_DB_ALIAS)
        if getattr(connection, _PENDING, None) is self:
            setattr(connection, _PENDING, None)
        from .models import Payment

        payments_recorded.send(sender=Payment, debtor_ids=sorted(self.debtor_ids), since=self.since)


def _live(connection, pending: _Pending | None) -> bool:
    """Is the pending send still registered on this transaction? (A rolled-back
    transaction or savepoint discards its on-commit callbacks.)"""
    if pending is None or pending.sent:
        return False
    return any(getattr(entry[1], "__self__", None) is pending for entry in connection.run_on_commit)


def payments_recorded_on_commit(
    *, debtor_ids: Iterable[int], received_on: dt.date | None = None
) -> None:
    """Send ``payments_recorded`` for these debtors when the current transaction
    commits (at once outside a transaction); ``received_on``: the payments'
    day, when they all came in on one."""
    ids = {pk for pk in debtor_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection(DEFAULT_DB_ALIAS)
    pending = getattr(connection, _PENDING, None)
    if connection.in_atomic_block and _live(connection, pending):
        pending.add(ids, received_on)
        return
    pending = _Pending()
    pending.add(ids, received_on)
    setattr(connection, _PENDING, pending)
    transaction.on_commit(pending.send, robust=True)


def debtors_changed_on_commit(*, debtor_ids: Iterable[int], what: str) -> None:
    """Send ``debtors_changed`` once the current transaction commits."""
    ids = sorted({pk for pk in debtor_ids if pk is not None})
    if not ids:
        return

    def send():
        from .models import Debtor

        debtors_changed.send(sender=Debtor, debtor_ids=ids, what=what)

    transaction.on_commit(send, robust=True)

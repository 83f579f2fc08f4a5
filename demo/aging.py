"""Aging buckets as the demo draws them, and an invoice's status from its
amounts, both from the ledger's single definitions (``debtors.aging``,
``debtors.invoice_status``)."""

from __future__ import annotations

from collections.abc import Callable

from debtors.aging import BUCKETS as LEDGER_BUCKETS
from debtors.invoice_status import invoice_status as ledger_invoice_status
from debtors.models import Invoice

NOT_DUE = "not_due"
# The demo's names for the ledger's buckets (debtors.aging), in its order; the
# scenario weights are keyed by them.
BUCKETS = (NOT_DUE, "1-30", "31-60", "61-90", "91-180", "180+")
OLDEST_DRAWN = 420  # the open-ended last bucket is drawn up to this many days
BUCKET_DAYS = {  # days past due, inclusive: the ledger's edges
    name: (bucket.low, bucket.high or OLDEST_DRAWN)
    for name, bucket in zip(BUCKETS[1:], LEDGER_BUCKETS[1:], strict=True)
}


def due_offset_in_bucket(bucket: str, terms: int, rand: Callable[[], float]) -> tuple[int, int]:
    """Days from today to the due date of an invoice in aging `bucket`, and
    its payment terms (lengthened when a not-yet-due invoice would otherwise
    be issued after today). One draw of `rand`."""
    if bucket == NOT_DUE:
        due_offset = int(rand() * 60)
        if terms <= due_offset:
            terms += 60  # issued before today
    else:
        low, high = BUCKET_DAYS[bucket]
        due_offset = -low - int(rand() * (high - low + 1))
    return due_offset, terms


def invoice_status(*, amount: int, open_cents: int, disputed: int) -> str:
    """An invoice's status from its cents: the ledger's rule
    (``debtors.invoice_status``), with a disputed invoice starting disputed."""
    current = Invoice.Status.DISPUTED if disputed else None
    return ledger_invoice_status(amount=amount, open_amount=open_cents, current=current)

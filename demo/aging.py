"""Aging buckets as the demo draws them, and an invoice's status from its
amounts. Kept small and apart so they can point at the single definitions in
`debtors/` later."""

from __future__ import annotations

from collections.abc import Callable

from debtors.models import Invoice

NOT_DUE = "not_due"
BUCKETS = (NOT_DUE, "1-30", "31-60", "61-90", "91-180", "180+")
BUCKET_DAYS = {  # days past due, inclusive
    "1-30": (1, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "91-180": (91, 180),
    "180+": (181, 420),
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
    """An invoice's status from its cents: disputed, paid, partly paid or open."""
    if disputed:
        return Invoice.Status.DISPUTED
    if open_cents == 0:
        return Invoice.Status.PAID
    if open_cents != amount:
        return Invoice.Status.PARTIALLY_PAID
    return Invoice.Status.OPEN

"""The odds behind the demo book: weighted picks of markets, debtor types,
stories (`SCENARIOS`), aging buckets, amounts and counts, and the fixed
showcase debtors at the front of the book."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

from debtors.models import DebtorType, Dispute, Payment
from followups.models import Interaction

from .aging import BUCKETS, NOT_DUE
from .markets import MARKETS

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with integer weights; `pick` is a bisect on cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[T, int]]) -> None:
        self.items = tuple(item for item, _ in pairs)
        self.cum = tuple(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rand: Callable[[], float]) -> T:
        return self.items[bisect_right(self.cum, rand() * self.total)]


def _weights(*weights: int) -> Weighted[str]:
    return Weighted(list(zip(BUCKETS, weights, strict=True)))


BUCKET_WEIGHTS = {
    DebtorType.FORGETFUL: _weights(30, 40, 15, 8, 5, 2),
    DebtorType.HARDSHIP: _weights(15, 20, 20, 18, 17, 10),
    DebtorType.DISPUTE: _weights(15, 20, 20, 15, 18, 12),
    DebtorType.STALLING: _weights(10, 15, 18, 17, 22, 18),
    DebtorType.UNKNOWN: _weights(30, 25, 15, 12, 10, 8),
}
# Chance (percent) that an invoice of a bucket was paid in full / in part.
PAID_PCT = {
    NOT_DUE: (8, 5),
    "1-30": (15, 15),
    "31-60": (12, 15),
    "61-90": (10, 12),
    "91-180": (8, 10),
    "180+": (5, 8),
}
TYPES = Weighted(
    [
        (DebtorType.FORGETFUL, 30),
        (DebtorType.HARDSHIP, 20),
        (DebtorType.DISPUTE, 15),
        (DebtorType.STALLING, 15),
        (DebtorType.UNKNOWN, 20),
    ]
)
SCENARIOS = {
    DebtorType.FORGETFUL: Weighted(
        [("kept", 40), ("says_paid", 10), ("pending", 25), ("quiet", 25)]
    ),
    DebtorType.HARDSHIP: Weighted(
        [("plan_running", 35), ("plan_new", 15), ("partly", 25), ("broken", 10), ("quiet", 15)]
    ),
    DebtorType.DISPUTE: Weighted([("dispute", 100)]),
    DebtorType.STALLING: Weighted(
        [("broken", 35), ("broken_then_pending", 25), ("refused", 25), ("quiet", 15)]
    ),
    DebtorType.UNKNOWN: Weighted([("quiet", 80), ("pending", 10), ("kept", 10)]),
}
MARKET_PICK = Weighted([(m, m.weight) for m in MARKETS.values()])
AMOUNT_TIERS = {
    code: Weighted([((low, high), weight) for low, high, weight in m.tiers])
    for code, m in MARKETS.items()
}
INVOICE_COUNTS = Weighted(
    list(zip(range(1, 11), (10, 14, 15, 14, 12, 10, 8, 7, 5, 5), strict=True))
)
CONTACT_COUNTS = Weighted([(1, 45), (2, 35), (3, 20)])
PAYMENT_METHODS = Weighted(list(zip(Payment.Method.values, (70, 12, 8, 3, 7), strict=True)))
DISPUTE_STATUSES = Weighted(list(zip(Dispute.Status.values, (55, 25, 15, 5), strict=True)))
DISPUTE_CATEGORIES = tuple(Dispute.Category.values)
NOISE_CALLS = Weighted(
    [
        (Interaction.Outcome.NO_ANSWER, 6),
        (Interaction.Outcome.BUSY, 2),
        (Interaction.Outcome.MESSAGE_LEFT, 3),
    ]
)
TERMS = (30, 45, 60, 90)
MONEY_DAYS = ((10,), (15,), (25,), (5, 20), (1, 15), (28,))
WEEKDAY_PREFERENCE = (1, 3, 1, 4, 5, 1, 1)  # Mon..Sun: Fri > Thu > Tue; Mon and Wed worst


@dataclass(frozen=True)
class Showcase:
    """A fixed debtor at the front of the book, so even a tiny seed shows every
    type, team, promise outcome and dispute."""

    country: str
    debtor_type: str
    collector: str | None  # key in Staff.collectors, None: unassigned (team only)
    scenario: str


SHOWCASE = (
    Showcase("CN", DebtorType.FORGETFUL, "collector", "kept"),
    Showcase("CN", DebtorType.HARDSHIP, "collector2", "plan_running"),
    Showcase("US", DebtorType.DISPUTE, "collector3", "dispute"),
    Showcase("CN", DebtorType.STALLING, "collector", "refused"),
    Showcase("GB", DebtorType.UNKNOWN, "collector", "quiet"),
    Showcase("SG", DebtorType.HARDSHIP, "collector2", "partly"),
    Showcase("US", DebtorType.STALLING, "collector3", "broken_then_pending"),
    Showcase("CN", DebtorType.DISPUTE, "collector2", "dispute"),
    Showcase("AU", DebtorType.FORGETFUL, "collector", "pending"),
    Showcase("CA", DebtorType.UNKNOWN, None, "quiet"),
    Showcase("CN", DebtorType.STALLING, "collector2", "broken"),
    Showcase("CN", DebtorType.FORGETFUL, None, "says_paid"),
)

"""The statistics of talk-track effectiveness, no database: rates with their
95 % Wilson score intervals, the figures of one group (`EffectivenessRow`), and
the verdict on whether one version of a track is clearly ahead."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext_lazy as _

from scripts_library.models import TalkTrack

LOW_SAMPLE = 30
Z_95 = Decimal("1.96")
RATE_PLACES = Decimal("0.0001")
DAYS_PLACES = Decimal("0.1")

# -- the confidence interval -------------------------------------------------


def wilson_interval(successes: int, n: int, z: Decimal = Z_95) -> tuple[Decimal, Decimal] | None:
    """The Wilson score interval for the proportion ``successes / n``.

    With p = successes / n::

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · √( p(1 − p)/n + z²/4n² )
        interval = (centre − half, centre + half)

    z = 1.96 gives 95 %. Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is
    honest for small n and for rates near 0 or 1. Rounded half up to four
    places; None when n is 0 (nothing to judge).
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    with localcontext() as ctx:
        ctx.prec = 28
        p = Decimal(successes) / n
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
        low = max(Decimal(0), centre - half)
        high = min(Decimal(1), centre + half)
    return (
        low.quantize(RATE_PLACES, rounding=ROUND_HALF_UP),
        high.quantize(RATE_PLACES, rounding=ROUND_HALF_UP),
    )


@dataclass(frozen=True)
class Rate:
    """successes out of n, with its 95 % Wilson interval."""

    successes: int
    n: int

    @property
    def value(self) -> Decimal | None:
        if not self.n:
            return None
        return (Decimal(self.successes) / self.n).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)

    @property
    def interval(self) -> tuple[Decimal, Decimal] | None:
        return wilson_interval(self.successes, self.n)

    @property
    def ci_low(self) -> Decimal | None:
        return self.interval[0] if self.n else None

    @property
    def ci_high(self) -> Decimal | None:
        return self.interval[1] if self.n else None

    @property
    def low_sample(self) -> bool:
        return self.n < LOW_SAMPLE

    def overlaps(self, other: Rate) -> bool:
        """True when the two intervals share a point (or either has no data)."""
        if not self.n or not other.n:
            return True
        return self.ci_low <= other.ci_high and other.ci_low <= self.ci_high


# -- rows --------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyAmounts:
    currency: str
    promised_amount: Decimal
    kept_amount: Decimal


@dataclass(frozen=True)
class EffectivenessRow:
    """The figures for one group (a track version, and optionally a collector,
    a debtor type and a month). Keys not grouped on are None."""

    track: TalkTrack | None = None
    collector: object | None = None  # accounts.User
    debtor_type: str | None = None
    month: datetime.date | None = None
    uses: int = 0
    right_party_contacts: int = 0
    uses_with_promise: int = 0
    promises_made: int = 0
    promises_kept: int = 0
    promises_partly_kept: int = 0
    promises_broken: int = 0
    promises_pending: int = 0
    amounts: tuple[CurrencyAmounts, ...] = field(default_factory=tuple)
    paid_after_use: int = 0
    days_to_pay_total: int = 0

    @property
    def n(self) -> int:
        return self.uses

    @property
    def low_sample(self) -> bool:
        return self.uses < LOW_SAMPLE

    @property
    def right_party_rate(self) -> Rate:
        return Rate(self.right_party_contacts, self.uses)

    @property
    def promise_rate(self) -> Rate:
        return Rate(self.uses_with_promise, self.uses)

    @property
    def promises_resolved(self) -> int:
        return self.promises_kept + self.promises_partly_kept + self.promises_broken

    @property
    def kept_rate(self) -> Rate:
        return Rate(self.promises_kept, self.promises_resolved)

    @property
    def avg_days_to_pay(self) -> Decimal | None:
        if not self.paid_after_use:
            return None
        return (Decimal(self.days_to_pay_total) / self.paid_after_use).quantize(
            DAYS_PLACES, rounding=ROUND_HALF_UP
        )


# -- comparing the versions of one track -------------------------------------------

METRICS = {
    "right_party_rate": _("Right-party contacts"),
    "promise_rate": _("Promises per use"),
    "kept_rate": _("Promises kept"),
}


@dataclass(frozen=True)
class MetricVerdict:
    """Whether one version is clearly ahead on a rate: its whole interval lies
    above every other version's. Otherwise the intervals overlap and there is
    no clear difference yet."""

    metric: str
    label: str
    leader: TalkTrack | None
    compared: int  # versions with data for this rate

    @property
    def clear(self) -> bool:
        return self.leader is not None

    @property
    def verdict(self) -> str:
        if self.compared < 2:
            return "not_enough_data"
        return "clear" if self.clear else "no_clear_difference"


@dataclass(frozen=True)
class FamilyComparison:
    track: TalkTrack
    rows: list[EffectivenessRow]  # one per version, newest first, unused versions too
    verdicts: list[MetricVerdict]


def _verdict(metric: str, rows: Sequence[EffectivenessRow]) -> MetricVerdict:
    with_data = [r for r in rows if getattr(r, metric).n]
    leader = None
    if len(with_data) >= 2:
        best = max(with_data, key=lambda r: getattr(r, metric).value)
        best_rate = getattr(best, metric)
        if all(best_rate.ci_low > getattr(r, metric).ci_high for r in with_data if r is not best):
            leader = best.track
    return MetricVerdict(
        metric=metric, label=METRICS[metric], leader=leader, compared=len(with_data)
    )


def versions_compare(rows: Sequence[EffectivenessRow]) -> list[MetricVerdict]:
    """One verdict per rate for rows of different versions."""
    return [_verdict(metric, rows) for metric in METRICS]

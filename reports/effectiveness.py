"""How well talk-track versions work: selectors over interactions that used a
version (through the ``Interaction.talk_tracks`` table) and the promises made
in those interactions.

Definitions (one *use* is one interaction that used one track version):

- **right-party rate** = uses where the right person was reached / uses.
- **promise rate** = uses that led to at least one promise / uses.
- **kept rate** = kept promises / promises with an outcome (kept, partly kept,
  broken). Pending promises have no outcome yet and are left out, so a new
  version is not punished for promises that are not due. Partly kept promises
  are counted separately and are not "kept".
- **cancelled promises are left out of every figure**: a cancelled promise was
  withdrawn or replaced, and counting it would count the promised money twice.
- **amounts are grouped by currency** (never added across currencies); the
  promise counts are over all currencies.
- **days to pay**: for each use, the days from the interaction's date (in the
  debtor's time zone) to the debtor's first payment received on or after that
  date, counted only when that payment came within ``PAY_WINDOW_DAYS``.
- **debtor type** is the debtor's type now (the type at the time of the call is
  not recorded); **month** is the month of the interaction, in UTC.

Every figure comes with its sample size and a 95 % Wilson score interval, and
``low_sample`` is set under ``LOW_SAMPLE`` uses so nobody over-reads ten calls.
The selectors run a fixed number of queries whatever the number of tracks.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DateField,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collections_crm.lib.money import quantize_money
from debtors.models import Debtor, Payment
from followups.models import Interaction, PromiseToPay
from scripts_library.models import TalkTrack
from scripts_library.selectors import track_versions

LOW_SAMPLE = 30
PAY_WINDOW_DAYS = 60
Z_95 = Decimal("1.96")
RATE_PLACES = Decimal("0.0001")
DAYS_PLACES = Decimal("0.1")

Use = Interaction.talk_tracks.through
PromiseStatus = PromiseToPay.Status
COUNTED_PROMISES = [s for s in PromiseStatus.values if s != PromiseStatus.CANCELLED]

# group_by key -> the value it groups on (a field of the use, or an annotation).
GROUP_KEYS = {
    "track": "talktrack_id",
    "collector": "interaction__user_id",
    "debtor_type": "interaction__debtor__debtor_type",
    "month": "month",
}


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


# -- SQL helpers ---------------------------------------------------------------


class DebtorLocalDate(Func):
    """The calendar date of an aware datetime in a time zone stored in a column."""

    output_field = DateField()

    def __init__(self, moment, tz, **extra):
        super().__init__(moment, tz, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)::date", arg_joiner=" AT TIME ZONE "
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django's own SQLite function for "datetime cast to date in a zone".
        return self.as_sql(
            compiler,
            connection,
            template="django_datetime_cast_date(%(expressions)s, 'UTC')",
            arg_joiner=", ",
        )


class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later`` (two dates)."""

    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, later, earlier, **extra):
        super().__init__(later, earlier, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def period_ending_today(days: int) -> tuple[datetime.date, datetime.date]:
    """ "The last ``days`` days": ``days`` calendar days ending today, inclusive."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=days - 1), today


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _uses(
    *,
    tracks,
    debtor_type: str | None,
    collector,
    debtors: QuerySet[Debtor] | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> QuerySet:
    qs = Use.objects.all()
    if tracks is not None:
        qs = qs.filter(talktrack__in=tracks)
    if debtor_type:
        qs = qs.filter(interaction__debtor__debtor_type=debtor_type)
    if collector is not None:
        qs = qs.filter(interaction__user=collector)
    if debtors is not None:
        qs = qs.filter(interaction__debtor__in=debtors)
    if date_from is not None:
        qs = qs.filter(interaction__started_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(interaction__started_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.annotate(
        month=TruncMonth("interaction__started_at", output_field=DateField(), tzinfo=datetime.UTC)
    )


def _key(row: dict, group_by: Sequence[str]) -> tuple:
    return tuple(row[GROUP_KEYS[k]] for k in group_by)


# -- selectors -------------------------------------------------------------------


def track_effectiveness(
    *,
    tracks: QuerySet[TalkTrack] | Iterable[TalkTrack] | None = None,
    debtor_type: str | None = None,
    collector=None,
    debtors: QuerySet[Debtor] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    group_by: Sequence[str] = ("track",),
) -> list[EffectivenessRow]:
    """Effectiveness figures per group, for uses between ``date_from`` and
    ``date_to`` (inclusive days in the active time zone: the viewer's in a
    request). ``debtors`` limits the figures to the caller's portfolio (pass
    ``debtor_queryset_for_user``). ``group_by`` takes any of "track",
    "collector", "debtor_type" and "month".

    Three queries (uses, promises, the track versions), plus one for the
    collectors when grouping by collector; never one per track.
    """
    unknown = set(group_by) - GROUP_KEYS.keys()
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}")
    group_by = tuple(group_by)
    fields = [GROUP_KEYS[k] for k in group_by]
    if isinstance(tracks, list | tuple):
        tracks = list(tracks)
    uses = _uses(
        tracks=tracks,
        debtor_type=debtor_type,
        collector=collector,
        debtors=debtors,
        date_from=date_from,
        date_to=date_to,
    )

    first_payment = (
        Payment.objects.filter(
            debtor_id=OuterRef("interaction__debtor_id"), received_on__gte=OuterRef("use_date")
        )
        .order_by("received_on")
        .values("received_on")[:1]
    )
    promised = PromiseToPay.objects.filter(
        interaction_id=OuterRef("interaction_id"), status__in=COUNTED_PROMISES
    )
    paid_in_window = Q(days_to_pay__lte=PAY_WINDOW_DAYS)
    use_rows = (
        uses.annotate(
            use_date=DebtorLocalDate("interaction__started_at", "interaction__debtor__timezone"),
        )
        .annotate(days_to_pay=DaysBetween(Subquery(first_payment), "use_date"))
        .values(*fields)
        .annotate(
            uses=Count("id"),
            right_party_contacts=Count("id", filter=Q(interaction__right_party_contact=True)),
            uses_with_promise=Count("id", filter=Exists(promised)),
            paid_after_use=Count("id", filter=paid_in_window),
            days_to_pay_total=Sum("days_to_pay", filter=paid_in_window),
        )
        .order_by(*fields)
    )

    status = "interaction__promises__status"
    promise_rows = (
        uses.filter(**{f"{status}__in": COUNTED_PROMISES})
        .values(*fields, "interaction__promises__currency")
        .annotate(
            promises_made=Count("interaction__promises"),
            promises_kept=Count("interaction__promises", filter=Q(**{status: "kept"})),
            promises_partly_kept=Count(
                "interaction__promises", filter=Q(**{status: "partly_kept"})
            ),
            promises_broken=Count("interaction__promises", filter=Q(**{status: "broken"})),
            promises_pending=Count("interaction__promises", filter=Q(**{status: "pending"})),
            promised_amount=Sum("interaction__promises__total_amount"),
            kept_amount=Sum("interaction__promises__kept_amount"),
        )
        .order_by(*fields, "interaction__promises__currency")
    )

    promise_counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    amounts: dict[tuple, list[CurrencyAmounts]] = defaultdict(list)
    for row in promise_rows:
        key = _key(row, group_by)
        for name in (
            "promises_made",
            "promises_kept",
            "promises_partly_kept",
            "promises_broken",
            "promises_pending",
        ):
            promise_counts[key][name] += row[name]
        amounts[key].append(
            CurrencyAmounts(
                currency=row["interaction__promises__currency"],
                promised_amount=quantize_money(row["promised_amount"] or 0),
                kept_amount=quantize_money(row["kept_amount"] or 0),
            )
        )

    use_rows = list(use_rows)
    track_objects: dict[int, TalkTrack] = {}
    if "track" in group_by:
        ids = {row["talktrack_id"] for row in use_rows}
        if isinstance(tracks, list) and all(isinstance(t, TalkTrack) for t in tracks):
            track_objects = {t.pk: t for t in tracks}
        elif ids:
            track_objects = TalkTrack.objects.in_bulk(ids)
    collectors: dict[int, object] = {}
    if "collector" in group_by:
        ids = {row["interaction__user_id"] for row in use_rows} - {None}
        if ids:
            collectors = get_user_model().objects.in_bulk(ids)

    result = []
    for row in use_rows:
        key = _key(row, group_by)
        result.append(
            EffectivenessRow(
                track=track_objects.get(row.get("talktrack_id")),
                collector=collectors.get(row.get("interaction__user_id")),
                debtor_type=row.get("interaction__debtor__debtor_type"),
                month=row.get("month"),
                uses=row["uses"],
                right_party_contacts=row["right_party_contacts"],
                uses_with_promise=row["uses_with_promise"],
                paid_after_use=row["paid_after_use"],
                days_to_pay_total=row["days_to_pay_total"] or 0,
                amounts=tuple(amounts.get(key, ())),
                **promise_counts.get(key, {}),
            )
        )
    return result


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


def track_family_comparison(
    *,
    track: TalkTrack,
    debtors: QuerySet[Debtor] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> FamilyComparison:
    """The figures for every version of ``track``'s family (key + language),
    newest first, side by side, with a verdict per rate. Three queries."""
    versions = list(track_versions(track=track))
    by_track = {
        row.track.pk: row
        for row in track_effectiveness(
            tracks=versions, debtors=debtors, date_from=date_from, date_to=date_to
        )
    }
    rows = [by_track.get(v.pk) or EffectivenessRow(track=v) for v in versions]
    rows = [replace(r, track=v) for r, v in zip(rows, versions, strict=True)]
    return FamilyComparison(track=track, rows=rows, verdicts=versions_compare(rows))

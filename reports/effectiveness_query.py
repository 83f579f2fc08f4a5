"""The effectiveness query: uses of talk-track versions (interactions through
``Interaction.talk_tracks``) and the promises made in them, counted per group
in a fixed number of queries, whatever the number of tracks. The definitions
are in `reports.effectiveness`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

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

from collections_crm.lib.money import quantize_money
from debtors.models import Debtor, Payment
from followups.models import Interaction, PromiseToPay
from scripts_library.models import TalkTrack

from .effectiveness_stats import CurrencyAmounts, EffectivenessRow

PAY_WINDOW_DAYS = 60

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


# -- the selector -------------------------------------------------------------------


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
    use_rows = _use_figures(uses, group_by)
    promise_counts, amounts = _promise_figures(uses, group_by)
    use_rows = list(use_rows)
    track_objects = _tracks_by_id(use_rows, tracks) if "track" in group_by else {}
    collectors = _collectors_by_id(use_rows) if "collector" in group_by else {}

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


def _use_figures(uses: QuerySet, group_by: tuple[str, ...]) -> QuerySet:
    """Per group: uses, right-party contacts, uses with a promise, and the
    uses followed by a payment within ``PAY_WINDOW_DAYS`` (with the days)."""
    fields = [GROUP_KEYS[k] for k in group_by]
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
    return (
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


PROMISE_COUNTS = (
    "promises_made",
    "promises_kept",
    "promises_partly_kept",
    "promises_broken",
    "promises_pending",
)


def _promise_figures(
    uses: QuerySet, group_by: tuple[str, ...]
) -> tuple[dict[tuple, dict[str, int]], dict[tuple, list[CurrencyAmounts]]]:
    """Per group: the promise counts over all currencies, and the promised
    and kept amounts per currency. One query."""
    fields = [GROUP_KEYS[k] for k in group_by]
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
        for name in PROMISE_COUNTS:
            promise_counts[key][name] += row[name]
        amounts[key].append(
            CurrencyAmounts(
                currency=row["interaction__promises__currency"],
                promised_amount=quantize_money(row["promised_amount"] or 0),
                kept_amount=quantize_money(row["kept_amount"] or 0),
            )
        )
    return promise_counts, amounts


def _tracks_by_id(use_rows: list[dict], tracks) -> dict[int, TalkTrack]:
    """The track versions of the rows: the ones passed in when they are
    objects, else one query."""
    ids = {row["talktrack_id"] for row in use_rows}
    if isinstance(tracks, list) and all(isinstance(t, TalkTrack) for t in tracks):
        return {t.pk: t for t in tracks}
    if ids:
        return TalkTrack.objects.in_bulk(ids)
    return {}


def _collectors_by_id(use_rows: list[dict]) -> dict[int, object]:
    """The collectors of the rows, in one query (none when no row has one)."""
    ids = {row["interaction__user_id"] for row in use_rows} - {None}
    if ids:
        return get_user_model().objects.in_bulk(ids)
    return {}

"""A period's flows read from whole months plus the days at its ends equal
the days summed one by one; the monthly rows stay the sums of the daily ones
after a rebuild and after a refresh; the page's figures added up from the
trend's months equal the figures read on their own."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st

from debtors.payment_services import payment_record
from debtors.permissions import debtor_scope
from reports.filters import Filters
from reports.flow_read import FLOW_FIELDS, empty, flows, split
from reports.kpis import figures_from_sums, kpis_from_rollups
from reports.models import (
    DailyAging,
    DailyFlow,
    MonthlyFlow,
    MonthlyRoll,
    TeamDailyAging,
    TeamMonthlyFlow,
    TeamMonthlyRoll,
)
from reports.rollup_flows import COUNT_FIELDS, MONEY_FIELDS
from reports.rollups import refresh_debtors
from reports.tables import period_sums, read_months

from .books import NOVEMBER, NOW, november_book, pay

DAY = dt.timedelta(days=1)
dates = st.dates(dt.date(2023, 1, 1), dt.date(2028, 12, 31))


@given(st.tuples(dates, dates).map(sorted))
def test_split_covers_every_day_once_with_whole_months_in_the_middle(span):
    first, last = span
    months, ends = split(first, last)
    covered = []
    for a, b in ends:
        assert a <= b
        covered += [a + DAY * i for i in range((b - a).days + 1)]
    if months:
        start, final = months
        assert start.day == final.day == 1 and start <= final
        stop = (final.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - DAY
        covered += [start + DAY * i for i in range((stop - start).days + 1)]
        # No whole month is left to the days at the ends.
        for a, b in ends:
            assert not (a.day == 1 and (b + DAY).day == 1 and a.month == b.month)
    assert sorted(covered) == [first + DAY * i for i in range((last - first).days + 1)]
    assert len(covered) == len(set(covered))


def _by_day(filters, first, last, field=None):
    """The flows summed straight from the daily rows, grouped like flows()."""
    out: dict = {}
    rows = DailyFlow.objects.filter(filters.rows(), day__range=(first, last))
    for row in rows:
        if row.currency not in ("", filters.currency):
            continue
        key = (
            None
            if field is None
            else (row.day.replace(day=1) if field == "month" else getattr(row, field))
        )
        sums = out.setdefault(key, empty())
        names = COUNT_FIELDS if row.currency == "" else MONEY_FIELDS
        for name in names:
            sums[name] += getattr(row, name)
    return out


SPANS = [
    (dt.date(2025, 10, 1), dt.date(2026, 12, 1)),  # the window, whole months and today
    (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),  # one whole month
    (dt.date(2026, 10, 17), dt.date(2026, 11, 30)),  # days, then a whole month
    (dt.date(2026, 11, 3), dt.date(2026, 11, 20)),  # days inside one month
    (dt.date(2026, 1, 15), dt.date(2026, 11, 5)),  # days, months, days
]


@pytest.mark.django_db
@pytest.mark.parametrize("field", [None, "month", "collector_id", "debtor_type"])
def test_flows_equal_the_days_summed_one_by_one(book, field):
    for user in (book.admin, book.manager, book.collector_a):
        for currency in ("CNY", "USD"):
            for first, last in SPANS:
                filters = Filters(first, last, currency=currency, scope=debtor_scope(user))
                expected = _by_day(filters, first, last, field)
                got = flows(filters, first, last, by=field)
                if field is None:
                    expected.setdefault(None, empty())
                assert got == expected, (user, currency, first, last)
    # A manager asking for one collector reads the collector-grain rows.
    one = Filters(*SPANS[0], "CNY", debtor_scope(book.manager), collector_id=book.collector_a.pk)
    assert one.needs_collector
    assert (
        flows(one, *SPANS[0], by=field)
        == {
            None: empty(),
            **_by_day(one, *SPANS[0], field),
        }
        if field is None
        else _by_day(one, *SPANS[0], field)
    )
    november = Filters(*NOVEMBER, "CNY", debtor_scope(book.admin))
    assert flows(november, *NOVEMBER)[None]["collected"] > 0  # the book is not empty


def _month_sums() -> dict:
    rows = (
        DailyFlow.objects.values("team_id", "collector_id", "debtor_type", "currency")
        .annotate(**{f: Sum(f) for f in FLOW_FIELDS})
        .order_by()
    )
    out = {}
    for day in DailyFlow.objects.dates("day", "month"):
        for row in rows.filter(day__year=day.year, day__month=day.month):
            key = (day, row.pop("team_id"), row.pop("collector_id"), row.pop("debtor_type"))
            out[(*key, row.pop("currency"))] = row
    return out


def _team_sums() -> dict:
    out: dict = {}
    for (month, team, _collector, debtor_type, currency), sums in _monthly_rows().items():
        target = out.setdefault((month, team, debtor_type, currency), dict.fromkeys(sums, 0))
        for name, value in sums.items():
            target[name] += value
    return out


def _team_rows() -> dict:
    return {
        (r.month, r.team_id, r.debtor_type, r.currency): {f: getattr(r, f) for f in FLOW_FIELDS}
        for r in TeamMonthlyFlow.objects.all()
    }


def _rolls(model, key) -> dict:
    out: dict = {}
    for r in model.objects.all():
        target = out.setdefault(key(r), [0, 0, 0])
        for i, name in enumerate(("opening", "rolled", "paid")):
            target[i] += getattr(r, name)
    return out


def _team_rolls_agree() -> bool:
    """Team roll rows equal the collectors' roll rows summed by team and type."""

    def key(r):
        return (r.month, r.team_id, r.debtor_type, r.currency, r.bucket)

    return _rolls(TeamMonthlyRoll, key) == _rolls(MonthlyRoll, key)


def _team_aging_agrees() -> bool:
    """Team aging rows equal the collectors' aging rows summed by team and type."""
    buckets = ("current", "d1_30", "d31_60", "d61_90", "d91_180", "d181")

    def sums(model):
        out: dict = {}
        for r in model.objects.all():
            target = out.setdefault((r.day, r.team_id, r.debtor_type, r.currency), [0] * 6)
            for i, name in enumerate(buckets):
                target[i] += getattr(r, name)
        return out

    return sums(TeamDailyAging) == sums(DailyAging) and TeamDailyAging.objects.exists()


def _monthly_rows() -> dict:
    return {
        (r.month, r.team_id, r.collector_id, r.debtor_type, r.currency): {
            f: getattr(r, f) for f in FLOW_FIELDS
        }
        for r in MonthlyFlow.objects.all()
    }


@pytest.mark.django_db
def test_monthly_rows_are_the_sums_of_the_daily_rows_after_a_rebuild_and_a_refresh(book):
    """And the team rows the sums of the monthly rows over the collectors."""
    assert MonthlyFlow.objects.exists() and TeamMonthlyFlow.objects.exists()
    assert TeamMonthlyRoll.objects.exists()
    assert _monthly_rows() == _month_sums()
    assert _team_rows() == _team_sums() and _team_rolls_agree() and _team_aging_agrees()
    with time_machine.travel(NOW, tick=False):
        invoice = book.debtor_a.invoices.get(number="INV-N1")
        pay(book.debtor_a, invoice, "50.00", dt.date(2026, 11, 28))
        refresh_debtors([book.debtor_a.pk], since=dt.date(2026, 11, 28))
    assert _monthly_rows() == _month_sums()
    assert _team_rows() == _team_sums() and _team_rolls_agree() and _team_aging_agrees()
    november = MonthlyFlow.objects.filter(month=dt.date(2026, 11, 1), currency="CNY")
    assert (
        november.aggregate(c=Sum("collected"))["c"]
        == DailyFlow.objects.filter(day__range=NOVEMBER, currency="CNY").aggregate(
            c=Sum("collected")
        )["c"]
    )


@pytest.mark.django_db
def test_the_periods_figures_from_the_trends_months_equal_those_read_alone(book):
    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        for user in (book.admin, book.manager):
            for first in (dt.date(2026, 11, 1), dt.date(2026, 1, 1), dt.date(2025, 12, 1)):
                filters = Filters(first, today, currency="CNY", scope=debtor_scope(user))
                sums = period_sums(filters, read_months(filters))
                assert figures_from_sums(sums, filters.days) == kpis_from_rollups(filters)
            month = Filters(*NOVEMBER, currency="CNY", scope=debtor_scope(user))
            sums = period_sums(month, read_months(month))
            assert figures_from_sums(sums, month.days) == kpis_from_rollups(month)
            # A period not starting on the first of a month is read on its own.
            odd = Filters(dt.date(2026, 11, 5), today, "CNY", debtor_scope(user))
            assert period_sums(odd, read_months(odd)) is None


@pytest.mark.django_db
def test_a_recorded_payment_refreshes_from_the_day_it_was_received(
    personas, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        november_book(personas)
        with (
            mock.patch("reports.tasks.refresh_debtors_task.delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            payment_record(
                debtor=personas.debtor_a,
                amount="10.00",
                received_on=dt.date(2026, 11, 20),
                actor=personas.collector_a,
            )
    assert delay.call_args.args == ([personas.debtor_a.pk], "2026-11-20", False)

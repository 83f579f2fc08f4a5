"""China's official make-up working days (调休) and bridged days off in the
working calendar: from the ``holidays`` package for the years it covers,
from the table finance keeps (``CalendarDay``) beyond them; and the engine
planning by them."""

import datetime
from datetime import date, time
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from followups import events, policy, timing
from followups.models import CalendarDay, EngineSettings, FollowUp
from followups.timing_calendar import is_working_day
from followups.visits import visit_plan
from tests.accounts.factories import UserFactory
from tests.followups.factories import DebtorPolicyOverrideFactory, PromiseToPayFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = timing.Calendar()  # Asia/Shanghai, CN, Mon-Fri 09:00-18:00
B2B = timing.Limits(allowed_from=time(8, 30), allowed_until=time(18, 30),
                    quiet_weekdays=frozenset({5, 6}))  # fmt: skip

# From the package's data (State Council notices), checked below, not guessed:
MAKEUP = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 10, 11),  # Sun, Sat, Sat
          date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 10, 10)]  # fmt: skip
BRIDGED = [date(2025, 2, 3), date(2025, 2, 4), date(2025, 10, 8),  # Mon, Tue, Wed
           date(2026, 1, 2), date(2026, 2, 20), date(2026, 2, 23), date(2026, 10, 7)]  # fmt: skip
ORDINARY_WEEKEND = [date(2026, 2, 21), date(2026, 10, 11)]


def sh(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def codes(calendar, limits, at) -> set[str]:
    return {v.code for v in timing.check(calendar, limits, [], "call", at)}


# --- the calendar --------------------------------------------------------------


@pytest.mark.parametrize("day", MAKEUP)
def test_a_makeup_weekend_day_is_a_working_day(day):
    official = holidays.country_holidays("CN", years=day.year)
    assert day.weekday() >= 5 and official.is_working_day(day)  # the package says so
    assert is_working_day(CN, day)


@pytest.mark.parametrize("day", BRIDGED)
def test_a_bridged_weekday_is_not(day):
    official = holidays.country_holidays("CN", years=day.year)
    assert day.weekday() < 5 and day in official  # a day off the package lists
    assert not is_working_day(CN, day)


@pytest.mark.parametrize("day", ORDINARY_WEEKEND)
def test_an_ordinary_weekend_stays_off(day):
    assert not is_working_day(CN, day)


def test_outside_china_a_saturday_is_not_worked():
    assert not is_working_day(timing.Calendar(country="US"), date(2026, 2, 14))
    assert not is_working_day(timing.Calendar(country=""), date(2026, 2, 14))


# --- the rules and the slot search ----------------------------------------------------


def test_a_call_on_a_makeup_saturday_is_allowed_even_with_quiet_weekends():
    """The pack's quiet weekdays keep the weekend free; a make-up Saturday is
    worked, so it is not quiet. Quiet weekdays a debtor asked for still hold."""
    saturday = sh(2026, 2, 14, 10, 0)
    assert codes(CN, timing.Limits(), saturday) == set()
    assert codes(CN, B2B, saturday) == set()
    asked = timing.Limits(quiet_weekdays=frozenset({5}), quiet_on_makeup_days=True)
    assert codes(CN, asked, saturday) == {"quiet_day"}
    assert codes(CN, B2B, sh(2026, 2, 21, 10, 0)) == {"non_working_day", "quiet_day"}


def test_a_call_on_a_bridged_weekday_is_refused_as_a_holiday():
    [violation] = timing.check(CN, B2B, [], "call", sh(2026, 2, 20, 10, 0))
    assert violation.code == "holiday"


def test_the_search_finds_the_makeup_saturday_and_says_why():
    # Friday evening before Spring Festival 2026: the next days worked are
    # Saturday 14 (make-up), then nothing until Tuesday 24.
    found = timing.slots(CN, B2B, [], "call", now=sh(2026, 2, 13, 18, 30), horizon_days=12,
                         limit=500)  # fmt: skip
    days = sorted({s.local.date() for s in found})
    assert days[:2] == [date(2026, 2, 14), date(2026, 2, 24)]
    assert not {date(2026, 2, 20), date(2026, 2, 23)} & set(days)
    saturday = next(s for s in found if s.local.date() == date(2026, 2, 14))
    assert ("makeup_workday", {}) in saturday.reasons
    assert "an official make-up working day" in saturday.explain()


def test_new_year_2026_only_the_makeup_sunday_is_open():
    # Thu 1 Jan holiday, Fri 2 bridged, Sat 3 weekend, Sun 4 worked.
    found = timing.slots(CN, B2B, [], "call", now=sh(2025, 12, 31, 18, 30), horizon_days=4,
                         limit=500)  # fmt: skip
    assert found and {s.local.date() for s in found} == {date(2026, 1, 4)}


# --- the engine, through the database -------------------------------------------------


@pytest.fixture
def b2b(db):
    EngineSettings.objects.update_or_create(pk=1, defaults={"policy_pack": "b2b"})
    policy.policy_cache_clear()
    yield
    policy.policy_cache_clear()


@pytest.mark.django_db
def test_a_broken_promise_call_is_planned_on_the_makeup_saturday(personas, b2b):
    debtor = personas.debtor_a  # CN, Asia/Shanghai, Mon-Fri
    with time_machine.travel(sh(2026, 2, 13, 18, 30), tick=False):
        broken = PromiseToPayFactory(debtor=debtor, status="broken")
        assert events.promise_followups([broken.pk]) == 1
    call = debtor.followups.get(reason=FollowUp.Reason.BROKEN_PROMISE)
    local = call.due_at.astimezone(SHANGHAI)
    assert local.date() == date(2026, 2, 14)
    assert "make-up working day" in timing.explain(call.slot_explain)
    assert policy.contact_check(debtor, "call", at=call.due_at) == []


@pytest.mark.django_db
def test_no_call_lands_on_a_bridged_day(personas, b2b):
    """Due by Friday 20 (bridged), the earliest allowed moment after it is
    Tuesday 24: Monday 23 is bridged too."""
    debtor = personas.debtor_a
    with time_machine.travel(sh(2026, 2, 19, 18, 30), tick=False):
        broken = PromiseToPayFactory(debtor=debtor, status="broken")
        events.promise_followups([broken.pk])
    call = debtor.followups.get(reason=FollowUp.Reason.BROKEN_PROMISE)
    assert call.due_at.astimezone(SHANGHAI).date() == date(2026, 2, 24)
    bridged = policy.contact_check(debtor, "call", at=sh(2026, 2, 20, 10, 0))
    assert [v.code for v in bridged] == ["holiday"]


@pytest.mark.django_db
def test_a_visit_before_spring_festival_goes_on_the_makeup_saturday(personas, b2b):
    debtor = personas.debtor_a
    with time_machine.travel(sh(2026, 2, 13, 18, 30), tick=False):
        visit = visit_plan(actor=personas.collector_a, debtor=debtor)
    local = visit.due_at.astimezone(SHANGHAI)
    assert (local.date(), local.hour, local.minute) == (date(2026, 2, 14), 9, 5)


@pytest.mark.django_db
def test_quiet_weekdays_a_debtor_asked_for_hold_on_a_makeup_day(personas, b2b):
    debtor = personas.debtor_a
    DebtorPolicyOverrideFactory(debtor=debtor, quiet_weekdays=[5])
    codes_found = {v.code for v in policy.contact_check(debtor, "call", at=sh(2026, 2, 14, 10))}
    assert codes_found == {"quiet_day"}


# --- the table finance keeps ---------------------------------------------------------

# Test rows, not an official schedule: mid-July has no Chinese holiday, so no
# release of the package will list these days (the table alone decides them).
TABLE_SATURDAY, TABLE_MONDAY = date(2027, 7, 17), date(2027, 7, 19)


@pytest.mark.django_db
def test_the_table_adds_days_the_package_does_not_know(personas, b2b):
    debtor = personas.debtor_a
    assert not is_working_day(policy.calendar_for(debtor), TABLE_SATURDAY)
    CalendarDay.objects.create(day=TABLE_SATURDAY, kind=CalendarDay.Kind.WORKING)
    CalendarDay.objects.create(day=TABLE_MONDAY, kind=CalendarDay.Kind.DAY_OFF)
    CalendarDay.objects.create(country="US", day=date(2027, 7, 24), kind="working")
    policy.policy_cache_clear()  # the admin does this on save

    calendar = policy.calendar_for(debtor)
    assert is_working_day(calendar, TABLE_SATURDAY)
    assert not is_working_day(calendar, TABLE_MONDAY)
    assert not is_working_day(calendar, date(2027, 7, 24))  # another country's row
    assert policy.contact_check(debtor, "call", at=sh(2027, 7, 17, 10)) == []
    assert [v.code for v in policy.contact_check(debtor, "call", at=sh(2027, 7, 19, 10))] == [
        "holiday"
    ]
    with time_machine.travel(sh(2027, 7, 16, 18, 30), tick=False):  # a Friday evening
        broken = PromiseToPayFactory(debtor=debtor, status="broken")
        events.promise_followups([broken.pk])
    call = debtor.followups.get(reason=FollowUp.Reason.BROKEN_PROMISE)
    assert call.due_at.astimezone(SHANGHAI).date() == TABLE_SATURDAY


@pytest.mark.django_db
def test_a_table_row_wins_over_the_package(personas, b2b):
    # Say the company's region worked Friday 20 February 2026 after all.
    CalendarDay.objects.create(day=date(2026, 2, 20), kind=CalendarDay.Kind.WORKING)
    policy.policy_cache_clear()
    assert is_working_day(policy.calendar_for(personas.debtor_a), date(2026, 2, 20))


@pytest.mark.django_db
def test_finance_keeps_the_table_in_the_admin_and_collectors_cannot(client, personas):
    url = reverse("admin:followups_calendarday_changelist")
    add = reverse("admin:followups_calendarday_add")
    finance = UserFactory(username="fin-staff", role=User.Role.FINANCE, is_staff=True)
    client.force_login(finance)
    assert client.get(url).status_code == 200
    response = client.post(
        add, {"country": "CN", "day": "2027-07-17", "kind": "working", "note": "test row"}
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get()
    assert (row.day, row.kind, row.updated_by) == (TABLE_SATURDAY, "working", finance)

    collector = UserFactory(username="col-staff", role=User.Role.COLLECTOR, is_staff=True)
    client.force_login(collector)
    assert client.get(url).status_code == 403
    refused = client.post(add, {"country": "CN", "day": "2027-07-18", "kind": "working"})
    assert refused.status_code == 403
    assert CalendarDay.objects.count() == 1

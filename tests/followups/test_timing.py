"""The timing engine: every rule by example, then the invariants with hypothesis.

The property tests check returned slots against an oracle written here from
the rules, not only against ``check()``."""

import datetime
import json
from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import holidays
import pytest
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from followups.timing import (
    MESSAGE_ACTIONS,
    VOICE_ACTIONS,
    Action,
    Attempt,
    Calendar,
    Limits,
    best_slot,
    calendar_from_raw,
    calendar_problems,
    check,
    explain,
    limits_problems,
    slot_at,
    slots,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = Calendar()
OPEN = Limits()
ANY_TIME = Calendar(country="", opens=time(0, 0), closes=time(23, 59), lunch=None,
                    working_days=frozenset(range(7)))  # fmt: skip
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sh(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def codes(calendar, limits, history, action, at, **kwargs) -> set[str]:
    return {v.code for v in check(calendar, limits, history, action, at, **kwargs)}


# --- check(): one example per rule ---------------------------------------------

FRI_10 = sh(2025, 3, 14, 10, 0)  # a normal Friday morning in Shanghai


@pytest.mark.parametrize(
    ("calendar", "limits", "action", "at", "code"),
    [
        (CN, OPEN, "call", sh(2025, 3, 14, 12, 30), "lunch"),
        (CN, OPEN, "call", sh(2025, 3, 14, 18, 0), "outside_hours"),
        (CN, OPEN, "call", sh(2025, 3, 14, 8, 59), "outside_hours"),
        (CN, OPEN, "call", sh(2025, 3, 15, 10, 0), "non_working_day"),
        (CN, OPEN, "call", sh(2025, 10, 1, 10, 0), "holiday"),  # National Day
        (ANY_TIME, OPEN, "call", sh(2025, 3, 14, 7, 0), "quiet_hours"),
        (CN, Limits(quiet_weekdays=frozenset({4})), "call", FRI_10, "quiet_day"),
        (CN, Limits(blocked_channels=frozenset({"sms"})), "sms", FRI_10, "channel_blocked"),
        (CN, Limits(no_contact=True, no_contact_reason="cease"), "email", FRI_10, "no_contact"),
    ],
)
def test_it_names_the_broken_rule(calendar, limits, action, at, code):
    found = check(calendar, limits, [], action, at)
    assert code in {v.code for v in found}
    assert all(v.message for v in found)


def test_it_allows_a_normal_moment():
    assert check(CN, OPEN, [], "call", FRI_10) == []


def test_it_refuses_a_moment_after_the_deadline():
    assert codes(CN, OPEN, [], "call", FRI_10, deadline=FRI_10 - timedelta(hours=1)) == {
        "past_deadline"
    }
    assert codes(CN, OPEN, [], "call", FRI_10, deadline=FRI_10) == set()


def test_it_explains_a_violation_in_words():
    [violation] = check(ANY_TIME, Limits(), [], "call", sh(2025, 3, 14, 21, 30))
    assert violation.message == "Fri 21:30 their time is outside the allowed hours 08:00–21:00"


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        check(CN, OPEN, [], "call", datetime.datetime(2025, 3, 14, 10))  # noqa: DTZ001


def test_it_blocks_the_8th_call_in_7_days():
    """Reg F: seven calls within seven days block the eighth."""
    limits = Limits(max_calls_7d=7)
    history = [Attempt(FRI_10 - timedelta(days=6, hours=23 - i), "call") for i in range(7)]
    assert codes(CN, limits, history, "call", FRI_10) == {"cap_calls"}
    assert codes(CN, limits, history, "visit", FRI_10) == {"cap_calls"}
    assert codes(CN, limits, history, "sms", FRI_10) == set()
    # an hour later the oldest call has left the window
    assert codes(CN, limits, history, "call", FRI_10 + timedelta(hours=1, minutes=1)) == set()


def test_it_counts_messages_and_attempts_separately():
    history = [
        Attempt(FRI_10 - timedelta(days=1), "sms"),
        Attempt(FRI_10 - timedelta(days=2), "letter"),
    ]
    assert codes(CN, Limits(max_messages_7d=1), history, "email", FRI_10) == {"cap_messages"}
    assert codes(CN, Limits(max_messages_7d=2), history, "email", FRI_10) == set()
    assert codes(CN, Limits(max_attempts_7d=2), history, "letter", FRI_10) == {"cap_all"}


def test_a_conversation_blocks_calls_for_7_days():
    talked = sh(2025, 3, 7, 10, 0)
    limits = Limits(min_gap_after_conversation=timedelta(days=7))
    history = [Attempt(talked, "call", connected=True, conversation=True)]
    assert codes(CN, limits, history, "call", talked + timedelta(days=6, hours=23)) == {
        "conversation_gap"
    }
    assert codes(CN, limits, history, "visit", talked + timedelta(days=3)) == {"conversation_gap"}
    assert codes(CN, limits, history, "sms", talked + timedelta(days=3)) == set()
    assert codes(CN, limits, history, "call", talked + timedelta(days=7)) == set()


def test_china_allows_three_connected_calls_a_day():
    limits = Limits(max_connected_calls_per_day=3)
    history = [Attempt(sh(2025, 3, 14, 9, 10 + i), "call", connected=True) for i in range(3)]
    history.append(Attempt(sh(2025, 3, 14, 9, 20), "call", connected=False))
    assert codes(CN, limits, history[:2] + history[3:], "call", FRI_10) == set()
    assert codes(CN, limits, history, "call", FRI_10) == {"cap_connected_day"}
    assert codes(CN, limits, history, "call", sh(2025, 3, 17, 10, 0)) == set()  # Monday


def test_it_forbids_22_to_8():
    limits = Limits(allowed_from=time(8, 0), allowed_until=time(22, 0))
    for hour, minute, allowed in [(7, 59, False), (8, 0, True), (21, 59, True), (22, 0, False),
                                  (3, 0, False)]:  # fmt: skip
        found = codes(ANY_TIME, limits, [], "call", sh(2025, 3, 14, hour, minute))
        assert (found == set()) is allowed
        assert found <= {"quiet_hours"}


# --- ranking by example -------------------------------------------------------

MONDAY_NIGHT = sh(2025, 3, 3, 0, 0)


def test_it_prefers_the_first_minutes_of_a_friday():
    slot = best_slot(CN, OPEN, [], "call", now=MONDAY_NIGHT)
    assert slot.local == sh(2025, 3, 7, 9, 5)
    assert slot.at.tzinfo == UTC
    assert slot.explain() == "Fri 09:05 their time — first 15 minutes of their day, best weekday"
    assert slot.observed is None and slot.data_weight == 0


def test_for_negotiation_afternoons_beat_mornings():
    found = slots(CN, OPEN, [], "call", now=MONDAY_NIGHT, negotiation=True, limit=1000)
    assert found[0].local.hour >= 13
    for day in {s.local.date() for s in found}:
        morning = [s.score for s in found if s.local.date() == day and s.local.hour < 12]
        afternoon = [s.score for s in found if s.local.date() == day and 14 <= s.local.hour < 17]
        assert min(afternoon) > max(morning)


def test_days_before_a_money_day_win():
    calendar = Calendar(money_days=(31,))  # the last day in shorter months
    slot = best_slot(calendar, OPEN, [], "call", now=sh(2025, 2, 17, 0, 0))
    assert slot.local.date() == date(2025, 2, 27)  # Thursday, the day before Feb 28
    assert "1 day before their money day" in slot.explain()
    assert "money" not in slot_at(calendar, sh(2025, 3, 3, 15, 0)).explain()
    assert "the day after" in slot_at(calendar, sh(2025, 3, 1, 15, 0)).explain()


def test_it_keeps_to_the_deadline():
    deadline = sh(2025, 3, 5, 12, 0)  # Wednesday noon
    found = slots(CN, OPEN, [], "call", now=MONDAY_NIGHT, deadline=deadline, limit=50)
    assert found and all(s.at <= deadline for s in found)
    assert all("deadline_missed" not in dict(s.reasons) for s in found)


def test_it_reports_a_missed_deadline():
    found = slots(CN, OPEN, [], "call", now=MONDAY_NIGHT, deadline=MONDAY_NIGHT, limit=3)
    assert [s.local for s in found] == [
        sh(2025, 3, 3, 9, 5),
        sh(2025, 3, 3, 10),
        sh(2025, 3, 3, 11),
    ]
    assert all("deadline_missed" in dict(s.reasons) for s in found)
    assert "no allowed time before the deadline (Mon 00:00 their time)" in found[0].explain()


def test_it_gives_no_slot_when_contact_is_stopped():
    assert slots(CN, Limits(no_contact=True), [], "call", now=MONDAY_NIGHT) == []
    blocked = Limits(blocked_channels=frozenset({"call"}))
    assert best_slot(CN, blocked, [], "call", now=MONDAY_NIGHT) is None


def test_it_skips_todays_past_moments():
    slot = best_slot(ANY_TIME, OPEN, [], "call", now=sh(2025, 3, 7, 0, 5))
    assert slot.local > sh(2025, 3, 7, 0, 5)


def test_it_shows_the_data_behind_a_score():
    rates = {(2, 15): (41, 120)}
    slot = slot_at(CN, sh(2025, 3, 5, 15, 0), team_rates=rates)
    assert slot.observed == pytest.approx(41 / 120)
    assert slot.data_weight == pytest.approx(120 / 150)
    assert "team data 80 % of the score (41 of 120 attempts succeeded at this hour)" in (
        slot.explain()
    )
    mine = slot_at(CN, sh(2025, 3, 5, 15, 0), team_rates=rates, debtor_rates={(2, 15): (3, 5)})
    assert "their own history 33 % of the score" in mine.explain()


def test_explain_follows_the_active_language():
    reasons = best_slot(CN, OPEN, [], "call", now=MONDAY_NIGHT).reasons
    with translation.override("zh-hans"):
        chinese = explain(reasons)
    assert chinese == "当地周五 09:05：对方上班后的前15分钟，一周中最好的一天"


def test_explain_survives_unknown_codes():
    assert explain([["at", {"weekday": 4, "time": "09:05"}], ["brand_new", {}]]) == (
        "Fri 09:05 their time — brand_new"
    )


# --- entered data --------------------------------------------------------------

GOOD = {
    "timezone": "Europe/Berlin",
    "country": "de",
    "opens": "08:30",
    "closes": time(17, 0),
    "lunch_start": "12:00",
    "lunch_end": "13:00",
    "working_days": [0, 1, 2, 3, 4, 5],
    "money_days": [15, 31],
}


def test_good_calendar_data_passes():
    assert calendar_problems(**GOOD) == []
    calendar, warnings = calendar_from_raw(**GOOD)
    assert warnings == []
    assert calendar == Calendar("Europe/Berlin", "DE", time(8, 30), time(17), (time(12), time(13)),
                                frozenset(range(6)), (15, 31))  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "fallback"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "Asia/Shanghai"),
        ({"timezone": ""}, "timezone", "Asia/Shanghai"),
        ({"country": "XX"}, "country", "CN"),
        ({"opens": "18:00"}, "opens", time(9, 0)),
        ({"closes": "soon"}, "closes", time(18, 0)),
        ({"lunch_start": "14:00"}, "lunch", None),
        ({"lunch_end": "19:00"}, "lunch", None),
        ({"lunch_end": None}, "lunch", None),
        ({"working_days": []}, "working_days", frozenset(range(5))),
        ({"working_days": [7]}, "working_days", frozenset(range(5))),
        ({"money_days": [0, 32]}, "money_days", ()),
    ],
)
def test_bad_calendar_data_is_named_and_replaced(change, field, fallback):
    raw = GOOD | change
    assert calendar_problems(**raw)
    calendar, warnings = calendar_from_raw(**raw)
    assert warnings and getattr(calendar, field) == fallback


def test_limits_problems():
    assert limits_problems(Limits(), calendar=CN) == []
    assert limits_problems(Limits(allowed_from=time(21), allowed_until=time(8)))
    assert limits_problems(Limits(quiet_weekdays=frozenset(range(7))))
    assert limits_problems(Limits(max_calls_7d=-1))
    assert limits_problems(Limits(blocked_channels=frozenset({"fax"})))
    assert limits_problems(Limits(allowed_from=time(19)), calendar=CN)
    assert limits_problems(Limits(quiet_weekdays=frozenset(range(5))), calendar=CN)


# --- properties ----------------------------------------------------------------

ZONES = sorted(available_timezones() - {"Factory", "localtime"})
DST_ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe"]
DST_DAYS = [datetime.datetime(2025, 3, 9), datetime.datetime(2025, 3, 30),  # noqa: DTZ001
            datetime.datetime(2025, 4, 6), datetime.datetime(2025, 10, 5),  # noqa: DTZ001
            datetime.datetime(2025, 10, 26), datetime.datetime(2025, 11, 2)]  # noqa: DTZ001  # fmt: skip
ANY_ZONE = st.sampled_from(ZONES)
WEEKDAYS = st.frozensets(st.integers(0, 6), min_size=1)
CAP = st.none() | st.integers(0, 8)


def clock(low: int, high: int):
    return st.builds(lambda m: time(m // 60, m % 60), st.integers(low, high).map(lambda x: x * 15))


@st.composite
def calendars(draw, zones=ANY_ZONE):
    opens = draw(clock(0, 48))
    closes = draw(clock(opens.hour * 4 + opens.minute // 15 + 2, 95))
    lunch = None
    if draw(st.booleans()) and (closes.hour - opens.hour) >= 3:
        start = time(opens.hour + 1, opens.minute)
        lunch = (start, time(start.hour + 1, start.minute))
    return Calendar(timezone=draw(zones), country=draw(st.sampled_from(["CN", "US", "GB", ""])),
                    opens=opens, closes=closes, lunch=lunch, working_days=draw(WEEKDAYS),
                    money_days=tuple(draw(st.sets(st.integers(1, 31), max_size=2))))  # fmt: skip


@st.composite
def policies(draw):
    start = draw(clock(20, 48))
    return Limits(allowed_from=start, allowed_until=draw(clock(50, 95)),
                  quiet_weekdays=draw(st.frozensets(st.integers(0, 6), max_size=2)),
                  max_attempts_7d=draw(CAP), max_calls_7d=draw(CAP), max_messages_7d=draw(CAP),
                  max_connected_calls_per_day=draw(st.none() | st.integers(0, 3)),
                  min_gap_after_conversation=timedelta(days=draw(st.integers(0, 7))),
                  blocked_channels=draw(st.frozensets(st.sampled_from(list(Action)),
                                                      max_size=2)))  # fmt: skip


moments = st.datetimes(
    datetime.datetime(2024, 1, 1),  # noqa: DTZ001
    datetime.datetime(2027, 12, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@st.composite
def histories(draw, now):
    offsets = draw(st.lists(st.integers(1, 10 * 24 * 60), max_size=12))
    return [Attempt(now - timedelta(minutes=m), draw(st.sampled_from(list(Action))),
                    connected=draw(st.booleans()), conversation=draw(st.booleans()))
            for m in offsets]  # fmt: skip


def oracle(calendar, limits, history, action, at):
    """The rules, written again independently of followups.timing."""
    local = at.astimezone(ZoneInfo(calendar.timezone))
    wall = local.time()
    official = (
        holidays.country_holidays(calendar.country, years=local.year) if calendar.country else {}
    )
    holiday = local.date() in official
    # an official make-up working day (调休): a weekend day the country works
    makeup = (
        bool(calendar.country)
        and official.is_weekend(local.date())
        and official.is_working_day(local.date())
        and local.weekday() not in calendar.working_days
    )
    quiet = local.weekday() in limits.quiet_weekdays and (limits.quiet_on_makeup_days or not makeup)
    recent = [a for a in history if at - timedelta(days=7) < a.at <= at]
    voice = action in VOICE_ACTIONS

    def over(cap, attempts):
        return cap is not None and len(attempts) + 1 > cap

    return not (
        limits.no_contact
        or action in limits.blocked_channels
        or (local.weekday() not in calendar.working_days and not makeup)
        or quiet
        or holiday
        or not calendar.opens <= wall < calendar.closes
        or (calendar.lunch and calendar.lunch[0] <= wall < calendar.lunch[1])
        or not limits.allowed_from <= wall < limits.allowed_until
        or over(limits.max_attempts_7d, recent)
        or (voice and over(limits.max_calls_7d, [a for a in recent if a.channel in VOICE_ACTIONS]))
        or (action in MESSAGE_ACTIONS
            and over(limits.max_messages_7d, [a for a in recent if a.channel in MESSAGE_ACTIONS]))
        or (voice and limits.max_connected_calls_per_day is not None
            and sum(a.connected and a.channel in VOICE_ACTIONS
                    and a.at.astimezone(local.tzinfo).date() == local.date() for a in history)
            >= limits.max_connected_calls_per_day)
        or (voice and any(a.conversation and a.at <= at < a.at + limits.min_gap_after_conversation
                          for a in history))
    )  # fmt: skip


@PROPS
@given(calendars(), policies(), moments, st.sampled_from(list(Action)), st.data())
def test_every_slot_keeps_every_rule(calendar, limits, now, action, data):
    history = data.draw(histories(now))
    deadline = data.draw(
        st.none() | st.integers(-2, 20 * 24).map(lambda h: now + timedelta(hours=h))
    )
    found = slots(calendar, limits, history, action, now=now, deadline=deadline, limit=8)
    for slot in found:
        assert slot.at > now
        assert check(calendar, limits, history, action, slot.at) == []
        assert oracle(calendar, limits, history, action, slot.at)
        assert slot.local.astimezone(UTC) == slot.at and slot.local.tzinfo.key == calendar.timezone
        assert 0 <= slot.score <= 1 and 0 <= slot.prior <= 1
    missed = [s for s in found if "deadline_missed" in dict(s.reasons)]
    if deadline is None or not missed:
        assert deadline is None or all(s.at <= deadline for s in found)
        keys = [(-s.score, s.at) for s in found]
        assert keys == sorted(keys)
    else:
        assert missed == found
        assert [s.at for s in found] == sorted(s.at for s in found)
        everything = slots(calendar, limits, history, action, now=now, limit=10_000)
        assert not [s for s in everything if s.at <= deadline]


@PROPS
@given(moments, clock(0, 95), st.booleans(), st.integers(0, 500), st.integers(0, 500))
def test_with_equal_data_friday_beats_monday(moment, wall, negotiation, trials, successes):
    assume(successes <= trials)
    friday = moment.date() + timedelta(days=(4 - moment.weekday()) % 7)
    monday = friday - timedelta(days=4)
    rates = {(4, wall.hour): (successes, trials), (0, wall.hour): (successes, trials)}
    calendar = Calendar(timezone="UTC")
    fri, mon = (
        slot_at(calendar, datetime.datetime.combine(d, wall, tzinfo=UTC), negotiation=negotiation,
                team_rates=rates, debtor_rates=rates)
        for d in (friday, monday)
    )  # fmt: skip
    assert fri.score > mon.score


@st.composite
def dst_moments(draw):
    zone = draw(st.sampled_from(DST_ZONES) | st.sampled_from(ZONES))
    day = draw(st.sampled_from(DST_DAYS))
    return zone, (day + timedelta(hours=draw(st.integers(-4 * 24, 24)))).replace(
        tzinfo=ZoneInfo(zone)
    )


@PROPS
@given(dst_moments(), clock(0, 40))
def test_first_15_minutes_hold_in_every_zone(zone_now, opens):
    zone, now = zone_now
    calendar = Calendar(timezone=zone, country="", opens=opens, closes=time(23, 0), lunch=None,
                        working_days=frozenset(range(7)))  # fmt: skip
    limits = Limits(allowed_from=time(0, 0), allowed_until=time(23, 59))
    found = slots(calendar, limits, [], "call", now=now, horizon_days=8, limit=40)
    assert "first_15" in dict(found[0].reasons)
    start = datetime.datetime.combine(date.min, opens)
    for slot in found:
        assert slot.local.astimezone(UTC) == slot.at
        assert slot.at.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == slot.local.replace(
            tzinfo=None
        )
        if "first_15" in dict(slot.reasons):
            wall = datetime.datetime.combine(date.min, slot.local.time())
            assert start <= wall < start + timedelta(minutes=15)


@PROPS
@given(st.integers(0, 3), st.integers(14, 16), st.floats(0.7, 0.95))
def test_learning_moves_the_top_slot_toward_the_data(weekday, hour, rate):
    def top(kind, trials):
        rates = {(weekday, hour): (round(rate * trials), trials)}
        return best_slot(CN, OPEN, [], "call", now=MONDAY_NIGHT, **{kind: rates})

    # a debtor's own history weighs more per try (K_DEBTOR < K_TEAM)
    for kind, little in (("team_rates", 3), ("debtor_rates", 1)):
        few, many = top(kind, little), top(kind, 3000)
        assert (few.local.weekday(), few.local.hour) == (4, 9)  # the prior still rules
        assert (many.local.weekday(), many.local.hour) == (weekday, hour)
        assert many.score == pytest.approx(rate, abs=0.05)
    at = sh(2025, 3, 3 + weekday, hour)
    scores = [slot_at(CN, at, team_rates={(weekday, hour): (round(rate * n), n)})
              for n in (0, 10, 100, 1000)]  # fmt: skip
    assert [s.score for s in scores] == sorted(s.score for s in scores)
    assert [s.data_weight for s in scores] == sorted(s.data_weight for s in scores)


@PROPS
@given(calendars(zones=st.sampled_from(DST_ZONES + ["Asia/Shanghai"])), moments, st.booleans())
def test_explain_round_trips_through_json(calendar, now, negotiation):
    rates = {(d, h): (h, 30) for d in range(7) for h in range(24)}
    for slot in slots(calendar, OPEN, [], "call", now=now, negotiation=negotiation,
                      team_rates=rates, debtor_rates=rates, deadline=now, limit=3):  # fmt: skip
        stored = json.loads(json.dumps(slot.reasons))
        assert explain(stored) == slot.explain()
        assert slot.explain().startswith(slot.local.strftime("%a %H:%M"))

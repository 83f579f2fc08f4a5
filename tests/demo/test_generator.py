"""The demo generator on its own (no database), on a book big enough for the
rates to settle: the volume a full history promises, and right-party rates
that follow the timing prior."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from demo.demo_data import COLUMNS, DemoGenerator, DemoParams, Staff
from demo.judge import _Promise, judge
from tests.demo.helpers import TODAY

DEBTOR = {name: n for n, name in enumerate(COLUMNS["debtor"])}
CALL = {name: n for n, name in enumerate(COLUMNS["interaction"])}


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


@pytest.fixture(scope="module")
def calls():
    """(weekday, minutes after opening, minutes after lunch, reached) of every
    outbound call of 1,500 debtors with ten invoices each and full history,
    on the debtor's clock; and the interactions per debtor."""
    params = DemoParams(
        today=TODAY, debtors=1_500, seed=5, invoices_per_debtor=10, history_percent=100
    )
    generator = DemoGenerator(params=params, staff=Staff(*range(1, 9)), first_ids={})
    debtors, out, interactions = {}, [], 0
    for rows in generator.batches():
        for d in rows["debtor"]:
            debtors[d[DEBTOR["id"]]] = (
                ZoneInfo(d[DEBTOR["timezone"]]),
                minutes(d[DEBTOR["business_hours_start"]]),
                minutes(d[DEBTOR["lunch_end"]]),
            )
        interactions += len(rows["interaction"])
        for i in rows["interaction"]:
            if i[CALL["channel"]] != "call" or i[CALL["direction"]] != "outbound":
                continue
            zone, opens, lunch_end = debtors[i[CALL["debtor_id"]]]
            local = i[CALL["started_at"]].astimezone(zone)
            minute = local.hour * 60 + local.minute
            out.append((local.weekday(), minute - opens, minute - lunch_end, i[CALL["outcome"]]))
    reached = {"right_party", "promise", "refused", "dispute", "paid", "callback"}
    return [(w, o, a, outcome in reached) for w, o, a, outcome in out], interactions / 1_500


def rate(calls, keep) -> float:
    picked = [reached for *key, reached in calls if keep(*key)]
    return sum(picked) / len(picked)


def test_a_full_history_averages_twenty_interactions_per_debtor(calls):
    _, per_debtor = calls
    assert per_debtor >= 20


def test_friday_beats_thursday_beats_tuesday_beats_monday_and_wednesday(calls):
    rows, _ = calls
    by_day = [rate(rows, lambda w, o, a, day=day: w == day) for day in range(5)]
    monday, tuesday, wednesday, thursday, friday = by_day
    assert friday > thursday > tuesday > max(monday, wednesday)


def test_the_first_minutes_after_opening_beat_the_rest_of_the_day(calls):
    rows, _ = calls
    first = rate(rows, lambda w, o, a: 0 <= o < 15)
    after_lunch = rate(rows, lambda w, o, a: 0 <= a < 15)
    rest = rate(rows, lambda w, o, a: o >= 15 and not 0 <= a < 15)
    assert first > rest and after_lunch > rest


def test_the_judge_follows_the_engine_on_a_plan_paid_late():
    """Two instalments, the first paid on time, the second not at all: partly
    kept from the night the first is paid; a later payment completes it."""
    made = dt.datetime(2026, 1, 5, 3, tzinfo=dt.UTC)
    day = dt.date

    def plan():
        return _Promise(
            id_=1,
            interaction_id=1,
            contact_id=1,
            created_at=made,
            dues=[day(2026, 1, 10), day(2026, 1, 24)],
            amounts=[50_000, 50_000],
            instalment_ids=[1, 2],
            reminder="sms",
        )

    stopped = plan()
    judge([stopped], [(day(2026, 1, 9), 50_000)], today=day(2026, 2, 1), grace=2)
    assert (stopped.status, stopped.kept, stopped.paid) == ("partly_kept", 50_000, [50_000, 0])
    assert stopped.statuses == ["kept", "broken"]
    assert stopped.evaluated_on == day(2026, 1, 10)
    finished = plan()
    payments = [(day(2026, 1, 9), 50_000), (day(2026, 1, 30), 50_000)]
    judge([finished], payments, today=day(2026, 2, 1), grace=2)
    assert (finished.status, finished.kept) == ("kept", 100_000)
    assert finished.evaluated_on == day(2026, 1, 31)
    assert finished.statuses == ["kept", "kept"]

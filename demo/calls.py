"""When in the debtor's day a demo collector dials, and whether the right
person answers.

Calls fall on the debtor's working days, in business hours, never in the
lunch break; a share of them in the first fifteen minutes after opening or
after lunch, as collectors who know the rule do. Whether the right person
answers follows the timing engine's prior (`followups.timing_weights`:
Friday > Thursday > Tuesday > Monday and Wednesday; the first fifteen minutes
of the day best; the last hour worst; a few days before a money day better),
read as an expected success rate the way the engine reads it, then moved by
noise: each debtor is easier or harder to reach (`_Debtor.reach`, stalling
debtors dodge calls), and each call is a draw. The first fifteen minutes after
lunch count almost like those after opening (our own call; the engine gives
the hour after lunch a middling weight).
"""

from __future__ import annotations

import datetime as dt

from debtors.models import DebtorType
from followups.timing_weights import (
    DAY_SHARE,
    DAY_WEIGHTS,
    FRIDAY_AFTERNOON_BONUS,
    HOUR_SHARE,
    HOUR_WEIGHTS,
    MONDAY_MORNING_PENALTY,
    MONEY_BEFORE_BONUS,
    RATE_FLOOR,
    RATE_SPAN,
)

from .generator_base import DAY, GeneratorBase
from .markets import Market
from .state import _Debtor

TYPE_REACH = {
    DebtorType.FORGETFUL: 1.15,
    DebtorType.HARDSHIP: 1.0,
    DebtorType.DISPUTE: 0.95,
    DebtorType.STALLING: 0.6,
    DebtorType.UNKNOWN: 0.9,
}
FIRST_MINUTES_SHARE = 0.14  # of calls dialled in the first 15 minutes after opening
AFTER_LUNCH_SHARE = 0.06  # and in the first 15 minutes after lunch
AFTER_LUNCH_WEIGHT = 0.9  # hour weight of those minutes
REACH_TRIES = 6
MONEY_BONUS = RATE_SPAN * MONEY_BEFORE_BONUS
WEIGHTS = HOUR_WEIGHTS[False]
MINUTES = [dt.timedelta(minutes=n) for n in range(1440)]  # made once: a few million calls
SECONDS = MINUTES[:1] + [dt.timedelta(seconds=n) for n in range(1, 60)]


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _hour_weight(minute: int, opens: int, closes: int, lunch: tuple[int, int]) -> float:
    if minute < opens + 15:
        return WEIGHTS["first_15"]
    if lunch[1] <= minute < lunch[1] + 15:
        return AFTER_LUNCH_WEIGHT
    if minute >= closes - 60:
        return WEIGHTS["late_day"]
    if minute < lunch[0]:
        return WEIGHTS["morning"]
    if minute < lunch[1] + 60:
        return WEIGHTS["after_lunch"]
    return WEIGHTS["afternoon"]


def rate_table(market: Market) -> list[list[float]]:
    """weekday -> minute of the local day -> the chance the right person answers
    (before the debtor's own reach); 0 outside business hours and at lunch."""
    opens, closes, lunch_from, lunch_until = (_minutes(t) for t in market.hours)
    lunch = (lunch_from, lunch_until)
    table = []
    for weekday in range(7):
        row = [0.0] * 1440
        for minute in range(opens, closes):
            if lunch_from <= minute < lunch_until:
                continue
            prior = DAY_SHARE * DAY_WEIGHTS[weekday] + HOUR_SHARE * _hour_weight(
                minute, opens, closes, lunch
            )
            if weekday == 4 and minute >= lunch_until:
                prior += FRIDAY_AFTERNOON_BONUS
            elif weekday == 0 and minute < lunch_from:
                prior += MONDAY_MORNING_PENALTY
            row[minute] = RATE_FLOOR + RATE_SPAN * prior
        table.append(row)
    return table


class CallsMixin(GeneratorBase):
    """Dialling moments and right-party draws."""

    def _dial(self, st: _Debtor, day: dt.date) -> tuple[dt.datetime, bool]:
        """A call on the debtor's working `day`: its moment (UTC) and whether
        the right person answered."""
        rand = self.rand
        market = st.market
        try:
            opens, closes, lunch_from, lunch_until = self._dial_hours[market.country]
        except KeyError:
            self._cache_market(market)
            opens, closes, lunch_from, lunch_until = self._dial_hours[market.country]
        roll = rand()
        if roll < FIRST_MINUTES_SHARE:
            minute = opens + int(rand() * 15)
        elif roll < FIRST_MINUTES_SHARE + AFTER_LUNCH_SHARE:
            minute = lunch_until + int(rand() * 15)
        else:
            minute = opens + int(rand() * (closes - 15 - opens - (lunch_until - lunch_from)))
            if minute >= lunch_from:
                minute += lunch_until - lunch_from
        chance = self._rate_tables[market.country][day.weekday()][minute] * st.reach
        if st.money_days and any(1 <= m - day.day <= 3 for m in st.money_days):
            chance += MONEY_BONUS
        moment = self._local_midnight(st, day) + MINUTES[minute] + SECONDS[int(rand() * 60)]
        return moment, rand() < chance

    def _reach_moment(self, st: _Debtor, day: dt.date) -> tuple[dt.datetime, list[dt.datetime]]:
        """When the right person answered on `day`, dialling as the collector
        does until they answer (a few tries), so even the talks a story needs
        fall where the prior makes them likely; and the tries before. A moment
        late yesterday in the west that is still ahead moves a working day back."""
        tries: list[dt.datetime] = []
        for _ in range(REACH_TRIES):
            moment, answered = self._dial(st, day)
            if moment >= self.seeded_at:
                day = self._working_day(st, day - DAY, back=True)
                continue
            if answered:
                return moment, tries
            tries.append(moment)
        return (tries.pop() if tries else self._moment(st, day)), tries

    def _cache_market(self, market: Market) -> None:
        self._rate_tables[market.country] = rate_table(market)
        opens, closes, lunch_from, lunch_until = (_minutes(t) for t in market.hours)
        self._dial_hours[market.country] = (opens, closes, lunch_from, lunch_until)

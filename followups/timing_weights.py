"""The rule-based prior of a moment and its blend with measured rates
(part of ``followups.timing``).

**Rule-based prior** (0..1) of a moment::

    prior = 0.40 * day weight + 0.45 * hour weight + bonuses

Day weights: Fri 1.00, Thu 0.85, Tue 0.70, Sat/Sun 0.60 (when working days),
Wed 0.45, Mon 0.40.

Hour weights (``midday`` is the end of lunch, or 12:00 without a lunch break):

=====================================  ======  ===========
moment                                 normal  negotiation
=====================================  ======  ===========
first 15 minutes after opening         1.00    0.75
other morning                          0.70    0.55
the hour right after lunch             0.65    0.90
other afternoon                        0.60    1.00
the last hour before closing           0.40    0.50
=====================================  ======  ===========

So for negotiation every afternoon hour beats every morning hour, the
first-15-minutes moment included: calm beats early when the aim is agreement.

Bonuses: +0.12 on the three days before a money day, +0.06 on the day after
one, +0.03 on Friday afternoon, -0.05 on Monday morning. The best possible
prior is exactly 1.0.

**Learning.** The prior is read as an expected success rate
``m = 0.10 + 0.40 * prior`` (10 % to 50 %) and used as a Beta prior worth
``K_TEAM`` (30) tries. The team's (successes, trials) for the local weekday and
hour move it to ``(K_TEAM * m + s) / (K_TEAM + n)``; the debtor's own numbers
then move that the same way with strength ``K_DEBTOR`` (10). ``Slot.score`` is
this final expected success rate, so it equals ``m`` without data.
"""

from __future__ import annotations

from datetime import date, timedelta

from .timing_calendar import Calendar, Rates, _is_money_day, _seconds

DAY_WEIGHTS = (0.40, 0.70, 0.45, 0.85, 1.00, 0.60, 0.60)  # Monday first
HOUR_WEIGHTS = {
    False: {
        "first_15": 1.00,
        "morning": 0.70,
        "after_lunch": 0.65,
        "afternoon": 0.60,
        "late_day": 0.40,
        "lunch_break": 0.0,
        "off_hours": 0.0,
    },
    True: {
        "first_15": 0.75,
        "morning": 0.55,
        "after_lunch": 0.90,
        "afternoon_negotiation": 1.00,
        "late_day": 0.50,
        "lunch_break": 0.0,
        "off_hours": 0.0,
    },
}
DAY_SHARE, HOUR_SHARE = 0.40, 0.45
MONEY_BEFORE_BONUS, MONEY_AFTER_BONUS = 0.12, 0.06
FRIDAY_AFTERNOON_BONUS, MONDAY_MORNING_PENALTY = 0.03, -0.05
RATE_FLOOR, RATE_SPAN = 0.10, 0.40
K_TEAM, K_DEBTOR = 30, 10


def _midday(calendar: Calendar) -> int:
    return _seconds(calendar.lunch[1]) if calendar.lunch else 12 * 3600


def _hour_kind(calendar: Calendar, sod: int, negotiation: bool) -> str:
    opens, closes = _seconds(calendar.opens), _seconds(calendar.closes)
    if not opens <= sod < closes:
        return "off_hours"
    if calendar.lunch and _seconds(calendar.lunch[0]) <= sod < _seconds(calendar.lunch[1]):
        return "lunch_break"
    if sod < opens + 15 * 60:
        return "first_15"
    if sod >= closes - 3600:
        return "late_day"
    midday = _midday(calendar)
    if sod < midday:
        return "morning"
    if calendar.lunch and sod < midday + 3600:
        return "after_lunch"
    return "afternoon_negotiation" if negotiation else "afternoon"


_DAY_CODES = {
    4: "weekday_best",
    3: "weekday_good",
    1: "weekday_good",
    0: "weekday_weak",
    2: "weekday_weak",
}

# The kind of hour (``_hour_kind``) and of day (``_DAY_CODES`` and the bonuses):
# the first clause of a reason.
MOMENT_CODES = (
    "first_15",
    "morning",
    "after_lunch",
    "afternoon",
    "afternoon_negotiation",
    "late_day",
    "lunch_break",
    "off_hours",
    "weekday_best",
    "weekday_good",
    "weekday_weak",
    "friday_afternoon",
    "monday_morning",
    "makeup_workday",  # an official make-up working day (调休), e.g. a worked Saturday
)


def _base(calendar: Calendar, weekday: int, sod: int, negotiation: bool):
    """(prior without money bonus, reason codes) for a weekday and time of day."""
    kind = _hour_kind(calendar, sod, negotiation)
    prior = DAY_SHARE * DAY_WEIGHTS[weekday] + HOUR_SHARE * HOUR_WEIGHTS[negotiation][kind]
    codes = [kind]
    if weekday in _DAY_CODES:
        codes.append(_DAY_CODES[weekday])
    afternoon = sod >= _midday(calendar)
    if weekday == 4 and afternoon:
        prior += FRIDAY_AFTERNOON_BONUS
        codes.append("friday_afternoon")
    elif weekday == 0 and not afternoon:
        prior += MONDAY_MORNING_PENALTY
        codes.append("monday_morning")
    return prior, tuple(codes)


def _money(money_days: tuple[int, ...], day: date):
    """(bonus, reason) for a local date; (0.0, None) when no money day is near."""
    if money_days:
        for ahead in (1, 2, 3):
            if _is_money_day(money_days, day + timedelta(days=ahead)):
                return MONEY_BEFORE_BONUS, ("money_before", {"days": ahead})
        if _is_money_day(money_days, day - timedelta(days=1)):
            return MONEY_AFTER_BONUS, ("money_after", {})
    return 0.0, None


def _rate(rates: Rates | None, key: tuple[int, int]) -> tuple[int, int]:
    if not rates:
        return 0, 0
    s, n = rates.get(key, (0, 0))
    n = max(int(n), 0)
    return min(max(int(s), 0), n), n


def _blend(prior: float, key, team_rates, debtor_rates):
    """(score, team (s, n), debtor (s, n), prior share) for a prior and a rate key."""
    m = RATE_FLOOR + RATE_SPAN * prior
    st, nt = _rate(team_rates, key)
    sd, nd = _rate(debtor_rates, key)
    team = (K_TEAM * m + st) / (K_TEAM + nt)
    score = (K_DEBTOR * team + sd) / (K_DEBTOR + nd)
    share = K_TEAM / (K_TEAM + nt) * K_DEBTOR / (K_DEBTOR + nd)
    return score, (st, nt), (sd, nd), share


def prior_rate(calendar: Calendar, weekday: int, second_of_day: int) -> float:
    """The rule-based expected right-party rate of a moment before any data
    (``m`` in the module's docstring, without money-day bonuses): what the
    reports' timing heatmap sets the team's measured rates beside."""
    prior, _codes = _base(calendar, weekday, second_of_day, False)
    return RATE_FLOOR + RATE_SPAN * prior if prior > 0 else 0.0

"""When to contact a debtor: allowed moments, ranked, each with its reasons.

Pure functions, no database. ``check`` says why a moment is not allowed;
``slots`` lists allowed moments best first. Everything is decided in the
debtor's local time (``Calendar.timezone``).

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

import datetime
import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, time, timedelta
from enum import StrEnum
from functools import lru_cache, partial
from zoneinfo import ZoneInfo, available_timezones

import holidays
from django.utils.translation import get_language, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _


class Action(StrEnum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    VISIT = "visit"
    LETTER = "letter"


MESSAGE_ACTIONS = frozenset({Action.SMS, Action.EMAIL})
VOICE_ACTIONS = frozenset({Action.CALL, Action.VISIT})

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
WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Calendar:
    timezone: str = "Asia/Shanghai"
    country: str = "CN"  # "" = no public holidays
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    lunch: tuple[time, time] | None = (time(12, 0), time(13, 30))
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # date.weekday()
    money_days: tuple[int, ...] = ()  # 31 (or 30, 29) = last day in shorter months


@dataclass(frozen=True)
class Limits:
    """The effective contact policy for one debtor (all times local)."""

    allowed_from: time = time(8, 0)
    allowed_until: time = time(21, 0)  # nothing at or after
    quiet_weekdays: frozenset[int] = frozenset()
    max_attempts_7d: int | None = None  # every channel
    max_calls_7d: int | None = None  # call + visit
    max_messages_7d: int | None = None  # sms + email
    max_connected_calls_per_day: int | None = None  # connected calls/visits, local day
    min_gap_after_conversation: timedelta = timedelta(0)
    blocked_channels: frozenset[str] = frozenset()
    no_contact: bool = False
    no_contact_reason: str = ""  # "do_not_contact" | "cease" | "dispute_pause" | ...


@dataclass(frozen=True)
class Attempt:
    at: datetime.datetime
    channel: str
    connected: bool = False
    conversation: bool = False  # right-party conversation


Rates = Mapping[tuple[int, int], tuple[int, int]]  # (weekday, hour) -> (successes, trials)


@dataclass(frozen=True)
class Violation:
    code: str
    message: str


@dataclass(frozen=True)
class Slot:
    at: datetime.datetime  # UTC
    local: datetime.datetime  # debtor's zone
    score: float  # expected success rate after learning
    prior: float
    observed: float | None  # pooled team + debtor rate, None without data
    data_weight: float
    reasons: tuple[tuple[str, dict], ...] = field(default=())

    def explain(self) -> str:
        return explain(self.reasons)


# --- caches ---------------------------------------------------------------


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _known_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=1024)
def _holidays(country: str, year: int) -> frozenset[date]:
    if not country or country not in _known_countries():
        return frozenset()  # calendar_problems() reports unknown countries
    return frozenset(holidays.country_holidays(country, years=year).keys())


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _time(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


# --- scoring --------------------------------------------------------------


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
)

# Every code a slot's reasons may hold, with its parameters. Reasons are stored
# as [code, params] pairs (FollowUp.slot_explain) and put into words only when
# shown, in the reader's language (``explain``): add codes, never rename one.
REASON_CODES = (
    "at",  # {"weekday": 0-6 (Monday first), "time": "HH:MM"}, the debtor's local time
    *MOMENT_CODES,
    "money_before",  # {"days": 1-3}
    "money_after",
    # learning
    "team_data",  # {"share": percent of the score, "successes": int, "trials": int}
    "debtor_data",  # the same, from the debtor's own history
    "deadline_missed",  # {"weekday", "time"}: the deadline, local
    # set by the services, not by the ranking
    "callback_asked",  # the moment the debtor asked to be called
    "note",  # {"text": str}: a reason stored as text before the codes; shown as it is
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


def _is_money_day(money_days: tuple[int, ...], day: date) -> bool:
    if day.day in money_days:
        return True
    # a money day past this month's end falls on its last day
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return day == last and any(m > last.day for m in money_days)


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


def _make_slot(local, utc, prior, codes, money, team_rates, debtor_rates, extra=()) -> Slot:
    prior = min(max(prior, 0.0), 1.0)
    weekday = local.weekday()
    score, (st, nt), (sd, nd), share = _blend(
        prior, (weekday, local.hour), team_rates, debtor_rates
    )
    reasons = [("at", {"weekday": weekday, "time": local.strftime("%H:%M")})]
    reasons += [(code, {}) for code in codes]
    if money:
        reasons.append((money[0], dict(money[1])))  # money may come from a cache
    debtor_share = nd / (K_DEBTOR + nd)
    if nt:
        team_share = 1.0 - share - debtor_share
        reasons.append(
            ("team_data", {"share": round(100 * team_share), "successes": st, "trials": nt})
        )
    if nd:
        reasons.append(
            ("debtor_data", {"share": round(100 * debtor_share), "successes": sd, "trials": nd})
        )
    reasons += extra
    return Slot(
        at=utc,
        local=local,
        score=score,
        prior=prior,
        observed=(st + sd) / (nt + nd) if nt + nd else None,
        data_weight=1.0 - share,
        reasons=tuple(reasons),
    )


def slot_at(
    calendar: Calendar,
    at: datetime.datetime,
    *,
    negotiation: bool = False,
    team_rates: Rates | None = None,
    debtor_rates: Rates | None = None,
) -> Slot:
    """Score and reasons for any moment (e.g. one a collector picked by hand).

    Does not check that the moment is allowed: use ``check`` for that.
    """
    _require_aware(at, "at")
    local = at.astimezone(_zone(calendar.timezone))
    prior, codes = _base(calendar, local.weekday(), _seconds(local.time()), negotiation)
    bonus, money = _money(calendar.money_days, local.date())
    return _make_slot(
        local, at.astimezone(UTC), prior + bonus, codes, money, team_rates, debtor_rates
    )


# --- rules ----------------------------------------------------------------


def _require_aware(value: datetime.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _find(calendar, limits, history, action, at, deadline):
    """Broken rules at ``at`` as (code, params); params are not translated yet."""
    zone = _zone(calendar.timezone)
    local = at.astimezone(zone)
    day, sod, weekday = local.date(), _seconds(local.time()), local.weekday()
    found = []
    if limits.no_contact:
        found.append(("no_contact", {"reason": limits.no_contact_reason}))
    if action in limits.blocked_channels:
        found.append(("channel_blocked", {"channel": action}))
    if deadline is not None and at > deadline:
        found.append(("past_deadline", {"deadline": deadline}))
    if weekday not in calendar.working_days:
        found.append(("non_working_day", {}))
    if day in _holidays(calendar.country, day.year):
        found.append(("holiday", {}))
    if not _seconds(calendar.opens) <= sod < _seconds(calendar.closes):
        found.append(("outside_hours", {}))
    elif calendar.lunch and _seconds(calendar.lunch[0]) <= sod < _seconds(calendar.lunch[1]):
        found.append(("lunch", {}))
    if not _seconds(limits.allowed_from) <= sod < _seconds(limits.allowed_until):
        found.append(("quiet_hours", {}))
    if weekday in limits.quiet_weekdays:
        found.append(("quiet_day", {}))
    found += _history_rules(limits, history, action, at, zone, day)
    return found, local


def _history_rules(limits, history, action, at, zone, day):
    found = []
    recent = [a for a in history if at - WINDOW < a.at <= at]
    voice, message = action in VOICE_ACTIONS, action in MESSAGE_ACTIONS
    caps = [("cap_all", limits.max_attempts_7d, True, lambda a: True)]
    caps.append(("cap_calls", limits.max_calls_7d, voice, lambda a: a.channel in VOICE_ACTIONS))
    caps.append(
        ("cap_messages", limits.max_messages_7d, message, lambda a: a.channel in MESSAGE_ACTIONS)
    )
    for code, cap, applies, counts in caps:
        if cap is not None and applies:
            count = sum(1 for a in recent if counts(a))
            if count + 1 > cap:
                found.append((code, {"limit": cap, "count": count}))
    if not voice:
        return found
    cap = limits.max_connected_calls_per_day
    if cap is not None:
        count = sum(
            1
            for a in history
            if a.connected and a.channel in VOICE_ACTIONS and a.at.astimezone(zone).date() == day
        )
        if count >= cap:
            found.append(("cap_connected_day", {"limit": cap, "count": count}))
    gap = limits.min_gap_after_conversation
    if gap > timedelta(0):
        ends = [a.at + gap for a in history if a.conversation and a.at <= at < a.at + gap]
        if ends:
            found.append(("conversation_gap", {"until": max(ends)}))
    return found


def check(
    calendar: Calendar,
    limits: Limits,
    history: Sequence[Attempt],
    action: str,
    at: datetime.datetime,
    *,
    deadline: datetime.datetime | None = None,
) -> list[Violation]:
    """Why ``at`` is not allowed for ``action`` (empty list: it is allowed).

    Caps count history in (at - 7 days, at] and refuse when one more would
    exceed them; the connected-calls cap counts connected calls and visits on
    the whole local day of ``at``.
    """
    _require_aware(at, "at")
    found, local = _find(calendar, limits, history, action, at, deadline)
    zone = local.tzinfo
    return [
        Violation(code, _violation_text(code, params, local, calendar, limits, zone))
        for code, params in found
    ]


# --- ranking --------------------------------------------------------------


@lru_cache(maxsize=4096)
def _plans(calendar: Calendar, limits: Limits, negotiation: bool):
    """Per weekday: candidate (seconds of day, hour, prior, codes) that pass every
    rule which depends only on the weekday and the time of day."""
    opens, closes = _seconds(calendar.opens), _seconds(calendar.closes)
    lo, hi = _seconds(limits.allowed_from), _seconds(limits.allowed_until)
    times = {opens + 300, lo}
    times.update(h * 3600 for h in range(opens // 3600 + 1, 24))
    if calendar.lunch:
        times.add(_seconds(calendar.lunch[1]))
    lunch = (_seconds(calendar.lunch[0]), _seconds(calendar.lunch[1])) if calendar.lunch else None
    times = sorted(
        t
        for t in times
        if opens <= t < closes and lo <= t < hi and not (lunch and lunch[0] <= t < lunch[1])
    )
    plans = []
    for weekday in range(7):
        if weekday not in calendar.working_days or weekday in limits.quiet_weekdays:
            plans.append(())
            continue
        plans.append(
            tuple((t, t // 3600, *_base(calendar, weekday, t, negotiation)) for t in times)
        )
    return tuple(plans)


def slots(
    calendar: Calendar,
    limits: Limits,
    history: Sequence[Attempt],
    action: str,
    *,
    now: datetime.datetime,
    deadline: datetime.datetime | None = None,
    negotiation: bool = False,
    team_rates: Rates | None = None,
    debtor_rates: Rates | None = None,
    horizon_days: int = 21,
    limit: int = 5,
) -> list[Slot]:
    """Allowed moments after ``now`` within ``horizon_days``, best first (ties:
    earlier first). With a deadline, nothing after it is returned while any
    allowed moment at or before it exists; otherwise the earliest allowed
    moments are returned, marked ``deadline_missed``."""
    _require_aware(now, "now")
    if deadline is not None:
        _require_aware(deadline, "deadline")
    if limit <= 0 or limits.no_contact or action in limits.blocked_channels:
        return []
    zone = _zone(calendar.timezone)
    plans = _plans(calendar, limits, bool(negotiation))
    first = now.astimezone(zone).date()
    last = (now + timedelta(days=horizon_days)).astimezone(zone).date()
    days = _days(calendar, limits, bool(negotiation), first, last)
    if team_rates or debtor_rates:
        ranked_for = {}
        for i, (day, bonus, money, _ranked) in enumerate(days):
            key = (day.weekday(), bonus)
            if key not in ranked_for:
                ranked_for[key] = _rank(plans[key[0]], key[0], bonus, team_rates, debtor_rates)
            days[i] = (day, bonus, money, ranked_for[key])

    take = partial(_take, calendar, limits, history, action, now, limit, team_rates, debtor_rates)
    if deadline is None:
        return take(_best_first(days), None)
    local_deadline = deadline.astimezone(zone)
    cutoff = local_deadline.date()
    found = take(_best_first([d for d in days if d[0] <= cutoff]), deadline)
    if found:
        return found
    clock = local_deadline.strftime("%H:%M")
    missed = ("deadline_missed", {"weekday": local_deadline.weekday(), "time": clock})
    by_time = ((d, e, b, m) for d, b, m, _r in days for e in plans[d.weekday()])
    return take(by_time, None, (missed,))


def _days(calendar: Calendar, limits: Limits, negotiation: bool, first: date, last: date):
    """Allowed local days from ``first`` to ``last`` as (day, money bonus, money
    reason, candidates ranked without data). Returns a fresh list each call."""
    return list(_days_cached(calendar, limits, negotiation, first, last))


@lru_cache(maxsize=4096)
def _days_cached(calendar, limits, negotiation, first, last):
    plans = _plans(calendar, limits, negotiation)
    days, ranked_for = [], {}
    day = first
    while day <= last:
        weekday = day.weekday()
        if plans[weekday] and day not in _holidays(calendar.country, day.year):
            bonus, money = _money(calendar.money_days, day)
            if (weekday, bonus) not in ranked_for:
                ranked_for[weekday, bonus] = _rank(plans[weekday], weekday, bonus, None, None)
            days.append((day, bonus, money, ranked_for[weekday, bonus]))
        day += timedelta(days=1)
    return tuple(days)


def _rank(plan, weekday, bonus, team_rates, debtor_rates):
    """A day's candidates as (-score, seconds of day, entry), best first."""
    if team_rates or debtor_rates:
        scores = [_blend(e[2] + bonus, (weekday, e[1]), team_rates, debtor_rates)[0] for e in plan]
    else:
        scores = [RATE_FLOOR + RATE_SPAN * (e[2] + bonus) for e in plan]
    return sorted((-score, e[0], e) for score, e in zip(scores, plan, strict=True))


def _best_first(days):
    """Merge the days' ranked lists: best score first, then earlier."""
    heap = [(r[0][0], d.toordinal(), r[0][1], 0, i) for i, (d, _b, _m, r) in enumerate(days)]
    heapq.heapify(heap)
    while heap:
        _score, ordinal, _sod, index, i = heapq.heappop(heap)
        day, bonus, money, ranked = days[i]
        yield day, ranked[index][2], bonus, money
        if index + 1 < len(ranked):
            following = ranked[index + 1]
            heapq.heappush(heap, (following[0], ordinal, following[1], index + 1, i))


def _take(
    calendar,
    limits,
    history,
    action,
    now,
    limit,
    team_rates,
    debtor_rates,
    candidates,
    deadline,
    extra=(),
):
    """The first ``limit`` candidates that exist in local time, lie after ``now``
    and pass every rule, as slots."""
    zone = _zone(calendar.timezone)
    out = []
    for day, entry, bonus, money in candidates:
        wall = datetime.datetime.combine(day, _time(entry[0]), tzinfo=zone)
        utc = wall.astimezone(UTC)
        local = utc.astimezone(zone)
        if local.replace(tzinfo=None) != wall.replace(tzinfo=None):
            continue  # skipped by a DST change
        if utc <= now or _find(calendar, limits, history, action, utc, deadline)[0]:
            continue
        prior = entry[2] + bonus
        out.append(_make_slot(local, utc, prior, entry[3], money, team_rates, debtor_rates, extra))
        if len(out) >= limit:
            break
    return out


def best_slot(
    calendar: Calendar,
    limits: Limits,
    history: Sequence[Attempt],
    action: str,
    *,
    now: datetime.datetime,
    deadline: datetime.datetime | None = None,
    negotiation: bool = False,
    team_rates: Rates | None = None,
    debtor_rates: Rates | None = None,
    horizon_days: int = 21,
) -> Slot | None:
    """The best allowed moment, or None."""
    found = slots(
        calendar,
        limits,
        history,
        action,
        now=now,
        deadline=deadline,
        negotiation=negotiation,
        team_rates=team_rates,
        debtor_rates=debtor_rates,
        horizon_days=horizon_days,
        limit=1,
    )
    return found[0] if found else None


# --- text -----------------------------------------------------------------


_WEEKDAYS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)


def _when(weekday: int, clock: str) -> str:
    # Translators: a moment in the debtor's own time zone, e.g. "Fri 15:00 their time".
    return _("%(day)s %(time)s their time") % {"day": _WEEKDAYS[weekday], "time": clock}


def _channel_name(channel: str) -> str:
    names = {
        Action.CALL: _("calls"),
        Action.SMS: _("SMS"),
        Action.EMAIL: _("e-mail"),
        Action.VISIT: _("visits"),
        Action.LETTER: _("letters"),
    }
    return names.get(channel, channel)


def _hm(t: time) -> str:
    return t.strftime("%H:%M")


def _violation_text(code, params, local, calendar, limits, zone) -> str:
    when = _when(local.weekday(), local.strftime("%H:%M"))
    if code == "no_contact":
        texts = {
            "do_not_contact": _("the debtor asked not to be contacted"),
            "cease": _("a cease-contact request is on file"),
            "dispute_pause": _("contact is paused while a dispute is open"),
        }
        return texts.get(params["reason"], _("contact with this debtor is paused"))
    if code == "channel_blocked":
        return _("they opted out of %(channel)s") % {"channel": _channel_name(params["channel"])}
    if code == "past_deadline":
        end = params["deadline"].astimezone(zone)
        return _("%(when)s is after the deadline (%(deadline)s)") % {
            "when": when,
            "deadline": _when(end.weekday(), end.strftime("%H:%M")),
        }
    if code == "non_working_day":
        return _("%(when)s is not one of their working days") % {"when": when}
    if code == "holiday":
        return _("%(when)s is a public holiday for them") % {"when": when}
    if code == "outside_hours":
        return _("%(when)s is outside their opening hours %(start)s–%(end)s") % {
            "when": when,
            "start": _hm(calendar.opens),
            "end": _hm(calendar.closes),
        }
    if code == "lunch":
        return _("%(when)s is in their lunch break %(start)s–%(end)s") % {
            "when": when,
            "start": _hm(calendar.lunch[0]),
            "end": _hm(calendar.lunch[1]),
        }
    if code == "quiet_hours":
        return _("%(when)s is outside the allowed hours %(start)s–%(end)s") % {
            "when": when,
            "start": _hm(limits.allowed_from),
            "end": _hm(limits.allowed_until),
        }
    if code == "quiet_day":
        return _("%(when)s is on a day the contact policy keeps quiet") % {"when": when}
    if code == "cap_all":
        return _("limit of %(limit)d attempts in 7 days reached (%(count)d so far)") % params
    if code == "cap_calls":
        return (
            _("limit of %(limit)d calls and visits in 7 days reached (%(count)d so far)") % params
        )
    if code == "cap_messages":
        return _("limit of %(limit)d messages in 7 days reached (%(count)d so far)") % params
    if code == "cap_connected_day":
        return _("limit of %(limit)d connected calls a day reached (%(count)d that day)") % params
    if code == "conversation_gap":
        until = params["until"].astimezone(zone)
        return _("they spoke with us recently: no calls or visits before %(until)s") % {
            "until": _when(until.weekday(), until.strftime("%H:%M"))
        }
    return code


def _reason_text(code: str, params: Mapping) -> str:
    simple = {
        "first_15": _("first 15 minutes of their day"),
        "morning": _("morning"),
        "after_lunch": _("right after their lunch break"),
        "afternoon": _("afternoon"),
        "afternoon_negotiation": _("afternoon, good for negotiating"),
        "late_day": _("late in their day"),
        "lunch_break": _("during their lunch break"),
        "off_hours": _("outside their opening hours"),
        "weekday_best": _("best weekday"),
        "weekday_good": _("good weekday"),
        "weekday_weak": _("weak weekday"),
        "friday_afternoon": _("relaxed Friday afternoon"),
        "monday_morning": _("busy Monday morning"),
        "money_after": _("the day after their money day"),
        "callback_asked": _("the time they asked for"),
    }
    if code in simple:
        return simple[code]
    if code == "money_before":
        days = int(params["days"])
        return ngettext(
            "%(days)d day before their money day", "%(days)d days before their money day", days
        ) % {"days": days}
    if code in ("team_data", "debtor_data"):
        values = {k: int(params[k]) for k in ("share", "successes", "trials")}
        if code == "team_data":
            text = ngettext(
                "team data %(share)d %% of the score (%(successes)d of %(trials)d attempt "
                "succeeded at this hour)",
                "team data %(share)d %% of the score (%(successes)d of %(trials)d attempts "
                "succeeded at this hour)",
                values["trials"],
            )
        else:
            text = ngettext(
                "their own history %(share)d %% of the score (%(successes)d of %(trials)d "
                "attempt succeeded at this hour)",
                "their own history %(share)d %% of the score (%(successes)d of %(trials)d "
                "attempts succeeded at this hour)",
                values["trials"],
            )
        return text % values
    if code == "deadline_missed":
        return _("no allowed time before the deadline (%(deadline)s)") % {
            "deadline": _when(int(params["weekday"]) % 7, str(params["time"]))
        }
    if code == "note":
        return str(params["text"])
    return code


_FIRST_CLAUSE = frozenset(MOMENT_CODES)


def explain(reasons: Sequence[Sequence]) -> str:
    """The reason sentence, in the active language, from ``Slot.reasons`` (also
    after a JSON round trip, where the pairs have become lists, as stored in
    ``FollowUp.slot_explain``). The one place reasons become words. Memoised:
    a page or an export explains many slots, most of them alike."""
    try:
        key = tuple((code, tuple(sorted(params.items()))) for code, params in reasons)
        hash(key)
    except (AttributeError, TypeError, ValueError):
        return _explain(reasons)
    return _explain_cached(get_language(), key)


@lru_cache(maxsize=4096)
def _explain_cached(language: str | None, key: tuple) -> str:
    return _explain([(code, dict(params)) for code, params in key])


def _explain(reasons: Sequence[Sequence]) -> str:
    head, first, rest = "", [], []
    for code, params in reasons:
        try:
            if code == "at":
                head = _when(int(params["weekday"]) % 7, str(params["time"]))
            else:
                text = _reason_text(code, params)
                (first if code in _FIRST_CLAUSE else rest).append(text)
        except (KeyError, TypeError, ValueError):
            rest.append(str(code))
    # Translators: the separators between the parts of a reason.
    comma, semicolon = pgettext("list separator", ", "), pgettext("clause separator", "; ")
    why = semicolon.join([comma.join(first)] * bool(first) + rest)
    if head and why:
        return _("%(when)s — %(why)s") % {"when": head, "why": why}
    return head or why


# --- validating entered data ------------------------------------------------


def _parse_time(value) -> time | None:
    """A ``time`` from a time or "H:MM[:SS]"; None when empty; ValueError when bad."""
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    try:
        return time(*(int(part) for part in str(value).strip().split(":")))
    except TypeError as error:
        raise ValueError(value) from error


def _parse_days(values: Iterable, low: int, high: int) -> tuple[list[int], list[str]]:
    good, bad = [], []
    for value in values:
        try:
            number = int(str(value).strip())
        except ValueError:
            bad.append(str(value))
            continue
        if low <= number <= high:
            good.append(number)
        else:
            bad.append(str(number))
    return good, bad


def _review(*, timezone, country, opens, closes, lunch_start, lunch_end, working_days, money_days):
    """(Calendar with each bad part replaced, [(problem, what was used instead)])."""
    default = Calendar()
    parts, issues = {}, []

    zone = str(timezone or "").strip()
    if zone in _known_zones():
        parts["timezone"] = zone
    else:
        issues.append((_("Unknown time zone “%(zone)s”.") % {"zone": zone}, default.timezone))

    code = str(country or "").strip().upper()
    if not code or code in _known_countries():
        parts["country"] = code
    else:
        problem = _("No public holidays known for country “%(country)s”.") % {"country": code}
        issues.append((problem, default.country))

    times = {}
    for name, value in (
        ("opens", opens),
        ("closes", closes),
        ("lunch_start", lunch_start),
        ("lunch_end", lunch_end),
    ):
        try:
            times[name] = _parse_time(value)
        except ValueError:
            times[name] = None
            fallback = _hm(getattr(default, name)) if name in ("opens", "closes") else ""
            problem = _("“%(value)s” is not a time (use HH:MM).") % {"value": value}
            issues.append((problem, fallback))
    start = times["opens"] or default.opens
    end = times["closes"] or default.closes
    if start >= end:
        problem = _("Opening time %(opens)s must be before closing time %(closes)s.") % {
            "opens": _hm(start),
            "closes": _hm(end),
        }
        start, end = default.opens, default.closes
        issues.append((problem, f"{_hm(start)}–{_hm(end)}"))
    parts["opens"], parts["closes"] = start, end

    lunch_from, lunch_to = times["lunch_start"], times["lunch_end"]
    problem = None
    if (lunch_from is None) != (lunch_to is None):
        problem = _("Give both the start and the end of the lunch break.")
    elif lunch_from is not None and lunch_from >= lunch_to:
        problem = _("Lunch break must start before it ends.")
    elif lunch_from is not None and not start <= lunch_from < lunch_to <= end:
        problem = _("Lunch break must lie inside the opening hours %(opens)s–%(closes)s.") % {
            "opens": _hm(start),
            "closes": _hm(end),
        }
    if problem:
        issues.append((problem, _("no lunch break")))
    parts["lunch"] = None if problem or lunch_from is None else (lunch_from, lunch_to)

    if working_days is not None:
        days, bad = _parse_days(working_days, 0, 6)
        for value in bad:
            issues.append(
                (
                    _("Working day %(day)s is not between 0 (Monday) and 6 (Sunday).")
                    % {"day": value},
                    "",
                )
            )
        if days:
            parts["working_days"] = frozenset(days)
        else:
            issues.append((_("Choose at least one working day."), _("Monday to Friday")))

    money, bad = _parse_days(money_days or (), 1, 31)
    for value in bad:
        issues.append((_("Money day %(day)s is not between 1 and 31.") % {"day": value}, ""))
    parts["money_days"] = tuple(sorted(set(money)))
    return Calendar(**parts), issues


def calendar_problems(
    *, timezone, country, opens, closes, lunch_start, lunch_end, working_days, money_days
) -> list[str]:
    """Translated messages for each bad part of an entered calendar ([] = fine).

    Times may be ``time`` objects or "HH:MM" strings; None leaves opens/closes
    at their default and, for both lunch times, means no lunch break."""
    _calendar, issues = _review(
        timezone=timezone,
        country=country,
        opens=opens,
        closes=closes,
        lunch_start=lunch_start,
        lunch_end=lunch_end,
        working_days=working_days,
        money_days=money_days,
    )
    return [problem for problem, _default in issues]


def calendar_from_raw(
    *, timezone, country, opens, closes, lunch_start, lunch_end, working_days, money_days
) -> tuple[Calendar, list[str]]:
    """A usable Calendar from raw (e.g. imported) data; never raises. Each bad
    part falls back to the ``Calendar`` default (a bad entry in a list is just
    dropped); the warnings say what was replaced."""
    calendar, issues = _review(
        timezone=timezone,
        country=country,
        opens=opens,
        closes=closes,
        lunch_start=lunch_start,
        lunch_end=lunch_end,
        working_days=working_days,
        money_days=money_days,
    )
    warnings = [
        _("%(problem)s Using %(default)s instead.") % {"problem": p, "default": d}
        if d
        else _("%(problem)s Ignored.") % {"problem": p}
        for p, d in issues
    ]
    return calendar, warnings


def limits_problems(limits: Limits, *, calendar: Calendar | None = None) -> list[str]:
    """Translated messages for a contact policy that cannot work as meant; with a
    calendar, also checks that some contact time is left at all."""
    problems = []
    if limits.allowed_from >= limits.allowed_until:
        problems.append(
            _("The allowed hours are empty: %(start)s is not before %(end)s.")
            % {"start": _hm(limits.allowed_from), "end": _hm(limits.allowed_until)}
        )
    if any(not 0 <= d <= 6 for d in limits.quiet_weekdays):
        problems.append(_("Quiet weekdays must be between 0 (Monday) and 6 (Sunday)."))
    elif len(limits.quiet_weekdays) == 7:
        problems.append(_("Every weekday is a quiet day, so contact is never allowed."))
    caps = (
        limits.max_attempts_7d,
        limits.max_calls_7d,
        limits.max_messages_7d,
        limits.max_connected_calls_per_day,
    )
    if any(cap is not None and cap < 0 for cap in caps):
        problems.append(_("Contact limits cannot be negative."))
    if limits.min_gap_after_conversation < timedelta(0):
        problems.append(_("The pause after a conversation cannot be negative."))
    unknown = sorted(set(limits.blocked_channels) - {a.value for a in Action})
    if unknown:
        problems.append(
            _("Unknown channels in the opt-outs: %(channels)s.") % {"channels": ", ".join(unknown)}
        )
    if calendar is not None:
        start = max(limits.allowed_from, calendar.opens)
        end = min(limits.allowed_until, calendar.closes)
        if start >= end:
            problems.append(
                _(
                    "The allowed hours %(start)s–%(end)s do not overlap their opening hours "
                    "%(opens)s–%(closes)s."
                )
                % {
                    "start": _hm(limits.allowed_from),
                    "end": _hm(limits.allowed_until),
                    "opens": _hm(calendar.opens),
                    "closes": _hm(calendar.closes),
                }
            )
        if not set(calendar.working_days) - set(limits.quiet_weekdays):
            problems.append(_("Every working day is a quiet day, so contact is never allowed."))
    return problems

"""The slot search (part of ``followups.timing``): allowed moments ranked best
first (``slots``, ``best_slot``), and the score and reasons of any one moment
(``slot_at``), each as a ``Slot``.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from functools import lru_cache, partial

from .timing_calendar import (
    Attempt,
    Calendar,
    Limits,
    Rates,
    _require_aware,
    _seconds,
    _time,
    _zone,
    is_makeup_day,
    is_quiet_day,
    is_working_day,
)
from .timing_rules import _find
from .timing_weights import K_DEBTOR, RATE_FLOOR, RATE_SPAN, _base, _blend, _money
from .timing_words import explain


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
        local,
        at.astimezone(UTC),
        prior + bonus,
        codes,
        money,
        team_rates,
        debtor_rates,
        _day_reasons(calendar, local.date()),
    )


def _day_reasons(calendar: Calendar, day: date) -> tuple:
    """What the day itself adds to a slot's reasons: an official make-up
    working day is named, so a worked Saturday does not look like a mistake."""
    return (("makeup_workday", {}),) if is_makeup_day(calendar, day) else ()


# --- ranking --------------------------------------------------------------


@lru_cache(maxsize=4096)
def _plans(calendar: Calendar, limits: Limits, negotiation: bool):
    """Per weekday: candidate (seconds of day, hour, prior, codes) that pass every
    rule which depends only on the time of day. Whether a date is worked and
    not quiet (``_days_cached``) depends on the date itself: a Saturday may be
    an official make-up working day, a Monday a bridged holiday."""
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
    return tuple(
        tuple((t, t // 3600, *_base(calendar, weekday, t, negotiation)) for t in times)
        for weekday in range(7)
    )


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
        if (
            plans[weekday]
            and is_working_day(calendar, day)
            and not is_quiet_day(calendar, limits, day)
        ):
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
        reasons = (*_day_reasons(calendar, day), *extra)
        out.append(
            _make_slot(local, utc, prior, entry[3], money, team_rates, debtor_rates, reasons)
        )
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

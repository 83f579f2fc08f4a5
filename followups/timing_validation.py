"""Checking entered calendars and contact policies (part of
``followups.timing``): translated problems for forms (``calendar_problems``,
``limits_problems``) and a usable ``Calendar`` from raw imported data
(``calendar_from_raw``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time, timedelta

from django.utils.translation import gettext as _

from .timing_calendar import Action, Calendar, Limits, _hm, _known_countries, _known_zones


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

"""The engine's inputs and the debtor's local-day facts (part of ``followups.timing``).

What is contacted how (``Action``), the debtor's ``Calendar`` (zone, opening
hours, lunch, working days, money days), the contact policy (``Limits``), past
``Attempt`` s and measured ``Rates``; plus the cached look-ups every other
timing module shares: time zones, public holidays, seconds of the day.
Pure: no database.

**Working days** (``is_working_day``). A day is worked when its weekday is one
of the calendar's working days and it is not a public holiday, or when it is
an official make-up working day (调休: a weekend day worked in exchange for a
bridged holiday). Public holidays, bridged days off and make-up working days
come from the ``holidays`` package for the years it covers; the days the
company's own table sets (``followups.CalendarDay``, carried here as
``Calendar.extra_workdays`` / ``extra_days_off``) win over the package.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import holidays


class Action(StrEnum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    VISIT = "visit"
    LETTER = "letter"


MESSAGE_ACTIONS = frozenset({Action.SMS, Action.EMAIL})
VOICE_ACTIONS = frozenset({Action.CALL, Action.VISIT})


@dataclass(frozen=True)
class Calendar:
    timezone: str = "Asia/Shanghai"
    country: str = "CN"  # "" = no public holidays
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    lunch: tuple[time, time] | None = (time(12, 0), time(13, 30))
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # date.weekday()
    money_days: tuple[int, ...] = ()  # 31 (or 30, 29) = last day in shorter months
    # The company's table of official days for this country, over the package:
    extra_workdays: frozenset[date] = frozenset()  # worked whatever the weekday
    extra_days_off: frozenset[date] = frozenset()  # off whatever the weekday


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
    # Quiet weekdays keep the weekend free, so an official make-up working day
    # (a worked Saturday) is not quiet; unless the debtor's own limits set the
    # quiet weekdays (they asked for them): then they hold on every such day.
    quiet_on_makeup_days: bool = False


@dataclass(frozen=True)
class Attempt:
    at: datetime.datetime
    channel: str
    connected: bool = False
    conversation: bool = False  # right-party conversation


Rates = Mapping[tuple[int, int], tuple[int, int]]  # (weekday, hour) -> (successes, trials)


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


@lru_cache(maxsize=1024)
def _makeup_workdays(country: str, year: int) -> frozenset[date]:
    """The country's official make-up working days in that year (调休), as the
    ``holidays`` package lists them: weekend days worked in exchange for a
    bridged day off. Empty for a year or a country it has no such data for."""
    if not country or country not in _known_countries():
        return frozenset()
    found: set[date] = set()
    for listed in (year, year + 1):  # a late-December day may be worked for a January bridge
        days = holidays.country_holidays(country, years=listed)
        found |= {d for d in getattr(days, "weekend_workdays", ()) if d.year == year}
    return frozenset(found)


def is_day_off(calendar: Calendar, day: date) -> bool:
    """A public holiday or a bridged day off in the debtor's country (the
    company's table first, then the package)."""
    if day in calendar.extra_workdays:
        return False
    return day in calendar.extra_days_off or day in _holidays(calendar.country, day.year)


def is_makeup_day(calendar: Calendar, day: date) -> bool:
    """A day worked although its weekday is not one of the debtor's working
    days: an official make-up working day (调休)."""
    if day.weekday() in calendar.working_days or day in calendar.extra_days_off:
        return False
    return day in calendar.extra_workdays or day in _makeup_workdays(calendar.country, day.year)


def is_working_day(calendar: Calendar, day: date) -> bool:
    """Whether the debtor works on this local day (see the module's docstring)."""
    if is_day_off(calendar, day):
        return False
    return day.weekday() in calendar.working_days or is_makeup_day(calendar, day)


def is_quiet_day(calendar: Calendar, limits: Limits, day: date) -> bool:
    """Whether the contact policy keeps this local day quiet."""
    if day.weekday() not in limits.quiet_weekdays:
        return False
    return limits.quiet_on_makeup_days or not is_makeup_day(calendar, day)


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _time(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def _hm(t: time) -> str:
    return t.strftime("%H:%M")


def _require_aware(value: datetime.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


# --- money days -----------------------------------------------------------


def _is_money_day(money_days: tuple[int, ...], day: date) -> bool:
    if day.day in money_days:
        return True
    # a money day past this month's end falls on its last day
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return day == last and any(m > last.day for m in money_days)

"""Time zones and "today", for a debtor and for a user: the one place that
turns a stored zone name into a zone.

A debtor's "local" is their own zone (ARCHITECTURE.md); a user's day is their
own zone's. A name that is empty or no longer known (tzdata drops and renames
zones) falls back to the company's zone, ``settings.COMPANY_TIMEZONE``: the
company's customers and staff are most likely to live there, and it is the
zone the nightly jobs already run in. Anything with a ``timezone`` attribute
holding a zone name works: a Debtor, a User.
"""

import datetime as dt
import functools
import zoneinfo

from django.conf import settings
from django.utils import timezone


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return None


def company_zone() -> zoneinfo.ZoneInfo:
    return _zone(settings.COMPANY_TIMEZONE) or zoneinfo.ZoneInfo("UTC")


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of that name; the company's when the name is empty or unknown."""
    return (_zone(name) if name else None) or company_zone()


def zone_of(party) -> zoneinfo.ZoneInfo:
    """A debtor's or a user's zone (see the module's docstring for the fallback)."""
    return zone_named(getattr(party, "timezone", None))


def local_now(party, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).astimezone(zone_of(party))


def local_today(party, now: dt.datetime | None = None) -> dt.date:
    """The calendar day it is for the debtor or user at ``now``."""
    return local_now(party, now).date()


def day_bounds(party, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The start of the party's day around ``now`` and the start of the next,
    both aware in their zone (23 or 25 hours apart on a clock change)."""
    zone = zone_of(party)
    today = local_today(party, now)
    start = dt.datetime.combine(today, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def local_moment(party, day: dt.date, at: dt.time) -> dt.datetime:
    """That wall-clock moment on that day in the party's zone."""
    return dt.datetime.combine(day, at, tzinfo=zone_of(party))

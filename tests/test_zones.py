"""Time zones and "today" for debtors and users: one module, one fallback."""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

from django.test import override_settings

from collections_crm.lib.zones import day_bounds, local_moment, local_today, zone_named, zone_of

UTC = dt.UTC


@override_settings(COMPANY_TIMEZONE="Asia/Shanghai")
def test_an_unknown_or_empty_zone_name_falls_back_to_the_company_zone():
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert zone_named("Mars/Olympus") == shanghai
    assert zone_named("") == shanghai
    assert zone_of(SimpleNamespace(timezone=None)) == shanghai
    assert zone_of(SimpleNamespace(timezone="Europe/London")) == zoneinfo.ZoneInfo("Europe/London")


def test_today_is_the_partys_own_calendar_day():
    now = dt.datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # Monday 22:30 UTC
    assert local_today(SimpleNamespace(timezone="Asia/Shanghai"), now) == dt.date(2026, 3, 3)
    assert local_today(SimpleNamespace(timezone="America/New_York"), now) == dt.date(2026, 3, 2)


def test_a_day_with_a_clock_change_is_23_hours_long():
    london = SimpleNamespace(timezone="Europe/London")
    now = dt.datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # BST starts at 01:00 UTC
    start, end = day_bounds(london, now)
    assert start.date() == dt.date(2026, 3, 29) and start.hour == 0
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=23)
    assert start <= now < end


def test_a_local_moment_is_wall_clock_time_in_their_zone():
    moment = local_moment(SimpleNamespace(timezone="Asia/Tokyo"), dt.date(2026, 5, 1), dt.time(9))
    assert moment.astimezone(UTC) == dt.datetime(2026, 5, 1, 0, 0, tzinfo=UTC)

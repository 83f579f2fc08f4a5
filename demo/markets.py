"""The countries of the demo book: cities with their time zones and phone
makers, company suffixes, office hours and invoice size tiers."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from accounts.models import Language

from .phones import (
    au_landline,
    au_mobile,
    cn_landline,
    cn_mobile,
    gb_geographic,
    gb_london,
    gb_mobile,
    nanp_number,
    sg_landline,
    sg_mobile,
)

PhoneMaker = Callable[[random.Random], str]


@dataclass(frozen=True)
class City:
    name: str
    slug: str
    timezone: str
    landline: PhoneMaker
    mobile: PhoneMaker


@dataclass(frozen=True)
class Market:
    country: str
    language: str
    currency: str
    symbol: str
    weight: int
    team: str  # "east" or "na"
    cities: tuple[City, ...]
    suffixes: tuple[str, ...]
    hours: tuple[dt.time, dt.time, dt.time, dt.time]  # open, close, lunch from, lunch until
    # Invoice size tiers in whole currency units: (low, high, weight).
    tiers: tuple[tuple[int, int, int], ...]


def _cn(name: str, slug: str, area: str) -> City:
    return City(name, slug, "Asia/Shanghai", partial(cn_landline, area), cn_mobile)


def _nanp(name: str, slug: str, tz: str, *areas: str) -> City:
    maker = partial(nanp_number, areas)
    return City(name, slug, tz, maker, maker)


def _t(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


CN_TIERS = ((800, 5_000, 30), (5_000, 30_000, 40), (30_000, 120_000, 22), (120_000, 380_000, 8))
WEST_TIERS = ((150, 1_000, 30), (1_000, 6_000, 40), (6_000, 25_000, 22), (25_000, 60_000, 8))

MARKETS: dict[str, Market] = {
    "CN": Market(
        "CN",
        Language.ZH_HANS,
        "CNY",
        "¥",
        62,
        "east",
        (
            _cn("上海", "sh", "21"),
            _cn("北京", "bj", "10"),
            _cn("广州", "gz", "20"),
            _cn("天津", "tj", "22"),
            _cn("南京", "nj", "25"),
            _cn("武汉", "wh", "27"),
            _cn("成都", "cd", "28"),
            _cn("深圳", "sz", "755"),
            _cn("杭州", "hz", "571"),
            _cn("苏州", "suzhou", "512"),
            _cn("宁波", "nb", "574"),
            _cn("无锡", "wx", "510"),
            _cn("青岛", "qd", "532"),
            _cn("东莞", "dg", "769"),
            _cn("佛山", "fs", "757"),
            _cn("福州", "fz", "591"),
            _cn("长沙", "cs", "731"),
            _cn("郑州", "zz", "371"),
            _cn("济南", "jn", "531"),
        ),
        ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"),
        (_t("09:00"), _t("18:00"), _t("12:00"), _t("13:30")),
        CN_TIERS,
    ),
    "US": Market(
        "US",
        Language.EN,
        "USD",
        "$",
        14,
        "na",
        (
            _nanp("New York", "ny", "America/New_York", "212", "646"),
            _nanp("Boston", "bos", "America/New_York", "617"),
            _nanp("Atlanta", "atl", "America/New_York", "404"),
            _nanp("Chicago", "chi", "America/Chicago", "312"),
            _nanp("Houston", "hou", "America/Chicago", "713"),
            _nanp("Denver", "den", "America/Denver", "303"),
            _nanp("Phoenix", "phx", "America/Phoenix", "602"),
            _nanp("San Francisco", "sf", "America/Los_Angeles", "415"),
            _nanp("Seattle", "sea", "America/Los_Angeles", "206"),
        ),
        ("Inc", "LLC", "Corp", "Inc"),
        (_t("08:30"), _t("17:00"), _t("12:00"), _t("13:00")),
        WEST_TIERS,
    ),
    "CA": Market(
        "CA",
        Language.EN,
        "CAD",
        "C$",
        5,
        "na",
        (
            _nanp("Toronto", "to", "America/Toronto", "416", "647"),
            _nanp("Vancouver", "van", "America/Vancouver", "604"),
        ),
        ("Inc", "Ltd"),
        (_t("08:30"), _t("17:00"), _t("12:00"), _t("13:00")),
        WEST_TIERS,
    ),
    "GB": Market(
        "GB",
        Language.EN,
        "GBP",
        "£",
        7,
        "east",
        (
            City("London", "ldn", "Europe/London", gb_london, gb_mobile),
            City("Manchester", "man", "Europe/London", partial(gb_geographic, "161"), gb_mobile),
            City("Birmingham", "bhm", "Europe/London", partial(gb_geographic, "121"), gb_mobile),
        ),
        ("Ltd", "Limited", "Ltd"),
        (_t("09:00"), _t("17:30"), _t("12:30"), _t("13:30")),
        WEST_TIERS,
    ),
    "SG": Market(
        "SG",
        Language.EN,
        "SGD",
        "S$",
        6,
        "east",
        (City("Singapore", "sg", "Asia/Singapore", sg_landline, sg_mobile),),
        ("Pte Ltd",),
        (_t("09:00"), _t("18:00"), _t("12:00"), _t("13:00")),
        WEST_TIERS,
    ),
    "AU": Market(
        "AU",
        Language.EN,
        "AUD",
        "A$",
        6,
        "east",
        (
            City("Sydney", "syd", "Australia/Sydney", partial(au_landline, "2"), au_mobile),
            City("Melbourne", "mel", "Australia/Melbourne", partial(au_landline, "3"), au_mobile),
        ),
        ("Pty Ltd",),
        (_t("08:30"), _t("17:00"), _t("12:30"), _t("13:30")),
        WEST_TIERS,
    ),
}

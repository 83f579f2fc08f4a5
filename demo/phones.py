"""Made-up phone numbers in ranges `phonenumbers` accepts as valid, per country
(fictional ranges where one exists: London 020 7946 0xxx)."""

from __future__ import annotations

import random
from collections.abc import Sequence

# Ranges checked against phonenumbers.is_valid_number (see tests/test_seed_demo.py).

CN_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)
# UK mobile blocks that belong to Great Britain (not Jersey, Guernsey or Man).
GB_MOBILE_PREFIXES = (
    "740",
    "741",
    "742",
    "743",
    "744",
    "747",
    "748",
    "749",
    "771",
    "772",
    "773",
    "774",
    "775",
    "776",
    "777",
    "784",
    "785",
    "786",
    "787",
)
SG_MOBILE_PREFIXES = (
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "87",
    "88",
    "89",
    "90",
    "91",
    "92",
    "93",
    "94",
    "95",
    "96",
    "97",
    "98",
)


def _digits(rng: random.Random, count: int) -> str:
    """`count` random decimal digits (rng.random() is the generator's fast path)."""
    return f"{int(rng.random() * 10**count):0{count}d}"


def _pick(rng: random.Random, options: Sequence[str]) -> str:
    return options[int(rng.random() * len(options))]


def cn_mobile(rng: random.Random) -> str:
    return f"+86{_pick(rng, CN_MOBILE_PREFIXES)}{_digits(rng, 8)}"


def cn_landline(area: str, rng: random.Random) -> str:
    return f"+86{area}{_pick(rng, '56')}{_digits(rng, 7)}"


def nanp_number(areas: tuple[str, ...], rng: random.Random) -> str:
    """+1 NPA-NXX-nnnn with a real area code; no N11 or 555 exchanges."""
    exchange = 200 + int(rng.random() * 800)
    while exchange % 100 == 11 or exchange == 555:
        exchange = 200 + int(rng.random() * 800)
    return f"+1{_pick(rng, areas)}{exchange}{_digits(rng, 4)}"


def gb_london(rng: random.Random) -> str:
    # 020 7946 0000-0999: Ofcom's range reserved for drama, valid and never assigned.
    return f"+442079460{_digits(rng, 3)}"


def gb_geographic(area: str, rng: random.Random) -> str:
    return f"+44{area}4{_digits(rng, 6)}"


def gb_mobile(rng: random.Random) -> str:
    return f"+44{_pick(rng, GB_MOBILE_PREFIXES)}{_digits(rng, 7)}"


def sg_landline(rng: random.Random) -> str:
    return f"+656{_pick(rng, '1234578')}{_digits(rng, 6)}"


def sg_mobile(rng: random.Random) -> str:
    return f"+65{_pick(rng, SG_MOBILE_PREFIXES)}{_digits(rng, 6)}"


def au_landline(area: str, rng: random.Random) -> str:
    return f"+61{area}{_pick(rng, '89')}{_digits(rng, 7)}"


def au_mobile(rng: random.Random) -> str:
    return f"+614{_pick(rng, '01236')}{_digits(rng, 7)}"

"""Exchange rates and converted totals.

Amounts are per currency and are never added across currencies, except here:
where finance has entered a rate for every currency involved, a total in the
base currency (``settings.BASE_CURRENCY``) can be shown next to the
per-currency amounts, always marked as converted
(``templates/reports/_converted_total.html``).

The rules, in one place:

* A rate (``ExchangeRate.rate``) is the number of base-currency units one unit
  of its currency is worth, from its ``valid_from`` day on, until the next
  rate of the same currency takes over. The rate on a day is the one with the
  latest ``valid_from`` on or before that day; before a currency's first rate
  there is none.
* The base currency's own rate is always 1 (it is never stored).
* Each currency's amount is converted and rounded to the cent on its own
  (``collections_crm.lib.money.quantize_money``); the total is the sum of
  those lines, so the lines shown always add up to the total.
* If any currency with a non-zero amount has no rate on the day, there is no
  converted total at all (``None``), never a partial sum: the caller then
  shows only the per-currency amounts.

Typical use, for a dashboard showing ``amounts = {"CNY": ..., "USD": ...}``::

    converted = converted_total(amounts, day)   # Converted or None
    {% include "reports/_converted_total.html" with converted=converted %}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery

from collections_crm.lib.money import ZERO, quantize_money

from .models import ExchangeRate

ONE = Decimal(1)


def base_currency() -> str:
    """The currency converted totals are shown in (``settings.BASE_CURRENCY``)."""
    return settings.BASE_CURRENCY


@dataclass(frozen=True)
class Rate:
    """One currency's rate on a day: ``rate`` base units per unit, in force
    since ``valid_from`` (``None`` for the base currency itself)."""

    currency: str
    rate: Decimal
    valid_from: dt.date | None

    @property
    def rate_text(self) -> str:
        return rate_text(self.rate)


def rates_on(currencies: Iterable[str], day: dt.date) -> dict[str, Rate]:
    """The rate in force on ``day`` for each of ``currencies`` that has one,
    in one query. The base currency is always there (rate 1); a currency with
    no rate on or before ``day`` is simply missing from the result."""
    wanted = {c for c in currencies if c}
    base = base_currency()
    found: dict[str, Rate] = {}
    if base in wanted:
        found[base] = Rate(base, ONE, None)
        wanted.discard(base)
    if not wanted:
        return found
    latest = (
        ExchangeRate.objects.filter(currency=OuterRef("currency"), valid_from__lte=day)
        .order_by("-valid_from")
        .values("valid_from")[:1]
    )
    rows = ExchangeRate.objects.filter(
        currency__in=wanted, valid_from=Subquery(latest)
    ).values_list("currency", "rate", "valid_from")
    for currency, rate, valid_from in rows:
        found[currency] = Rate(currency, rate, valid_from)
    return found


def rate_on(currency: str, day: dt.date) -> Decimal | None:
    """Base-currency units per unit of ``currency`` on ``day``: the rate with
    the latest ``valid_from`` on or before ``day``; 1 for the base currency;
    ``None`` when the currency has no rate yet on that day."""
    found = rates_on([currency], day).get(currency)
    return found.rate if found else None


@dataclass(frozen=True)
class ConvertedLine:
    """One currency's part of a converted total."""

    currency: str
    amount: Decimal
    rate: Decimal
    valid_from: dt.date | None  # None: the base currency, not converted
    converted: Decimal  # amount × rate, in the base currency, to the cent

    @property
    def rate_text(self) -> str:
        return rate_text(self.rate)


@dataclass(frozen=True)
class Converted:
    """A total in ``currency`` (the base currency) of amounts held in several
    currencies, at the rates in force on ``day``. ``lines`` say which rate
    converted which amount. Always show it marked as converted."""

    currency: str
    day: dt.date
    total: Decimal
    lines: tuple[ConvertedLine, ...]

    @property
    def rates(self) -> dict[str, Rate]:
        """The rates used, by currency (the base currency included, at 1)."""
        return {ln.currency: Rate(ln.currency, ln.rate, ln.valid_from) for ln in self.lines}

    @property
    def foreign(self) -> tuple[ConvertedLine, ...]:
        """The lines really converted (not already in the base currency). When
        empty, the "converted" total is just the base-currency amount and the
        include shows nothing."""
        return tuple(ln for ln in self.lines if ln.valid_from is not None)


def converted_total(amounts: Mapping[str, Decimal], day: dt.date) -> Converted | None:
    """The sum of ``amounts`` (currency → Decimal) in the base currency at the
    rates of ``day``, with the rates used; ``None`` when there is nothing to
    convert or when any currency with a non-zero amount has no rate on
    ``day`` (never a partial sum). Zero and ``None`` amounts are left out."""
    present = {c: a for c, a in amounts.items() if a is not None and a != ZERO}
    if not present:
        return None
    rates = rates_on(present, day)
    if any(c not in rates for c in present):
        return None
    lines = tuple(
        ConvertedLine(
            currency=c,
            amount=amount,
            rate=rates[c].rate,
            valid_from=rates[c].valid_from,
            converted=quantize_money(amount * rates[c].rate),
        )
        for c, amount in sorted(present.items())
    )
    total = sum((ln.converted for ln in lines), ZERO)
    return Converted(currency=base_currency(), day=day, total=total, lines=lines)


def rate_text(rate: Decimal) -> str:
    """A rate as people write it: 7.10000000 → "7.1", 1E+2 → "100"."""
    return format(rate.normalize(), "f")

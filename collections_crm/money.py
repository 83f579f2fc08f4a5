"""Money is Decimal(14, 2) end to end. One rounding rule: half up, to the cent."""

from decimal import ROUND_HALF_UP, Decimal

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize_money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be built from a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)

"""Money is Decimal(14, 2) end to end. One rounding rule: half up, to the cent.
One way to show an amount: ``money_text`` (the ``money`` template filter)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize_money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be built from a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# Symbols readers know in both our languages; other currencies show their code.
SYMBOLS = {
    "CNY": "¥",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "HKD": "HK$",
    "SGD": "S$",
    "AUD": "A$",
    "CAD": "C$",
}


def money_text(value, currency: str = "") -> str:
    """12345.5, "CNY" → "¥12,345.50"; 1, "CHF" → "1.00 CHF"; None → "—".

    The same in English and Chinese: both group thousands with "," and write
    cents after "." (Django's zh_Hans number format has no grouping, which is
    why this does not use ``floatformat``/``USE_THOUSAND_SEPARATOR``). Text
    that is not a number comes back as it is."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    symbol = SYMBOLS.get(currency or "", "")
    if symbol:
        return f"{sign}{symbol}{text}"
    return f"{sign}{text} {currency}".strip()

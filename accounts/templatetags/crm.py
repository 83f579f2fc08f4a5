from decimal import Decimal, InvalidOperation

import phonenumbers
from django import template
from django.utils.translation import gettext as _

register = template.Library()

_SYMBOLS = {
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


@register.filter
def money(value, currency=""):
    """12345.5 → '¥12,345.50'. Currency symbol where one is well known, else the code."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    symbol = _SYMBOLS.get(currency or "", "")
    if symbol:
        return f"{sign}{symbol}{text}"
    return f"{sign}{text} {currency}".strip()


@register.filter
def dpd_class(days):
    """CSS class for an aging bucket by days past due."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        return "age-current"
    if days <= 0:
        return "age-current"
    if days <= 30:
        return "age-30"
    if days <= 60:
        return "age-60"
    if days <= 90:
        return "age-90"
    return "age-90plus"


@register.simple_tag
def role_label(user):
    return user.get_role_display() if not user.is_superuser else _("Administrator")


@register.filter
def phone_display(e164: str) -> str:
    """'+8613812345678' → '+86 138 1234 5678'; the tel: link keeps E.164."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

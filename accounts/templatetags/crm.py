import phonenumbers
from django import template
from django.utils.translation import gettext as _

from collections_crm.lib.money import money_text

register = template.Library()


@register.filter
def money(value, currency=""):
    """Every amount a page shows: 12345.5|money:"CNY" → '¥12,345.50' (see money_text)."""
    return money_text(value, currency)


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

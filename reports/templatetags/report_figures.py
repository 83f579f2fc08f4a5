"""Filters for the report pages: a share as a percentage, a number of days,
a count; each shows "—" for an undefined figure (None)."""

from django import template

from reports.page_figures import count_text, days_text, percent_text

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.1234 → "12.3%"; None → "—"."""
    return percent_text(value)


@register.filter
def days(value) -> str:
    """Decimal("48.0") → "48.0 days"; None → "—"."""
    return days_text(value)


@register.filter
def count(value) -> str:
    """1234 → "1,234"; None → "—"."""
    return count_text(value)

from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext

register = template.Library()


@register.filter
def slot_text(followup) -> str:
    """Why this moment, in the reader's language (from the stored codes)."""
    from followups.timing import explain

    try:
        return explain(followup.slot_explain or [])
    except (AttributeError, KeyError, TypeError, ValueError):
        return ""


@register.filter
def shipped_text(value: str) -> str:
    """A shipped name (a cadence step's) in the reader's language; a name a
    manager typed comes back as typed."""
    return gettext(value) if value else value


@register.simple_tag
def queue_chips(chips) -> str:
    """A queue item's reasons as list items: one tag an item instead of a loop
    of escaped variables (the queue page shows twenty items and is read all day)."""
    return format_html_join(
        "", '<li class="chip chip-{}">{}</li>', ((c.code, c.label) for c in chips)
    )

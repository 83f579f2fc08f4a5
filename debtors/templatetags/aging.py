"""Template filters over ``debtors.aging``: pages colour days past due by the
ledger's own buckets."""

from django import template

from debtors.aging import bucket_for

register = template.Library()


@register.filter
def dpd_class(days) -> str:
    """The CSS class of the aging bucket ``days`` past due falls in: 45 →
    'age-d31_60'; anything not a number → 'age-current'."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        return "age-current"
    return f"age-{bucket_for(days).key}"

"""``{% type_suggestion debtor %}``: the type suggestion panel on the debtor's
workspace, with its own small query (desk.type_suggestion_views)."""

from django import template

from ..type_suggestion_views import TEMPLATE, suggestion_panel

register = template.Library()


@register.inclusion_tag(TEMPLATE, takes_context=True)
def type_suggestion(context, debtor):
    return suggestion_panel(context["user"], debtor)

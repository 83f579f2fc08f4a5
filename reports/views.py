"""Report pages. For now the effectiveness of a talk track's versions, shown
on the manager's track page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from debtors.permissions import debtor_queryset_for_user
from scripts_library.permissions import track_get_for_user, user_can_edit_scripts

from .effectiveness import (
    LOW_SAMPLE,
    PAY_WINDOW_DAYS,
    period_ending_today,
    track_family_comparison,
)

EFFECTIVENESS_PERIODS = (30, 90, 365)
EFFECTIVENESS_DEFAULT_DAYS = 90


def effectiveness_period(raw) -> tuple:
    """(days, first day, last day) for a "last N days" choice; 90 when unknown."""
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = EFFECTIVENESS_DEFAULT_DAYS
    if days not in EFFECTIVENESS_PERIODS:
        days = EFFECTIVENESS_DEFAULT_DAYS
    return days, *period_ending_today(days)


@require_GET
@login_required
def track_effectiveness_fragment(request, public_id):
    """Effectiveness of every version of a track, side by side, for the
    manager's track page (loaded by htmx). Managers and admins only: others get
    404, as if the fragment did not exist. Figures cover the viewer's debtors."""
    if not user_can_edit_scripts(request.user):
        raise Http404
    track = track_get_for_user(request.user, public_id)
    days, date_from, date_to = effectiveness_period(request.GET.get("days"))
    comparison = track_family_comparison(
        track=track,
        debtors=debtor_queryset_for_user(request.user),
        date_from=date_from,
        date_to=date_to,
    )
    context = {
        "track": track,
        "comparison": comparison,
        "days": days,
        "periods": EFFECTIVENESS_PERIODS,
        "date_from": date_from,
        "date_to": date_to,
        "low_sample": LOW_SAMPLE,
        "pay_window": PAY_WINDOW_DAYS,
    }
    return render(request, "reports/_effectiveness.html", context)

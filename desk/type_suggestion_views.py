"""The type suggestion on the debtor's workspace: the pending suggestion with
its reason in words for everyone who sees the debtor, and Confirm / Dismiss
for the managers and admins who decide it (followups.type_review)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.models import User
from collections_crm.exceptions import ApplicationError
from debtors.models import Debtor
from debtors.permissions import debtor_get_for_user
from followups.models import TypeSuggestion
from followups.type_review import (
    suggestion_confirm,
    suggestion_dismiss,
    suggestion_get_for_user,
    user_may_decide,
)
from followups.type_review_words import suggestion_text

TEMPLATE = "desk/_type_suggestion.html"


def suggestion_panel(user: User, debtor: Debtor) -> dict:
    """The panel's context for a debtor the user may see: its pending
    suggestion (None when there is none), the reason in words, and whether
    the user decides it (the debtor is in their scope: they see its page)."""
    suggestion = TypeSuggestion.objects.filter(
        debtor=debtor, status=TypeSuggestion.Status.PENDING
    ).first()
    return {
        "debtor": debtor,
        "suggestion": suggestion,
        "suggestion_reason": suggestion_text(suggestion) if suggestion else "",
        "can_decide": suggestion is not None and user_may_decide(user),
    }


@require_POST
@login_required
def type_suggestion_decide_view(request, public_id):
    """Confirm or dismiss the debtor's pending suggestion. 404 for whoever
    may not decide it (collectors, finance, another team's manager)."""
    debtor = debtor_get_for_user(request.user, public_id)
    suggestion = suggestion_get_for_user(request.user, request.POST.get("suggestion"))
    if suggestion.debtor_id != debtor.pk:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("confirm", "dismiss"):
        return HttpResponseBadRequest(_("Choose confirm or dismiss."))
    level, notice = messages.SUCCESS, _("Suggestion dismissed.")
    try:
        if decision == "confirm":
            suggestion_confirm(actor=request.user, suggestion=suggestion)
            notice = _("Type confirmed.")
        else:
            suggestion_dismiss(actor=request.user, suggestion=suggestion)
    except ApplicationError as exc:
        level, notice = messages.ERROR, exc.message
    if request.htmx:
        if decision == "confirm" and level == messages.SUCCESS:
            # Script, checklist and cadence follow the type: reload the page.
            return HttpResponseClientRefresh()
        context = {
            **suggestion_panel(request.user, debtor),
            "notice": notice,
            "notice_class": "msg-error" if level == messages.ERROR else "msg-success",
        }
        return render(request, TEMPLATE, context)
    messages.add_message(request, level, notice)
    return redirect("desk:debtor", public_id=debtor.public_id)

"""The type review page: the pending type suggestions in the viewer's scope
(a manager's team, everyone for admins), each with its reason in words, to
confirm or dismiss one by one or several at once. Collectors and finance get
404, as if the page did not exist (followups.type_review decides who decides)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from debtors.models import DebtorType
from followups.type_review import (
    pending_suggestions,
    suggestions_confirm,
    suggestions_dismiss,
    suggestions_get_for_user,
    user_may_decide,
)
from followups.type_review_words import suggestion_text

PAGE_SIZE = 100
TEMPLATE = "reports/type_review.html"
SUGGESTED_TYPES = [(v, label) for v, label in DebtorType.choices if v != DebtorType.UNKNOWN]


def _require_decider(user) -> None:
    if not user_may_decide(user):
        raise Http404


def _chosen_type(raw) -> str:
    return raw if raw in dict(SUGGESTED_TYPES) else ""


def _list_context(request, chosen: str, page_number=None) -> dict:
    page = Paginator(
        pending_suggestions(request.user, suggested_type=chosen or None), PAGE_SIZE
    ).get_page(page_number)
    return {
        "page": page,
        "rows": [(s, suggestion_text(s)) for s in page],
        "types": SUGGESTED_TYPES,
        "chosen": chosen,
    }


@require_GET
@login_required
def type_review_view(request):
    """The list, filtered by suggested type (``?type=``); its table alone for htmx."""
    _require_decider(request.user)
    chosen = _chosen_type(request.GET.get("type"))
    context = _list_context(request, chosen, request.GET.get("page"))
    response = render(request, f"{TEMPLATE}#list" if request.htmx else TEMPLATE, context)
    response["Vary"] = "HX-Request"
    return response


def _decision(post) -> tuple[str | None, list[str]]:
    """(confirm | dismiss, the suggestions' public ids): one row's button, or
    the bulk buttons with the ticked rows."""
    for decision in ("confirm", "dismiss"):
        one = post.get(f"{decision}_one")
        if one:
            return decision, [one]
    decision = post.get("decision")
    return (decision if decision in ("confirm", "dismiss") else None), post.getlist("ids")


def _done_text(decision: str, n: int) -> str:
    if decision == "confirm":
        return ngettext("%(n)d suggestion confirmed.", "%(n)d suggestions confirmed.", n) % {"n": n}
    return ngettext("%(n)d suggestion dismissed.", "%(n)d suggestions dismissed.", n) % {"n": n}


@require_POST
@login_required
def type_review_decide_view(request):
    """Confirm or dismiss the chosen suggestions. All of them must be in the
    viewer's scope, or nothing changes (404)."""
    _require_decider(request.user)
    decision, ids = _decision(request.POST)
    if decision is None:
        return HttpResponseBadRequest(_("Choose confirm or dismiss."))
    chosen = _chosen_type(request.POST.get("type"))
    if not ids:
        level, notice = messages.WARNING, _("Select at least one suggestion.")
    else:
        suggestions = suggestions_get_for_user(request.user, ids)
        decide = suggestions_confirm if decision == "confirm" else suggestions_dismiss
        n = decide(actor=request.user, suggestions=suggestions)
        level, notice = messages.SUCCESS, _done_text(decision, n)
    if request.htmx:
        context = {
            **_list_context(request, chosen),
            "notice": notice,
            "notice_class": "msg-success" if level == messages.SUCCESS else "msg-warning",
        }
        return render(request, f"{TEMPLATE}#list", context)
    messages.add_message(request, level, notice)
    url = reverse("reports:type-review")
    return redirect(f"{url}?{urlencode({'type': chosen})}" if chosen else url)

"""The debtor workspace's side forms: promise to pay, dispute (and its
escalation), callback, escalate and change the type. Each is drawn fresh when
its panel opens (``side_form_view``, GET); each write view is POST-only, gets
the debtor through ``debtor_get_for_user(..., write=True)``, parses its form,
calls one service and answers like the outcome form does
(``workspace_views``: the partial for htmx, the whole page without)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from collections_crm.exceptions import ApplicationError
from debtors.models import Debtor, Dispute
from debtors.permissions import debtor_get_for_user
from debtors.services import debtor_set_type, dispute_escalate, dispute_open
from followups import policy
from followups.outcomes import callback_schedule, escalate, promise_record
from scripts_library.models import TalkTrack

from .workspace import contacts_ranked
from .workspace_forms import (
    CallbackForm,
    DisputeForm,
    EscalateForm,
    PromiseForm,
    TypeForm,
    new_key,
)
from .workspace_views import (
    FORM_TEMPLATES,
    SIDE_FORMS,
    add_errors,
    done,
    next_url,
    page_or_partial,
    wall_time,
)


def side_form(name: str, debtor: Debtor, *, track_id, now):
    """A fresh side form (promise, dispute, callback, escalate, type)."""
    if name == "promise_form":
        contacts = contacts_ranked(debtor=debtor)
        local_today = timezone.localdate(now, timezone=policy.calendar_zone(debtor))
        first = local_today + dt.timedelta(days=1)
        amount = debtor.overdue_balance or debtor.open_balance
        form = PromiseForm(
            debtor=debtor,
            contacts=contacts,
            initial={
                "total": amount or None,
                "first_date": first,
                "count": 1,
                "frequency": "monthly",
                "reminder_channel": _reminder_channel(debtor),
                "contact": contacts[0] if contacts else None,
                "from_call": True,
                "track": track_id,
                "idempotency_key": new_key(),
            },
        )
        form.rows = [(first.isoformat(), str(amount))] if amount else []
        return form
    if name == "callback_form":
        contacts = contacts_ranked(debtor=debtor)
        return CallbackForm(
            debtor=debtor,
            contacts=contacts,
            initial={"contact": contacts[0] if contacts else None},
        )
    if name == "dispute_form":
        return DisputeForm(debtor=debtor)
    if name == "escalate_form":
        return EscalateForm(debtor=debtor)
    if name == "type_form":
        return TypeForm(debtor=debtor, initial={"debtor_type": debtor.debtor_type, "reason": ""})
    raise ValueError(name)


def _reminder_channel(debtor: Debtor) -> str:
    from followups.events import reminder_channel_for

    return reminder_channel_for(debtor)


@require_GET
@login_required
def side_form_view(request, public_id, name: str):
    """A side form, fresh: the panel's content when it is opened (htmx), else
    alone on a page (without JS). ``?track=``: the script panel's track."""
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    if name not in SIDE_FORMS:
        raise Http404
    try:
        track_id = uuid.UUID(request.GET.get("track", ""))
    except ValueError:
        track_id = None
    context = {
        "debtor": debtor,
        name: side_form(name, debtor, track_id=track_id, now=timezone.now()),
        "next_url": next_url(),
        "form_template": FORM_TEMPLATES[name],
    }
    template = FORM_TEMPLATES[name] if request.htmx else "desk/workspace/form_page.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@require_POST
@login_required
def promise_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = PromiseForm(request.POST, debtor=debtor)
    if request.POST.get("action") == "suggest":
        form.rows = form.suggest()
        return page_or_partial(request, debtor, "promise_form", form, status=200)
    form.is_valid()  # the fields' errors and every row's are shown at once
    plan = form.instalments()
    if form.errors or form.row_errors:
        return _promise_refused(request, debtor, form)
    data = form.cleaned_data
    track = TalkTrack.objects.filter(public_id=data["track"]).first() if data["track"] else None
    try:
        promise = promise_record(
            actor=request.user,
            debtor=debtor,
            instalments=plan,
            reminder_channel=data["reminder_channel"],
            contact=data["contact"],
            confirm_over_balance=data["confirm_over_balance"],
            from_call=data["from_call"],
            idempotency_key=data["idempotency_key"],
            track=track,
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return _promise_refused(request, debtor, form)
    return done(
        request,
        debtor,
        FORM_TEMPLATES["promise_form"],
        {"promise": promise, "instalments": list(promise.instalments.order_by("sequence"))},
        _("Promise recorded."),
    )


def _promise_refused(request, debtor: Debtor, form: PromiseForm):
    """The promise form back with the rows as typed, the focus on the first error."""
    form.focus_on_error()
    return page_or_partial(request, debtor, "promise_form", form)


@require_POST
@login_required
def dispute_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = DisputeForm(request.POST, debtor=debtor)
    if not form.is_valid():
        return page_or_partial(request, debtor, "dispute_form", form)
    data = form.cleaned_data
    try:
        dispute = dispute_open(
            actor=request.user,
            debtor=debtor,
            invoices=data["invoices"],
            category=data["category"],
            disputed_amount=data["disputed_amount"],
            description=data["description"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return page_or_partial(request, debtor, "dispute_form", form)
    debtor.refresh_from_db()
    undisputed = max(debtor.open_balance - debtor.disputed_balance, 0)
    return done(
        request,
        debtor,
        FORM_TEMPLATES["dispute_form"],
        {"dispute": dispute, "undisputed": undisputed},
        _("Dispute opened. Ask them to pay the undisputed part."),
    )


@require_POST
@login_required
def dispute_escalate_view(request, public_id, dispute_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    dispute = get_object_or_404(Dispute, debtor=debtor, public_id=dispute_id)
    try:
        dispute = dispute_escalate(actor=request.user, dispute=dispute)
    except ApplicationError as exc:
        error = exc.message
    else:
        error = ""
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Escalated to the manager."))
        return redirect("desk:debtor", public_id=debtor.public_id)
    return render(
        request,
        "desk/workspace/_dispute_escalated.html",
        {"debtor": debtor, "dispute": dispute, "error": error},
    )


@require_POST
@login_required
def callback_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = CallbackForm(request.POST, debtor=debtor)
    if not form.is_valid():
        return page_or_partial(request, debtor, "callback_form", form)
    try:
        followup = callback_schedule(
            actor=request.user,
            debtor=debtor,
            at=wall_time(form.cleaned_data["at"]),
            contact=form.cleaned_data["contact"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return page_or_partial(request, debtor, "callback_form", form)
    return done(
        request,
        debtor,
        FORM_TEMPLATES["callback_form"],
        {"followup": followup, "local": followup.due_at.astimezone(policy.calendar_zone(debtor))},
        _("Callback scheduled."),
    )


@require_POST
@login_required
def escalate_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = EscalateForm(request.POST, debtor=debtor)
    if not form.is_valid():
        return page_or_partial(request, debtor, "escalate_form", form)
    try:
        followup = escalate(
            actor=request.user,
            debtor=debtor,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return page_or_partial(request, debtor, "escalate_form", form)
    if followup is None and request.htmx:
        return HttpResponseClientRefresh()  # legal: the whole page changes
    return done(
        request,
        debtor,
        FORM_TEMPLATES["escalate_form"],
        {"followup": followup, "target": form.cleaned_data["target"]},
        _("Escalated."),
    )


@require_POST
@login_required
def type_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = TypeForm(request.POST, debtor=debtor)
    if not form.is_valid():
        return page_or_partial(request, debtor, "type_form", form)
    try:
        debtor_set_type(
            actor=request.user,
            debtor=debtor,
            debtor_type=form.cleaned_data["debtor_type"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return page_or_partial(request, debtor, "type_form", form)
    if request.htmx:
        # Script, checklist and cadence all follow the type: reload the page.
        return HttpResponseClientRefresh()
    messages.success(request, _("Type changed."))
    return redirect("desk:debtor", public_id=debtor.public_id)

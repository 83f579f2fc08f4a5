"""The debtor workspace's forms: log an outcome, promise, dispute, callback,
escalate, change type. Thin: every write view is POST-only, gets the debtor
through ``debtor_get_for_user(..., write=True)``, parses a form, calls one
service and answers htmx with the form's partial (the full page without htmx).
The side forms are drawn when their panel opens, by ``side_form_view`` (GET)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.permissions import user_can_write_debtors
from collections_crm.exceptions import ApplicationError
from debtors.models import Contact, Debtor, Dispute
from debtors.permissions import debtor_get_for_user
from debtors.selectors import debtor_invoices
from debtors.services import debtor_set_type, dispute_escalate, dispute_open
from followups import policy
from followups.forms import OverrideForm
from followups.models import Interaction
from followups.outcomes import callback_schedule, escalate, interaction_log, promise_record
from followups.permissions import user_manages_engine
from followups.selectors import debtor_planned_followups, debtor_timeline, due_followup
from scripts_library.models import TalkTrack
from scripts_library.views import script_panel_context

from .workspace import (
    aging_buckets,
    checklist_for,
    contacts_ranked,
    invoice_groups,
    moment_now,
    notes_tone,
    panel_stage,
)
from .workspace_forms import (
    OUTCOME_KEYS,
    CallbackForm,
    DisputeForm,
    EscalateForm,
    LogForm,
    PromiseForm,
    TypeForm,
    new_key,
)

FORM_TEMPLATES = {
    "log_form": "desk/workspace/_log.html",
    "promise_form": "desk/workspace/_promise.html",
    "dispute_form": "desk/workspace/_dispute.html",
    "callback_form": "desk/workspace/_callback.html",
    "escalate_form": "desk/workspace/_escalate.html",
    "type_form": "desk/workspace/_type.html",
}


SIDE_FORMS = ("promise_form", "dispute_form", "callback_form", "escalate_form", "type_form")
PLANNED_LIMIT = 20
TIMELINE_LIMIT = 30


def next_url() -> str:
    try:
        return reverse("desk:queue-next")
    except NoReverseMatch:  # the queue is not wired in yet
        return "/queue/next/"


def _log_form(debtor: Debtor, *, contacts: list[Contact], track_id) -> LogForm:
    return LogForm(
        debtor=debtor,
        contacts=contacts,
        initial={
            "idempotency_key": new_key(),
            "track": track_id,
            "contact": contacts[0] if contacts else None,
        },
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


def outcome_choices(form: LogForm) -> list[tuple[str, str, tuple[str, str], bool]]:
    chosen = form["outcome"].value()
    return [
        (value, label, OUTCOME_KEYS.get(value, ()), value == chosen)
        for value, label in form.fields["outcome"].choices
    ]


def workspace_context(request, debtor: Debtor, **forms) -> dict:
    """Everything the workspace page reads, in a fixed number of queries: the
    contacts and invoices are read once for the page, the outcome form and the
    script panel. The side forms load when their panel opens (``side_form_view``);
    one given here (a bound form with its errors) is drawn in its open panel."""
    now = timezone.now()
    user = request.user
    local_today = timezone.localdate(now, timezone=policy.calendar_zone(debtor))
    contacts = contacts_ranked(debtor=debtor, contacts=list(debtor.contacts.all()))
    invoices = list(debtor_invoices(debtor=debtor))
    planned = debtor_planned_followups(debtor=debtor, limit=PLANNED_LIMIT)
    due = due_followup(debtor=debtor, user=user, now=now, soonest=planned, limit=PLANNED_LIMIT)
    panel = script_panel_context(
        user=user, debtor=debtor, stage=panel_stage(due), contacts=contacts, invoices=invoices
    )
    track_id = panel["panel_track"].public_id if panel["panel_track"] else None
    if debtor.team_id and user.team_id == debtor.team_id:
        user.team = debtor.team  # the page header names the user's team: this row
    context = {
        "debtor": debtor,
        "contacts": contacts,
        "invoices": invoices,
        "invoice_groups": invoice_groups(invoices),
        "aging": aging_buckets(debtor=debtor, today=local_today, invoices=invoices),
        "moment": moment_now(debtor=debtor, now=now),
        "checklist": checklist_for(debtor.debtor_type),
        "due_followup": due,
        "planned": planned,
        "timeline": debtor_timeline(debtor=debtor, limit=TIMELINE_LIMIT),
        "can_override": user_manages_engine(user),
        "override_form": OverrideForm(),
        "can_work": user_can_write_debtors(user),
        "next_url": next_url(),
        **panel,
        "log_form": _log_form(debtor, contacts=contacts, track_id=track_id),
        **forms,
    }
    context["outcomes"] = outcome_choices(context["log_form"])
    return context


def _page_or_partial(request, debtor: Debtor, name: str, form, extra=None, *, status=400):
    """Errors: the form's partial for htmx (200, so htmx swaps it), else the whole page."""
    if request.htmx:
        context = {"debtor": debtor, name: form, "next_url": next_url(), **(extra or {})}
        if name == "log_form":
            context["outcomes"] = outcome_choices(form)
        return render(request, FORM_TEMPLATES[name], context)
    context = workspace_context(request, debtor, **{name: form})
    context.update(extra or {})
    return render(request, "desk/debtor.html", context, status=status)


def _refreshed(request, debtor: Debtor) -> dict:
    """The timeline and the planned steps, swapped in out of band after a write."""
    return {
        "timeline": debtor_timeline(debtor=debtor, limit=TIMELINE_LIMIT),
        "planned": debtor_planned_followups(debtor=debtor, limit=PLANNED_LIMIT),
        "can_override": user_manages_engine(request.user),
        "override_form": OverrideForm(),
        "oob": True,
    }


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _done(request, debtor: Debtor, template: str, context: dict, message: str):
    """Success: the partial with the result for htmx, the timeline and the
    planned steps with it (out of band); else back to the page."""
    if request.htmx:
        context = {"debtor": debtor, "next_url": next_url(), **context}
        return render(request, template, {**context, **_refreshed(request, debtor)})
    messages.success(request, message)
    return redirect("desk:debtor", public_id=debtor.public_id)


def _wall_time(value):
    """The clock time typed into a datetime-local field, without a zone: it is
    the debtor's local time, not the user's."""
    return timezone.make_naive(value) if value is not None and timezone.is_aware(value) else value


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
def log_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = LogForm(request.POST, debtor=debtor)
    if not form.is_valid():
        return _page_or_partial(request, debtor, "log_form", form)
    data = form.cleaned_data
    replay = Interaction.objects.filter(
        user=request.user, idempotency_key=data["idempotency_key"]
    ).exists()
    warnings = [] if replay else notes_tone(data["notes"])
    if warnings and not data["confirm"]:
        return _page_or_partial(
            request, debtor, "log_form", form, {"tone_warnings": warnings}, status=200
        )
    track = TalkTrack.objects.filter(public_id=data["track"]).first() if data["track"] else None
    try:
        result = interaction_log(
            actor=request.user,
            debtor=debtor,
            outcome=data["outcome"],
            idempotency_key=data["idempotency_key"],
            contact=data["contact"],
            notes=data["notes"],
            track=track,
            callback_at=_wall_time(data["callback_at"]),
            compliance_flags=[
                {"text": w.text, "severity": w.severity, "category": w.category} for w in warnings
            ],
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _page_or_partial(request, debtor, "log_form", form)
    then_next = data["quick"] == "no_answer"
    if then_next and not request.htmx:
        # Straight on to the queue's Next (307 keeps the POST and its token).
        response = HttpResponse(status=307)
        response["Location"] = next_url()
        return response
    fresh = LogForm(
        debtor=debtor,
        initial={
            "idempotency_key": new_key(),
            "track": data["track"],
            "contact": data["contact"],
        },
    )
    context = {
        "result": result,
        "then_next": then_next,
        "log_form": fresh,
        "outcomes": outcome_choices(fresh),
    }
    return _done(
        request,
        debtor,
        FORM_TEMPLATES["log_form"],
        context,
        _("Logged: %(outcome)s.") % {"outcome": result.interaction.get_outcome_display()},
    )


@require_POST
@login_required
def promise_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = PromiseForm(request.POST, debtor=debtor)
    if request.POST.get("action") == "suggest":
        form.rows = form.suggest()
        return _page_or_partial(request, debtor, "promise_form", form, status=200)
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
        _add_errors(form, exc)
        return _promise_refused(request, debtor, form)
    return _done(
        request,
        debtor,
        FORM_TEMPLATES["promise_form"],
        {"promise": promise, "instalments": list(promise.instalments.order_by("sequence"))},
        _("Promise recorded."),
    )


def _promise_refused(request, debtor: Debtor, form: PromiseForm):
    """The promise form back with the rows as typed, the focus on the first error."""
    form.focus_on_error()
    return _page_or_partial(request, debtor, "promise_form", form)


@require_POST
@login_required
def dispute_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = DisputeForm(request.POST, debtor=debtor)
    if not form.is_valid():
        return _page_or_partial(request, debtor, "dispute_form", form)
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
        _add_errors(form, exc)
        return _page_or_partial(request, debtor, "dispute_form", form)
    debtor.refresh_from_db()
    undisputed = max(debtor.open_balance - debtor.disputed_balance, 0)
    return _done(
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
        return _page_or_partial(request, debtor, "callback_form", form)
    try:
        followup = callback_schedule(
            actor=request.user,
            debtor=debtor,
            at=_wall_time(form.cleaned_data["at"]),
            contact=form.cleaned_data["contact"],
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _page_or_partial(request, debtor, "callback_form", form)
    return _done(
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
        return _page_or_partial(request, debtor, "escalate_form", form)
    try:
        followup = escalate(
            actor=request.user,
            debtor=debtor,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _page_or_partial(request, debtor, "escalate_form", form)
    if followup is None and request.htmx:
        return HttpResponseClientRefresh()  # legal: the whole page changes
    return _done(
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
        return _page_or_partial(request, debtor, "type_form", form)
    try:
        debtor_set_type(
            actor=request.user,
            debtor=debtor,
            debtor_type=form.cleaned_data["debtor_type"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _page_or_partial(request, debtor, "type_form", form)
    if request.htmx:
        # Script, checklist and cadence all follow the type: reload the page.
        return HttpResponseClientRefresh()
    messages.success(request, _("Type changed."))
    return redirect("desk:debtor", public_id=debtor.public_id)

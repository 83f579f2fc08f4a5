"""The debtor workspace: the page's context and the outcome form. Thin: every
write view is POST-only, gets the debtor through
``debtor_get_for_user(..., write=True)``, parses a form, calls one service and
answers htmx with the form's partial (the full page without htmx); the helpers
for that answer are shared with the side forms (``workspace_side_views``:
promise, dispute, callback, escalate, type)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import user_can_write_debtors
from debtors.aging import debtor_aging
from debtors.models import Contact, Debtor
from debtors.permissions import debtor_get_for_user
from debtors.selectors import debtor_invoices
from followups.forms import OverrideForm
from followups.models import Interaction
from followups.outcomes import interaction_log
from followups.permissions import user_manages_engine
from followups.selectors import debtor_planned_followups, debtor_timeline, due_followup
from scripts_library.models import TalkTrack
from scripts_library.views import script_panel_context

from .workspace import (
    checklist_for,
    contacts_ranked,
    invoice_groups,
    moment_now,
    notes_tone,
    panel_stage,
)
from .workspace_forms import (
    OUTCOME_KEYS,
    LogForm,
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
        # Per currency, on the debtor's day: the aging table and the header's totals.
        "aging": debtor_aging(debtor, now=now, invoices=invoices),
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


def page_or_partial(request, debtor: Debtor, name: str, form, extra=None, *, status=400):
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


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def done(request, debtor: Debtor, template: str, context: dict, message: str):
    """Success: the partial with the result for htmx, the timeline and the
    planned steps with it (out of band); else back to the page."""
    if request.htmx:
        context = {"debtor": debtor, "next_url": next_url(), **context}
        return render(request, template, {**context, **_refreshed(request, debtor)})
    messages.success(request, message)
    return redirect("desk:debtor", public_id=debtor.public_id)


def wall_time(value):
    """The clock time typed into a datetime-local field, without a zone: it is
    the debtor's local time, not the user's."""
    return timezone.make_naive(value) if value is not None and timezone.is_aware(value) else value


@require_POST
@login_required
def log_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    form = LogForm(request.POST, debtor=debtor)
    if not form.is_valid():
        return page_or_partial(request, debtor, "log_form", form)
    data = form.cleaned_data
    replay = Interaction.objects.filter(
        user=request.user, idempotency_key=data["idempotency_key"]
    ).exists()
    warnings = [] if replay else notes_tone(data["notes"])
    # Forbidden wording is never saved; discouraged wording only on a second look.
    blocked = any(w.is_forbidden for w in warnings)
    if warnings and (blocked or not data["confirm"]):
        extra = {"tone_warnings": warnings, "tone_blocked": blocked}
        return page_or_partial(request, debtor, "log_form", form, extra, status=200)
    track = TalkTrack.objects.filter(public_id=data["track"]).first() if data["track"] else None
    try:
        result = interaction_log(
            actor=request.user,
            debtor=debtor,
            outcome=data["outcome"],
            idempotency_key=data["idempotency_key"],
            contact=data["contact"],
            notes=data["notes"],
            is_complaint=data["is_complaint"],
            track=track,
            callback_at=wall_time(data["callback_at"]),
            compliance_flags=[
                {"text": w.text, "severity": w.severity, "category": w.category} for w in warnings
            ],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return page_or_partial(request, debtor, "log_form", form)
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
    return done(
        request,
        debtor,
        FORM_TEMPLATES["log_form"],
        context,
        _("Logged: %(outcome)s.") % {"outcome": result.interaction.get_outcome_display()},
    )

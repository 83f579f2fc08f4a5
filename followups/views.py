from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collections_crm.lib.zones import day_bounds
from debtors.models import DebtorType
from debtors.permissions import debtor_get_for_user

from .engine_services import (
    STEP_FIELDS,
    cadence_update,
    debtor_calendar_update,
    engine_settings_update,
)
from .forms import (
    CadenceForm,
    DebtorCalendarForm,
    EngineSettingsForm,
    OverrideForm,
    StepFormSet,
)
from .models import Cadence, ContactPolicy, EngineSettings, FollowUp
from .permissions import followup_get_for_user, followup_queryset_for_user, user_manages_engine
from .policy import pack_values
from .sending import followup_retry
from .services import followup_override_policy


def _require_engine_manager(user) -> None:
    if not user_manages_engine(user):
        raise Http404


@require_GET
@login_required
def sends_view(request):
    """Today's reminders (sent, due, failed) for the manager's debtors."""
    _require_engine_manager(request.user)
    start, end = day_bounds(request.user)
    base = followup_queryset_for_user(request.user).filter(action__in=["sms", "email"])
    base = base.select_related("debtor", "interaction")
    context = {
        "failed": list(base.filter(status=FollowUp.Status.FAILED).order_by("-completed_at")[:200]),
        "sent": list(
            base.filter(status=FollowUp.Status.DONE, completed_at__gte=start).order_by(
                "-completed_at"
            )[:200]
        ),
        "due": list(
            base.filter(
                status__in=[FollowUp.Status.SCHEDULED, FollowUp.Status.CLAIMED], due_at__lt=end
            ).order_by("due_at")[:200]
        ),
        "day": start,
    }
    return render(request, "followups/sends.html", context)


@require_POST
@login_required
def followup_retry_view(request, public_id):
    _require_engine_manager(request.user)
    followup = followup_get_for_user(request.user, public_id)
    followup_retry(actor=request.user, followup=followup)
    messages.success(request, _("The reminder will be sent again within a minute."))
    return redirect("followups:sends")


@require_POST
@login_required
def followup_override_view(request, public_id):
    _require_engine_manager(request.user)
    followup = followup_get_for_user(request.user, public_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            followup_override_policy(
                actor=request.user, followup=followup, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The limits are lifted for this one attempt."))
    else:
        messages.error(request, _("Say why the limits may be lifted this once."))
    return redirect("desk:debtor", public_id=followup.debtor.public_id)


@require_GET
@login_required
def cadence_list_view(request):
    _require_engine_manager(request.user)
    cadences = {c.debtor_type: c for c in Cadence.objects.prefetch_related("steps")}
    rows = [(t, label, cadences.get(t)) for t, label in DebtorType.choices]
    return render(request, "followups/cadences.html", {"rows": rows})


def _steps_from_formset(formset) -> tuple[list[dict], list[int]]:
    """The formset as plain data: steps to keep or add, primary keys to delete."""
    steps: list[dict] = []
    deleted: list[int] = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:
            continue  # an empty extra row
        step = data.get("id")
        if data.get("DELETE"):
            if step is not None:
                deleted.append(step.pk)
            continue
        steps.append(
            {"id": step.pk if step else None, **{name: data[name] for name in STEP_FIELDS}}
        )
    return steps, deleted


@require_http_methods(["GET", "POST"])
@login_required
def cadence_edit_view(request, debtor_type):
    _require_engine_manager(request.user)
    if debtor_type not in DebtorType.values:
        raise Http404
    cadence = Cadence.objects.filter(debtor_type=debtor_type).first() or Cadence(
        debtor_type=debtor_type
    )
    form = CadenceForm(request.POST or None, instance=cadence)
    formset = StepFormSet(request.POST or None, instance=cadence)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        steps, deleted = _steps_from_formset(formset)
        try:
            cadence_update(
                actor=request.user,
                debtor_type=debtor_type,
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
                steps=steps,
                deleted=deleted,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Cadence saved. Tonight's planning follows it."))
            return redirect("followups:cadences")
    context = {"cadence": cadence, "form": form, "formset": formset}
    return render(request, "followups/cadence_edit.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def engine_settings_view(request):
    _require_engine_manager(request.user)
    row = EngineSettings.objects.filter(pk=1).first() or EngineSettings(pk=1)
    form = EngineSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        engine_settings_update(actor=request.user, policy_pack=form.cleaned_data["policy_pack"])
        messages.success(request, _("Contact policy pack saved."))
        return redirect("followups:settings")
    packs = [(label, pack_values(pack)[""]) for pack, label in ContactPolicy.Pack.choices]
    context = {"form": form, "packs": packs}
    return render(request, "followups/settings.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def debtor_calendar_view(request, public_id):
    """Edit the debtor's working calendar; bad entries get a clear message and
    change nothing. Saving re-plans the debtor's next step."""
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    initial = {
        "timezone": debtor.timezone,
        "country": debtor.country,
        "business_hours_start": debtor.business_hours_start,
        "business_hours_end": debtor.business_hours_end,
        "lunch_start": debtor.lunch_start,
        "lunch_end": debtor.lunch_end,
        "working_days": debtor.working_days,
        "money_days": ", ".join(str(d) for d in debtor.money_days or []),
    }
    form = DebtorCalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        debtor_calendar_update(actor=request.user, debtor=debtor, data=form.cleaned_data)
        messages.success(request, _("Working calendar saved; the next step was planned again."))
        return redirect("desk:debtor", public_id=debtor.public_id)
    return render(request, "followups/calendar.html", {"debtor": debtor, "form": form})

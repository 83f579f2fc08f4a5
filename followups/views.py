import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import audit_record
from collections_crm.lib.zones import day_bounds
from debtors.models import DebtorType
from debtors.permissions import debtor_get_for_user
from debtors.services import debtor_update

from .forms import (
    CadenceForm,
    DebtorCalendarForm,
    EngineSettingsForm,
    OverrideForm,
    StepFormSet,
)
from .models import Cadence, ContactPolicy, EngineSettings, FollowUp
from .permissions import followup_get_for_user, followup_queryset_for_user, user_manages_engine
from .planning import plan_debtors
from .policy import pack_values, policy_cache_clear
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


@require_http_methods(["GET", "POST"])
@login_required
def cadence_edit_view(request, debtor_type):
    _require_engine_manager(request.user)
    if debtor_type not in DebtorType.values:
        raise Http404
    cadence, _created = Cadence.objects.get_or_create(debtor_type=debtor_type)
    form = CadenceForm(request.POST or None, instance=cadence)
    formset = StepFormSet(request.POST or None, instance=cadence)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        before = [
            [s.sequence, s.name, s.action, s.day_offset] for s in cadence.steps.order_by("sequence")
        ]
        with transaction.atomic():
            cadence = form.save(commit=False)
            cadence.updated_by = request.user
            cadence.save()
            formset.save()
            audit_record(
                actor=request.user,
                action="cadence.update",
                target=_Named(cadence, f"cadence:{cadence.debtor_type}"),
                before={"steps": before},
                after={
                    "steps": [
                        [s.sequence, s.name, s.action, s.day_offset]
                        for s in cadence.steps.order_by("sequence")
                    ]
                },
            )
        messages.success(request, _("Cadence saved. Tonight's planning follows it."))
        return redirect("followups:cadences")
    context = {"cadence": cadence, "form": form, "formset": formset}
    return render(request, "followups/cadence_edit.html", context)


class _Named:
    """For the audit: a row without a public id, named by a stable key."""

    def __init__(self, instance, key: str):
        self._meta = instance._meta
        self.public_id = uuid.uuid5(uuid.NAMESPACE_URL, key)


@require_http_methods(["GET", "POST"])
@login_required
def engine_settings_view(request):
    _require_engine_manager(request.user)
    row, _created = EngineSettings.objects.get_or_create(pk=1)
    form = EngineSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        before = {"policy_pack": EngineSettings.objects.get(pk=1).policy_pack}
        with transaction.atomic():
            row = form.save(commit=False)
            row.updated_by = request.user
            row.save()
            audit_record(
                actor=request.user,
                action="engine.settings",
                target=_Named(row, "engine-settings"),
                before=before,
                after={"policy_pack": row.policy_pack},
            )
        policy_cache_clear()
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
        debtor_update(actor=request.user, debtor=debtor, data=form.cleaned_data)
        plan_debtors([debtor.pk], replan=True)
        messages.success(request, _("Working calendar saved; the next step was planned again."))
        return redirect("desk:debtor", public_id=debtor.public_id)
    return render(request, "followups/calendar.html", {"debtor": debtor, "form": form})

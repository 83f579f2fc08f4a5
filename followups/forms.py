import datetime

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .engine_services import STEP_FIELDS, cadence_steps_problems, debtor_calendar_problems
from .models import Cadence, CadenceStep, ContactPolicy, DebtorPolicyOverride, EngineSettings


class EngineSettingsForm(forms.ModelForm):
    class Meta:
        model = EngineSettings
        fields = ["policy_pack"]


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why lift the limits this once?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class BaseStepFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = cadence_steps_problems(kept)
        if problems:
            raise forms.ValidationError(problems[0])


StepFormSet = inlineformset_factory(
    Cadence,
    CadenceStep,
    formset=BaseStepFormSet,
    fields=list(STEP_FIELDS),
    extra=1,
    can_delete=True,
)


class CadenceForm(forms.ModelForm):
    class Meta:
        model = Cadence
        fields = ["description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


WEEKDAY_CHOICES = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


class DebtorCalendarForm(forms.Form):
    """The debtor's working calendar, checked the way the timing engine reads it."""

    timezone = forms.CharField(label=gettext_lazy("time zone"), max_length=64)
    country = forms.CharField(
        label=gettext_lazy("country (for public holidays)"), max_length=2, required=False
    )
    business_hours_start = forms.TimeField(label=gettext_lazy("opens at"))
    business_hours_end = forms.TimeField(label=gettext_lazy("closes at"))
    lunch_start = forms.TimeField(label=gettext_lazy("lunch from"), required=False)
    lunch_end = forms.TimeField(label=gettext_lazy("lunch until"), required=False)
    working_days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("working days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    money_days = forms.CharField(
        label=gettext_lazy("money days"),
        required=False,
        help_text=gettext_lazy("Days of the month money comes in, e.g. 10, 25."),
    )

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean_money_days(self):
        raw = (self.cleaned_data.get("money_days") or "").replace("，", ",")
        days = []
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(
                    _("“%(value)s” is not a day of the month.") % {"value": part}
                )
            days.append(int(part))
        return sorted(set(days))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for problem in debtor_calendar_problems(data):
            self.add_error(None, problem)
        return data


class PolicyLimitsFormMixin:
    """Admin forms for contact limits: refuse a policy that can never allow contact."""

    def clean(self):
        from .policy import limits_from_values
        from .timing import limits_problems

        data = super().clean()
        values = {
            "allowed_from_local": data.get("allowed_from_local") or datetime.time(0),
            "allowed_until_local": data.get("allowed_until_local") or datetime.time(23, 59),
            "quiet_weekdays": data.get("quiet_weekdays") or [],
        }
        try:
            limits = limits_from_values(values)
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(str(exc)) from exc
        for problem in limits_problems(limits):
            self.add_error(None, problem)
        return data


class ContactPolicyAdminForm(PolicyLimitsFormMixin, forms.ModelForm):
    class Meta:
        model = ContactPolicy
        fields = [
            "pack",
            "debtor_type",
            "max_attempts_7d",
            "max_calls_7d",
            "max_messages_7d",
            "max_connected_calls_per_day",
            "min_gap_after_conversation_hours",
            "allowed_from_local",
            "allowed_until_local",
            "quiet_weekdays",
            "is_active",
        ]


class DebtorPolicyOverrideAdminForm(PolicyLimitsFormMixin, forms.ModelForm):
    class Meta:
        model = DebtorPolicyOverride
        fields = [
            "debtor",
            "max_attempts_7d",
            "max_calls_7d",
            "max_messages_7d",
            "min_gap_after_conversation_hours",
            "allowed_from_local",
            "allowed_until_local",
            "quiet_weekdays",
            "blocked_channels",
            "reason",
            "set_by",
        ]

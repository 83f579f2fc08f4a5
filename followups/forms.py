from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Cadence, CadenceStep, ContactPolicy, EngineSettings


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
        if not kept:
            raise forms.ValidationError(_("A cadence needs at least one step."))
        kept.sort(key=lambda d: d["sequence"])
        sequences = [d["sequence"] for d in kept]
        if len(set(sequences)) != len(sequences):
            raise forms.ValidationError(_("Two steps have the same order number."))
        for data in kept[:-1]:
            if data.get("repeat_every_days"):
                raise forms.ValidationError(_("Only the last step can repeat."))


StepFormSet = inlineformset_factory(
    Cadence,
    CadenceStep,
    formset=BaseStepFormSet,
    fields=[
        "sequence",
        "name",
        "action",
        "day_offset",
        "min_gap_days",
        "window_days",
        "negotiation",
        "owner",
        "repeat_every_days",
        "escalate_to",
    ],
    extra=1,
    can_delete=True,
)


class CadenceForm(forms.ModelForm):
    class Meta:
        model = Cadence
        fields = ["description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


__all__ = ["CadenceForm", "ContactPolicy", "EngineSettingsForm", "OverrideForm", "StepFormSet"]

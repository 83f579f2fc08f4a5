from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Debtor, DebtorType


class DebtorFilterForm(forms.Form):
    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or customer code"), "type": "search"}),
    )
    debtor_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *DebtorType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Debtor.Status.choices]
    )

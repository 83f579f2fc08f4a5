from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from debtors.models import Channel, DebtorType

from .models import PublicationStatus, Stage


def _all(label, choices):
    return [("", label), *choices]


class TrackFilterForm(forms.Form):
    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Title, text or key"), "type": "search"}),
    )
    debtor_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_all(_("All types"), DebtorType.choices)
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_all(_("All stages"), Stage.choices)
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_all(_("All channels"), Channel.choices)
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_all(_("All languages"), Language.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_all(_("All statuses"), PublicationStatus.choices),
    )


class TrackEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=False,
        help_text=_("Placeholders in braces, e.g. {contact_name}. Write {{ or }} for a brace."),
    )
    guidance = forms.CharField(
        label=_("Do and don't"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class PreviewForm(forms.Form):
    debtor = forms.UUIDField(required=False)
    body = forms.CharField(required=False, strip=False)
    stage = forms.ChoiceField(required=False, choices=Stage.choices)


class TrackCreateForm(TrackEditForm):
    key = forms.SlugField(
        label=_("Key"),
        max_length=100,
        help_text=_("Shared by every version and language of this track, e.g. stalling-visit-2."),
    )
    debtor_type = forms.ChoiceField(label=_("Type"), choices=DebtorType.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    field_order = ["key", "debtor_type", "stage", "channel", "language", "title", "body"]

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportBatch
from .presets import PRESETS

ALLOWED_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx")


class AgingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Aging report"),
        help_text=_(
            "CSV, TSV, SAP text export or Excel (.xlsx), as your accounting system exports it."
        ),
    )
    preset = forms.ChoiceField(label=_("Format"), required=False)
    mode = forms.ChoiceField(
        label=_("What the file is"),
        choices=ImportBatch.Mode.choices,
        initial=ImportBatch.Mode.SNAPSHOT,
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        help_text=_("Only needed when the report does not say it (Tally, some CSV exports)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("For reports without a currency column, e.g. CNY."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [("", _("Detect automatically"))] + [
            (key, preset.label) for key, preset in PRESETS.items()
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(
                _("Upload a CSV, TSV, TXT or XLSX file; %(name)s is none of these."),
                params={"name": upload.name},
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload

    def clean_currency(self):
        value = self.cleaned_data["currency"].strip().upper()
        if value and (len(value) != 3 or not value.isalpha()):
            raise forms.ValidationError(_("Use a three-letter currency code such as CNY or USD."))
        return value

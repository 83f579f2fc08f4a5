from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportBatch, ImportMapping
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
    saved_mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"),
        required=False,
        queryset=ImportMapping.objects.filter(kind=ImportBatch.Kind.AGING),
        empty_label=_("None"),
        to_field_name="public_id",
    )
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


FIELD_LABELS = {
    "debtor_code": _("Customer code"),
    "debtor_name": _("Customer name"),
    "invoice_number": _("Invoice number"),
    "issue_date": _("Invoice date"),
    "due_date": _("Due date"),
    "amount": _("Invoice amount"),
    "open_amount": _("Open balance"),
    "currency": _("Currency"),
}


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class ColumnMappingForm(forms.Form):
    """Which row holds the headers and which column holds each field."""

    header_row = forms.IntegerField(label=_("Header row"), min_value=1, max_value=60)
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=100,
        help_text=_("Give it a name (e.g. the system it comes from) to reuse it next time."),
    )

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(i), f"{column_letter(i)} · {label}" if label else column_letter(i))
            for i, label in enumerate(columns)
        ]
        for name, label in FIELD_LABELS.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )

    def clean(self):
        data = super().clean()
        chosen = {name: data.get(f"col_{name}") for name in FIELD_LABELS}
        if not (chosen["debtor_code"] or chosen["debtor_name"]):
            raise forms.ValidationError(_("Choose the column with the customer code or name."))
        if not (chosen["open_amount"] or chosen["amount"]):
            raise forms.ValidationError(_("Choose the column with the open balance or amount."))
        if not chosen["invoice_number"]:
            raise forms.ValidationError(_("Choose the column with the invoice number."))
        if not chosen["due_date"]:
            raise forms.ValidationError(_("Choose the column with the due date."))
        picked = [v for v in chosen.values() if v]
        if len(picked) != len(set(picked)):
            raise forms.ValidationError(_("Each column can hold only one field."))
        return data

    def mapping(self) -> dict:
        data = self.cleaned_data
        mapping = {"header_row": data["header_row"]}
        for name in FIELD_LABELS:
            if data.get(f"col_{name}"):
                mapping[name] = int(data[f"col_{name}"])
        return mapping

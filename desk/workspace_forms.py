"""Forms of the debtor workspace. Each form is bound to one debtor, so its
choices (contacts, invoices) never reach another debtor's rows."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_crm.lib.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, quantize_money
from debtors.models import Channel, Contact, Debtor, DebtorType, Dispute, Invoice
from followups.events import MAX_INSTALMENTS
from followups.models import Interaction
from followups.outcomes import ESCALATION_TARGETS, LOGGABLE_OUTCOMES

# Single keys that pick an outcome (digit, letter); Enter then saves it. Documented
# in the help overlay. No answer has no letter: N is Next, as on the queue.
OUTCOME_KEYS = {
    Interaction.Outcome.NO_ANSWER: ("1",),
    Interaction.Outcome.BUSY: ("2", "b"),
    Interaction.Outcome.WRONG_NUMBER: ("3", "w"),
    Interaction.Outcome.MESSAGE_LEFT: ("4", "m"),
    Interaction.Outcome.RIGHT_PARTY: ("5", "r"),
    Interaction.Outcome.PROMISE: ("6", "p"),
    Interaction.Outcome.REFUSED: ("7", "x"),
    Interaction.Outcome.DISPUTE: ("8", "d"),
    Interaction.Outcome.PAID: ("9", "a"),
    Interaction.Outcome.CALLBACK: ("0", "c"),
}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def new_key() -> str:
    return uuid.uuid4().hex


class ContactChoiceField(forms.ChoiceField):
    """One of the debtor's contacts, chosen among contacts already read (the
    workspace reads them once for the whole page); cleans to the Contact."""

    def __init__(self, **kwargs):
        super().__init__(choices=(), **kwargs)
        self.set_contacts([])

    def set_contacts(self, contacts: list[Contact]) -> None:
        self._by_pk = {str(c.pk): c for c in contacts}
        self.choices = [("", "---------"), *((str(c.pk), str(c)) for c in contacts)]

    def prepare_value(self, value):
        return value.pk if isinstance(value, Contact) else value

    def to_python(self, value) -> Contact | None:
        if value in self.empty_values:
            return None
        try:
            return self._by_pk[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None

    def validate(self, value) -> None:
        forms.Field.validate(self, value)  # to_python already checked the choice


class DebtorForm(forms.Form):
    def __init__(self, *args, debtor: Debtor, contacts: list[Contact] | None = None, **kwargs):
        """``contacts``: the debtor's contacts in ``contacts_ranked`` order, when
        the caller has them; else they are read here."""
        self.debtor = debtor
        super().__init__(*args, **kwargs)
        if "contact" in self.fields:
            if contacts is None:
                contacts = list(
                    debtor.contacts.order_by("-is_decision_maker", "-is_primary", "name")
                )
            self.fields["contact"].set_contacts(contacts)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


class LogForm(DebtorForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[(o.value, o.label) for o in LOGGABLE_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what happened on the call.")},
    )
    contact = ContactChoiceField(label=gettext_lazy("Contact reached"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_complaint = forms.BooleanField(
        label=gettext_lazy("They complained (about us, the calls or the company)"),
        required=False,
    )
    callback_at = forms.DateTimeField(
        label=gettext_lazy("Call back at (their time)"),
        required=False,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(),
    )
    track = forms.UUIDField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # "No answer, then Next" in one keystroke (or one click without JS).
    quick = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("quick") == "no_answer":
            data = data.copy()
            data["outcome"] = Interaction.Outcome.NO_ANSWER
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Interaction.Outcome.CALLBACK and not data.get("callback_at"):
            self.add_error("callback_at", _("When did they ask to be called back?"))
        if (
            data.get("is_complaint")
            and data.get("outcome") not in Interaction.CONVERSATION_OUTCOMES
        ):
            self.add_error(
                "is_complaint", _("A complaint needs someone on the line: choose who you spoke to.")
            )
        return data


class CallbackForm(DebtorForm):
    at = forms.DateTimeField(
        label=gettext_lazy("Call back at (their time)"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(),
    )
    contact = ContactChoiceField(label=gettext_lazy("Contact"), required=False)


class RowInput(NamedTuple):
    """One instalment row as drawn: its inputs' values, errors and focus."""

    n: int
    day: str
    amount: str
    day_errors: list[str]
    amount_errors: list[str]
    focus: str  # "date", "amount" or ""


class PromiseForm(DebtorForm):
    """One date and amount, or an instalment plan: rows ``date_<n>`` and
    ``amount_<n>``, suggested from a total, a count and a frequency. A form sent
    back keeps the rows as typed, with each row's error beside it, and says
    where the focus goes (``focus``: an input's name), since a swap keeps none."""

    FREQUENCIES = (("weekly", gettext_lazy("Weekly")), ("monthly", gettext_lazy("Monthly")))
    FIELDS_ABOVE_ROWS = ("total", "count", "frequency", "first_date")

    total = forms.DecimalField(
        label=gettext_lazy("Promised amount"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        min_value=Decimal("0.01"),
        required=False,
        # Focus selects the prefilled amount, so typing replaces it (workspace.js).
        widget=forms.NumberInput(attrs={"data-ws-select": ""}),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Instalments"),
        min_value=1,
        max_value=MAX_INSTALMENTS,
        initial=1,
        required=False,
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Every"), choices=FREQUENCIES, initial="monthly", required=False
    )
    first_date = forms.DateField(
        label=gettext_lazy("First date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    reminder_channel = forms.ChoiceField(
        label=gettext_lazy("Remind them by"),
        choices=[(c.value, c.label) for c in (Channel.SMS, Channel.EMAIL, Channel.CALL)],
    )
    contact = ContactChoiceField(label=gettext_lazy("Promised by"), required=False)
    confirm_over_balance = forms.BooleanField(
        label=gettext_lazy("Yes, the promise is more than the open balance"), required=False
    )
    from_call = forms.BooleanField(
        label=gettext_lazy("Made on this call (log it)"), required=False, initial=True
    )
    track = forms.UUIDField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, str]] = []
        # Errors of one row's input, by the input's name ("amount_2").
        self.row_errors: dict[str, list[str]] = {}
        self.focus = ""
        if self.is_bound:
            for n in range(MAX_INSTALMENTS):
                day = (self.data.get(f"date_{n}") or "").strip()
                amount = (self.data.get(f"amount_{n}") or "").strip()
                if day or amount:
                    self.rows.append((day, amount))

    @property
    def row_inputs(self) -> list[RowInput]:
        """The rows to show, plus one empty row to add an instalment by hand."""
        rows = [*self.rows, ("", "")][:MAX_INSTALMENTS]
        return [
            RowInput(
                n,
                day,
                amount,
                self.row_errors.get(f"date_{n}", []),
                self.row_errors.get(f"amount_{n}", []),
                self.focus.split("_")[0] if self.focus in (f"date_{n}", f"amount_{n}") else "",
            )
            for n, (day, amount) in enumerate(rows)
        ]

    def focus_on(self, name: str) -> None:
        """Draw the form with the focus in the input ``name``."""
        self.focus = name
        if name in self.fields:
            self.fields[name].widget.attrs["autofocus"] = True

    def focus_on_error(self) -> None:
        """The focus goes to the first input in error, in the order they are drawn."""
        rows = sorted(self.row_errors, key=lambda name: int(name.rsplit("_", 1)[1]))
        for name in self.FIELDS_ABOVE_ROWS:
            if name in self.errors:
                return self.focus_on(name)
        if rows:
            return self.focus_on(rows[0])
        if self.non_field_errors():  # about the plan as a whole
            return self.focus_on("date_0" if self.rows else "total")
        for name in self.fields:
            if name in self.errors:
                return self.focus_on(name)

    def suggest(self) -> list[tuple[str, str]]:
        """Split the total evenly over the count (the last takes the cents left);
        the focus goes to the first instalment, or to what is missing."""
        data = self.cleaned_data if self.is_valid() else {}
        if not (data.get("total") and data.get("first_date")):
            self.add_error(None, _("Give the promised amount and the first date to split it."))
            self.focus_on("first_date" if data.get("total") else "total")
            return self.rows
        self.focus_on("date_0")
        return [
            (day.isoformat(), str(amount))
            for day, amount in instalments_suggest(
                total=data["total"],
                count=data.get("count") or 1,
                first=data["first_date"],
                frequency=data.get("frequency") or "monthly",
            )
        ]

    def _row_error(self, name: str, message: str) -> None:
        self.row_errors.setdefault(name, []).append(message)

    def instalments(self) -> list[tuple[dt.date | None, Decimal | None]]:
        """The rows as (date, amount). A row that does not parse is an error of
        its input (``row_errors``); a plan that does not add up, of the form."""
        plan = []
        for n, (day, amount) in enumerate(self.rows):
            try:
                parsed_day = dt.date.fromisoformat(day) if day else None
            except ValueError:
                self._row_error(f"date_{n}", _("%(value)s is not a date.") % {"value": day})
                parsed_day = None
            parsed_amount = _money_or_none(amount) if amount else None
            if amount and parsed_amount is None:
                self._row_error(f"amount_{n}", _("%(value)s is not an amount.") % {"value": amount})
            if f"date_{n}" not in self.row_errors and f"amount_{n}" not in self.row_errors:
                plan.append((parsed_day, parsed_amount))
        data = getattr(self, "cleaned_data", {})
        if not self.rows and data.get("first_date") and data.get("total"):
            plan = [(data["first_date"], data["total"])]
        total = data.get("total")
        total = quantize_money(total) if total else None
        if total and plan and not self.row_errors and all(a is not None for _d, a in plan):
            added = sum((a for _d, a in plan), Decimal(0))
            if added != total:
                self.add_error(
                    None,
                    _("The instalments add up to %(sum)s, not the promised %(total)s.")
                    % {"sum": added, "total": total},
                )
        return plan


def _money_or_none(value: str) -> Decimal | None:
    """An amount that fits the money columns, or None."""
    try:
        amount = quantize_money(value)
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or len(amount.as_tuple().digits) > MONEY_MAX_DIGITS:
        return None
    return amount


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def instalments_suggest(
    *, total: Decimal, count: int, first: dt.date, frequency: str
) -> list[tuple[dt.date, Decimal]]:
    share = quantize_money(total / count)
    amounts = [share] * (count - 1) + [quantize_money(total - share * (count - 1))]
    if frequency == "weekly":
        days = [first + dt.timedelta(weeks=n) for n in range(count)]
    else:
        days = [_add_months(first, n) for n in range(count)]
    return list(zip(days, amounts, strict=True))


class DisputeForm(DebtorForm):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Dispute.Category.choices)
    invoices = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Invoices"),
        queryset=Invoice.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    disputed_amount = forms.DecimalField(
        label=gettext_lazy("Disputed amount"), max_digits=14, decimal_places=2, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("What do they dispute?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].queryset = (
            self.debtor.invoices.exclude(open_amount=0)
            .exclude(status=Invoice.Status.DISPUTED)
            .order_by("due_date", "number")
        )
        self.fields["invoices"].label_from_instance = lambda inv: (
            f"{inv.number} · {inv.due_date:%Y-%m-%d} · {inv.open_amount - inv.disputed_amount}"
        )


class TypeForm(DebtorForm):
    debtor_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=DebtorType.choices)
    reason = forms.CharField(
        label=gettext_lazy("Why this type?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EscalateForm(DebtorForm):
    target = forms.ChoiceField(
        label=gettext_lazy("Escalate to"), choices=ESCALATION_TARGETS, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=gettext_lazy("Why?"), widget=forms.Textarea(attrs={"rows": 2}))

"""Writes for debtors, contacts and invoices. Each service owns its
transaction and leaves the debtor's summary columns right.

Payments (:mod:`.payment_services`), disputes (:mod:`.dispute_services`) and
the summary columns (:mod:`.summary_services`) live in modules of their own;
their services are importable from here as well."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record, model_snapshot
from collections_crm.exceptions import ApplicationError
from collections_crm.lib.money import quantize_money

from .dispute_services import (  # noqa: F401 (re-exported)
    OPEN_DISPUTE_STATUSES,
    dispute_escalate,
    dispute_open,
    dispute_resolve,
)
from .invoice_status import invoice_status_of
from .models import Contact, Debtor, DebtorType, Invoice
from .payment_services import payment_record  # noqa: F401 (re-exported)
from .signals import debtors_changed_on_commit
from .summary_services import (  # noqa: F401 (re-exported)
    SUMMARY_COLUMNS,
    debtor_refresh_summary,
    priority_score_sql,
    summary_aggregates_sql,
)

DEBTOR_AUDITED_FIELDS = [
    "code",
    "name",
    "debtor_type",
    "type_reason",
    "assigned_collector",
    "team",
    "country",
    "timezone",
    "language",
    "preferred_channel",
    "do_not_contact",
    "cease_contact",
    "status",
    "currency",
]
DEBTOR_EDITABLE_FIELDS = frozenset(DEBTOR_AUDITED_FIELDS) | {
    "business_hours_start",
    "business_hours_end",
    "lunch_start",
    "lunch_end",
    "working_days",
    "money_days",
    "notes",
}


@transaction.atomic
def debtor_create(*, actor: User | None, code: str, name: str, **fields) -> Debtor:
    unknown = set(fields) - DEBTOR_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown debtor fields: %s") % ", ".join(sorted(unknown)))
    debtor = Debtor(code=code.strip(), name=name.strip(), **fields)
    if debtor.assigned_collector_id and not debtor.team_id:
        debtor.team_id = debtor.assigned_collector.team_id
    debtor.full_clean()
    debtor.save()
    audit_record(
        actor=actor,
        action="debtor.create",
        target=debtor,
        after=model_snapshot(debtor, DEBTOR_AUDITED_FIELDS),
    )
    return debtor


@transaction.atomic
def debtor_update(*, actor: User | None, debtor: Debtor, data: dict) -> Debtor:
    unknown = set(data) - DEBTOR_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown debtor fields: %s") % ", ".join(sorted(unknown)))
    before = model_snapshot(debtor, DEBTOR_AUDITED_FIELDS)
    for name, value in data.items():
        setattr(debtor, name, value)
    debtor.full_clean()
    debtor.save()
    after = model_snapshot(debtor, DEBTOR_AUDITED_FIELDS)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit_record(
            actor=actor,
            action="debtor.update",
            target=debtor,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return debtor


@transaction.atomic
def debtor_set_type(*, actor: User, debtor: Debtor, debtor_type: str, reason: str) -> Debtor:
    if debtor_type not in DebtorType.values:
        raise ValidationError({"debtor_type": _("Choose one of the debtor types.")})
    if not reason.strip():
        raise ValidationError({"type_reason": _("Say why this debtor is of this type.")})
    before = model_snapshot(debtor, ["debtor_type", "type_reason"])
    debtor.debtor_type = debtor_type
    debtor.type_reason = reason.strip()
    debtor.type_set_by = actor
    debtor.type_set_at = timezone.now()
    debtor.save(
        update_fields=["debtor_type", "type_reason", "type_set_by", "type_set_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="debtor.set_type",
        target=debtor,
        before=before,
        after=model_snapshot(debtor, ["debtor_type", "type_reason"]),
    )
    if before["debtor_type"] != debtor_type:
        debtors_changed_on_commit(debtor_ids=[debtor.pk], what="type")
    return debtor


@transaction.atomic
def debtor_assign(*, actor: User, debtors: Iterable[Debtor], collector: User | None) -> int:
    if collector is not None and collector.role != User.Role.COLLECTOR:
        raise ApplicationError(_("Debtors can only be assigned to collectors."))
    count = 0
    for debtor in debtors:
        before = model_snapshot(debtor, ["assigned_collector", "team"])
        debtor.assigned_collector = collector
        if collector is not None and collector.team_id:
            debtor.team_id = collector.team_id
        debtor.save(update_fields=["assigned_collector", "team", "updated_at"])
        audit_record(
            actor=actor,
            action="debtor.assign",
            target=debtor,
            before=before,
            after=model_snapshot(debtor, ["assigned_collector", "team"]),
        )
        count += 1
    return count


def normalize_phone(raw: str, *, region: str) -> str:
    """Return the number in E.164 or raise ValidationError in the user's language."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("%(number)s is not a phone number."), params={"number": raw}
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("%(number)s is not a valid phone number."), params={"number": raw})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


CONTACT_FIELDS = [
    "name",
    "role",
    "phone",
    "mobile",
    "email",
    "is_primary",
    "is_decision_maker",
    "notes",
]


def _contact_apply(contact: Contact, data: dict) -> None:
    errors = {}
    for name, value in data.items():
        if name not in CONTACT_FIELDS:
            raise ApplicationError(_("Unknown contact field: %s") % name)
        if name in ("phone", "mobile"):
            try:
                value = normalize_phone(value, region=contact.debtor.country)
            except ValidationError as exc:
                errors[name] = exc.messages
                continue
        setattr(contact, name, value)
    if errors:
        raise ValidationError(errors)
    if contact.is_primary:
        contact.debtor.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(
            is_primary=False
        )
    contact.full_clean()
    contact.save()


@transaction.atomic
def contact_create(*, actor: User | None, debtor: Debtor, **data) -> Contact:
    contact = Contact(debtor=debtor)
    if not debtor.contacts.exists():
        data.setdefault("is_primary", True)
    _contact_apply(contact, data)
    audit_record(
        actor=actor,
        action="contact.create",
        target=contact,
        after=model_snapshot(contact, CONTACT_FIELDS),
    )
    return contact


@transaction.atomic
def contact_update(*, actor: User | None, contact: Contact, data: dict) -> Contact:
    before = model_snapshot(contact, CONTACT_FIELDS)
    _contact_apply(contact, data)
    audit_record(
        actor=actor,
        action="contact.update",
        target=contact,
        before=before,
        after=model_snapshot(contact, CONTACT_FIELDS),
    )
    return contact


INVOICE_AUDITED_FIELDS = ["number", "issue_date", "due_date", "amount", "open_amount", "status"]


@transaction.atomic
def invoice_create(
    *,
    actor: User | None,
    debtor: Debtor,
    number: str,
    issue_date: datetime.date,
    due_date: datetime.date,
    amount: Decimal,
    open_amount: Decimal | None = None,
    currency: str | None = None,
) -> Invoice:
    amount = quantize_money(amount)
    invoice = Invoice(
        debtor=debtor,
        number=number.strip(),
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        open_amount=amount if open_amount is None else quantize_money(open_amount),
        currency=currency or debtor.currency,
    )
    invoice.status = invoice_status_of(invoice)
    invoice.full_clean()
    invoice.save()
    audit_record(
        actor=actor,
        action="invoice.create",
        target=invoice,
        after=model_snapshot(invoice, INVOICE_AUDITED_FIELDS),
    )
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    return invoice

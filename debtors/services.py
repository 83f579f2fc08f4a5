"""Writes for debtors, contacts, invoices and payments. Each service owns its
transaction and leaves the debtor's summary columns right."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record, model_snapshot
from collections_crm.exceptions import ApplicationError
from collections_crm.lib.money import quantize_money

from .models import (
    Contact,
    Debtor,
    DebtorType,
    Dispute,
    Invoice,
    Payment,
    PaymentAllocation,
)
from .signals import debtors_changed_on_commit, payments_recorded_on_commit

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
    invoice.status = _invoice_status(invoice)
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


def _invoice_status(invoice: Invoice) -> str:
    if invoice.status in (Invoice.Status.DISPUTED, Invoice.Status.WRITTEN_OFF):
        return invoice.status
    if invoice.open_amount == 0:
        return Invoice.Status.PAID
    if invoice.open_amount != invoice.amount:
        return Invoice.Status.PARTIALLY_PAID
    return Invoice.Status.OPEN


@transaction.atomic
def payment_record(
    *,
    actor: User | None,
    debtor: Debtor,
    amount: Decimal,
    received_on: datetime.date,
    reference: str = "",
    method: str = Payment.Method.BANK_TRANSFER,
    import_reference: str | None = None,
    invoice_numbers: list[str] | None = None,
) -> Payment:
    """Record a payment and allocate it to open invoices, oldest due first.

    Named invoices are paid first, in the order given; whatever is left goes to
    the remaining open invoices oldest-first, then stays unallocated. With an
    `import_reference` the same payment is never recorded twice.
    """
    amount = quantize_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("A payment must be more than zero.")})
    if import_reference:
        existing = Payment.objects.filter(import_reference=import_reference).first()
        if existing is not None:
            return existing
    payment = Payment(
        debtor=debtor,
        amount=amount,
        unallocated_amount=amount,
        currency=debtor.currency,
        received_on=received_on,
        method=method,
        reference=reference,
        import_reference=import_reference,
        recorded_by=actor if actor and actor.pk else None,
    )
    payment.full_clean()
    payment.save()

    open_invoices = list(
        debtor.invoices.select_for_update()
        .filter(open_amount__gt=0)
        .exclude(status=Invoice.Status.WRITTEN_OFF)
        .order_by("due_date", "issue_date", "number")
    )
    if invoice_numbers:
        wanted = {n: i for i, n in enumerate(invoice_numbers)}
        missing = set(wanted) - {inv.number for inv in open_invoices}
        if missing:
            raise ValidationError(
                {"invoice_numbers": _("No open invoice numbered %s.") % ", ".join(sorted(missing))}
            )
        open_invoices.sort(key=lambda inv: (inv.number not in wanted, wanted.get(inv.number, 0)))

    remaining = amount
    allocations = []
    for invoice in open_invoices:
        if remaining <= 0:
            break
        # Disputed money is not collected by allocation; only the undisputed part.
        payable = invoice.open_amount - min(invoice.disputed_amount, invoice.open_amount)
        share = min(payable, remaining)
        if share <= 0:
            continue
        invoice.open_amount -= share
        invoice.status = _invoice_status(invoice)
        if invoice.open_amount == 0:
            invoice.closed_at = timezone.now()
            invoice.closed_reason = "payment"
        invoice.save(
            update_fields=["open_amount", "status", "closed_at", "closed_reason", "updated_at"]
        )
        allocations.append(PaymentAllocation(payment=payment, invoice=invoice, amount=share))
        remaining -= share
    PaymentAllocation.objects.bulk_create(allocations)
    payment.unallocated_amount = remaining
    payment.save(update_fields=["unallocated_amount"])
    audit_record(
        actor=actor,
        action="payment.record",
        target=payment,
        after={
            "amount": str(amount),
            "allocations": {a.invoice.number: str(a.amount) for a in allocations},
            "unallocated": str(remaining),
        },
    )
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    # Promises are re-evaluated (followups) once the payment is committed.
    payments_recorded_on_commit(debtor_ids=[debtor.pk])
    return payment


# Priority until the call queue brings its own explainable ranking: overdue
# money weighted by age, so large old debts come first. Bounded to fit an int.
_PRIORITY_CAP = 1_000_000
SUMMARY_COLUMNS = (
    "open_balance",
    "overdue_balance",
    "disputed_balance",
    "open_invoice_count",
    "oldest_due_date",
    "max_days_past_due",
)


def summary_aggregates_sql(
    *, alias: str, is_open: str, disputed: str | None = None
) -> tuple[str, int]:
    """The summary columns as aggregates over invoice-like rows ``alias``
    (``open_amount``, ``due_date`` and ``disputed``, by default the
    ``disputed_amount`` column), counting the rows where the ``is_open``
    predicate holds. Returns the select list, aliased as :data:`SUMMARY_COLUMNS`,
    and how many ``today`` parameters it takes.

    Shared by :func:`debtor_refresh_summary` and the aging import, which gives
    new debtors their summary from the staged rows as it creates them."""
    # Credit notes lower the balance but never make a debtor look older.
    open_amount, due_date = f"{alias}.open_amount", f"{alias}.due_date"
    disputed = disputed or f"{alias}.disputed_amount"
    overdue = f"({is_open}) AND {due_date} < %s AND {open_amount} > 0"
    oldest_overdue = f"MIN(CASE WHEN {overdue} THEN {due_date} END)"
    if connection.vendor == "postgresql":
        days = f"COALESCE(%s::date - {oldest_overdue}, 0)"
    else:
        days = f"COALESCE(CAST(julianday(%s) - julianday({oldest_overdue}) AS INTEGER), 0)"
    select = f"""COALESCE(SUM(CASE WHEN {is_open} THEN {open_amount} END), 0) AS open_balance,
        COALESCE(SUM(CASE WHEN {overdue} THEN {open_amount} END), 0) AS overdue_balance,
        COALESCE(SUM(CASE WHEN {is_open} THEN {disputed} END), 0) AS disputed_balance,
        COUNT(CASE WHEN {is_open} THEN 1 END) AS open_invoice_count,
        MIN(CASE WHEN ({is_open}) AND {open_amount} > 0 THEN {due_date} END) AS oldest_due_date,
        {days} AS max_days_past_due"""
    return select, 3


def priority_score_sql(alias: str) -> str:
    """The priority score from the summary columns of ``alias``: the overdue
    amount weighted by its age, capped."""
    score = f"{alias}.overdue_balance / 100 * (1 + {alias}.max_days_past_due / 30.0)"
    return (
        f"CASE WHEN {alias}.overdue_balance <= 0 THEN 0 ELSE CAST(CASE WHEN {score} > "
        f"{_PRIORITY_CAP} THEN {_PRIORITY_CAP} ELSE {score} END AS INTEGER) END"
    )


def debtor_refresh_summary(
    *,
    debtor_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
    where: tuple[str, list] | None = None,
) -> int:
    """Recompute the summary columns of the given debtors (all when None).

    ``where`` selects the debtors by SQL instead: a condition on the debtor
    table aliased ``dd`` and its parameters (the aging import passes a
    subquery rather than a list of a hundred thousand ids).

    Set-based: one UPDATE statement whatever the number of debtors, never one
    query per debtor, and it rewrites only the debtors whose summary changed
    (or was never computed). Returns the number of debtors it changed.
    """
    today = today or timezone.localdate()
    d = Debtor._meta.db_table
    i = Invoice._meta.db_table
    if where is not None:
        where_sql, params_ids = f"WHERE {where[0]}", list(where[1])
    elif debtor_ids is not None:
        ids = sorted(set(debtor_ids))
        if not ids:
            return 0
        where_sql = f"WHERE dd.id IN ({', '.join(['%s'] * len(ids))})"
        params_ids = ids
    else:
        where_sql, params_ids = "", []
    # The join keeps only the open items: a debtor without any gets one row of NULLs.
    aggregates, n_today = summary_aggregates_sql(alias="i", is_open="i.id IS NOT NULL")
    now_sql = "NOW()" if connection.vendor == "postgresql" else "CURRENT_TIMESTAMP"
    assignments = ", ".join(f"{c} = s.{c}" for c in SUMMARY_COLUMNS)
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(f"{d}.{c} {differs} s.{c}" for c in SUMMARY_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {d} SET {assignments}, priority_score = {priority_score_sql("s")},
                summary_refreshed_at = {now_sql}
            FROM (
                SELECT dd.id, {aggregates}
                FROM {d} dd
                LEFT JOIN {i} i ON i.debtor_id = dd.id
                    AND i.open_amount <> 0 AND i.status <> 'written_off'
                {where_sql}
                GROUP BY dd.id
            ) AS s
            WHERE {d}.id = s.id AND ({changed} OR {d}.summary_refreshed_at IS NULL
                OR {d}.priority_score <> {priority_score_sql("s")})
            """,
            [*([today] * n_today), *params_ids],
        )
        return cursor.rowcount


# --------------------------------------------------------------------- disputes

OPEN_DISPUTE_STATUSES = (Dispute.Status.OPEN, Dispute.Status.ESCALATED)


def _dispute_owner_default(debtor: Debtor, actor: User) -> User:
    """The team's manager owns a dispute unless somebody else is named."""
    manager = (
        User.objects.filter(role=User.Role.MANAGER, team_id=debtor.team_id, is_active=True)
        .order_by("id")
        .first()
        if debtor.team_id
        else None
    )
    return manager or actor


@transaction.atomic
def dispute_open(
    *,
    actor: User,
    debtor: Debtor,
    invoices: Iterable[Invoice],
    category: str,
    disputed_amount: Decimal,
    description: str,
    owner: User | None = None,
) -> Dispute:
    """Open a dispute over part or all of some open invoices. The disputed
    amount is held on the invoices (oldest first), so dunning pauses on it and
    asks for the rest; a dispute over the whole balance pauses the cadence."""
    errors: dict[str, str] = {}
    invoice_ids = sorted({invoice.pk for invoice in invoices})
    rows = list(
        Invoice.objects.select_for_update()
        .filter(debtor=debtor, pk__in=invoice_ids)
        .order_by("due_date", "number")
    )
    if not invoice_ids:
        errors["invoices"] = _("Choose at least one invoice the customer disputes.")
    elif len(rows) != len(invoice_ids):
        errors["invoices"] = _("Some of these invoices do not belong to this debtor.")
    if category not in Dispute.Category.values:
        errors["category"] = _("Choose a dispute category.")
    if not (description or "").strip():
        errors["description"] = _("Describe what the customer disputes.")
    amount = quantize_money(disputed_amount) if disputed_amount is not None else None
    room = sum((max(r.open_amount - r.disputed_amount, Decimal(0)) for r in rows), Decimal(0))
    if amount is None or amount <= 0:
        errors["disputed_amount"] = _("The disputed amount must be more than zero.")
    elif rows and amount > room:
        errors["disputed_amount"] = _(
            "The disputed amount is more than the undisputed open amount of these invoices "
            "(%(room)s)."
        ) % {"room": room}
    if errors:
        raise ValidationError(errors)
    allocations: dict[str, str] = {}
    left = amount
    for invoice in rows:
        take = min(max(invoice.open_amount - invoice.disputed_amount, Decimal(0)), left)
        if take <= 0:
            continue
        invoice.disputed_amount += take
        if invoice.disputed_amount >= invoice.open_amount:
            invoice.status = Invoice.Status.DISPUTED
        invoice.save(update_fields=["disputed_amount", "status", "updated_at"])
        allocations[str(invoice.pk)] = str(take)
        left -= take
    dispute = Dispute.objects.create(
        debtor=debtor,
        category=category,
        disputed_amount=amount,
        description=description.strip(),
        owner=owner or _dispute_owner_default(debtor, actor),
        raised_by=actor,
        allocations=allocations,
    )
    dispute.invoices.set(rows)
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    debtor.refresh_from_db()
    if debtor.disputed_balance >= debtor.open_balance > 0:
        Debtor.objects.filter(pk=debtor.pk, status=Debtor.Status.ACTIVE).update(
            status=Debtor.Status.DISPUTED
        )
    audit_record(
        actor=actor,
        action="dispute.open",
        target=dispute,
        after={"amount": str(amount), "category": category, "invoices": list(allocations)},
    )
    debtors_changed_on_commit(debtor_ids=[debtor.pk], what="dispute")
    return dispute


@transaction.atomic
def dispute_escalate(*, actor: User, dispute: Dispute) -> Dispute:
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ApplicationError(_("Only an open dispute can be escalated."))
    dispute.status = Dispute.Status.ESCALATED
    dispute.escalated_at = timezone.now()
    dispute.owner = _dispute_owner_default(dispute.debtor, actor)
    dispute.save(update_fields=["status", "escalated_at", "owner"])
    audit_record(
        actor=actor,
        action="dispute.escalate",
        target=dispute,
        before={"status": Dispute.Status.OPEN},
        after={"status": dispute.status},
    )
    debtors_changed_on_commit(debtor_ids=[dispute.debtor_id], what="dispute")
    return dispute


@transaction.atomic
def dispute_resolve(
    *, actor: User, dispute: Dispute, resolution: str, accepted: bool = False
) -> Dispute:
    """Close a dispute. Rejected (the customer owes it): the held amount is due
    again. Accepted: the held amount is written off the invoices (a credit)."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status not in OPEN_DISPUTE_STATUSES:
        raise ApplicationError(_("This dispute is already closed."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the dispute was settled.")})
    held = {int(k): Decimal(v) for k, v in (dispute.allocations or {}).items()}
    for invoice in Invoice.objects.select_for_update().filter(pk__in=held):
        amount = min(held[invoice.pk], invoice.disputed_amount)
        invoice.disputed_amount -= amount
        if accepted:
            invoice.open_amount = max(invoice.open_amount - amount, Decimal(0))
            if invoice.open_amount == 0 and invoice.closed_at is None:
                invoice.closed_at = timezone.now()
                invoice.closed_reason = _("Credited: dispute accepted")
        if invoice.status == Invoice.Status.DISPUTED and (
            invoice.disputed_amount < invoice.open_amount or invoice.open_amount == 0
        ):
            invoice.status = Invoice.Status.OPEN
        invoice.status = _invoice_status(invoice)
        invoice.save(
            update_fields=[
                "disputed_amount",
                "open_amount",
                "status",
                "closed_at",
                "closed_reason",
                "updated_at",
            ]
        )
    before = {"status": dispute.status}
    dispute.status = Dispute.Status.RESOLVED if accepted else Dispute.Status.REJECTED
    dispute.resolution = resolution.strip()
    dispute.resolved_at = timezone.now()
    dispute.save(update_fields=["status", "resolution", "resolved_at"])
    debtor_refresh_summary(debtor_ids=[dispute.debtor_id])
    # Active again unless other disputes still cover the whole balance.
    Debtor.objects.filter(pk=dispute.debtor_id, status=Debtor.Status.DISPUTED).exclude(
        open_balance__gt=0, disputed_balance__gte=F("open_balance")
    ).update(status=Debtor.Status.ACTIVE)
    audit_record(
        actor=actor,
        action="dispute.resolve",
        target=dispute,
        before=before,
        after={"status": dispute.status, "resolution": dispute.resolution},
    )
    debtors_changed_on_commit(debtor_ids=[dispute.debtor_id], what="dispute")
    return dispute

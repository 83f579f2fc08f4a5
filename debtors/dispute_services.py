"""Disputes: open one over part or all of some invoices, escalate it, resolve
it. The disputed amount is held on the invoices, so dunning pauses on it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import team_manager
from accounts.services import audit_record
from collections_crm.exceptions import ApplicationError
from collections_crm.lib.money import quantize_money

from .invoice_status import invoice_status_of
from .models import Debtor, Dispute, Invoice
from .signals import debtors_changed_on_commit
from .summary_services import debtor_refresh_summary

OPEN_DISPUTE_STATUSES = (Dispute.Status.OPEN, Dispute.Status.ESCALATED)


def _dispute_owner_default(debtor: Debtor, actor: User) -> User:
    """The team's manager owns a dispute unless somebody else is named."""
    return team_manager(debtor.team_id) or actor


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
        invoice.status = invoice_status_of(invoice)
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

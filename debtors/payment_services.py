"""Payments: record one and allocate it to the debtor's open invoices."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from collections_crm.lib.money import quantize_money

from .invoice_status import invoice_status_of
from .models import Debtor, Invoice, Payment, PaymentAllocation
from .signals import payments_recorded_on_commit
from .summary_services import debtor_refresh_summary


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
    allocations = _allocate(payment, _invoices_to_pay(debtor, invoice_numbers))
    audit_record(
        actor=actor,
        action="payment.record",
        target=payment,
        after={
            "amount": str(amount),
            "allocations": {a.invoice.number: str(a.amount) for a in allocations},
            "unallocated": str(payment.unallocated_amount),
        },
    )
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    # Promises are re-evaluated (followups) once the payment is committed.
    payments_recorded_on_commit(debtor_ids=[debtor.pk], received_on=payment.received_on)
    return payment


def _invoices_to_pay(debtor: Debtor, invoice_numbers: list[str] | None) -> list[Invoice]:
    """The debtor's open invoices, locked, in the order a payment pays them:
    the named ones first as named, then the rest oldest due first."""
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
    return open_invoices


def _allocate(payment: Payment, invoices: list[Invoice]) -> list[PaymentAllocation]:
    """Pay ``invoices`` in order from the payment's unallocated amount, closing
    the ones paid in full; what is left stays unallocated on the payment."""
    remaining = payment.unallocated_amount
    allocations = []
    for invoice in invoices:
        if remaining <= 0:
            break
        # Disputed money is not collected by allocation; only the undisputed part.
        payable = invoice.open_amount - min(invoice.disputed_amount, invoice.open_amount)
        share = min(payable, remaining)
        if share <= 0:
            continue
        invoice.open_amount -= share
        invoice.status = invoice_status_of(invoice)
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
    return allocations

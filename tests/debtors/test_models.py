"""Database constraints: what must never be stored, whoever writes it."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.debtors.factories import (
    ContactFactory,
    DebtorFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_it_keeps_invoice_numbers_unique_per_debtor():
    invoice = InvoiceFactory(number="INV-1")
    assert_rejected(InvoiceFactory, debtor=invoice.debtor, number="INV-1")
    InvoiceFactory(number="INV-1")  # another debtor may reuse the number


@pytest.mark.parametrize(
    ("amount", "open_amount"),
    [("100.00", "100.01"), ("100.00", "-0.01"), ("-50.00", "0.01"), ("-50.00", "-50.01")],
)
def test_it_keeps_open_amount_within_amount(amount, open_amount):
    assert_rejected(InvoiceFactory, amount=Decimal(amount), open_amount=Decimal(open_amount))


def test_it_accepts_credit_notes_with_negative_open_amount():
    credit = InvoiceFactory(amount=Decimal("-50.00"), open_amount=Decimal("-20.00"))
    assert credit.is_credit


def test_it_refuses_an_invoice_due_before_it_was_issued():
    assert_rejected(
        InvoiceFactory, issue_date=datetime.date(2026, 5, 2), due_date=datetime.date(2026, 5, 1)
    )


def test_it_refuses_a_disputed_amount_above_the_invoice():
    assert_rejected(InvoiceFactory, amount=Decimal("100.00"), disputed_amount=Decimal("100.01"))


def test_it_allows_one_primary_contact_per_debtor():
    first = ContactFactory(is_primary=True)
    assert_rejected(ContactFactory, debtor=first.debtor, is_primary=True)
    ContactFactory(debtor=first.debtor, is_primary=False)


def test_it_refuses_zero_or_negative_payments():
    assert_rejected(PaymentFactory, amount=Decimal("0.00"))
    assert_rejected(PaymentFactory, amount=Decimal("-1.00"))


def test_it_refuses_unallocated_above_the_payment():
    assert_rejected(PaymentFactory, amount=Decimal("10.00"), unallocated_amount=Decimal("10.01"))


def test_it_allocates_a_payment_to_an_invoice_once():
    allocation = PaymentAllocationFactory()
    assert_rejected(
        PaymentAllocationFactory, payment=allocation.payment, invoice=allocation.invoice
    )


def test_it_refuses_a_debtor_whose_day_ends_before_it_starts():
    assert_rejected(
        DebtorFactory, business_hours_start=datetime.time(18), business_hours_end=datetime.time(9)
    )


def test_it_keeps_customer_codes_unique():
    DebtorFactory(code="ACME")
    assert_rejected(DebtorFactory, code="ACME")

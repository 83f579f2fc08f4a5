import datetime
from decimal import Decimal

import factory

from debtors.models import Contact, Debtor, Dispute, Invoice, Payment, PaymentAllocation
from tests.accounts.factories import TeamFactory, UserFactory


class DebtorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debtor

    code = factory.Sequence(lambda n: f"C{n:06d}")
    name = factory.Sequence(lambda n: f"Debtor {n} Ltd")
    team = factory.SubFactory(TeamFactory)
    assigned_collector = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..team"))
    currency = "CNY"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    debtor = factory.SubFactory(DebtorFactory)
    name = factory.Faker("name")
    role = "Accounts payable"
    phone = "+8613812345678"
    email = factory.Sequence(lambda n: f"ap{n}@example.cn")


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    debtor = factory.SubFactory(DebtorFactory)
    number = factory.Sequence(lambda n: f"INV-{n:06d}")
    due_date = datetime.date(2026, 10, 1)
    issue_date = factory.LazyAttribute(lambda o: o.due_date - datetime.timedelta(days=30))
    amount = Decimal("1000.00")
    open_amount = factory.SelfAttribute("amount")
    currency = "CNY"


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    debtor = factory.SubFactory(DebtorFactory)
    amount = Decimal("100.00")
    unallocated_amount = Decimal("0.00")
    currency = "CNY"
    received_on = datetime.date(2026, 11, 1)


class PaymentAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentAllocation

    payment = factory.SubFactory(PaymentFactory)
    invoice = factory.SubFactory(InvoiceFactory, debtor=factory.SelfAttribute("..payment.debtor"))
    amount = factory.SelfAttribute("payment.amount")


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispute
        skip_postgeneration_save = True

    debtor = factory.SubFactory(DebtorFactory)
    category = Dispute.Category.INVOICE_ERROR
    disputed_amount = Decimal("250.00")
    description = "Price on line 2 does not match the contract."

    @factory.post_generation
    def invoices(self, create, extracted, **kwargs):
        if create and extracted:
            self.invoices.set(extracted)

"""Small books whose every figure is worked out on paper, for the KPI tests.

November 2026 in the team of ``personas`` (CNY unless said):

- INV-OLD 1,000 issued 1 Aug, due 1 Sep: 1,000 past due at the start.
- INV-N1 300 issued 5 Nov, due 20 Nov; INV-N2 200 issued 10 Nov, due 10 Dec:
  credit sales 500.
- 600 received 15 Nov on INV-OLD (past due: recovered); 100 received 18 Nov
  on INV-N1 (not yet due: collected, not recovered). Collected 700.
- At the end of 30 Nov: INV-OLD 400 (90 days: 61–90), INV-N1 200 (10 days),
  INV-N2 200 not yet due. AR 800, of which 200 current, nothing over 90.
- Noise that must not count: a USD invoice and payment (other currency), a
  CNY invoice and payment in the other team (other scope), an October payment.
- Calls in November on Alpha: 2 unanswered, 1 right party, 1 promise; an
  inbound call with the right person and an SMS (not attempts); a visit with
  the right person, who complained. Right-party contacts 4 (two calls, the
  inbound call, the visit).
- Promises: one made in November (300); settled in November: kept (200 paid),
  partly kept (50 paid), broken.
- Disputes: opened 3 Nov resolved 13 Nov (10 days); opened 20 Oct resolved
  9 Nov (20 days).
"""

import datetime as dt
from decimal import Decimal

from collections_crm.lib.zones import company_zone
from debtors.models import Dispute
from followups.models import Interaction, PromiseToPay
from tests.debtors.factories import (
    DisputeFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)
from tests.followups.factories import InteractionFactory, PromiseToPayFactory

D = Decimal
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
# Frozen at 10:00 on 1 December, company time.
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=company_zone())

EXPECTED = {
    "ar_start": D("1000.00"),
    "ar_end": D("800.00"),
    "ar_current_end": D("200.00"),
    "credit_sales": D("500.00"),
    "collected": D("700.00"),
    "recovered": D("600.00"),
    "recovery_rate": D("0.6000"),
    "dso": D("48.0"),
    "best_possible_dso": D("12.0"),
    "average_days_delinquent": D("36.0"),
    "cei": D("53.85"),
    "over_90_share": D("0.0000"),
    "calls": 4,
    "connect_rate": D("0.5000"),
    "right_party_rate": D("0.5000"),
    "promise_rate": D("0.2500"),
    "promise_kept_rate": D("0.3333"),
    "promised_amount": D("300.00"),
    "kept_amount": D("250.00"),
    "complaint_rate": D("0.2500"),
    "disputes_opened": 1,
    "disputes_resolved": 2,
    "dispute_resolution_days": D("15.0"),
}


def at(day: int, month: int = 11, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=company_zone())


def pay(debtor, invoice, amount, received_on, currency="CNY"):
    payment = PaymentFactory(
        debtor=debtor, amount=D(amount), received_on=received_on, currency=currency
    )
    PaymentAllocationFactory(payment=payment, invoice=invoice, amount=D(amount))
    invoice.open_amount -= D(amount)
    if invoice.open_amount == 0:
        invoice.status = "paid"
        invoice.closed_at = at(received_on.day, received_on.month, 12)
    invoice.save()
    return payment


def november_book(personas):
    alpha, beta, west = personas.debtor_a, personas.debtor_b, personas.debtor_other_team
    old = InvoiceFactory(
        debtor=alpha,
        number="INV-OLD",
        issue_date=dt.date(2026, 8, 1),
        due_date=dt.date(2026, 9, 1),
        amount=D("1000.00"),
    )
    n1 = InvoiceFactory(
        debtor=alpha,
        number="INV-N1",
        issue_date=dt.date(2026, 11, 5),
        due_date=dt.date(2026, 11, 20),
        amount=D("300.00"),
    )
    InvoiceFactory(
        debtor=beta,
        number="INV-N2",
        issue_date=dt.date(2026, 11, 10),
        due_date=dt.date(2026, 12, 10),
        amount=D("200.00"),
    )
    pay(alpha, old, "600.00", dt.date(2026, 11, 15))
    pay(alpha, n1, "100.00", dt.date(2026, 11, 18))
    # Noise: other currency, other team, another month.
    usd = InvoiceFactory(
        debtor=beta,
        number="INV-USD",
        issue_date=dt.date(2026, 11, 2),
        due_date=dt.date(2026, 11, 3),
        amount=D("1000.00"),
        currency="USD",
    )
    pay(beta, usd, "400.00", dt.date(2026, 11, 20), currency="USD")
    west_inv = InvoiceFactory(
        debtor=west,
        number="W-1",
        issue_date=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 10, 15),
        amount=D("5000.00"),
    )
    pay(west, west_inv, "5000.00", dt.date(2026, 11, 16))
    InteractionFactory(
        debtor=west, started_at=at(16), outcome="right_party", right_party_contact=True
    )
    _contacts(alpha)
    _promises(alpha)
    _disputes(alpha)


def _contacts(alpha):
    for day, outcome in ((2, "no_answer"), (3, "busy"), (6, "right_party"), (9, "promise")):
        InteractionFactory(
            debtor=alpha,
            started_at=at(day),
            outcome=outcome,
            right_party_contact=outcome in Interaction.CONVERSATION_OUTCOMES,
        )
    InteractionFactory(
        debtor=alpha,
        started_at=at(10),
        direction="inbound",
        outcome="right_party",
        right_party_contact=True,
        channel="call",
    )
    InteractionFactory(debtor=alpha, started_at=at(11), channel="sms", outcome="sent")
    # October: outside the period.
    InteractionFactory(
        debtor=alpha, started_at=at(30, 10), outcome="right_party", right_party_contact=True
    )
    InteractionFactory(
        debtor=alpha,
        started_at=at(12),
        channel="visit",
        outcome="right_party",
        right_party_contact=True,
        is_complaint=True,
    )


def _promise(alpha, status, total, kept, created, evaluated=None):
    promise = PromiseToPayFactory(
        debtor=alpha, total_amount=D(total), kept_amount=D(kept), status=status
    )
    PromiseToPay.objects.filter(pk=promise.pk).update(created_at=created, evaluated_at=evaluated)


def _promises(alpha):
    _promise(alpha, "pending", "300.00", "0", at(9))
    _promise(alpha, "kept", "200.00", "200.00", at(1, 10), at(5))
    _promise(alpha, "partly_kept", "100.00", "50.00", at(2, 10), at(7))
    _promise(alpha, "broken", "100.00", "0", at(3, 10), at(8))


def _disputes(alpha):
    for opened, resolved in ((at(3), at(13)), (at(20, 10), at(9))):
        dispute = DisputeFactory(debtor=alpha)
        Dispute.objects.filter(pk=dispute.pk).update(
            opened_at=opened, resolved_at=resolved, status=Dispute.Status.RESOLVED
        )

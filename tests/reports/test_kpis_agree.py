"""The rollup path and the direct path agree on random books: partial
payments, payments after an invoice was closed, credit notes, several
currencies, an import's invoices undone, contacts, promises and disputes, and
any period inside the window; and an update of one debtor's cell equals a
full rebuild."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debtors.models import Dispute, Invoice
from debtors.permissions import debtor_scope
from followups.models import PromiseToPay
from reports.filters import Filters
from reports.kpis import kpis_from_rollups
from reports.kpis_direct import kpis_direct
from reports.models import (
    ContactHour,
    DailyAging,
    DailyFlow,
    MonthlyFlow,
    MonthlyRoll,
    TeamDailyAging,
    TeamMonthlyFlow,
    TeamMonthlyRoll,
)
from reports.rollups import rebuild, refresh_debtors
from tests.debtors.factories import (
    DisputeFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)
from tests.followups.factories import InteractionFactory, PromiseToPayFactory

from .books import NOW, at

pytestmark = pytest.mark.django_db
TODAY = NOW.date()
FIRST = dt.date(2025, 11, 1)  # inside the rollup window of NOW
SPAN = (TODAY - FIRST).days
DAY = dt.timedelta(days=1)

days = st.integers(0, SPAN).map(lambda n: FIRST + dt.timedelta(days=n))
money = st.integers(1, 500_00).map(lambda c: Decimal(c) / 100)

invoice = st.fixed_dictionaries(
    {
        "debtor": st.integers(0, 2),
        "issued": days,
        "terms": st.integers(0, 75),
        "amount": money,
        "credit": st.booleans(),
        "currency": st.sampled_from(["CNY", "USD"]),
        "payments": st.lists(st.tuples(days, st.integers(1, 100)), max_size=3),
        "closed": st.one_of(st.none(), days),
        "undone": st.booleans(),
    }
)
contact = st.tuples(
    st.integers(0, 2),
    days,
    st.sampled_from(["no_answer", "right_party", "promise", "refused"]),
    st.booleans(),
)
months = st.integers(0, 13).map(lambda n: dt.date(2025 + (10 + n) // 12, (10 + n) % 12 + 1, 1))
whole_months = (
    st.tuples(months, months)
    .map(sorted)
    .map(lambda m: (m[0], min(TODAY, (m[1] + dt.timedelta(days=31)).replace(day=1) - DAY)))
)
# Any days, and whole calendar months (read from the monthly rows).
period = st.one_of(st.tuples(days, days).map(sorted), whole_months)


def _book(personas, invoices, contacts):
    debtors = [personas.debtor_a, personas.debtor_b, personas.debtor_other_team]
    for spec in invoices:
        debtor = debtors[spec["debtor"]]
        amount = -spec["amount"] if spec["credit"] else spec["amount"]
        inv = InvoiceFactory(
            debtor=debtor,
            issue_date=spec["issued"],
            due_date=spec["issued"] + dt.timedelta(days=spec["terms"]),
            amount=amount,
            currency=spec["currency"],
        )
        left = amount
        for day, percent in [] if spec["credit"] else spec["payments"]:
            part = min(left, (amount * percent / 100).quantize(Decimal("0.01")))
            if part <= 0:
                continue
            payment = PaymentFactory(
                debtor=debtor, amount=part, received_on=day, currency=spec["currency"]
            )
            PaymentAllocationFactory(payment=payment, invoice=inv, amount=part)
            left -= part
        closed_at = None
        if left == 0 and not spec["credit"]:
            closed_at = at(
                max(d for d, _p in spec["payments"]).day, max(d for d, _p in spec["payments"]).month
            )
            closed_at = closed_at.replace(year=max(d for d, _p in spec["payments"]).year)
        elif spec["closed"] is not None:
            closed_at = at(spec["closed"].day, spec["closed"].month).replace(
                year=spec["closed"].year
            )
        Invoice.objects.filter(pk=inv.pk).update(
            open_amount=0 if closed_at else left, closed_at=closed_at
        )
        if spec["undone"]:
            # An import's undo removes the invoices it created, and their payments' hold on them.
            inv.allocations.all().delete()
            Invoice.objects.filter(pk=inv.pk).delete()
    for who, day, outcome, complaint in contacts:
        moment = at(day.day, day.month).replace(year=day.year)
        InteractionFactory(
            debtor=debtors[who],
            started_at=moment,
            outcome=outcome,
            right_party_contact=outcome != "no_answer",
            is_complaint=complaint,
        )
        if outcome == "promise":
            promise = PromiseToPayFactory(
                debtor=debtors[who],
                total_amount=Decimal("100"),
                kept_amount=Decimal("40"),
                status="partly_kept",
            )
            PromiseToPay.objects.filter(pk=promise.pk).update(
                created_at=moment, evaluated_at=moment + dt.timedelta(days=7)
            )
        if outcome == "refused":
            dispute = DisputeFactory(debtor=debtors[who])
            Dispute.objects.filter(pk=dispute.pk).update(
                opened_at=moment, resolved_at=moment + dt.timedelta(days=3), status="resolved"
            )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    invoices=st.lists(invoice, max_size=8),
    contacts=st.lists(contact, max_size=6),
    periods=st.lists(period, min_size=1, max_size=3),
)
def test_rollups_and_direct_path_agree_on_random_books(personas, invoices, contacts, periods):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        _book(personas, invoices, contacts)
        rebuild()
        for user in (personas.manager, personas.admin, personas.collector_b):
            for currency in ("CNY", "USD"):
                for start, end in periods:
                    filters = Filters(start, end, currency=currency, scope=debtor_scope(user))
                    assert kpis_from_rollups(filters) == kpis_direct(filters), (start, end)
        transaction.set_rollback(True)


def rollup_rows() -> dict:
    """Every rollup row, without ids: what a refresh and a rebuild must agree on."""
    out = {}
    for model in (
        DailyAging,
        DailyFlow,
        MonthlyFlow,
        TeamMonthlyFlow,
        MonthlyRoll,
        TeamMonthlyRoll,
        TeamDailyAging,
        ContactHour,
    ):
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        out[model.__name__] = sorted(model.objects.values_list(*names))
    return out


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(invoices=st.lists(invoice, min_size=1, max_size=6), payment_day=days, share=money)
def test_refreshing_one_debtor_after_a_payment_equals_a_rebuild(
    personas, invoices, payment_day, share
):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        _book(personas, invoices, [])
        rebuild()
        target = Invoice.objects.filter(open_amount__gt=0).order_by("pk").first()
        if target is not None:
            part = min(share, target.open_amount)
            payment = PaymentFactory(
                debtor=target.debtor,
                amount=part,
                received_on=max(payment_day, target.issue_date),
                currency=target.currency,
            )
            PaymentAllocationFactory(payment=payment, invoice=target, amount=part)
            Invoice.objects.filter(pk=target.pk).update(open_amount=target.open_amount - part)
            refresh_debtors([target.debtor_id], since=payment.received_on)
        filters = Filters(FIRST, TODAY, currency="CNY", scope=debtor_scope(personas.admin))
        updated, updated_rows = kpis_from_rollups(filters), rollup_rows()
        rebuild()
        assert updated == kpis_from_rollups(filters) == kpis_direct(filters)
        assert updated_rows == rollup_rows()
        transaction.set_rollback(True)

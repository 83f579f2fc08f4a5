"""Promises to pay re-evaluated against payments: kept, partly kept, broken."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debtors.services import payment_record
from debtors.signals import payments_recorded
from followups import services
from followups.models import Instalment, PromiseToPay
from tests.debtors.factories import DebtorFactory, InvoiceFactory, PaymentFactory
from tests.followups.factories import InstalmentFactory, PromiseToPayFactory

pytestmark = pytest.mark.django_db

D = datetime.date
MADE = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


def promise_with(debtor, *instalments, made=MADE) -> PromiseToPay:
    """A promise made at ``made`` with instalments of (due date, amount)."""
    with time_machine.travel(made, tick=False):
        promise = PromiseToPayFactory(
            debtor=debtor, total_amount=sum((Decimal(a) for _d, a in instalments), Decimal(0))
        )
    for sequence, (due, amount) in enumerate(instalments, start=1):
        InstalmentFactory(promise=promise, sequence=sequence, due_date=due, amount=Decimal(amount))
    return promise


def pay(debtor, amount, on):
    return PaymentFactory(debtor=debtor, amount=Decimal(amount), received_on=on)


def statuses(promise):
    promise.refresh_from_db()
    return promise.status, [i.status for i in promise.instalments.order_by("sequence")]


class TestEvaluate:
    def test_paid_in_full_is_kept(self):
        debtor = DebtorFactory()
        promise = promise_with(debtor, (D(2026, 11, 10), "300"), (D(2026, 11, 20), "200"))
        pay(debtor, "500", D(2026, 11, 9))
        services.promise_evaluate(debtor_ids=[debtor.pk], today=D(2026, 11, 12))
        assert statuses(promise) == ("kept", ["kept", "kept"])
        assert promise.kept_amount == Decimal("500.00")
        assert promise.evaluated_at is not None

    def test_short_by_less_than_the_tolerance_is_still_kept(self):
        debtor = DebtorFactory()
        # 1% of 50 is 0.50; of 5000 it is 50, capped at 1.00
        small = promise_with(debtor, (D(2026, 11, 10), "50"))
        pay(debtor, "49.50", D(2026, 11, 10))
        other = DebtorFactory()
        large = promise_with(other, (D(2026, 11, 10), "5000"))
        pay(other, "4998.00", D(2026, 11, 10))
        services.promise_evaluate(debtor_ids=[debtor.pk, other.pk], today=D(2026, 11, 20))
        assert statuses(small) == ("kept", ["kept"])
        assert statuses(large) == ("partly_kept", ["partly_kept"])

    def test_some_money_is_partly_kept(self):
        debtor = DebtorFactory()
        promise = promise_with(debtor, (D(2026, 11, 10), "300"), (D(2026, 11, 20), "200"))
        pay(debtor, "100", D(2026, 11, 8))
        services.promise_evaluate(debtor_ids=[debtor.pk], today=D(2026, 11, 9))
        assert statuses(promise) == ("partly_kept", ["pending", "pending"])
        services.promise_evaluate(debtor_ids=[debtor.pk], today=D(2026, 11, 11))
        assert statuses(promise) == ("partly_kept", ["partly_kept", "pending"])
        assert promise.kept_amount == Decimal("100.00")
        pay(debtor, "400", D(2026, 11, 19))
        services.promise_evaluate(debtor_ids=[debtor.pk], today=D(2026, 11, 19))
        assert statuses(promise) == ("kept", ["kept", "kept"])

    def test_nothing_paid_is_broken_only_after_the_grace_days(self):
        debtor = DebtorFactory()
        promise = promise_with(debtor, (D(2026, 11, 10), "300"))
        last_grace_day = D(2026, 11, 10) + datetime.timedelta(days=services.GRACE_DAYS)
        services.promise_evaluate(debtor_ids=[debtor.pk], today=last_grace_day)
        assert statuses(promise) == ("pending", ["pending"])
        services.promise_evaluate(
            debtor_ids=[debtor.pk], today=last_grace_day + datetime.timedelta(days=1)
        )
        assert statuses(promise) == ("broken", ["broken"])
        assert promise.kept_amount == Decimal("0.00")

    def test_payments_before_the_promise_was_made_do_not_count(self):
        debtor = DebtorFactory()
        promise = promise_with(debtor, (D(2026, 11, 10), "300"))
        pay(debtor, "300", D(2026, 10, 31))
        services.promise_evaluate(debtor_ids=[debtor.pk], today=D(2026, 11, 20))
        assert statuses(promise) == ("broken", ["broken"])

    def test_a_payment_counts_once_across_two_promises(self):
        debtor = DebtorFactory()
        first = promise_with(debtor, (D(2026, 11, 10), "300"))
        second = promise_with(
            debtor, (D(2026, 11, 12), "300"), made=MADE + datetime.timedelta(hours=1)
        )
        pay(debtor, "300", D(2026, 11, 5))
        services.promise_evaluate(debtor_ids=[debtor.pk], today=D(2026, 11, 20))
        assert statuses(first) == ("kept", ["kept"])
        assert statuses(second) == ("broken", ["broken"])

    def test_final_promises_are_left_alone(self):
        debtor = DebtorFactory()
        promise = promise_with(debtor, (D(2026, 11, 10), "300"))
        PromiseToPay.objects.filter(pk=promise.pk).update(status="cancelled")
        pay(debtor, "300", D(2026, 11, 5))
        services.promise_evaluate(debtor_ids=[debtor.pk], today=D(2026, 11, 20))
        assert statuses(promise) == ("cancelled", ["pending"])

    def test_queries_do_not_grow_with_the_number_of_promises(self):
        def setup(n):
            ids = []
            for _ in range(n):
                debtor = DebtorFactory()
                promise_with(debtor, (D(2026, 11, 10), "300"), (D(2026, 11, 20), "100"))
                pay(debtor, "350", D(2026, 11, 9))
                ids.append(debtor.pk)
            return ids

        few, many = setup(2), setup(20)
        with CaptureQueriesContext(connection) as small:
            services.promise_evaluate(debtor_ids=few, today=D(2026, 11, 25))
        with CaptureQueriesContext(connection) as large:
            services.promise_evaluate(debtor_ids=many, today=D(2026, 11, 25))
        assert len(large) == len(small)
        assert Instalment.objects.filter(status="partly_kept").count() == 22

    def test_the_nightly_run_breaks_promises_nobody_paid(self):
        due = DebtorFactory()
        later = DebtorFactory()
        broken = promise_with(due, (D(2026, 11, 10), "300"))
        waiting = promise_with(later, (D(2026, 12, 10), "300"))
        outcome = services.promise_evaluate_due(today=D(2026, 11, 20))
        assert outcome == {"broken": 1}
        assert statuses(broken) == ("broken", ["broken"])
        assert statuses(waiting) == ("pending", ["pending"])


class TestAfterPayments:
    def test_payment_record_sends_the_signal_after_commit(self, django_capture_on_commit_callbacks):
        debtor = DebtorFactory()
        received = []

        def listener(sender, debtor_ids, **kwargs):
            received.append(debtor_ids)

        payments_recorded.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                payment_record(
                    actor=None, debtor=debtor, amount=Decimal("10"), received_on=D(2026, 11, 9)
                )
            assert received == []  # nothing before the commit
            assert len(callbacks) == 1
            callbacks[0]()
            assert received == [[debtor.pk]]
        finally:
            payments_recorded.disconnect(listener)

    def test_a_recorded_payment_keeps_the_promise_at_once(self, django_capture_on_commit_callbacks):
        debtor = DebtorFactory()
        InvoiceFactory(debtor=debtor, amount=Decimal("1000"))
        promise = promise_with(debtor, (D(2026, 11, 10), "300"))
        with (
            time_machine.travel(datetime.datetime(2026, 11, 9, 12, tzinfo=datetime.UTC)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            payment_record(
                actor=None, debtor=debtor, amount=Decimal("300"), received_on=D(2026, 11, 9)
            )
        assert statuses(promise) == ("kept", ["kept"])

    def test_a_payment_file_sends_one_signal_for_all_its_debtors(
        self, django_capture_on_commit_callbacks
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from debtors.imports.payment_services import payment_import_commit, payment_import_preview

        acme = DebtorFactory(code="C001")
        beta = DebtorFactory(code="C002")
        received = []

        def listener(sender, debtor_ids, **kwargs):
            received.append(debtor_ids)

        text = "Date,Amount,Customer code\n2026-11-03,10.00,C001\n2026-11-04,20.00,C002\n"
        batch = payment_import_preview(
            actor=None, upload=SimpleUploadedFile("bank.csv", text.encode())
        )
        promise = promise_with(acme, (D(2026, 11, 10), "10"))
        payments_recorded.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                payment_import_commit(batch=batch, actor=None)
        finally:
            payments_recorded.disconnect(listener)
        assert received == [sorted([acme.pk, beta.pk])]
        assert statuses(promise)[0] == "kept"


def test_the_grace_days_come_from_the_settings(settings):
    due, today = D(2026, 11, 10), D(2026, 11, 14)
    settings.PROMISE_GRACE_DAYS = 5
    assert (
        services.instalment_status(
            amount=Decimal("100"), paid=Decimal("0"), due_date=due, today=today
        )
        == Instalment.Status.PENDING
    )
    settings.PROMISE_GRACE_DAYS = 1
    assert (
        services.instalment_status(
            amount=Decimal("100"), paid=Decimal("0"), due_date=due, today=today
        )
        == Instalment.Status.BROKEN
    )

"""A real Celery worker against the test Redis and PostgreSQL: a task enqueued
in a committed transaction runs exactly once; one enqueued in a transaction
that rolls back never runs."""

import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction

from debtors.models import Debtor
from debtors.tasks import debtor_refresh_summary_task
from tests.debtors.factories import DebtorFactory, InvoiceFactory
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TASK = "debtors.tasks.debtor_refresh_summary_task"


@pytest.fixture
def worker(start_worker):
    return start_worker()


def succeeded(log_path: Path) -> list[str]:
    return re.findall(
        rf"Task {re.escape(TASK)}\[([0-9a-f-]+)\] succeeded", log_path.read_text(errors="replace")
    )


def stale_debtor() -> Debtor:
    """A debtor with an overdue invoice whose summary columns say nothing yet."""
    debtor = DebtorFactory()
    InvoiceFactory(debtor=debtor, amount=Decimal("1000.00"))
    Debtor.objects.filter(pk=debtor.pk).update(open_balance=0, overdue_balance=0)
    return debtor


def open_balance(debtor: Debtor) -> Decimal:
    return Debtor.objects.values_list("open_balance", flat=True).get(pk=debtor.pk)


def test_a_task_enqueued_in_a_committed_transaction_runs_once(worker):
    debtor = stale_debtor()
    with transaction.atomic():
        debtor_refresh_summary_task.delay_on_commit([debtor.pk])
        # Nothing is sent before the commit: the worker could not see the row yet.
        assert succeeded(worker) == []
    assert wait_for(lambda: open_balance(debtor) == Decimal("1000.00"))
    assert wait_for(lambda: len(succeeded(worker)) == 1)
    time.sleep(1.5)  # a duplicate delivery would show up by now
    assert len(succeeded(worker)) == 1


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(worker):
    rolled_back = stale_debtor()
    sentinel = stale_debtor()

    with pytest.raises(RuntimeError), transaction.atomic():
        debtor_refresh_summary_task.delay_on_commit([rolled_back.pk])
        raise RuntimeError("the request failed")
    # One worker process takes tasks in order: once the sentinel, sent after,
    # has run, anything sent before it has run too.
    with transaction.atomic():
        debtor_refresh_summary_task.delay_on_commit([sentinel.pk])
    assert wait_for(lambda: open_balance(sentinel) == Decimal("1000.00"))
    assert wait_for(lambda: len(succeeded(worker)) == 1)
    assert open_balance(rolled_back) == Decimal("0.00")
    assert len(succeeded(worker)) == 1

"""A real Celery worker against the test Redis and PostgreSQL: a task enqueued
in a committed transaction runs exactly once; one enqueued in a transaction
that rolls back never runs."""

import os
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from collections_crm.celery import app as celery_app
from debtors.models import Debtor
from debtors.tasks import debtor_refresh_summary_task
from tests.debtors.factories import DebtorFactory, InvoiceFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
TASK = "debtors.tasks.debtor_refresh_summary_task"


def wait_for(predicate, timeout=45.0, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def worker(tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("REDIS_URL is not set: run the suite with `make test`, which starts Redis.")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "collections_crm.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": redis_url,
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "collections_crm",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        if not wait_for(lambda: "ready." in log_path.read_text(errors="replace"), timeout=60):
            pytest.fail("the worker did not start:\n" + log_path.read_text(errors="replace"))
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = False
        yield log_path
    finally:
        celery_app.conf.task_always_eager = eager if "eager" in locals() else True
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


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

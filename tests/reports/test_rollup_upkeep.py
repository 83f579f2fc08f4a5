"""The rollups stay current: events refresh the debtor's cell once the
transaction commits, a debtor moving cell refreshes both cells, an import
rebuilds; the nightly rebuild and the command remake everything; reads can go
to a replica."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from debtors.models import Debtor
from debtors.permissions import debtor_scope
from reports.filters import Filters
from reports.kpis import kpis_from_rollups
from reports.models import DailyFlow, RollupState
from reports.rollups import rebuild, window_for
from reports.router import ReportsRouter
from tests.followups.factories import InteractionFactory

from .books import NOVEMBER, NOW, at, november_book, pay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def figures(user):
    return kpis_from_rollups(Filters(*NOVEMBER, currency="CNY", scope=debtor_scope(user)))


def test_the_window_is_this_month_and_the_fourteen_before():
    assert window_for(dt.date(2026, 12, 1)) == (dt.date(2025, 10, 1), dt.date(2026, 12, 1))
    assert window_for(dt.date(2026, 1, 31)) == (dt.date(2024, 11, 1), dt.date(2026, 1, 31))


def test_a_logged_call_refreshes_its_cell_on_commit(personas, django_capture_on_commit_callbacks):
    rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        InteractionFactory(
            debtor=personas.debtor_a,
            started_at=at(20),
            outcome="right_party",
            right_party_contact=True,
        )
    assert figures(personas.manager)["calls"] == 1


def test_a_payment_refreshes_its_cell(personas, django_capture_on_commit_callbacks):
    november_book(personas)
    rebuild()
    invoice = personas.debtor_a.invoices.get(number="INV-N1")
    from debtors.signals import payments_recorded

    with django_capture_on_commit_callbacks(execute=True):
        pay(personas.debtor_a, invoice, "100.00", dt.date(2026, 11, 25))
        payments_recorded.send(sender=None, debtor_ids=[personas.debtor_a.pk])
    assert figures(personas.manager)["collected"] == Decimal("800.00")


def test_a_debtor_moving_to_another_collector_leaves_no_trace_in_the_old_cell(
    personas, django_capture_on_commit_callbacks
):
    november_book(personas)
    rebuild()
    before = figures(personas.collector_a)["credit_sales"]
    debtor = Debtor.objects.get(pk=personas.debtor_a.pk)
    debtor.assigned_collector = personas.collector_b
    with django_capture_on_commit_callbacks(execute=True):
        debtor.save()
    assert before == Decimal("300.00")
    assert figures(personas.collector_a)["credit_sales"] == 0
    assert figures(personas.collector_b)["credit_sales"] == Decimal("500.00")


def test_the_command_rebuilds_and_says_what_it_did(personas, capsys):
    november_book(personas)
    call_command("rebuild_reports")
    out = capsys.readouterr().out
    assert "rebuild_reports:" in out and "2025-10-01" in out
    assert DailyFlow.objects.exists()
    state = RollupState.objects.get()
    assert state.window_start == dt.date(2025, 10, 1) and state.rebuilt_at is not None


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rebuild_reports", "--since", "yesterday")


def test_a_rebuild_since_a_day_keeps_the_days_before(personas):
    november_book(personas)
    rebuild()
    early = DailyFlow.objects.filter(day__lt=dt.date(2026, 11, 15)).count()
    rebuild(since=dt.date(2026, 11, 15))
    assert DailyFlow.objects.filter(day__lt=dt.date(2026, 11, 15)).count() == early
    assert figures(personas.manager)["collected"] == Decimal("700.00")


def test_the_nightly_rebuild_is_scheduled():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["nightly-report-rollups"]
    assert entry["task"] == "reports.tasks.rebuild_reports_task"


def test_rollup_reads_go_to_the_replica_when_one_is_configured(monkeypatch):
    from reports import router as module

    router = ReportsRouter()
    assert router.db_for_read(DailyFlow) is None  # no REPORTS_DATABASE_URL in the tests
    monkeypatch.setattr(module, "replica_configured", lambda: True)
    assert router.db_for_read(DailyFlow) == "reports"
    assert router.db_for_read(Debtor) is None
    assert router.db_for_write(DailyFlow) is None
    assert router.allow_migrate("reports", "reports") is False


def test_a_sent_reminder_queues_no_refresh(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        InteractionFactory(debtor=personas.debtor_a, channel="sms", outcome="sent")
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        InteractionFactory(debtor=personas.debtor_a, channel="call", outcome="no_answer")
    assert len(callbacks) == 1

"""Events keep the plan consistent: a new promise cancels what it supersedes
(the call about a broken promise too) and keeps what it plans itself; a
planned visit cancels the cadence step it replaces and nothing else."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import AuditEvent
from debtors.models import Debtor
from debtors.services import debtor_refresh_summary
from followups import events, planning, policy
from followups.models import CadenceState, EngineSettings, FollowUp, PromiseToPay
from followups.services import promise_evaluate_due
from followups.visits import visit_plan
from tests.debtors.factories import ContactFactory, InvoiceFactory
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)  # Monday
D = datetime.date
R = FollowUp.Reason
S = FollowUp.Status


@pytest.fixture(autouse=True)
def b2b_pack():
    EngineSettings.objects.update_or_create(pk=1, defaults={"policy_pack": "b2b"})
    policy.policy_cache_clear()
    yield
    policy.policy_cache_clear()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _owing(debtor) -> Debtor:
    Debtor.objects.filter(pk=debtor.pk).update(debtor_type="forgetful")
    ContactFactory(debtor=debtor, mobile="+8613912345678", is_primary=True)
    InvoiceFactory(debtor=debtor, amount=Decimal("1000.00"), due_date=D(2026, 10, 20))
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    planning.plan_debtors([debtor.pk], now=NOW)
    debtor.refresh_from_db()
    return debtor


@pytest.fixture
def debtor(clock, personas):
    """A forgetful debtor owing 1000.00, with their cadence step planned."""
    return _owing(personas.debtor_a)


def promise(debtor, *instalments) -> PromiseToPay:
    return events.promise_create(
        actor=debtor.assigned_collector,
        debtor=debtor,
        instalments=[(day, Decimal(amount)) for day, amount in instalments],
    )


def status(followup) -> str:
    followup.refresh_from_db()
    return followup.status


def scheduled(debtor, reason) -> list[FollowUp]:
    return list(debtor.followups.filter(status=S.SCHEDULED, reason=reason))


def _broken_promise_call(debtor, clock, capture) -> tuple[PromiseToPay, FollowUp]:
    """A promise for 9 November, nothing paid: on the 12th it is broken and a
    call is planned for the next good moment."""
    first = promise(debtor, (D(2026, 11, 9), "300"))
    debtor.followups.filter(reason=R.PROMISE_CONFIRMATION).update(status=S.DONE)
    clock.move_to(datetime.datetime(2026, 11, 12, 10, 0, tzinfo=SHANGHAI))
    with capture(execute=True):
        assert promise_evaluate_due() == {"broken": 1}
    [call] = scheduled(debtor, R.BROKEN_PROMISE)
    return first, call


class TestANewPromise:
    def test_it_cancels_the_broken_promise_call_and_keeps_its_own_reminders(
        self, debtor, clock, django_capture_on_commit_callbacks
    ):
        _first, call = _broken_promise_call(debtor, clock, django_capture_on_commit_callbacks)
        # Open beside it: a cadence step (written by hand here: the call holds
        # the planner back), a callback the debtor asked for, and a call a
        # collector has open right now.
        step = FollowUpFactory(
            debtor=debtor, reason=R.DUNNING_STEP, due_at=NOW + datetime.timedelta(days=14)
        )
        callback = FollowUpFactory(
            debtor=debtor, reason=R.CALLBACK, due_at=NOW + datetime.timedelta(days=15)
        )
        working = FollowUpFactory(
            debtor=debtor,
            reason=R.DUNNING_STEP,
            status=S.IN_PROGRESS,
            due_at=NOW + datetime.timedelta(days=10),
        )
        clock.move_to(datetime.datetime(2026, 11, 12, 10, 30, tzinfo=SHANGHAI))

        second = promise(debtor, (D(2026, 11, 20), "300"))

        assert status(call) == S.CANCELLED
        call.refresh_from_db()
        assert call.completed_at == datetime.datetime(2026, 11, 12, 10, 30, tzinfo=SHANGHAI)
        assert status(step) == S.CANCELLED
        assert status(callback) == S.SCHEDULED
        assert status(working) == S.IN_PROGRESS  # finishes as the collector logs it
        [reminder] = scheduled(debtor, R.PROMISE_REMINDER)
        assert reminder.promise == second
        [confirmation] = scheduled(debtor, R.PROMISE_CONFIRMATION)
        assert confirmation.promise == second
        event = AuditEvent.objects.get(action="promise.create", target_id=second.public_id)
        assert sorted(event.after["cancelled"]) == sorted(
            [str(call.public_id), str(step.public_id)]
        )
        debtor.refresh_from_db()
        still_open = debtor.followups.filter(status__in=FollowUp.OPEN_STATUSES)
        assert debtor.next_action_at == min(f.due_at for f in still_open)

        # Planning again brings neither back: the cadence waits for the promise.
        planning.plan_debtors([debtor.pk], now=datetime.datetime.now(tz=SHANGHAI))
        assert scheduled(debtor, R.BROKEN_PROMISE) == []
        assert scheduled(debtor, R.DUNNING_STEP) == []

    def test_a_first_promise_cancels_the_cadence_step_only(self, debtor):
        [step] = scheduled(debtor, R.DUNNING_STEP)
        callback = FollowUpFactory(
            debtor=debtor, reason=R.CALLBACK, due_at=NOW + datetime.timedelta(days=3)
        )
        made = promise(debtor, (D(2026, 11, 9), "300"))
        assert status(step) == S.CANCELLED
        assert status(callback) == S.SCHEDULED
        event = AuditEvent.objects.get(action="promise.create", target_id=made.public_id)
        assert event.after["cancelled"] == [str(step.public_id)]

    def test_another_debtors_follow_ups_are_left_alone(
        self, debtor, personas, clock, django_capture_on_commit_callbacks
    ):
        other = FollowUpFactory(
            debtor=personas.debtor_b,
            reason=R.BROKEN_PROMISE,
            due_at=NOW + datetime.timedelta(days=11),
        )
        _broken_promise_call(debtor, clock, django_capture_on_commit_callbacks)
        promise(debtor, (D(2026, 11, 20), "300"))
        assert status(other) == S.SCHEDULED

    def test_an_older_promise_broken_after_a_newer_one_plans_no_call(
        self, debtor, clock, django_capture_on_commit_callbacks
    ):
        """Promised on the 2nd for the 9th; promised again on the 10th for the
        25th; on the 12th the first breaks: the newer promise stands, so no
        call about the old one, and the cadence stays paused for it."""
        old = promise(debtor, (D(2026, 11, 9), "300"))
        clock.move_to(datetime.datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI))
        promise(debtor, (D(2026, 11, 25), "300"))
        clock.move_to(datetime.datetime(2026, 11, 12, 10, 0, tzinfo=SHANGHAI))
        with django_capture_on_commit_callbacks(execute=True):
            promise_evaluate_due()
        old.refresh_from_db()
        assert old.status == PromiseToPay.Status.BROKEN
        assert scheduled(debtor, R.BROKEN_PROMISE) == []
        assert CadenceState.objects.get(debtor=debtor).paused_until == D(2026, 11, 27)
        debtor.refresh_from_db()
        assert debtor.status == Debtor.Status.PROMISED


class TestAPlannedVisit:
    def test_it_cancels_the_cadence_call_it_replaces_and_nothing_else(self, debtor, personas):
        [step] = scheduled(debtor, R.DUNNING_STEP)
        FollowUp.objects.filter(pk=step.pk).update(action="call")
        callback = FollowUpFactory(
            debtor=debtor, reason=R.CALLBACK, due_at=NOW + datetime.timedelta(days=2)
        )
        reminder = FollowUpFactory(
            debtor=debtor,
            action="sms",
            reason=R.PROMISE_REMINDER,
            due_at=NOW + datetime.timedelta(days=4),
        )
        other_debtor = _owing(personas.debtor_b)
        [other_step] = scheduled(other_debtor, R.DUNNING_STEP)

        visit = visit_plan(actor=personas.collector_a, debtor=debtor)

        assert visit.reason == R.VISIT and visit.status == S.SCHEDULED
        assert status(step) == S.CANCELLED
        assert status(callback) == S.SCHEDULED
        assert status(reminder) == S.SCHEDULED
        assert status(other_step) == S.SCHEDULED
        event = AuditEvent.objects.get(action="followup.visit_plan")
        assert event.after["cancelled"] == [str(step.public_id)]
        # The visit is the next step: planning adds no cadence step beside it.
        planning.plan_debtors([debtor.pk], now=NOW)
        assert scheduled(debtor, R.DUNNING_STEP) == []
        debtor.refresh_from_db()
        assert debtor.next_action_at == min(callback.due_at, reminder.due_at, visit.due_at)

    def test_planning_it_twice_cancels_nothing_more(self, debtor, personas):
        first = visit_plan(actor=personas.collector_a, debtor=debtor)
        callback = FollowUpFactory(
            debtor=debtor, reason=R.CALLBACK, due_at=NOW + datetime.timedelta(days=2)
        )
        assert visit_plan(actor=personas.collector_a, debtor=debtor) == first
        assert status(callback) == S.SCHEDULED

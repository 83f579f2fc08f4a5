"""Events around a promise to pay: made, kept, broken; and payments that
settle the debtor."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from debtors.models import Debtor
from debtors.services import debtor_refresh_summary, payment_record
from followups import events, planning, policy, timing
from followups.models import (
    CadenceState,
    EngineSettings,
    FollowUp,
    Instalment,
    PromiseToPay,
)
from followups.services import promise_evaluate_due
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2 November 2026, 09:00 in Shanghai.
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
D = datetime.date
R = FollowUp.Reason


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


@pytest.fixture
def debtor(clock, personas):
    """A forgetful debtor owing 1000.00 with a planned dunning step."""
    debtor = personas.debtor_a
    Debtor.objects.filter(pk=debtor.pk).update(debtor_type="forgetful")
    ContactFactory(debtor=debtor, mobile="+8613912345678", is_primary=True)
    InvoiceFactory(debtor=debtor, amount=Decimal("1000.00"), due_date=D(2026, 10, 20))
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    planning.plan_debtors([debtor.pk], now=NOW)
    debtor.refresh_from_db()
    return debtor


def promise(debtor, *instalments, actor=None, **kwargs) -> PromiseToPay:
    return events.promise_create(
        actor=actor or debtor.assigned_collector,
        debtor=debtor,
        instalments=[(day, Decimal(amount)) for day, amount in instalments],
        **kwargs,
    )


def open_followups(debtor, reason=None):
    rows = debtor.followups.filter(status="scheduled")
    return list(rows.filter(reason=reason) if reason else rows)


def dunning(debtor) -> FollowUp:
    return debtor.followups.get(reason=R.DUNNING_STEP)


def local(moment):
    return moment.astimezone(SHANGHAI)


def allowed(debtor, followup, **kwargs):
    contact = debtor.contacts.first()
    return policy.contact_check(
        debtor, followup.action, at=followup.due_at, contact=contact, **kwargs
    )


class TestPromiseValidation:
    @pytest.mark.parametrize(
        ("instalments", "message"),
        [
            ([(D(2026, 11, 1), "300")], "2026-11-01 is in the past"),
            ([(D(2026, 11, 9), "0")], "must be more than zero"),
            ([(D(2026, 11, 9), "-5")], "must be more than zero"),
            ([(D(2026, 11, 9), "300"), (D(2026, 11, 9), "200")], "same day"),
            ([(D(2026, 11, 9), "600"), (D(2026, 11, 16), "400.01")], "more than the open balance"),
        ],
    )
    def test_it_refuses_a_bad_promise_and_changes_nothing(self, debtor, instalments, message):
        step = dunning(debtor)
        with pytest.raises(ValidationError) as error:
            promise(debtor, *instalments)
        assert any(message in text for text in error.value.messages)
        assert not PromiseToPay.objects.exists()
        assert not Instalment.objects.exists()
        assert list(debtor.followups.all()) == [step]
        step.refresh_from_db()
        assert step.status == FollowUp.Status.SCHEDULED
        debtor.refresh_from_db()
        assert debtor.status == Debtor.Status.ACTIVE
        assert CadenceState.objects.get(debtor=debtor).paused_until is None
        assert not AuditEvent.objects.filter(action="promise.create").exists()

    def test_today_is_the_debtors_today(self, debtor, clock):
        # 20:00 UTC on 1 November is already 2 November in Shanghai.
        clock.move_to(datetime.datetime(2026, 11, 1, 20, 0, tzinfo=datetime.UTC))
        with pytest.raises(ValidationError):
            promise(debtor, (D(2026, 11, 1), "300"))
        assert promise(debtor, (D(2026, 11, 2), "300")).total_amount == Decimal("300.00")

    def test_more_than_the_balance_is_accepted_once_confirmed(self, debtor):
        made = promise(debtor, (D(2026, 11, 9), "1200"), confirm_over_balance=True)
        assert made.total_amount == Decimal("1200.00")
        assert made.status == PromiseToPay.Status.PENDING


class TestPromiseMade:
    def test_it_pauses_the_cadence_confirms_and_plans_a_reminder_per_instalment(self, debtor):
        step = dunning(debtor)
        made = promise(debtor, (D(2026, 11, 16), "200"), (D(2026, 11, 9), "300"))

        assert [(i.sequence, i.due_date, i.amount) for i in made.instalments.all()] == [
            (1, D(2026, 11, 9), Decimal("300.00")),
            (2, D(2026, 11, 16), Decimal("200.00")),
        ]
        assert made.total_amount == Decimal("500.00")
        assert made.reminder_channel == "sms"  # forgetful debtors get an SMS
        debtor.refresh_from_db()
        assert debtor.status == Debtor.Status.PROMISED
        state = CadenceState.objects.get(debtor=debtor)
        assert state.paused_until == D(2026, 11, 18)  # last instalment + grace days
        step.refresh_from_db()
        assert step.status == FollowUp.Status.CANCELLED

        [confirmation] = open_followups(debtor, R.PROMISE_CONFIRMATION)
        assert confirmation.action == "sms"
        assert confirmation.promise == made
        assert NOW < confirmation.due_at <= NOW + datetime.timedelta(hours=6)
        assert allowed(debtor, confirmation) == []

        reminders = open_followups(debtor, R.PROMISE_REMINDER)
        assert sorted(r.instalment.sequence for r in reminders) == [1, 2]
        for reminder in reminders:
            due = reminder.instalment.due_date
            assert reminder.action == "sms"
            assert reminder.promise == made
            assert local(reminder.due_at).date() >= due - datetime.timedelta(days=2)
            assert local(reminder.due_at) < datetime.datetime.combine(
                due, datetime.time(12), tzinfo=SHANGHAI
            )
            assert allowed(debtor, reminder) == []

        event = AuditEvent.objects.get(action="promise.create")
        assert event.target_id == made.public_id
        assert event.after["instalments"] == [["2026-11-09", "300.00"], ["2026-11-16", "200.00"]]
        assert debtor.next_action_at == confirmation.due_at

    def test_the_cadence_stays_paused_while_the_promise_runs(self, debtor, clock):
        promise(debtor, (D(2026, 11, 9), "300"))
        later = NOW + datetime.timedelta(days=3)
        counts = planning.plan_debtors([debtor.pk], now=later)
        assert counts["promise_paused"] == 1
        assert open_followups(debtor, R.DUNNING_STEP) == []

    def test_a_reminder_for_each_instalment_even_a_day_apart(self, debtor):
        made = promise(debtor, (D(2026, 11, 10), "300"), (D(2026, 11, 11), "200"))
        reminders = open_followups(debtor, R.PROMISE_REMINDER)
        assert sorted(r.instalment_id for r in reminders) == sorted(
            made.instalments.values_list("id", flat=True)
        )

    def test_a_call_reminder_gets_no_written_confirmation(self, debtor):
        promise(debtor, (D(2026, 11, 9), "300"), reminder_channel="call")
        assert open_followups(debtor, R.PROMISE_CONFIRMATION) == []
        [reminder] = open_followups(debtor, R.PROMISE_REMINDER)
        assert reminder.action == "call"
        assert allowed(debtor, reminder) == []


class TestPromiseKept:
    @pytest.mark.parametrize("named_contact", [True, False])
    def test_a_payment_that_keeps_it_thanks_them_and_ends_the_pause(
        self, debtor, clock, django_capture_on_commit_callbacks, named_contact
    ):
        # Without a named contact the promise's reminders go to the primary
        # contact; the thank-you must reach them the same way.
        contact = debtor.contacts.get() if named_contact else None
        made = promise(debtor, (D(2026, 11, 9), "300"), (D(2026, 11, 16), "200"), contact=contact)
        reminders = open_followups(debtor, R.PROMISE_REMINDER)
        paid_at = datetime.datetime(2026, 11, 5, 10, 0, tzinfo=SHANGHAI)  # Thursday
        clock.move_to(paid_at)
        with django_capture_on_commit_callbacks(execute=True):
            payment_record(
                actor=None, debtor=debtor, amount=Decimal("500"), received_on=D(2026, 11, 5)
            )
        made.refresh_from_db()
        assert made.status == PromiseToPay.Status.KEPT
        for reminder in reminders:
            reminder.refresh_from_db()
            assert reminder.status == FollowUp.Status.CANCELLED
        [thanks] = open_followups(debtor, R.PROMISE_THANKS)
        assert thanks.action == "sms"
        assert paid_at < thanks.due_at <= paid_at + datetime.timedelta(days=1)
        assert allowed(debtor, thanks) == []
        debtor.refresh_from_db()
        assert debtor.status == Debtor.Status.ACTIVE
        assert CadenceState.objects.get(debtor=debtor).paused_until is None
        assert AuditEvent.objects.filter(action="promise.evaluate").exists()

    def test_a_payment_that_settles_everything_cancels_the_open_follow_ups(
        self, debtor, clock, django_capture_on_commit_callbacks
    ):
        promise(debtor, (D(2026, 11, 9), "300"))
        clock.move_to(datetime.datetime(2026, 11, 5, 10, 0, tzinfo=SHANGHAI))
        with django_capture_on_commit_callbacks(execute=True):
            payment_record(
                actor=None, debtor=debtor, amount=Decimal("1000"), received_on=D(2026, 11, 5)
            )
        debtor.refresh_from_db()
        assert debtor.open_balance == Decimal("0.00")
        assert {f.reason for f in open_followups(debtor)} == {R.PROMISE_THANKS}
        assert not debtor.followups.filter(
            status="scheduled", reason__in=[R.PROMISE_REMINDER, R.PROMISE_CONFIRMATION]
        ).exists()
        [thanks] = open_followups(debtor)
        assert debtor.next_action_at == thanks.due_at

    def test_settling_without_a_promise_cancels_the_dunning_step(
        self, debtor, clock, django_capture_on_commit_callbacks
    ):
        step = dunning(debtor)
        with django_capture_on_commit_callbacks(execute=True):
            payment_record(
                actor=None, debtor=debtor, amount=Decimal("1000"), received_on=D(2026, 11, 2)
            )
        step.refresh_from_db()
        assert step.status == FollowUp.Status.CANCELLED
        debtor.refresh_from_db()
        assert debtor.next_action_at is None


class TestPromiseBroken:
    def test_a_broken_promise_escalates_one_step_and_plans_a_call(
        self, debtor, clock, django_capture_on_commit_callbacks
    ):
        made = promise(debtor, (D(2026, 11, 9), "300"), (D(2026, 11, 16), "200"))
        reminders = open_followups(debtor, R.PROMISE_REMINDER)
        debtor.followups.filter(reason=R.PROMISE_CONFIRMATION).update(status="done")
        # Thursday 12 November: the first instalment plus the grace days has passed.
        late = datetime.datetime(2026, 11, 12, 10, 0, tzinfo=SHANGHAI)
        clock.move_to(late)
        with django_capture_on_commit_callbacks(execute=True):  # the call is planned on commit
            assert promise_evaluate_due() == {"broken": 1}
        made.refresh_from_db()
        assert made.status == PromiseToPay.Status.BROKEN
        for reminder in reminders:
            reminder.refresh_from_db()
            assert reminder.status == FollowUp.Status.CANCELLED
        state = CadenceState.objects.get(debtor=debtor)
        assert (state.next_sequence, state.paused_until) == (2, None)
        debtor.refresh_from_db()
        assert debtor.status == Debtor.Status.ACTIVE

        [call] = open_followups(debtor, R.BROKEN_PROMISE)
        assert call.action == "call"
        assert call.promise == made
        assert late < call.due_at <= late + datetime.timedelta(days=1)
        assert allowed(debtor, call) == []
        # A negotiation call: in the afternoon, and it says so.
        assert local(call.due_at).hour >= 14
        assert "good for negotiating" in timing.explain(call.slot_explain)
        assert debtor.next_action_at == call.due_at

        # The broken-promise call is the next step: the cadence adds nothing beside it.
        assert planning.plan_debtors([debtor.pk], now=late)["kept"] == 1
        assert open_followups(debtor, R.DUNNING_STEP) == []

    def test_nothing_breaks_within_the_grace_days(self, debtor, clock):
        made = promise(debtor, (D(2026, 11, 9), "300"))
        clock.move_to(datetime.datetime(2026, 11, 11, 10, 0, tzinfo=SHANGHAI))
        promise_evaluate_due()
        made.refresh_from_db()
        assert made.status == PromiseToPay.Status.PENDING
        assert open_followups(debtor, R.BROKEN_PROMISE) == []


def test_a_settled_debtor_without_followups_is_left_alone(clock):
    debtor = DebtorFactory()
    events.on_payments([debtor.pk])
    debtor.refresh_from_db()
    assert debtor.next_action_at is None

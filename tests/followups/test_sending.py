"""Sending reminders: claims, the send transaction, retries, policy at send time."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from debtors.services import debtor_refresh_summary
from followups.channels import ProviderPermanentError, ProviderTemporaryError, sms
from followups.models import FollowUp, Interaction
from followups.sending import (
    MAX_ATTEMPTS,
    followup_retry,
    followup_send,
    followups_claim_due,
    followups_sweep,
)
from followups.services import followup_override_policy
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.followups.factories import FollowUpFactory, InteractionFactory

pytestmark = pytest.mark.django_db

# Tuesday 10:00 in Shanghai: inside every pack's hours and the debtor's.
TUESDAY_10 = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _tuesday_morning():
    with time_machine.travel(TUESDAY_10, tick=False):
        yield


def _due(action="sms", **fields):
    debtor = fields.pop("debtor", None) or DebtorFactory(language="en")
    if not debtor.contacts.exists():
        ContactFactory(debtor=debtor, is_primary=True, mobile="+8613900000001")
    InvoiceFactory(debtor=debtor, amount=Decimal("800.00"))
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    return FollowUpFactory(
        debtor=debtor, action=action, due_at=timezone.now() - dt.timedelta(minutes=5), **fields
    )


def test_a_due_reminder_is_claimed_sent_and_recorded_once():
    followup = _due("sms")
    later = FollowUpFactory(
        debtor=followup.debtor, action="sms", due_at=timezone.now() + dt.timedelta(hours=1)
    )
    call = FollowUpFactory(
        debtor=followup.debtor, action="call", due_at=timezone.now() - dt.timedelta(hours=1)
    )

    assert followups_claim_due() == [followup.pk]  # not the future one, not the call
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.CLAIMED and followup.lease_until > timezone.now()

    assert followup_send(followup.pk) == "sent"
    assert followup_send(followup.pk) == "skipped"  # a redelivered task changes nothing
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.DONE and followup.attempts == 1
    assert followup.interaction.outcome == Interaction.Outcome.SENT
    assert followup.interaction.channel == "sms" and followup.interaction.user is None
    assert [m.idempotency_key for m in sms.outbox] == [str(followup.public_id)]
    assert sms.outbox[0].to == "+8613900000001"
    assert "/o/" in sms.outbox[0].body  # the opt-out link
    assert Interaction.objects.filter(debtor=followup.debtor).count() == 1
    later.refresh_from_db()
    call.refresh_from_db()
    assert later.status == call.status == FollowUp.Status.SCHEDULED


def test_an_email_reminder_goes_out_in_the_debtors_language():
    debtor = DebtorFactory(language="zh-hans")
    ContactFactory(debtor=debtor, is_primary=True, email="caiwu@example.cn")
    followup = _due("email", debtor=debtor)
    followups_claim_due()
    assert followup_send(followup.pk) == "sent"
    (message,) = mail.outbox
    assert message.to == ["caiwu@example.cn"]
    assert message.extra_headers["X-Idempotency-Key"] == str(followup.public_id)
    html = message.alternatives[0][0]
    assert 'lang="zh' in html
    followup.refresh_from_db()
    assert followup.interaction.external_id == message.extra_headers["Message-ID"]


def test_claims_skip_rows_another_dispatcher_holds():
    first, second = _due(), _due()
    assert sorted(followups_claim_due()) == sorted([first.pk, second.pk])
    assert followups_claim_due() == []  # already claimed: nothing twice


def test_a_provider_hiccup_retries_later_and_then_fails_for_managers(monkeypatch):
    followup = _due()

    def flaky(self, message):
        raise ProviderTemporaryError("503 from provider")

    monkeypatch.setattr(sms.LocmemSmsBackend, "send", flaky)
    followups_claim_due()
    assert followup_send(followup.pk) == "retry"
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.SCHEDULED
    assert followup.due_at == timezone.now() + dt.timedelta(minutes=1)
    assert followup.attempts == 1 and "503" in followup.last_error
    assert not Interaction.objects.exists()

    results = []
    for _ in range(MAX_ATTEMPTS - 1):
        FollowUp.objects.filter(pk=followup.pk).update(due_at=timezone.now())
        followups_claim_due()
        results.append(followup_send(followup.pk))
    assert results[-1] == "failed" and set(results[:-1]) == {"retry"}
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.FAILED and followup.attempts == MAX_ATTEMPTS
    assert not Interaction.objects.exists()


def test_a_permanent_provider_error_fails_at_once_and_a_manager_can_retry(monkeypatch, personas):
    followup = _due(debtor=personas.debtor_a)

    def refused(self, message):
        raise ProviderPermanentError("number does not exist")

    monkeypatch.setattr(sms.LocmemSmsBackend, "send", refused)
    followups_claim_due()
    assert followup_send(followup.pk) == "failed"
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.FAILED and "does not exist" in followup.last_error

    monkeypatch.undo()
    followup_retry(actor=personas.manager, followup=followup)
    assert followups_claim_due() == [followup.pk]
    assert followup_send(followup.pk) == "sent"


def test_a_reminder_with_no_address_fails_with_the_reason():
    debtor = DebtorFactory()
    ContactFactory(debtor=debtor, is_primary=True, mobile="", email="")
    followup = _due("sms", debtor=debtor)
    followups_claim_due()
    assert followup_send(followup.pk) == "failed"
    followup.refresh_from_db()
    assert "no address" in followup.last_error and not sms.outbox


@pytest.mark.parametrize(
    ("change", "word"),
    [({"do_not_contact": True}, "do not contact"), ({"cease_contact": True}, "cease")],
)
def test_do_not_contact_and_cease_cancel_the_reminder(change, word):
    followup = _due()
    type(followup.debtor).objects.filter(pk=followup.debtor_id).update(**change)
    followups_claim_due()
    assert followup_send(followup.pk) == "cancelled"
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.CANCELLED and not sms.outbox
    assert followup.last_error


def test_an_opted_out_number_gets_nothing():
    followup = _due()
    followup.debtor.contacts.update(opted_out_channels=["sms"])
    followups_claim_due()
    assert followup_send(followup.pk) == "cancelled"
    assert not sms.outbox


def test_outside_the_lawful_hours_the_reminder_moves_to_the_next_allowed_slot():
    followup = _due()
    with time_machine.travel(dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC), tick=False):
        # 23:00 in Shanghai
        followups_claim_due()
        assert followup_send(followup.pk) == "rescheduled"
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.SCHEDULED and not sms.outbox
    local = followup.due_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert local.date() == dt.date(2026, 11, 25) and local.hour >= 9
    assert followup.slot_explain and followup.last_error


def test_caps_stop_a_reminder_unless_a_manager_lifts_them_once(personas):
    followup = _due(debtor=personas.debtor_a)
    for hours in (1, 2, 3):  # the B2B pack allows 3 messages in 7 days
        InteractionFactory(
            debtor=personas.debtor_a,
            channel="sms",
            outcome=Interaction.Outcome.SENT,
            started_at=timezone.now() - dt.timedelta(hours=hours),
        )
    followups_claim_due()
    assert followup_send(followup.pk) == "rescheduled"
    followup.refresh_from_db()
    assert followup.due_at > timezone.now() + dt.timedelta(days=1)

    followup_override_policy(actor=personas.manager, followup=followup, reason="Asked for it")
    FollowUp.objects.filter(pk=followup.pk).update(due_at=timezone.now())
    followups_claim_due()
    assert followup_send(followup.pk) == "sent"


def test_the_override_needs_a_reason(personas):
    from django.core.exceptions import ValidationError

    followup = _due(debtor=personas.debtor_a)
    with pytest.raises(ValidationError):
        followup_override_policy(actor=personas.manager, followup=followup, reason="  ")
    followup.refresh_from_db()
    assert followup.policy_override_reason == ""


def test_the_sweeper_frees_claims_whose_lease_ended_and_gives_up_on_a_poisoned_one():
    followup, stuck = _due(), _due()
    followups_claim_due()
    assert followups_sweep() == 0  # leases still running
    FollowUp.objects.filter(pk=stuck.pk).update(attempts=MAX_ATTEMPTS - 1)
    with time_machine.travel(TUESDAY_10 + dt.timedelta(hours=1), tick=False):
        assert followups_sweep() == 1
    followup.refresh_from_db()
    stuck.refresh_from_db()
    assert followup.status == FollowUp.Status.SCHEDULED and followup.attempts == 1
    assert followup.lease_until is None
    assert stuck.status == FollowUp.Status.FAILED


def test_a_sent_dunning_step_moves_the_cadence_on():
    from followups.models import CadenceState, CadenceStep

    debtor = DebtorFactory(debtor_type="forgetful")
    step = CadenceStep.objects.get(cadence__debtor_type="forgetful", sequence=1)
    followup = _due(debtor=debtor, cadence_step=step)
    followups_claim_due()
    followup_send(followup.pk)
    state = CadenceState.objects.get(debtor=debtor)
    assert state.next_sequence == 2 and state.last_step_done_at == timezone.now()


@pytest.mark.parametrize(("amounts", "plan"), [(["300.00", "500.00"], True), (["800.00"], False)])
def test_a_reminder_for_one_instalment_of_several_may_use_the_plans_words(
    monkeypatch, amounts, plan
):
    from followups import sending
    from tests.followups.factories import InstalmentFactory, PromiseToPayFactory

    seen = []
    real = sending.compose
    monkeypatch.setattr(sending, "compose", lambda **kw: seen.append(kw) or real(**kw))
    debtor = DebtorFactory(language="en")
    promise = PromiseToPayFactory(debtor=debtor, total_amount=Decimal("800.00"))
    instalments = [
        InstalmentFactory(
            promise=promise,
            sequence=n + 1,
            amount=Decimal(a),
            due_date=timezone.localdate() + dt.timedelta(days=3 + n),
        )
        for n, a in enumerate(amounts)
    ]
    followup = _due(
        "sms", debtor=debtor, reason="promise_reminder", promise=promise, instalment=instalments[0]
    )
    followups_claim_due()
    assert followup_send(followup.pk) == "sent"
    assert seen[0]["instalment_plan"] is plan
    assert seen[0]["promise_amount"] == instalments[0].amount

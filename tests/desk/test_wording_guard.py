"""Forbidden wording never leaves the building: a note with a threat is not
saved by any path, a reminder whose stored track breaks the rules is not
sent, and stored text the guard forbids is withheld from the visit pack."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from debtors.services import debtor_refresh_summary
from desk.visit_pack import visit_pack_context
from followups.channels import sms
from followups.models import FollowUp, Interaction
from followups.outcomes import interaction_log
from followups.sending import followup_send, followups_claim_due
from scripts_library.models import TalkTrack
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.followups.factories import FollowUpFactory, InteractionFactory
from tests.scripts_library.factories import PhraseRuleFactory, TalkTrackFactory

pytestmark = pytest.mark.django_db

TUESDAY_10 = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
THREAT = "Pay this week, or you will regret it dearly."


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TUESDAY_10, tick=False):
        yield


@pytest.fixture
def rule():
    # The managers' own rule: whatever the built-in detector knows, this is caught.
    return PhraseRuleFactory(
        phrase="regret it dearly",
        language="en",
        severity="forbidden",
        category="threat",
        reason="A threat.",
        suggestion="Say the next lawful step.",
    )


def test_the_service_refuses_a_note_with_forbidden_wording(rule):
    debtor = DebtorFactory(language="en")
    with pytest.raises(ValidationError) as refused:
        interaction_log(
            actor=debtor.assigned_collector,
            debtor=debtor,
            outcome="refused",
            idempotency_key="k-threat",
            notes=f"Told them: {THREAT}",
        )
    assert "regret it dearly" in str(refused.value.message_dict["notes"])
    assert "Say the next lawful step." in str(refused.value.message_dict["notes"])
    assert not Interaction.objects.exists()


def test_a_reminder_whose_stored_track_threatens_is_not_sent(rule):
    debtor = DebtorFactory(language="en", debtor_type="forgetful")
    ContactFactory(debtor=debtor, is_primary=True, mobile="+8613900000001")
    InvoiceFactory(debtor=debtor, amount=Decimal("800.00"))
    debtor_refresh_summary(debtor_ids=[debtor.pk])
    # The only SMS track, stored straight in the table as a track saved before
    # the rule existed.
    TalkTrack.objects.filter(stage="sms").delete()
    TalkTrackFactory(debtor_type="forgetful", stage="sms", channel="sms", body=THREAT)
    followup = FollowUpFactory(
        debtor=debtor, action="sms", due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert followups_claim_due() == [followup.pk]
    assert followup_send(followup.pk) == "failed"
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.FAILED
    assert "forbidden wording" in followup.last_error and "regret" in followup.last_error
    assert sms.outbox == []
    assert not Interaction.objects.filter(debtor=debtor).exists()


def test_the_visit_pack_withholds_stored_text_the_guard_forbids(rule):
    debtor = DebtorFactory(language="en")
    contact = ContactFactory(debtor=debtor, notes=f"Owner said: {THREAT}")
    fine = ContactFactory(debtor=debtor, notes="Prefers calls after 2 pm.")
    InteractionFactory(debtor=debtor, outcome="refused", notes=f"Collector wrote: {THREAT}")
    InteractionFactory(debtor=debtor, outcome="refused", notes="Asked for a copy invoice.")
    context = visit_pack_context(debtor=debtor, user=debtor.assigned_collector)
    printed = " ".join(f"{row.title} {row.detail}" for row in context["history"])
    notes = {c.pk: c.pack_notes for c in context["contacts"]}
    assert "regret" not in printed and "regret" not in notes[contact.pk]
    assert "withheld" in printed and "withheld" in notes[contact.pk]
    assert "Asked for a copy invoice." in printed
    assert notes[fine.pk] == "Prefers calls after 2 pm."


def test_the_script_panel_withholds_a_stored_track_the_guard_forbids(rule):
    from scripts_library.views import script_panel_context

    debtor = DebtorFactory(language="en", debtor_type="forgetful")
    TalkTrack.objects.filter(stage="opening").delete()
    TalkTrackFactory(debtor_type="forgetful", stage="opening", channel="call", body=THREAT)
    context = script_panel_context(user=debtor.assigned_collector, debtor=debtor, stage="opening")
    assert "regret" not in context["panel_text"] and "withheld" in context["panel_text"]

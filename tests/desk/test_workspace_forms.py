"""The workspace's writes: logging an outcome (idempotency, tone guard), the
callback, promise, dispute, type and escalation forms."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from debtors.models import Debtor, Dispute
from desk.workspace_forms import instalments_suggest
from followups.models import FollowUp, Interaction, PromiseToPay
from tests.desk.helpers import HTMX, NOW, log, page, promise, url
from tests.followups.factories import FollowUpFactory
from tests.scripts_library.factories import PhraseRuleFactory

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ logging


def test_logging_completes_the_due_call_and_shows_the_planned_next_step(alice, personas, debtor):
    due = FollowUpFactory(debtor=debtor, due_at=NOW - dt.timedelta(hours=1), reason="dunning_step")
    response = log(alice, debtor, outcome="no_answer")
    body = response.content.decode()
    assert response.status_code == 200
    interaction = Interaction.objects.get()
    assert interaction.outcome == "no_answer" and not interaction.right_party_contact
    due.refresh_from_db()
    assert due.status == FollowUp.Status.DONE and due.interaction == interaction
    planned = FollowUp.objects.get(status=FollowUp.Status.SCHEDULED)
    assert planned.due_at > NOW
    assert 'data-testid="ws-next-step"' in body and planned.get_reason_display() in body
    assert "their time" in body  # why this moment
    assert 'hx-swap-oob="true"' in body  # timeline and plan refreshed
    assert reverse("desk:queue-next") in body


def test_a_conversation_is_a_right_party_contact(alice, debtor):
    log(alice, debtor, outcome="right_party", contact=debtor.contacts.get().pk)
    interaction = Interaction.objects.get()
    assert interaction.right_party_contact and interaction.contact.name == "Li Na"


def test_a_complaint_is_flagged_for_the_managers_complaint_rate(alice, debtor):
    log(alice, debtor, outcome="refused", notes="Says we call too often", is_complaint="on")
    log(alice, debtor, outcome="right_party", idempotency_key="k-2")
    flags = list(
        Interaction.objects.order_by("started_at", "pk").values_list("is_complaint", flat=True)
    )
    assert flags == [True, False]


def test_a_complaint_needs_someone_on_the_line(alice, debtor):
    body = log(alice, debtor, outcome="no_answer", is_complaint="on").content.decode()
    assert "A complaint needs someone on the line" in body
    assert not Interaction.objects.exists()


def test_a_double_submit_logs_once_and_answers_the_same(alice, debtor):
    first = log(alice, debtor, outcome="busy").content.decode()
    second = log(alice, debtor, outcome="busy").content.decode()
    assert Interaction.objects.count() == 1
    assert "already saved" in second
    step = FollowUp.objects.get(status=FollowUp.Status.SCHEDULED)
    assert step.get_reason_display() in first and step.get_reason_display() in second


def test_forbidden_wording_is_never_saved_even_when_confirmed(alice, debtor):
    PhraseRuleFactory(
        phrase="pay up or else",
        severity="forbidden",
        category="threat",
        reason="A threat.",
        suggestion="Say what happens next, factually.",
    )
    notes = "Told him to pay up or else"
    for confirm in ("", "1"):
        body = log(alice, debtor, outcome="refused", notes=notes, confirm=confirm).content.decode()
        assert 'data-testid="tone-blocked"' in body and "pay up or else" in body
        assert "Say what happens next, factually." in body
        assert 'data-testid="ws-save-anyway"' not in body
    assert Interaction.objects.count() == 0
    log(alice, debtor, outcome="refused", notes="Refused; said the next step is a letter.")
    assert Interaction.objects.get().notes == "Refused; said the next step is a letter."


def test_discouraged_wording_warns_before_saving_and_saves_after_confirming(alice, debtor):
    PhraseRuleFactory(
        phrase="final chance",
        severity="discouraged",
        category="lecturing",
        reason="Sounds like pressure.",
        suggestion="Give the date and the next step.",
    )
    notes = "Told her this is the final chance"
    body = log(alice, debtor, outcome="refused", notes=notes).content.decode()
    assert 'data-testid="tone-warnings"' in body and 'data-testid="ws-save-anyway"' in body
    assert 'data-testid="tone-blocked"' not in body
    assert Interaction.objects.count() == 0
    log(alice, debtor, outcome="refused", notes=notes, confirm="1")
    interaction = Interaction.objects.get()
    assert interaction.notes == notes
    assert interaction.compliance_flags[0]["category"] == "lecturing"


def test_the_outcome_is_required(alice, debtor):
    body = log(alice, debtor).content.decode()
    assert "Choose what happened on the call." in body
    assert Interaction.objects.count() == 0


def test_no_answer_then_next_without_js_goes_on_to_the_queue(alice, debtor):
    response = alice.post(url("ws-log", debtor), {"quick": "no_answer", "idempotency_key": "q"})
    assert response.status_code == 307
    assert response["Location"] == reverse("desk:queue-next")
    assert Interaction.objects.get().outcome == "no_answer"


def test_no_answer_then_next_with_htmx_submits_next_by_itself(alice, debtor):
    body = log(alice, debtor, quick="no_answer").content.decode()
    assert "data-ws-autosubmit" in body


def test_a_callback_outcome_plans_the_call_at_the_time_asked(alice, debtor):
    # Tomorrow (Friday) 15:00 in Shanghai = 07:00 UTC.
    log(alice, debtor, outcome="callback", callback_at="2026-11-27T15:00")
    callback = FollowUp.objects.get(reason=FollowUp.Reason.CALLBACK)
    assert callback.due_at == dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC)
    assert not FollowUp.objects.filter(reason="dunning_step", status="scheduled").exists()


def test_a_callback_in_quiet_hours_is_refused_and_nothing_is_logged(alice, debtor):
    body = log(alice, debtor, outcome="callback", callback_at="2026-11-27T20:00").content.decode()
    assert "outside the allowed hours" in body
    assert Interaction.objects.count() == 0
    assert not FollowUp.objects.filter(reason=FollowUp.Reason.CALLBACK).exists()


# ------------------------------------------------------------------ callback form


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-11-26T09:00", "That time has passed"),
        ("2026-11-27T22:00", "outside the allowed hours"),
        ("2026-11-28T10:00", "contact policy keeps quiet"),  # Saturday
    ],
)
def test_the_callback_form_refuses_past_and_forbidden_times(alice, debtor, at, message):
    body = alice.post(url("ws-callback", debtor), {"at": at}, **HTMX).content.decode()
    assert message in body
    assert not FollowUp.objects.filter(reason=FollowUp.Reason.CALLBACK).exists()


def test_the_callback_form_schedules_in_the_debtors_time(alice, debtor):
    body = alice.post(url("ws-callback", debtor), {"at": "2026-11-27T12:30"}, **HTMX)
    assert 'data-testid="ws-callback-result"' in body.content.decode()
    callback = FollowUp.objects.get(reason=FollowUp.Reason.CALLBACK)
    assert callback.due_at == dt.datetime(2026, 11, 27, 4, 30, tzinfo=dt.UTC)  # their lunch: asked


# ------------------------------------------------------------------ promise


def test_a_promise_in_the_past_is_refused(alice, debtor):
    body = promise(alice, debtor, [("2026-11-20", "100")])
    assert "is in the past" in body
    assert PromiseToPay.objects.count() == 0 and Interaction.objects.count() == 0


def test_a_promise_above_the_balance_needs_the_confirmation(alice, debtor):
    body = promise(alice, debtor, [("2026-12-01", "9000")])
    assert "more than the open balance" in body
    assert PromiseToPay.objects.count() == 0
    body = promise(alice, debtor, [("2026-12-01", "9000")], confirm_over_balance="on")
    assert 'data-testid="ws-promise-result"' in body
    assert PromiseToPay.objects.get().total_amount == Decimal("9000.00")


def test_instalments_must_add_up_and_fall_on_different_days(alice, debtor):
    body = promise(alice, debtor, [("2026-12-01", "100"), ("2026-12-08", "100")], total="300")
    assert "add up to 200.00, not the promised 300.00" in body
    body = promise(alice, debtor, [("2026-12-01", "100"), ("2026-12-01", "100")])
    assert "same day" in body
    assert PromiseToPay.objects.count() == 0


def test_a_refused_promise_keeps_the_rows_with_each_error_beside_its_input(alice, debtor):
    rows = [("2026-12-01", "100"), ("2026-12-08", "abc"), ("2026-12-40", "5")]
    body = promise(alice, debtor, rows, total="105")
    assert 'value="abc"' in body and 'value="2026-12-40"' in body and 'value="100"' in body
    assert body.count('data-testid="ws-instalment-row-error"') == 2
    assert "abc is not an amount." in body and "2026-12-40 is not a date." in body
    assert re.search(r'name="amount_1"[^>]*aria-invalid="true"[^>]*autofocus', body)
    assert "add up to" not in body  # a plan with a row that does not parse is not summed
    body = promise(alice, debtor, [("2026-12-01", "9" * 15)])  # more than the money columns hold
    assert f"{'9' * 15} is not an amount." in body
    body = promise(alice, debtor, [("2026-12-01", "100")], total="300")
    assert 'data-testid="ws-instalment-errors"' in body and "add up to 100.00" in body
    assert re.search(r'name="date_0"[^>]*autofocus', body)
    assert PromiseToPay.objects.count() == 0 and Interaction.objects.count() == 0


def test_a_promise_from_a_call_is_logged_once_with_its_instalments(alice, debtor):
    rows = [("2026-12-01", "500"), ("2026-12-15", "500")]
    body = promise(alice, debtor, rows, total="1000", reminder_channel="email")
    # The timeline and the planned steps are swapped in out of band.
    assert 'id="ws-timeline" data-testid="timeline" hx-swap-oob="true"' in body
    assert '<div id="ws-planned" hx-swap-oob="true">' in body
    assert "2026-12-01 ¥500.00, 2026-12-15 ¥500.00" in body
    promise(alice, debtor, rows, total="1000", reminder_channel="email")  # double submit
    made = PromiseToPay.objects.get()
    assert made.reminder_channel == "email"
    assert [i.amount for i in made.instalments.order_by("sequence")] == [Decimal("500.00")] * 2
    assert made.interaction.outcome == Interaction.Outcome.PROMISE
    assert Interaction.objects.count() == 1


def test_the_promise_form_suggests_an_even_split(alice, debtor):
    body = promise(
        alice,
        debtor,
        [],
        total="1000",
        count="3",
        frequency="monthly",
        first_date="2026-12-31",
        action="suggest",
    )
    assert 'value="2027-02-28"' in body and 'value="333.34"' in body
    assert re.search(r'name="date_0"[^>]*autofocus', body)  # the focus goes to the plan
    assert PromiseToPay.objects.count() == 0
    body = promise(alice, debtor, [], first_date="2026-12-31", action="suggest")
    assert re.search(r'<input[^>]*name="total"[^>]*autofocus', body)  # what is missing
    assert instalments_suggest(
        total=Decimal("100"), count=2, first=dt.date(2026, 12, 1), frequency="weekly"
    ) == [(dt.date(2026, 12, 1), Decimal("50.00")), (dt.date(2026, 12, 8), Decimal("50.00"))]


# ------------------------------------------------------------------ dispute


def test_a_dispute_needs_an_invoice(alice, debtor):
    body = alice.post(
        url("ws-dispute", debtor),
        {"category": "invoice_error", "disputed_amount": "100", "description": "Wrong price"},
        **HTMX,
    ).content.decode()
    assert "Choose at least one invoice" in body
    assert Dispute.objects.count() == 0


def test_a_dispute_asks_for_the_undisputed_part_and_escalates_in_one_click(alice, personas, debtor):
    invoice = debtor.invoices.get(number="INV-1")
    body = alice.post(
        url("ws-dispute", debtor),
        {
            "category": "invoice_error",
            "invoices": [invoice.pk],
            "disputed_amount": "400",
            "description": "Wrong price on line 2",
        },
        **HTMX,
    ).content.decode()
    dispute = Dispute.objects.get()
    assert 'data-testid="ws-undisputed"' in body and "¥2,100.00" in body
    assert '<div id="ws-planned" hx-swap-oob="true">' in body
    assert 'hx-swap-oob="true"' in body and "Wrong price on line 2" in body  # the timeline
    body = alice.post(url("ws-dispute-escalate", debtor, dispute.public_id), **HTMX)
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.ESCALATED and dispute.owner == personas.manager
    assert personas.manager.display_name in body.content.decode()


def test_a_dispute_of_another_debtor_is_404(alice, personas, debtor):
    other = Dispute.objects.create(
        debtor=personas.debtor_b, category="other", disputed_amount=Decimal("1"), description="x"
    )
    response = alice.post(url("ws-dispute-escalate", debtor, other.public_id))
    assert response.status_code == 404


# ------------------------------------------------------------------ type, escalation


def test_changing_the_type_keeps_the_reason_on_the_page(alice, debtor):
    response = alice.post(
        url("ws-type", debtor), {"debtor_type": "hardship", "reason": "Cash is short"}, **HTMX
    )
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    debtor.refresh_from_db()
    assert debtor.debtor_type == "hardship"
    assert "Cash is short" in page(alice, debtor)


def test_a_type_change_needs_a_reason(alice, debtor):
    body = alice.post(url("ws-type", debtor), {"debtor_type": "hardship"}, **HTMX)
    assert 'data-testid="field-error"' in body.content.decode()
    debtor.refresh_from_db()
    assert debtor.debtor_type == "unknown"


def test_escalating_to_the_manager_plans_their_call_at_a_good_slot(alice, personas, debtor):
    body = alice.post(
        url("ws-escalate", debtor), {"target": "manager", "reason": "Third broken promise"}, **HTMX
    ).content.decode()
    followup = FollowUp.objects.get(reason=FollowUp.Reason.ESCALATION)
    assert followup.assigned_to == personas.manager and followup.due_at > NOW
    assert 'data-testid="ws-escalate-result"' in body


def test_escalating_to_legal_closes_the_cadence(alice, debtor):
    FollowUpFactory(debtor=debtor, due_at=NOW + dt.timedelta(days=1))
    alice.post(url("ws-escalate", debtor), {"target": "legal", "reason": "No response"}, **HTMX)
    debtor.refresh_from_db()
    assert debtor.status == Debtor.Status.LEGAL
    assert not FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_their_time_is_the_debtors_clock_not_the_readers(client, personas, debtor, language):
    """A London debtor read by a collector in Shanghai: 02:00 theirs, not 10:00 ours."""
    Debtor.objects.filter(pk=debtor.pk).update(timezone="Europe/London", country="GB")
    personas.collector_a.language = language
    personas.collector_a.timezone = "Asia/Shanghai"
    personas.collector_a.save()
    client.force_login(personas.collector_a)
    body = page(client, debtor)
    block = re.search(r'data-testid="local-time">(.*?)</dd>', body, re.S).group(1)
    assert 'datetime="2026-11-26T02:00:00+00:00"' in block
    assert "02:00" in block and "10:00" not in block

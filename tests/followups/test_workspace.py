"""The debtor workspace: the page, logging an outcome, promise, dispute,
callback, escalation and type forms; idempotency, tone guard, access."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from debtors.models import Debtor, Dispute
from debtors.services import debtor_refresh_summary
from desk.workspace_forms import instalments_suggest
from followups.models import FollowUp, Interaction, PromiseToPay
from tests.debtors.factories import ContactFactory, InvoiceFactory
from tests.followups.factories import FollowUpFactory
from tests.scripts_library.factories import PhraseRuleFactory

pytestmark = pytest.mark.django_db

# Thursday 26 November 2026, 10:00 in Shanghai (the debtors' default zone).
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 26)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def debtor(personas) -> Debtor:
    debtor = personas.debtor_a
    InvoiceFactory(debtor=debtor, number="INV-1", due_date=dt.date(2026, 10, 1))
    InvoiceFactory(
        debtor=debtor, number="INV-2", due_date=dt.date(2026, 11, 10), amount=Decimal("500.00")
    )
    InvoiceFactory(debtor=debtor, number="INV-3", due_date=dt.date(2026, 12, 20))
    ContactFactory(debtor=debtor, name="Li Na", is_primary=True, phone="+8613812345678")
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
    debtor.refresh_from_db()
    return debtor


@pytest.fixture
def alice(client, personas):
    client.force_login(personas.collector_a)
    return client


def url(name, debtor, *args):
    return reverse(f"desk:{name}", args=[debtor.public_id, *args])


def page(client, debtor) -> str:
    response = client.get(reverse("desk:debtor", args=[debtor.public_id]))
    assert response.status_code == 200
    return response.content.decode()


# ------------------------------------------------------------------ the page


def test_the_workspace_shows_aging_checklist_contacts_and_the_forms(alice, debtor):
    body = page(alice, debtor)
    for marker in ('data-testid="aging"', 'data-testid="checklist"', 'data-testid="ws-log"'):
        assert marker in body
    assert 'href="tel:+8613812345678"' in body
    assert 'data-testid="right-person"' in body
    assert "¥1,000.00" in body and "¥500.00" in body  # current and 1-30 buckets
    assert 'data-ws-keys="1"' in body and 'id="ws-help"' in body
    assert 'data-ws-keys="n N j"' in body  # N is Next, as on the queue; it logs nothing
    assert "js/workspace.js" in body and 'data-testid="planned-followups"' in body


def test_the_workspace_ages_the_loaded_invoices_without_another_query(alice, debtor):
    from debtors.aging import debtor_aging

    response = alice.get(reverse("desk:debtor", args=[debtor.public_id]))
    [cny] = response.context["aging"]
    assert cny.amounts() == {
        "current": Decimal("1000.00"),
        "d1_30": Decimal("500.00"),
        "d31_60": Decimal("1000.00"),
        "d61_90": Decimal("0.00"),
        "d91_180": Decimal("0.00"),
        "d181": Decimal("0.00"),
    }
    assert response.context["aging"] == debtor_aging(debtor)  # the one query says the same


def _workspace_queries(client, debtor) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("desk:debtor", args=[debtor.public_id])
    client.get(url)  # the contact policy's cache filled
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_workspace_runs_the_same_few_queries_however_big_the_file(alice, personas, debtor):
    FollowUpFactory(debtor=debtor, due_at=NOW - dt.timedelta(hours=1), reason="dunning_step")
    promise(alice, debtor, [("2026-12-01", "100")])  # the timeline reads instalments too
    small = _workspace_queries(alice, debtor)
    assert small <= 15
    for n in range(37):
        InvoiceFactory(debtor=debtor, number=f"INV-X{n}", due_date=TODAY - dt.timedelta(days=n))
    for n in range(7):
        ContactFactory(debtor=debtor, name=f"Contact {n}", is_decision_maker=n == 3)
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
    assert debtor.invoices.count() == 40 and debtor.contacts.count() == 8
    assert _workspace_queries(alice, debtor) == small
    body = page(alice, debtor)
    assert "INV-X36" in body and "Contact 6" in body
    assert 'data-testid="ws-lazy"' in body  # the side forms wait for their panel


def test_the_script_panel_reads_the_preloaded_contact_and_invoices(alice, debtor):
    from scripts_library.views import script_panel_context

    contacts, invoices = list(debtor.contacts.all()), list(debtor.invoices.all())
    read = script_panel_context(user=debtor.assigned_collector, debtor=debtor, stage="opening")
    given = script_panel_context(
        user=debtor.assigned_collector,
        debtor=debtor,
        stage="opening",
        contacts=contacts,
        invoices=invoices,
    )
    assert given["panel_text"] == read["panel_text"]
    assert given["panel_answers"] == read["panel_answers"]


@pytest.mark.parametrize(("language", "marker"), [("en", "Before you call"), ("zh-hans", "")])
def test_both_languages_render(client, personas, debtor, language, marker):
    personas.collector_a.language = language
    personas.collector_a.save()
    client.force_login(personas.collector_a)
    body = page(client, debtor)
    assert f'lang="{language}"' in body
    assert marker in body


def test_a_read_only_user_sees_the_page_without_the_forms(client, personas, debtor):
    client.force_login(personas.finance)
    body = page(client, debtor)
    assert 'data-testid="ws-log"' not in body


# ------------------------------------------------------------------ access


WORKSPACE_URLS = ["ws-log", "ws-promise", "ws-dispute", "ws-callback", "ws-escalate", "ws-type"]


@pytest.mark.parametrize("name", [*WORKSPACE_URLS, "ws-dispute-escalate"])
def test_another_collectors_debtor_is_404_on_every_workspace_url(client, personas, debtor, name):
    dispute = Dispute.objects.create(
        debtor=debtor, category="other", disputed_amount=Decimal("1"), description="x"
    )
    args = [dispute.public_id] if name == "ws-dispute-escalate" else []
    client.force_login(personas.collector_b)
    assert client.post(url(name, debtor, *args), {}).status_code == 404
    client.force_login(personas.finance)  # sees every debtor, changes none
    assert client.post(url(name, debtor, *args), {}).status_code == 403
    client.force_login(personas.collector_a)
    assert client.get(url(name, debtor, *args)).status_code == 405
    assert Interaction.objects.count() == 0


SIDE_FORMS = ["promise", "dispute", "callback", "escalate", "type"]


@pytest.mark.parametrize("name", SIDE_FORMS)
def test_each_side_form_loads_when_its_panel_opens(client, personas, debtor, name):
    form_url = url(f"ws-{name}-form", debtor)
    client.force_login(personas.collector_a)
    assert f'hx-get="{form_url}' in page(client, debtor)
    response = client.get(form_url, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert f'data-testid="ws-{name}"' in body and "<html" not in body
    assert f'action="{url(f"ws-{name}", debtor)}"' in body
    standalone = client.get(form_url).content.decode()  # without JS: a page of its own
    assert "<html" in standalone and f'data-testid="ws-{name}"' in standalone
    assert client.post(form_url).status_code == 405
    client.force_login(personas.collector_b)
    assert client.get(form_url, **HTMX).status_code == 404
    client.force_login(personas.finance)  # sees every debtor, changes none
    assert client.get(form_url, **HTMX).status_code == 403


def test_the_promise_form_proposes_the_balance_the_right_person_and_the_track(alice, debtor):
    ContactFactory(debtor=debtor, name="Wang Wei", is_decision_maker=True)
    wang = debtor.contacts.get(name="Wang Wei")
    track = "6f1c1d6e-0000-4000-8000-000000000001"
    body = alice.get(url("ws-promise-form", debtor) + f"?track={track}", **HTMX).content.decode()
    assert f'<option value="{wang.pk}" selected>Wang Wei</option>' in body
    assert f'value="{track}"' in body
    assert 'name="total" value="1500.00"' in body  # the overdue balance
    bad = alice.get(url("ws-promise-form", debtor) + "?track=nonsense", **HTMX)
    assert bad.status_code == 200


def test_a_side_form_sent_back_with_errors_without_js_is_drawn_open(alice, debtor):
    response = alice.post(url("ws-type", debtor), {"debtor_type": "hardship"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="ws-type-box" open' in body and 'data-testid="field-error"' in body
    assert f'hx-get="{url("ws-promise-form", debtor)}' in body  # the others stay lazy


def test_a_contact_of_another_debtor_is_refused(alice, personas, debtor):
    ContactFactory(debtor=personas.debtor_b, name="Not Yours")
    other = personas.debtor_b.contacts.get()
    body = log(alice, debtor, outcome="right_party", contact=other.pk).content.decode()
    assert 'data-testid="field-error"' in body
    assert Interaction.objects.count() == 0


# ------------------------------------------------------------------ logging


def log(client, debtor, **data):
    data.setdefault("idempotency_key", "k-1")
    return client.post(url("ws-log", debtor), data, **HTMX)


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


def test_a_double_submit_logs_once_and_answers_the_same(alice, debtor):
    first = log(alice, debtor, outcome="busy").content.decode()
    second = log(alice, debtor, outcome="busy").content.decode()
    assert Interaction.objects.count() == 1
    assert "already saved" in second
    step = FollowUp.objects.get(status=FollowUp.Status.SCHEDULED)
    assert step.get_reason_display() in first and step.get_reason_display() in second


def test_the_tone_guard_warns_before_saving_and_saves_after_confirming(alice, debtor):
    PhraseRuleFactory(
        phrase="pay up or else",
        severity="forbidden",
        category="threat",
        reason="A threat.",
        suggestion="Say what happens next, factually.",
    )
    notes = "Told him to pay up or else"
    response = log(alice, debtor, outcome="refused", notes=notes)
    body = response.content.decode()
    assert 'data-testid="tone-warnings"' in body and "pay up or else" in body
    assert Interaction.objects.count() == 0
    log(alice, debtor, outcome="refused", notes=notes, confirm="1")
    interaction = Interaction.objects.get()
    assert interaction.notes == notes
    assert interaction.compliance_flags[0]["category"] == "threat"


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


def promise(client, debtor, rows, **data):
    data.setdefault("idempotency_key", "p-1")
    data.setdefault("reminder_channel", "sms")
    data.setdefault("from_call", "on")
    data.setdefault("action", "save")
    for n, (day, amount) in enumerate(rows):
        data[f"date_{n}"], data[f"amount_{n}"] = day, amount
    return client.post(url("ws-promise", debtor), data, **HTMX).content.decode()


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

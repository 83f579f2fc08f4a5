"""The debtor workspace page: what it shows, in how many queries, in both
languages, and who may open it and its side forms."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from debtors.models import Dispute
from debtors.services import debtor_refresh_summary
from followups.models import Interaction
from tests.debtors.factories import ContactFactory, InvoiceFactory
from tests.desk.helpers import HTMX, NOW, TODAY, log, page, promise, url
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


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
    # 15, one for the pending type suggestion (desk/_type_suggestion.html) and one
    # for the managers' tone rules the script panel's text is checked against
    assert small <= 17
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

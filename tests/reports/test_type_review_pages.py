"""The type review's pages and API: who sees and decides which suggestions,
bulk and per-row decisions, the suggestion on the debtor's workspace, CSRF."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from debtors.models import Debtor
from followups.models import PromiseToPay, TypeSuggestion
from followups.type_review import suggest_for_debtors
from tests.debtors.factories import DebtorFactory, DisputeFactory
from tests.followups.factories import PromiseToPayFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE = "reports:type-review"
DECIDE = "reports:type-review-decide"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def suggestions(personas) -> dict[str, TypeSuggestion]:
    """A dispute suggestion for each persona debtor: two in the East team
    (the manager's), one in the West."""
    debtors = {
        "a": personas.debtor_a,
        "b": personas.debtor_b,
        "west": personas.debtor_other_team,
    }
    for debtor in debtors.values():
        DisputeFactory(debtor=debtor)
    suggest_for_debtors(now=NOW)
    return {k: TypeSuggestion.objects.get(debtor=d) for k, d in debtors.items()}


def as_user(client, user):
    client.force_login(user)
    return client


def type_of(debtor) -> str:
    return Debtor.objects.get(pk=debtor.pk).debtor_type


def status_of(suggestion) -> str:
    return TypeSuggestion.objects.get(pk=suggestion.pk).status


# ---------------------------------------------------------------- the list


def test_a_manager_sees_only_the_team_suggestions(client, personas, suggestions):
    html = as_user(client, personas.manager).get(reverse(PAGE)).content.decode()
    assert "Alpha Trading" in html and "Beta Metals" in html
    assert "Westwind Foods" not in html
    assert "1 dispute open since Nov. 26, 2026." in html
    assert personas.debtor_a.get_absolute_url() in html


def test_an_admin_sees_every_suggestion(client, personas, suggestions):
    html = as_user(client, personas.admin).get(reverse(PAGE)).content.decode()
    assert all(name in html for name in ("Alpha Trading", "Beta Metals", "Westwind Foods"))


@pytest.mark.parametrize("who", ["collector_a", "finance"])
def test_collectors_and_finance_get_404(client, personas, suggestions, who):
    client = as_user(client, getattr(personas, who))
    assert client.get(reverse(PAGE)).status_code == 404
    s = suggestions["a"]
    response = client.post(reverse(DECIDE), {"confirm_one": s.public_id})
    assert response.status_code == 404
    assert status_of(s) == TypeSuggestion.Status.PENDING


def test_the_list_filters_by_suggested_type(client, personas, suggestions):
    debtor = DebtorFactory(name="Gamma Paper", team=personas.team)
    for _n in range(2):
        PromiseToPayFactory(debtor=debtor, status=PromiseToPay.Status.BROKEN, evaluated_at=NOW)
    suggest_for_debtors(now=NOW)
    client = as_user(client, personas.manager)
    html = client.get(reverse(PAGE), {"type": "stalling"}).content.decode()
    assert "Gamma Paper" in html and "Alpha Trading" not in html
    partial = client.get(reverse(PAGE), {"type": "dispute"}, **HTMX).content.decode()
    assert "Alpha Trading" in partial and "Gamma Paper" not in partial
    assert "<html" not in partial


# -------------------------------------------------------------- deciding


def test_bulk_confirm(client, personas, suggestions):
    client = as_user(client, personas.manager)
    ids = [suggestions["a"].public_id, suggestions["b"].public_id]
    response = client.post(reverse(DECIDE), {"decision": "confirm", "ids": ids})
    assert response.status_code == 302 and response.url == reverse(PAGE)
    assert type_of(personas.debtor_a) == type_of(personas.debtor_b) == "dispute"
    assert status_of(suggestions["a"]) == TypeSuggestion.Status.CONFIRMED


def test_bulk_dismiss_over_htmx_answers_the_list(client, personas, suggestions):
    client = as_user(client, personas.manager)
    ids = [suggestions["a"].public_id, suggestions["b"].public_id]
    response = client.post(reverse(DECIDE), {"decision": "dismiss", "ids": ids}, **HTMX)
    html = response.content.decode()
    assert "2 suggestions dismissed." in html and "No suggestions to review." in html
    assert type_of(personas.debtor_a) == "unknown"
    assert status_of(suggestions["b"]) == TypeSuggestion.Status.DISMISSED


def test_one_row_is_decided_by_its_own_button(client, personas, suggestions):
    client = as_user(client, personas.manager)
    client.post(
        reverse(DECIDE),
        {"dismiss_one": suggestions["a"].public_id, "ids": [suggestions["b"].public_id]},
    )
    assert status_of(suggestions["a"]) == TypeSuggestion.Status.DISMISSED
    assert status_of(suggestions["b"]) == TypeSuggestion.Status.PENDING


def test_nothing_selected_changes_nothing(client, personas, suggestions):
    client = as_user(client, personas.manager)
    html = client.post(reverse(DECIDE), {"decision": "confirm"}, **HTMX).content.decode()
    assert "Select at least one suggestion." in html
    assert not TypeSuggestion.objects.exclude(status=TypeSuggestion.Status.PENDING).exists()


def test_another_team_suggestion_is_404_and_spoils_the_bulk(client, personas, suggestions):
    client = as_user(client, personas.manager)
    west = suggestions["west"]
    assert client.post(reverse(DECIDE), {"confirm_one": west.public_id}).status_code == 404
    ids = [suggestions["a"].public_id, west.public_id]
    response = client.post(reverse(DECIDE), {"decision": "confirm", "ids": ids})
    assert response.status_code == 404
    assert not TypeSuggestion.objects.exclude(status=TypeSuggestion.Status.PENDING).exists()
    assert type_of(personas.debtor_a) == "unknown"


# ------------------------------------------------------------ the workspace


def workspace(client, debtor) -> str:
    response = client.get(reverse("desk:debtor", args=[debtor.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_workspace_shows_the_suggestion_and_its_reason(client, personas, suggestions):
    html = workspace(as_user(client, personas.collector_a), personas.debtor_a)
    assert 'data-testid="type-suggestion-reason">1 dispute open since Nov. 26, 2026.' in html
    assert "ws-type-suggestion" not in html and 'name="decision"' not in html
    html = workspace(as_user(client, personas.manager), personas.debtor_a)
    assert 'name="decision" value="confirm"' in html


def test_the_workspace_reason_follows_the_reader_language(client, personas, suggestions):
    personas.collector_a.language = "zh-hans"
    personas.collector_a.save()
    client = as_user(client, personas.collector_a)
    html = client.get(
        reverse("desk:debtor", args=[personas.debtor_a.public_id]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "2026年11月26日" in html


def ws_decide(client, suggestion, decision, **extra):
    url = reverse("desk:ws-type-suggestion", args=[suggestion.debtor.public_id])
    return client.post(url, {"suggestion": suggestion.public_id, "decision": decision}, **extra)


def test_a_manager_confirms_on_the_workspace(client, personas, suggestions):
    response = ws_decide(as_user(client, personas.manager), suggestions["a"], "confirm")
    assert response.status_code == 302
    assert type_of(personas.debtor_a) == "dispute"


def test_a_manager_dismisses_on_the_workspace_over_htmx(client, personas, suggestions):
    client = as_user(client, personas.manager)
    html = ws_decide(client, suggestions["a"], "dismiss", **HTMX).content.decode()
    assert "Suggestion dismissed." in html and 'id="type-suggestion"' in html
    assert status_of(suggestions["a"]) == TypeSuggestion.Status.DISMISSED
    assert "type-suggestion-reason" not in workspace(client, personas.debtor_a)


@pytest.mark.parametrize("who", ["collector_a", "finance", "other_manager"])
def test_others_cannot_decide_on_the_workspace(client, personas, suggestions, who):
    response = ws_decide(as_user(client, getattr(personas, who)), suggestions["a"], "confirm")
    assert response.status_code == 404
    assert type_of(personas.debtor_a) == "unknown"


def test_a_suggestion_of_another_debtor_is_404_on_the_workspace(client, personas, suggestions):
    client = as_user(client, personas.manager)
    url = reverse("desk:ws-type-suggestion", args=[personas.debtor_a.public_id])
    response = client.post(url, {"suggestion": suggestions["b"].public_id, "decision": "dismiss"})
    assert response.status_code == 404


# -------------------------------------------------------------------- CSRF


def test_the_posts_need_a_csrf_token(personas, suggestions):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.manager)
    s = suggestions["a"]
    assert client.post(reverse(DECIDE), {"confirm_one": s.public_id}).status_code == 403
    assert ws_decide(client, s, "confirm").status_code == 403
    api = reverse("api:type-suggestion-confirm")
    response = client.post(api, {"ids": [str(s.public_id)]}, content_type="application/json")
    assert response.status_code == 403
    assert status_of(s) == TypeSuggestion.Status.PENDING


# --------------------------------------------------------------------- API


def test_the_api_lists_the_scope(client, personas, suggestions):
    data = as_user(client, personas.manager).get(reverse("api:type-suggestion-list")).json()
    rows = data["results"]
    assert {r["debtor"]["code"] for r in rows} == {"A-1", "B-1"}
    assert rows[0]["reason"] == "open_dispute" and rows[0]["suggested_type"] == "dispute"
    assert rows[0]["reason_text"] == "1 dispute open since Nov. 26, 2026."


@pytest.mark.parametrize("who", ["collector_a", "finance"])
def test_the_api_is_404_for_collectors_and_finance(client, personas, suggestions, who):
    client = as_user(client, getattr(personas, who))
    assert client.get(reverse("api:type-suggestion-list")).status_code == 404
    body = {"ids": [str(suggestions["a"].public_id)]}
    url = reverse("api:type-suggestion-dismiss")
    assert client.post(url, body, content_type="application/json").status_code == 404


def test_the_api_decides_in_bulk_within_scope(client, personas, suggestions):
    client = as_user(client, personas.manager)
    mine = [str(suggestions["a"].public_id), str(suggestions["b"].public_id)]
    west = str(suggestions["west"].public_id)
    url = reverse("api:type-suggestion-confirm")
    response = client.post(url, {"ids": [*mine, west]}, content_type="application/json")
    assert response.status_code == 404
    response = client.post(url, {"ids": mine}, content_type="application/json")
    assert response.json() == {"decided": 2}
    assert type_of(personas.debtor_b) == "dispute"


def test_the_api_is_in_the_schema(client, personas):
    schema = as_user(client, personas.admin).get(reverse("api:schema")).content.decode()
    for name in ("list", "confirm", "dismiss"):
        assert reverse(f"api:type-suggestion-{name}") in schema

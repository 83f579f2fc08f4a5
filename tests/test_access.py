"""Every URL answers right for every persona: own data shown, foreign data 404."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    return client


class TestAnonymous:
    @pytest.mark.parametrize("url_name", ["home", "desk:debtors"])
    def test_it_sends_anonymous_visitors_to_the_login_page(self, client, url_name):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_it_hides_a_debtor_from_anonymous_visitors(self, client, personas):
        url = reverse("desk:debtor", args=[personas.debtor_a.public_id])
        assert client.get(url).status_code == 302

    @pytest.mark.parametrize("url", ["/api/me/", "/api/debtors/", "/api/schema/"])
    def test_the_api_refuses_anonymous_callers(self, client, url):
        assert client.get(url).status_code in (401, 403)

    def test_the_login_page_and_health_check_are_public(self, client):
        assert client.get(reverse("accounts:login")).status_code == 200
        assert client.get(reverse("healthz")).json() == {"status": "ok"}


class TestHomePerRole:
    @pytest.mark.parametrize(
        ("persona", "template", "marker"),
        [
            ("collector_a", "home/collector.html", "Alpha Trading"),
            ("manager", "home/manager.html", "Beta Metals"),
            ("finance", "imports/list.html", "upload-card"),
            ("admin", "home/admin.html", "team-table"),
        ],
    )
    def test_each_role_lands_on_its_own_page(self, client, personas, persona, template, marker):
        response = client_for(client, getattr(personas, persona)).get(reverse("home"), follow=True)
        assert response.status_code == 200
        assert template in [t.name for t in response.templates]
        assert marker in response.content.decode()

    def test_a_collectors_queue_lists_only_their_debtors(self, client, personas):
        body = client_for(client, personas.collector_a).get(reverse("home")).content.decode()
        assert "Alpha Trading" in body
        assert "Beta Metals" not in body
        assert "Westwind Foods" not in body

    def test_a_managers_overview_covers_only_their_team(self, client, personas):
        body = client_for(client, personas.manager).get(reverse("home")).content.decode()
        assert "alice" in body or personas.collector_a.display_name in body
        assert "Westwind Foods" not in body


VISIBLE = {
    # persona -> debtors (by personas attribute) it may see
    "collector_a": {"debtor_a"},
    "collector_b": {"debtor_b"},
    "manager": {"debtor_a", "debtor_b"},
    "other_manager": {"debtor_other_team"},
    "finance": {"debtor_a", "debtor_b", "debtor_other_team"},
    "admin": {"debtor_a", "debtor_b", "debtor_other_team"},
}
DEBTORS = ["debtor_a", "debtor_b", "debtor_other_team"]


@pytest.mark.parametrize("persona", sorted(VISIBLE))
class TestDebtorAccess:
    def test_the_list_page_shows_exactly_what_the_persona_may_see(self, client, personas, persona):
        body = (
            client_for(client, getattr(personas, persona))
            .get(reverse("desk:debtors"))
            .content.decode()
        )
        for name in DEBTORS:
            debtor = getattr(personas, name)
            assert (debtor.name in body) == (name in VISIBLE[persona]), name

    @pytest.mark.parametrize("debtor_name", DEBTORS)
    def test_the_detail_page_is_404_for_what_the_persona_may_not_see(
        self, client, personas, persona, debtor_name
    ):
        debtor = getattr(personas, debtor_name)
        response = client_for(client, getattr(personas, persona)).get(
            reverse("desk:debtor", args=[debtor.public_id])
        )
        assert response.status_code == (200 if debtor_name in VISIBLE[persona] else 404)

    def test_the_api_list_returns_exactly_what_the_persona_may_see(self, client, personas, persona):
        data = client_for(client, getattr(personas, persona)).get("/api/debtors/").json()
        codes = {row["code"] for row in data["results"]}
        assert codes == {getattr(personas, n).code for n in VISIBLE[persona]}

    @pytest.mark.parametrize("debtor_name", DEBTORS)
    def test_the_api_detail_is_404_for_what_the_persona_may_not_see(
        self, client, personas, persona, debtor_name
    ):
        debtor = getattr(personas, debtor_name)
        response = client_for(client, getattr(personas, persona)).get(
            f"/api/debtors/{debtor.public_id}/"
        )
        assert response.status_code == (200 if debtor_name in VISIBLE[persona] else 404)
        if response.status_code == 200:
            assert response.json()["id"] == str(debtor.public_id)


def test_an_unknown_debtor_id_is_404(client, personas):
    response = client_for(client, personas.admin).get(
        reverse("desk:debtor", args=["00000000-0000-0000-0000-000000000000"])
    )
    assert response.status_code == 404


def test_a_manager_without_a_team_sees_no_debtors(client, personas):
    personas.manager.team = None
    personas.manager.save()
    data = client_for(client, personas.manager).get("/api/debtors/").json()
    assert data["count"] == 0


def test_an_inactive_account_cannot_use_the_api(client, personas):
    personas.collector_a.is_active = False
    personas.collector_a.save()
    client.force_login(personas.collector_a)
    assert client.get("/api/debtors/").status_code in (401, 403)


@pytest.mark.parametrize("persona", ["collector_a", "manager", "finance"])
def test_only_staff_reach_the_administration(client, personas, persona):
    response = client_for(client, getattr(personas, persona)).get("/admin/")
    assert response.status_code == 302
    assert client_for(client, personas.admin).get("/admin/").status_code == 200


def test_admin_pages_list_every_model(client, personas):
    from django.apps import apps
    from django.contrib import admin

    client.force_login(personas.admin)
    for app in ("accounts", "debtors", "scripts_library", "followups", "reports"):
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url


def test_me_api_tells_the_caller_who_they_are(client, personas):
    data = client_for(client, personas.collector_a).get("/api/me/").json()
    assert data["username"] == "alice"
    assert data["role"] == "collector"
    assert data["team"] == "East"


def test_the_api_schema_and_docs_load_for_signed_in_users(client, personas):
    client.force_login(personas.collector_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/debtors/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Every script, style and image the page loads is ours (served from /static/),
    # never a CDN. (A plain "cdn" search would match the random CSP nonce.)
    html = docs.content.decode()
    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assets += re.findall(r'(?:url|dom_id|"url")\s*:\s*["\'](https?:[^"\']+)["\']', html)
    assert assets, "the docs page loads no assets at all?"
    outside = [a for a in assets if re.match(r"(?:https?:)?//", a) and "testserver" not in a]
    assert outside == []


class TestLoginAndLanguage:
    def test_it_signs_in_with_a_password_and_lands_home(self, client, personas):
        response = client.post(
            reverse("accounts:login"), {"username": "alice", "password": "pw-for-tests-1"}
        )
        assert response.status_code == 302
        assert response.url == reverse("home")

    def test_a_wrong_password_is_refused_with_a_message(self, client, personas):
        response = client.post(reverse("accounts:login"), {"username": "alice", "password": "nope"})
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()

    def test_the_login_form_needs_a_csrf_token(self, personas):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        response = strict.post(
            reverse("accounts:login"), {"username": "alice", "password": "pw-for-tests-1"}
        )
        assert response.status_code == 403

    def test_logout_is_a_post(self, client, personas):
        client.force_login(personas.collector_a)
        assert client.get(reverse("accounts:logout")).status_code == 405
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert client.get(reverse("home")).status_code == 302

    def test_switching_to_chinese_translates_and_is_remembered(self, client, personas):
        client.force_login(personas.collector_a)
        response = client.post(
            reverse("accounts:language"), {"language": "zh-hans", "next": reverse("desk:debtors")}
        )
        assert response.status_code == 302
        assert response.url == reverse("desk:debtors")
        personas.collector_a.refresh_from_db()
        assert personas.collector_a.language == "zh-hans"
        body = client.get(reverse("home")).content.decode()
        assert "我的待办" in body
        assert "My queue" not in body

    def test_a_users_saved_language_applies_on_a_new_browser(self, client, personas):
        personas.collector_a.language = "zh-hans"
        personas.collector_a.save()
        client.force_login(personas.collector_a)
        assert "我的待办" in client.get(reverse("home")).content.decode()

    def test_it_never_redirects_off_site_after_a_switch(self, client, personas):
        client.force_login(personas.collector_a)
        response = client.post(
            reverse("accounts:language"), {"language": "en", "next": "https://evil.example/"}
        )
        assert response.url == "/"

    def test_pages_carry_a_content_security_policy(self, client, personas):
        client.force_login(personas.collector_a)
        response = client.get(reverse("home"))
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy

from decimal import Decimal

import pytest
from django.urls import reverse

from scripts_library.models import TalkTrack

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def shipped(key="forgetful-opening", language="en"):
    return TalkTrack.objects.get(key=key, language=language, version=1)


def test_anonymous_visitors_go_to_login(client):
    for url in [
        reverse("scripts:list"),
        reverse("scripts:detail", args=[shipped().public_id]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_the_list_filters_by_type_stage_language_and_status(client, personas):
    c = login(client, personas.manager)
    response = c.get(
        reverse("scripts:list"),
        {"debtor_type": "dispute", "stage": "email", "language": "zh-hans", "status": "published"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    # the plain email, and the variant used when an amount is in dispute
    assert body.count("data-track=") == 2
    assert 'data-track="dispute-email"' in body
    assert 'data-track="dispute-email-disputed"' in body


def test_the_list_answers_htmx_with_the_results_fragment(client, personas):
    c = login(client, personas.manager)
    response = c.get(reverse("scripts:list"), {"stage": "sms"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body


def test_managers_see_the_library_in_their_navigation(client, personas):
    body = login(client, personas.manager).get(reverse("home")).content.decode()
    assert reverse("scripts:list") in body
    body = login(client, personas.collector_a).get(reverse("home")).content.decode()
    assert reverse("scripts:list") not in body


def test_the_detail_page_shows_the_editor_and_a_preview_for_a_debtor(client, personas):
    debtor = personas.debtor_a
    debtor.open_balance = Decimal("4321.00")
    debtor.language = "en"
    debtor.save()
    c = login(client, personas.manager)
    body = c.get(reverse("scripts:detail", args=[shipped().public_id])).content.decode()
    assert 'data-testid="track-form"' in body
    assert "CNY 4,321.00" in body
    assert 'data-testid="tone-clean"' in body


def test_collectors_read_a_track_but_cannot_edit_it(client, personas):
    c = login(client, personas.collector_a)
    url = reverse("scripts:detail", args=[shipped().public_id])
    body = c.get(url).content.decode()
    assert 'data-testid="track-form"' not in body
    assert c.post(url, {"title": "x", "body": "y"}).status_code == 403
    assert c.post(reverse("scripts:publish", args=[shipped().public_id])).status_code == 403
    assert c.post(reverse("scripts:retire", args=[shipped().public_id])).status_code == 403
    assert (
        c.post(reverse("scripts:preview", args=[shipped().public_id]), {"body": "x"}).status_code
        == 403
    )
    assert shipped().status == "published"


def test_saving_a_published_track_makes_a_draft_then_publishing_replaces_it(client, personas):
    c = login(client, personas.manager)
    original = shipped()
    response = c.post(
        reverse("scripts:detail", args=[original.public_id]),
        {"title": original.title, "body": "Hello {contact_name}, new wording.", "guidance": ""},
    )
    draft = TalkTrack.objects.get(key=original.key, language="en", version=2)
    assert response.status_code == 302
    assert response.url == reverse("scripts:detail", args=[draft.public_id])
    original.refresh_from_db()
    assert original.status == "published" and original.body != draft.body
    c.post(reverse("scripts:publish", args=[draft.public_id]))
    draft.refresh_from_db()
    original.refresh_from_db()
    assert (draft.status, original.status) == ("published", "retired")
    page = c.get(
        reverse("scripts:detail", args=[draft.public_id]), {"against": str(original.public_id)}
    ).content.decode()
    assert 'data-testid="diff"' in page and "new wording" in page


def test_a_forbidden_phrase_is_shown_and_nothing_is_saved(client, personas):
    c = login(client, personas.manager)
    original = shipped("stalling-opening", "zh-hans")
    response = c.post(
        reverse("scripts:detail", args=[original.public_id]),
        {"title": original.title, "body": "{contact_name},再不付款就让你坐牢。", "guidance": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="body-errors"' in body
    assert "tone-forbidden" in body
    assert TalkTrack.objects.filter(key=original.key, language="zh-hans").count() == 1


def test_the_live_preview_renders_unsaved_text_with_highlights(client, personas):
    debtor = personas.debtor_a
    c = login(client, personas.manager)
    response = c.post(
        reverse("scripts:preview", args=[shipped().public_id]),
        {"body": "Hi {contact_name}, you will regret it. {oops}", "debtor": str(debtor.public_id)},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="tone-forbidden"' in body
    assert "{oops}" in body  # named in the placeholder error
    assert "Alpha Trading" in body


def test_the_preview_refuses_a_debtor_the_user_cannot_see(client, personas):
    c = login(client, personas.manager)
    url = reverse("scripts:preview", args=[shipped().public_id])
    assert c.get(url, {"debtor": str(personas.debtor_other_team.public_id)}).status_code == 404


def test_the_panel_shows_the_track_for_the_debtors_type_and_objections(client, personas):
    debtor = personas.debtor_a
    debtor.debtor_type = "dispute"
    debtor.language = "zh-hans"
    debtor.save()
    c = login(client, personas.collector_a)
    url = reverse("scripts:panel", args=[debtor.public_id])
    body = c.get(url, {"stage": "negotiation"}, HTTP_HX_REQUEST="true").content.decode()
    track = TalkTrack.objects.get(key="dispute-negotiation", language="zh-hans")
    assert f'data-track="{track.public_id}"' in body
    assert body.count("<details data-objection=") == 9
    assert "{" not in body.split('data-testid="panel-text"')[1].split("</div>")[0]
    full = c.get(url).content.decode()
    assert "<html" in full and "dispute-opening" not in full  # titles, not keys
    assert c.get(reverse("scripts:panel", args=[personas.debtor_b.public_id])).status_code == 404


def test_the_admin_refuses_an_invalid_regex_rule(client, personas):
    c = login(client, personas.admin)
    response = c.post(
        reverse("admin:scripts_library_phraserule_add"),
        {
            "phrase": "(unclosed",
            "is_regex": "on",
            "language": "en",
            "severity": "forbidden",
            "category": "threat",
            "reason": "x",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Not a valid regular expression" in response.content.decode()
    track = shipped()
    assert (
        c.get(reverse("admin:scripts_library_talktrack_change", args=[track.pk])).status_code == 200
    )


def test_a_manager_creates_a_track_and_a_collector_may_not(client, personas):
    url = reverse("scripts:create")
    data = {
        "key": "east-visit",
        "debtor_type": "stalling",
        "stage": "visit",
        "channel": "visit",
        "language": "en",
        "title": "East team visit",
        "body": "Good morning {contact_name}, you should have paid by now.",
        "guidance": "",
    }
    assert login(client, personas.collector_a).get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    c = login(client, personas.manager)
    assert c.get(url).status_code == 200
    response = c.post(url, data, follow=True)
    track = TalkTrack.objects.get(key="east-visit")
    assert track.status == "draft"
    assert "you should have" in response.content.decode()  # the warning, shown
    again = c.post(url, data)
    assert again.status_code == 400
    assert "already exists" in again.content.decode()
    bad = c.post(url, {**data, "key": "east-visit-2", "body": "{contact_name} or else."})
    assert bad.status_code == 400
    assert not TalkTrack.objects.filter(key="east-visit-2").exists()


def test_publishing_is_refused_with_each_content_check_failure_shown(client, personas):
    c = login(client, personas.manager)
    original = shipped("forgetful-sms")
    c.post(
        reverse("scripts:detail", args=[original.public_id]),
        {"title": original.title, "body": "Hi {addressee}, {company_name}.. here.", "guidance": ""},
    )
    draft = TalkTrack.objects.get(key=original.key, language="en", version=2)
    page = c.get(reverse("scripts:detail", args=[draft.public_id])).content.decode()
    assert 'data-testid="lint-failures"' in page

    response = c.post(reverse("scripts:publish", args=[draft.public_id]), follow=True)

    draft.refresh_from_db()
    assert draft.status == "draft"
    body = response.content.decode()
    assert "Not published" in body and "Two punctuation marks in a row" in body


def test_the_content_check_speaks_the_managers_language(client, personas):
    personas.manager.language = "zh-hans"
    personas.manager.save()
    c = login(client, personas.manager)
    response = c.post(
        reverse("scripts:preview", args=[shipped().public_id]),
        {"body": "Good morning. Good evening."},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'data-testid="lint-failures"' in body
    assert "永远不会被使用" in body


def test_the_editor_says_when_a_text_is_used(client, personas):
    c = login(client, personas.manager)
    response = c.post(
        reverse("scripts:preview", args=[shipped().public_id]),
        {"body": "Thanks for the {promise_amount} you agreed for {promise_date}."},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'data-testid="lint-clean"' in body
    assert "a promise to pay (amount and date)" in body

import datetime
from decimal import Decimal

import pytest

from scripts_library.models import TalkTrack

pytestmark = pytest.mark.django_db

EDITORS = ["manager", "admin"]
READERS = ["collector_a", "collector_b", "other_manager", "finance", "manager", "admin"]
NON_EDITORS = ["collector_a", "finance"]


def login(client, user):
    client.force_login(user)
    return client


def track(key="forgetful-opening", language="en"):
    return TalkTrack.objects.get(key=key, language=language, status="published")


def test_anonymous_callers_are_refused(client):
    t = track()
    for url in [
        "/api/scripts/tracks/",
        f"/api/scripts/tracks/{t.public_id}/",
        "/api/scripts/objections/",
    ]:
        assert client.get(url).status_code in (401, 403)
    assert client.post("/api/scripts/tone-check/", {"text": "x", "language": "en"}).status_code in (
        401,
        403,
    )


@pytest.mark.parametrize("persona", READERS)
def test_everyone_signed_in_reads_tracks(client, personas, persona):
    c = login(client, getattr(personas, persona))
    response = c.get("/api/scripts/tracks/", {"debtor_type": "hardship", "language": "zh-hans"})
    assert response.status_code == 200
    results = response.json()["results"]
    # ten stages, one empathy track, and four variants used when a promise or a plan is known
    assert len(results) == 10 + 1 + 4
    assert {r["language"] for r in results} == {"zh-hans"}
    detail = c.get(f"/api/scripts/tracks/{track().public_id}/").json()
    assert detail["versions"] == [
        {"id": str(track().public_id), "version": 1, "status": "published"}
    ]


def test_it_rejects_unknown_filter_values(client, personas):
    c = login(client, personas.collector_a)
    assert c.get("/api/scripts/tracks/", {"stage": "nap"}).status_code == 400


def test_an_unknown_track_is_404(client, personas):
    c = login(client, personas.manager)
    url = "/api/scripts/tracks/00000000-0000-0000-0000-000000000000/"
    assert c.get(url).status_code == 404


@pytest.mark.parametrize("persona", NON_EDITORS)
def test_non_editors_cannot_write(client, personas, persona):
    c = login(client, getattr(personas, persona))
    t = track()
    assert c.post(f"/api/scripts/tracks/{t.public_id}/update/", {"title": "x"}).status_code == 403
    assert c.post(f"/api/scripts/tracks/{t.public_id}/retire/").status_code == 403
    assert c.post(f"/api/scripts/tracks/{t.public_id}/publish/").status_code == 403
    created = c.post(
        "/api/scripts/tracks/create/",
        {
            "key": "x",
            "debtor_type": "unknown",
            "stage": "opening",
            "channel": "call",
            "language": "en",
            "title": "t",
            "body": "b",
        },
    )
    assert created.status_code == 403
    assert TalkTrack.objects.filter(status="draft").count() == 0


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_edit_publish_and_compare(client, personas, persona):
    c = login(client, getattr(personas, persona))
    t = track()
    response = c.post(
        f"/api/scripts/tracks/{t.public_id}/update/",
        {"body": "Hi {contact_name}, you need to understand the terms."},
        content_type="application/json",
    )
    assert response.status_code == 201
    draft = response.json()
    assert draft["version"] == 2 and draft["status"] == "draft"
    assert [w["category"] for w in draft["tone_warnings"]] == ["lecturing"]
    diff = c.get(f"/api/scripts/tracks/{draft['id']}/diff/", {"against": str(t.public_id)})
    assert any(line.startswith("+Hi") for line in diff.json()["diff"])
    published = c.post(f"/api/scripts/tracks/{draft['id']}/publish/")
    assert published.json()["status"] == "published"
    t.refresh_from_db()
    assert t.status == "retired"


def test_a_forbidden_phrase_is_refused_with_a_message(client, personas):
    c = login(client, personas.manager)
    response = c.post(
        f"/api/scripts/tracks/{track().public_id}/update/",
        {"body": "Pay or you will go to jail, {contact_name}."},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "civil matter" in str(response.json())
    assert TalkTrack.objects.filter(key="forgetful-opening", language="en").count() == 1


def test_a_manager_creates_a_track(client, personas):
    c = login(client, personas.manager)
    response = c.post(
        "/api/scripts/tracks/create/",
        {
            "key": "team-east-opening",
            "debtor_type": "unknown",
            "stage": "opening",
            "channel": "call",
            "language": "zh-hans",
            "title": "东区开场",
            "body": "{contact_name}您好,我是{collector_name}。",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    bad = c.post(
        "/api/scripts/tracks/create/",
        {
            "key": "team-east-bad",
            "debtor_type": "unknown",
            "stage": "opening",
            "channel": "call",
            "language": "de",
            "title": "x",
            "body": "Hallo {name}",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"language", "body"}


def test_render_is_only_for_debtors_the_caller_may_see(client, personas):
    debtor = personas.debtor_a
    debtor.language = "en"
    debtor.open_balance = Decimal("250.00")
    debtor.save()
    url = f"/api/scripts/tracks/{track().public_id}/render/"
    c = login(client, personas.collector_a)
    response = c.get(url, {"debtor": str(debtor.public_id), "promise_date": "2026-12-04"})
    assert response.status_code == 200
    body = response.json()
    assert "CNY 250.00" in body["text"] and "{" not in body["text"]
    assert c.get(url, {"debtor": str(personas.debtor_b.public_id)}).status_code == 404
    c = login(client, personas.other_manager)
    assert c.get(url, {"debtor": str(debtor.public_id)}).status_code == 404


def test_script_for_debtor_picks_by_type_and_language(client, personas):
    debtor = personas.debtor_a
    debtor.debtor_type = "hardship"
    debtor.language = "zh-hans"
    debtor.save()
    c = login(client, personas.collector_a)
    response = c.get(
        "/api/scripts/for-debtor/",
        {
            "debtor": str(debtor.public_id),
            "stage": "closing",
            "promise_amount": "300.00",
            "promise_date": str(datetime.date(2026, 12, 4)),
        },
    )
    data = response.json()
    # the promise is known, so the closing that names it
    assert data["track"]["key"] == "hardship-closing-promise"
    assert "300.00元" in data["text"] and "2026年12月4日" in data["text"]
    assert len(data["objections"]) == 9
    assert (
        c.get(
            "/api/scripts/for-debtor/", {"debtor": str(personas.debtor_other_team.public_id)}
        ).status_code
        == 404
    )


def test_objections_endpoint_gives_type_specific_answers(client, personas):
    c = login(client, personas.collector_b)
    rows = c.get("/api/scripts/objections/", {"debtor_type": "dispute", "language": "en"}).json()
    by_code = {r["code"]: r for r in rows}
    assert by_code["product_complaint"]["response_type"] == "dispute"
    assert by_code["original_invoice"]["response_type"] == "unknown"


def test_tone_check_endpoint(client, personas):
    c = login(client, personas.collector_a)
    response = c.post(
        "/api/scripts/tone-check/",
        {"text": "你再不还钱就要坐 牢", "language": "zh-hans"},
        content_type="application/json",
    )
    data = response.json()
    assert data["blocked"] is True
    assert data["matches"][0]["category"] == "false_legal_claim"
    assert data["matches"][0]["text"] == "坐 牢"

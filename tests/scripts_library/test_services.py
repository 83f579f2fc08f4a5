import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from collections_crm.exceptions import ApplicationError
from scripts_library.models import TalkTrack
from scripts_library.selectors import track_select, track_version_diff, track_versions
from scripts_library.services import track_create, track_publish, track_retire, track_update

pytestmark = pytest.mark.django_db


def _create(actor, **overrides):
    fields = {
        "key": "custom-opening",
        "debtor_type": "forgetful",
        "stage": "opening",
        "channel": "call",
        "language": "en",
        "title": "Custom opening",
        "body": "Hello {contact_name}, this is {collector_name}.",
    }
    fields.update(overrides)
    return track_create(actor=actor, **fields)


def test_it_creates_a_draft_and_audits_it(personas):
    track = _create(personas.manager)
    assert (track.version, track.status) == (1, "draft")
    assert track.tone_warnings == []
    event = AuditEvent.objects.get(action="talktrack.create", target_id=track.public_id)
    assert event.actor == personas.manager
    assert event.after["body"] == track.body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "Hi {contact_nam}"}, "body"),
        ({"body": "Hi {contact_name"}, "body"),
        ({"language": "fr"}, "language"),
        ({"stage": "nap"}, "stage"),
        ({"body": "Pay today or you will go to jail."}, "body"),
        ({"body": "再不付款你就要坐牢", "language": "zh-hans"}, "body"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(personas, overrides, field):
    before = TalkTrack.objects.count()
    with pytest.raises(ValidationError) as exc:
        _create(personas.manager, **overrides)
    assert field in exc.value.message_dict
    assert TalkTrack.objects.count() == before


def test_a_forbidden_phrase_is_blocked_with_its_reason(personas):
    with pytest.raises(ValidationError) as exc:
        _create(personas.manager, body="We will tell your customers, {contact_name}.")
    assert "third parties" in " ".join(exc.value.message_dict["body"])


def test_a_discouraged_phrase_saves_with_a_warning(personas):
    track = _create(personas.manager, body="{contact_name}, as I already told you, pay today.")
    assert [w.category for w in track.tone_warnings] == ["lecturing"]


def test_it_refuses_a_second_family_with_the_same_key(personas):
    _create(personas.manager)
    with pytest.raises(ApplicationError):
        _create(personas.manager)


def test_editing_a_draft_changes_it_in_place(personas):
    track = _create(personas.manager)
    same = track_update(actor=personas.manager, track=track, data={"title": "Better"})
    assert same.pk == track.pk and same.title == "Better"


def test_editing_a_published_track_makes_a_new_draft_and_keeps_history(personas):
    published = TalkTrack.objects.get(key="forgetful-opening", language="en", version=1)
    old_body = published.body
    draft = track_update(
        actor=personas.manager, track=published, data={"body": "Hi {contact_name}, v2."}
    )
    published.refresh_from_db()
    assert published.body == old_body and published.status == "published"
    assert (draft.version, draft.status, draft.key) == (2, "draft", "forgetful-opening")
    assert [t.version for t in track_versions(track=draft)] == [2, 1]
    diff = track_version_diff(old=published, new=draft)
    assert "+Hi {contact_name}, v2." in diff
    assert any(line.startswith("-{greeting}") for line in diff)


def test_publishing_retires_the_previous_version(personas):
    v1 = TalkTrack.objects.get(key="forgetful-opening", language="en", version=1)
    v2 = track_update(actor=personas.manager, track=v1, data={"body": "Hi {contact_name}."})
    track_publish(actor=personas.manager, track=v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("retired", "published")
    assert v2.published_at is not None
    assert track_select(debtor_type="forgetful", stage="opening", language="en") == v2
    assert AuditEvent.objects.filter(action="talktrack.publish", target_id=v2.public_id).exists()
    with pytest.raises(ApplicationError):
        track_publish(actor=personas.manager, track=v2)


def test_ab_publishing_keeps_two_versions_live_but_not_three(personas):
    v1 = TalkTrack.objects.get(key="hardship-sms", language="zh-hans", version=1)
    v2 = track_update(actor=personas.manager, track=v1, data={"body": "{contact_name}您好。"})
    track_publish(actor=personas.manager, track=v2, ab_test=True)
    v1.refresh_from_db()
    assert v1.status == "published"
    v3 = track_update(actor=personas.manager, track=v1, data={"body": "{contact_name}好。"})
    with pytest.raises(ApplicationError):
        track_publish(actor=personas.manager, track=v3, ab_test=True)


def test_retiring_takes_a_track_out_of_selection(personas):
    track = TalkTrack.objects.get(key="dispute-email", language="en")
    track_retire(actor=personas.manager, track=track)
    chosen = track_select(debtor_type="dispute", stage="email", language="en")
    assert chosen.key == "dispute-email-disputed"  # the other dispute email family
    track_retire(actor=personas.manager, track=chosen)
    chosen = track_select(debtor_type="dispute", stage="email", language="en")
    assert chosen.debtor_type == "unknown"
    with pytest.raises(ApplicationError):
        track_retire(actor=personas.manager, track=track)


def test_publishing_runs_the_content_linter_and_refuses_failures(personas):
    track = _create(
        personas.manager,
        key="bad-sms",
        stage="sms",
        channel="sms",
        body="Hi {addressee}, {company_name}.. here.",
    )
    assert {f.code for f in track.lint_failures} == {"double_punctuation"}
    with pytest.raises(ValidationError) as exc:
        track_publish(actor=personas.manager, track=track)
    assert "Two punctuation marks in a row" in " ".join(exc.value.messages)
    track.refresh_from_db()
    assert track.status == "draft"


def test_a_text_that_could_never_be_true_is_not_published(personas):
    track = _create(personas.manager, key="never", body="Good morning. Good evening.")
    with pytest.raises(ValidationError, match="never be used"):
        track_publish(actor=personas.manager, track=track)


def test_a_claim_makes_a_track_wait_for_its_fact_instead_of_failing(personas):
    """ "As agreed" is fine in a track that is only chosen with a promise."""
    track = _create(
        personas.manager,
        key="promise-closing",
        stage="closing",
        body="So that's {promise_amount} on {promise_date}, as agreed.",
    )
    assert track.lint_failures == []
    assert track_publish(actor=personas.manager, track=track).status == "published"

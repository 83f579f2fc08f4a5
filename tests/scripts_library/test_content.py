import itertools

import pytest
from django.core.management import call_command

from scripts_library.content import DEBTOR_TYPES, STAGES
from scripts_library.loader import load_content
from scripts_library.models import Objection, ObjectionResponse, PhraseRule, TalkTrack
from scripts_library.rendering import track_placeholders_validate
from scripts_library.tone import tone_check

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "zh-hans"]


def _counts():
    return (
        TalkTrack.objects.count(),
        Objection.objects.count(),
        ObjectionResponse.objects.count(),
        PhraseRule.objects.count(),
    )


def test_it_has_the_shipped_content():
    tracks, objections, responses, rules = _counts()
    assert tracks >= 120
    assert objections == 9
    assert responses >= 2 * 9
    assert rules >= 40


def test_it_loads_twice_without_changing_anything(capsys):
    before = _counts()
    call_command("load_scripts")
    call_command("load_scripts")
    assert _counts() == before
    assert "Created: 0 tracks" in capsys.readouterr().out


def test_it_recreates_the_content_on_an_empty_database():
    TalkTrack.objects.all().delete()
    ObjectionResponse.objects.all().delete()
    Objection.objects.all().delete()
    PhraseRule.objects.all().delete()
    dry = load_content(dry_run=True)
    assert TalkTrack.objects.count() == 0
    created = load_content()
    assert created == dry
    assert created["tracks"] >= 120
    assert load_content() == {k: 0 for k in created}


def test_it_keeps_a_managers_edits_when_reloading():
    track = TalkTrack.objects.get(key="forgetful-opening", language="en", version=1)
    track.body = "Hello {contact_name}, edited by a manager."
    track.save()
    load_content()
    track.refresh_from_db()
    assert track.body == "Hello {contact_name}, edited by a manager."


@pytest.mark.parametrize(
    ("debtor_type", "stage", "language"), list(itertools.product(DEBTOR_TYPES, STAGES, LANGUAGES))
)
def test_it_has_a_published_track_for_every_type_stage_and_language(debtor_type, stage, language):
    track = TalkTrack.objects.get(
        key=f"{debtor_type}-{stage}", language=language, status="published"
    )
    assert track.debtor_type == debtor_type
    assert track.stage == stage
    assert track.guidance.strip()
    assert len(track.body) > 60


def test_it_has_apology_and_empathy_tracks_in_both_languages():
    for language in LANGUAGES:
        qs = TalkTrack.objects.filter(language=language, stage="objection")
        assert qs.filter(key__startswith="apology-").count() >= 5
        assert qs.filter(key__startswith="empathy-").count() >= 5


def test_it_answers_every_objection_neutrally_in_both_languages():
    for objection in Objection.objects.all():
        for language in LANGUAGES:
            assert objection.responses.filter(
                debtor_type="unknown", language=language, status="published"
            ).exists(), (objection.code, language)


def test_its_chinese_content_is_written_in_chinese():
    for track in TalkTrack.objects.filter(language="zh-hans"):
        chinese = sum(1 for ch in track.body if "\u4e00" <= ch <= "\u9fff")
        assert chinese > 20, track.key


def test_its_own_content_passes_the_tone_guard_and_placeholder_check():
    for track in TalkTrack.objects.all():
        assert tone_check(f"{track.title}\n{track.body}", track.language) == [], track.key
        track_placeholders_validate(track.title)
        track_placeholders_validate(track.body)
    for response in ObjectionResponse.objects.all():
        assert tone_check(response.body, response.language) == [], response.pk
        track_placeholders_validate(response.body)


def test_it_ships_forbidden_and_discouraged_rules_in_both_languages():
    for language in LANGUAGES:
        for severity in ("forbidden", "discouraged"):
            assert PhraseRule.objects.filter(language=language, severity=severity).count() >= 8


def test_the_data_migration_calls_the_same_loader():
    import importlib

    migration = importlib.import_module("scripts_library.migrations.0002_load_shipped_content")
    TalkTrack.objects.all().delete()
    from django.apps import apps

    migration.load(apps, None)
    assert TalkTrack.objects.count() >= 120


def test_an_existing_library_gets_todays_wording_unless_a_manager_edited_it(personas):
    """Migration 0003 (issue #14): a family still on the untouched shipped text
    is upgraded; one a manager edited keeps its versions."""
    from django.apps import apps

    from scripts_library.loader import upgrade_shipped_tracks

    old = TalkTrack.objects.get(key="stalling-sms", language="en", version=1)
    old.body = "{company_name}: we have not received {promise_amount} promised for {promise_date}."
    old.save()
    edited = TalkTrack.objects.get(key="forgetful-email", language="en", version=1)
    edited.body = "Dear {addressee}, a manager's own words."
    edited.created_by = personas.manager
    edited.save()

    assert upgrade_shipped_tracks(apps) == 1
    new = TalkTrack.objects.get(key="stalling-sms", language="en", status="published")
    old.refresh_from_db()
    edited.refresh_from_db()
    assert (new.version, old.status) == (2, "retired")
    assert "promised" not in new.body
    assert edited.status == "published" and "manager" in edited.body
    assert upgrade_shipped_tracks(apps) == 0

"""The content linter over the whole shipped library, and its checks one by one.

The matrix is generated (scripts_library.facts.facts_matrix): every
combination of promise (none, pending, broken, each with or without an
instalment plan), payment link, attachment, part of the day, overdue or not
yet due, named contact, named collector and disputed amount."""

import pytest

from scripts_library.content import DEBTOR_TYPES, STAGE_CHANNEL, STAGES
from scripts_library.facts import (
    BROKEN,
    MORNING,
    PENDING,
    Facts,
    facts_matrix,
)
from scripts_library.linter import lint_body, lint_text, lint_track, sample_context
from scripts_library.models import ObjectionResponse, PublicationStatus, TalkTrack
from scripts_library.rendering import body_needs
from scripts_library.selectors import track_select
from scripts_library.sms import SMS_MAX_CHARS

pytestmark = pytest.mark.django_db
LANGUAGES = ("en", "zh-hans")


def test_every_published_track_and_objection_answer_passes_for_every_combination():
    tracks = list(TalkTrack.objects.filter(status=PublicationStatus.PUBLISHED))
    responses = list(
        ObjectionResponse.objects.filter(status=PublicationStatus.PUBLISHED).select_related(
            "objection"
        )
    )
    assert {t.language for t in tracks} == set(LANGUAGES)
    tone_cache: dict = {}
    combinations = rendered = 0
    failures = []
    for track in tracks:
        report = lint_track(track, tone_cache=tone_cache)
        combinations += report.combinations
        rendered += report.rendered
        failures += [f"{track.key}/{track.language}: {f} {f.excerpt!r}" for f in report.failures]
    for response in responses:
        report = lint_body(
            response.body, language=response.language, channel="call", tone_cache=tone_cache
        )
        combinations += report.combinations
        rendered += report.rendered
        label = f"{response.objection.code}/{response.debtor_type}/{response.language}"
        failures += [f"{label}: {f} {f.excerpt!r}" for f in report.failures]

    written = sum(1 for t in tracks if t.channel in ("sms", "email", "letter"))
    spoken = len(tracks) - written
    expected = written * 960 + (spoken + len(responses)) * 480
    print(  # the size of the matrix, for the note on issue #14
        f"\ncontent linter: {len(tracks)} tracks + {len(responses)} objection answers "
        f"in 2 languages, {combinations} (text x facts) combinations, "
        f"{rendered} rendered where the text would be used"
    )
    assert combinations == expected
    assert len(tracks) >= 140 and len(responses) >= 40
    assert failures == []


def test_the_matrix_is_generated_from_every_fact():
    written, spoken = facts_matrix(channel="sms"), facts_matrix(channel="call")
    assert len(written) == 5 * 2 * 2 * 3 * 2 * 2 * 2 * 2 == 960
    assert len(spoken) == 480 and all(f.collector for f in spoken)
    assert len(set(written)) == 960


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("debtor_type", DEBTOR_TYPES)
@pytest.mark.parametrize("stage", STAGES)
def test_every_type_stage_and_language_has_a_variant_that_needs_no_fact(
    language, debtor_type, stage
):
    channel = STAGE_CHANNEL[stage]
    barest = Facts(collector=channel in ("call", "visit"))
    family = TalkTrack.objects.filter(
        status=PublicationStatus.PUBLISHED,
        debtor_type=debtor_type,
        stage=stage,
        channel=channel,
        language=language,
    )
    assert any(barest.meets(body_needs(t.body)) for t in family)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stage", ["sms", "email", "reminder", "letter", "opening", "closing"])
def test_selection_always_finds_a_true_text_in_the_debtors_language(language, stage):
    published = list(TalkTrack.objects.filter(status=PublicationStatus.PUBLISHED, stage=stage))
    channel = STAGE_CHANNEL[stage]
    for debtor_type in DEBTOR_TYPES:
        for facts in facts_matrix(channel=channel)[::7]:
            context = sample_context(facts, language)
            track = track_select(
                debtor_type=debtor_type,
                stage=stage,
                channel=channel,
                language=language,
                published=published,
                context=context,
            )
            assert track is not None and track.language == language
            assert track.debtor_type == debtor_type, (debtor_type, stage, facts)


def test_a_richer_true_variant_wins_over_the_plain_one():
    published = list(TalkTrack.objects.filter(status=PublicationStatus.PUBLISHED, stage="sms"))

    def pick(facts):
        return track_select(
            debtor_type="stalling",
            stage="sms",
            channel="sms",
            language="en",
            published=published,
            context=sample_context(facts, "en"),
        ).key

    assert pick(Facts()) == "stalling-sms"
    assert pick(Facts(promise=PENDING)) == "stalling-sms"  # not yet broken
    assert pick(Facts(promise=BROKEN)) == "stalling-sms-broken"


@pytest.mark.parametrize(
    ("body", "channel", "code"),
    [
        ("Dear {addressee}, please find attached your statement.", "email", None),
        ("Hi {addressee}, {company_name}.. here", "call", "double_punctuation"),
        ("Good morning. Good evening.", "call", "never_used"),
        ("Hi {addressee}. " + "We write about your account again. " * 12, "sms", None),
    ],
)
def test_it_reports_what_is_wrong(body, channel, code):
    report = lint_body(body, language="en", channel=channel)
    if code:
        assert code in {f.code for f in report.failures}
    else:
        assert report.ok  # claims are met by choosing, and the SMS body is shortened


def test_it_checks_a_finished_text_against_the_facts():
    facts = Facts(part_of_day="afternoon")
    text = (
        "Good morning. Please find attached your statement. You promised to pay. "
        "Your instalment of CNY 10.00 is due. {amount_due}"
    )
    codes = {f.code for f in lint_text(text, facts, "en")}
    assert codes >= {
        "greeting",
        "claims_attachment",
        "claims_promise",
        "claims_instalment_plan",
        "unfilled_placeholder",
    }
    assert lint_text("上午好，附件是对账单。", facts, "zh-hans")
    assert lint_text("Good morning.", Facts(part_of_day=MORNING), "en") == []


def test_an_sms_needs_its_call_to_action_and_opt_out_and_the_limit():
    facts = Facts()
    codes = {f.code for f in lint_text("x" * (SMS_MAX_CHARS + 1), facts, "en", channel="sms")}
    assert codes == {"sms_too_long", "sms_ending"}

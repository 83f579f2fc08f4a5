import itertools
import uuid

import pytest

from scripts_library.content import DEBTOR_TYPES, STAGE_CHANNEL, STAGES
from scripts_library.models import ObjectionResponse, TalkTrack
from scripts_library.selectors import ab_bucket, objection_responses_for, track_select
from scripts_library.strategy import strategy_for
from tests.scripts_library.factories import TalkTrackFactory

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "zh-hans"]


@pytest.mark.parametrize(
    ("debtor_type", "stage", "language"), list(itertools.product(DEBTOR_TYPES, STAGES, LANGUAGES))
)
def test_it_selects_the_shipped_track_for_every_type_stage_and_language(
    debtor_type, stage, language
):
    track = track_select(
        debtor_type=debtor_type, stage=stage, channel=STAGE_CHANNEL[stage], language=language
    )
    assert (track.key, track.language) == (f"{debtor_type}-{stage}", language)


@pytest.mark.parametrize(
    ("debtor_type", "stage", "language"), list(itertools.product(DEBTOR_TYPES, STAGES, LANGUAGES))
)
def test_it_falls_back_to_the_neutral_type_then_the_other_language(debtor_type, stage, language):
    other = "en" if language == "zh-hans" else "zh-hans"
    TalkTrack.objects.filter(debtor_type=debtor_type, stage=stage, language=language).update(
        status="retired"
    )
    track = track_select(debtor_type=debtor_type, stage=stage, language=language)
    if debtor_type != "unknown":
        assert (track.debtor_type, track.language) == ("unknown", language)
        TalkTrack.objects.filter(debtor_type="unknown", stage=stage, language=language).update(
            status="retired"
        )
        track = track_select(debtor_type=debtor_type, stage=stage, language=language)
        assert (track.debtor_type, track.language) == (debtor_type, other)
    else:
        assert (track.debtor_type, track.language) == ("unknown", other)


def test_it_ignores_the_channel_only_as_a_last_resort():
    track = track_select(debtor_type="forgetful", stage="opening", channel="sms", language="en")
    assert track.key == "forgetful-opening"
    TalkTrackFactory(
        key="forgetful-opening-sms", stage="opening", channel="sms", language="zh-hans"
    )
    track = track_select(debtor_type="forgetful", stage="opening", channel="sms", language="en")
    assert track.key == "forgetful-opening-sms"


def test_it_returns_none_when_nothing_is_published_at_all():
    TalkTrack.objects.all().delete()
    assert track_select(debtor_type="hardship", stage="opening", language="en") is None


def test_it_never_selects_drafts_or_retired_versions():
    shipped = TalkTrack.objects.get(key="hardship-opening", language="en")
    TalkTrackFactory(key="hardship-opening", debtor_type="hardship", version=2, status="draft")
    TalkTrackFactory(key="hardship-opening", debtor_type="hardship", version=3, status="retired")
    assert track_select(debtor_type="hardship", stage="opening", language="en") == shipped


def test_ab_assignment_is_stable_per_debtor_and_splits_debtors():
    shipped = TalkTrack.objects.get(key="stalling-opening", language="en")
    variant = TalkTrackFactory(
        key="stalling-opening", debtor_type="stalling", version=2, body="B {contact_name}"
    )
    subjects = [str(uuid.UUID(int=i)) for i in range(200)]
    picks = {
        s: track_select(debtor_type="stalling", stage="opening", language="en", ab_subject=s)
        for s in subjects
    }
    again = {
        s: track_select(debtor_type="stalling", stage="opening", language="en", ab_subject=s)
        for s in subjects
    }
    assert picks == again
    counts = {shipped: 0, variant: 0}
    for track in picks.values():
        counts[track] += 1
    assert 60 < counts[shipped] < 140
    assert ab_bucket(subject=subjects[0], key="k", size=2) == ab_bucket(
        subject=subjects[0], key="k", size=2
    )


def test_without_a_subject_the_newest_published_version_wins():
    TalkTrackFactory(key="unknown-opening", debtor_type="unknown", version=2, body="new")
    track = track_select(debtor_type="unknown", stage="opening", language="en")
    assert track.version == 2


def test_it_answers_every_objection_with_the_type_specific_response_first():
    answers = objection_responses_for(debtor_type="hardship", language="zh-hans")
    assert len(answers) == 9
    assert all(a.response is not None for a in answers)
    by_code = {a.objection.code: a for a in answers}
    assert by_code["no_money_now"].response.debtor_type == "hardship"
    assert by_code["invoice_problem"].response.debtor_type == "unknown"
    assert by_code["no_money_now"].response.language == "zh-hans"
    assert by_code["no_money_now"].title == "现在没钱"


def test_objection_answers_fall_back_to_the_other_language():
    ObjectionResponse.objects.filter(language="zh-hans", objection__code="abusive_caller").delete()
    answers = objection_responses_for(debtor_type="stalling", language="zh-hans")
    abusive = next(a for a in answers if a.objection.code == "abusive_caller")
    assert abusive.response.language == "en"


def test_each_type_has_a_strategy_and_unknown_types_get_the_neutral_one():
    assert strategy_for("hardship").offer_instalments is True
    assert strategy_for("forgetful").preferred_channels[0] == "sms"
    assert strategy_for("dispute").pause_dunning_on_dispute is True
    assert strategy_for("stalling").cadence_days[0] <= strategy_for("hardship").cadence_days[0]
    assert strategy_for("nonsense") == strategy_for("unknown")
    assert strategy_for("stalling").gap_after(10) == strategy_for("stalling").cadence_days[-1]

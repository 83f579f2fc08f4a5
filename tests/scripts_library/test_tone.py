import pytest

from scripts_library.models import PhraseRule
from scripts_library.tone import tone_check, tone_segments
from tests.scripts_library.factories import PhraseRuleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "If you don't pay, you will go to jail.",
        "You'll be SENT   TO PRISON for this",
        "We will tell your customers about this debt.",
        "You will regret this.",
        "you  will,\nregret it",
        "Don't be a deadbeat.",
        "We'll call the police.",
    ],
)
def test_it_finds_forbidden_english_phrases_in_any_spacing_and_case(text):
    matches = tone_check(text, "en")
    assert matches and matches[0].severity == "forbidden"
    assert matches[0].reason


@pytest.mark.parametrize(
    "text",
    [
        "再不还钱你就要坐牢。",
        "再不还钱你就要坐 牢。",
        "再不还钱你就要坐、牢",
        "我们会通知你的客户",
        "后果自负!",
        "你这个老赖",
        "我们要曝光你们公司",
    ],
)
def test_it_finds_forbidden_chinese_phrases_with_stray_spaces_and_punctuation(text):
    matches = tone_check(text, "zh-hans")
    assert matches and matches[0].severity == "forbidden"


def test_it_marks_discouraged_phrases_as_warnings_with_a_suggestion():
    en = tone_check("I am the creditor and you should have paid.", "en")
    assert {m.category for m in en} == {"pulling_rank", "lecturing"}
    assert all(m.severity == "discouraged" and m.suggestion for m in en)
    zh = tone_check("我是债权人,我们也发不出工资了。", "zh-hans")
    assert {m.category for m in zh} == {"pulling_rank", "pleading"}


def test_it_reports_the_span_of_each_match():
    text = "Hello. You will regret this."
    (match,) = tone_check(text, "en")
    assert text[match.start : match.end] == "You will regret"
    assert match.text == "You will regret"


def test_it_does_not_match_inside_longer_words():
    assert tone_check("We are familiar with your account; the arrest", "en")[0].text == "arrest"
    assert not tone_check("We are familiar with the invoice.", "en")


def test_it_leaves_polite_text_alone():
    assert tone_check("Thank you, could we agree a date for the payment?", "en") == []
    assert tone_check("麻烦您看一下,哪天方便安排付款?", "zh-hans") == []


def test_it_uses_only_active_rules_of_the_language():
    PhraseRuleFactory(phrase="pay up now", language="en", severity="discouraged")
    PhraseRuleFactory(phrase="silly billy", language="en", active=False)
    assert tone_check("Pay up, now!", "en")[0].severity == "discouraged"
    assert tone_check("silly billy", "en") == []
    assert tone_check("Pay up now", "zh-hans") == []


def test_it_applies_regex_rules_and_survives_a_broken_one():
    PhraseRuleFactory(phrase=r"\bpay\s+or\s+\w+", is_regex=True, language="en")
    PhraseRuleFactory(phrase=r"(unclosed", is_regex=True, language="en")
    (match,) = tone_check("Pay or else", "en")[:1]
    assert match.text.lower().startswith("pay or")


def test_it_cuts_text_into_segments_for_highlighting():
    text = "Hi, you will regret it"
    segments = tone_segments(text, tone_check(text, "en"))
    assert "".join(s for s, _ in segments) == text
    assert [s for s, m in segments if m] == ["you will regret"]


def test_managers_can_add_rules_as_data():
    PhraseRule.objects.create(
        phrase="最后一次机会",
        language="zh-hans",
        severity="discouraged",
        category="threat",
        reason="听起来像威胁。",
    )
    assert tone_check("这是最后 一次机会", "zh-hans")[0].reason == "听起来像威胁。"

"""The built-in category detector of the tone guard: each category in English
and Chinese, the lawful firm statements it must let through, what a match
carries, and how it sits with the managers' own rules. Built-in checks pass
rules=[] and need no database."""

import time

import pytest
from django.utils import translation

from scripts_library.models import PhraseRule
from scripts_library.tone import tone_check, tone_segments
from tests.scripts_library.factories import PhraseRuleFactory


def forbidden(text: str, language: str = "") -> list:
    return [m for m in tone_check(text, language, rules=[]) if m.is_forbidden]


@pytest.mark.parametrize(
    ("text", "kind", "category"),
    [
        # The misses reported in the issue.
        ("We will send people to your house", "violence", "threat"),
        ("We know where your kids go to school", "violence", "threat"),
        ("Your assets seized by Monday.", "false_legal", "false_legal_claim"),
        ("我们知道你家住哪里", "violence", "threat"),
        ("通知你的亲戚朋友和同事", "third_party", "shaming"),
        ("冻结你全部账户", "false_legal", "false_legal_claim"),
        # One of each category, in each language.
        ("Think about your children before you ignore us.", "family", "threat"),
        ("We'll contact your employer about the debt.", "third_party", "shaming"),
        ("This is Officer Grant from the police.", "impersonation", "false_legal_claim"),
        ("We'll post your name on Facebook.", "shaming", "shaming"),
        ("Listen, you useless clown.", "insult", "insult"),
        ("We will call you every hour until you pay.", "frequency", "threat"),
        ("You'd better watch out.", "menace", "threat"),
        ("为你的孩子想想，赶紧还钱。", "family", "threat"),
        ("再不还钱你就要坐牢了。", "false_legal", "false_legal_claim"),
        ("我是法院执行局的。", "impersonation", "false_legal_claim"),
        ("我们会把你拉进失信名单。", "shaming", "shaming"),
        ("你就是个无赖。", "insult", "insult"),
        ("不还就打爆你的电话。", "frequency", "threat"),
        ("你给我等着。", "menace", "threat"),
    ],
)
def test_it_recognises_each_category_in_both_languages(text, kind, category):
    found = forbidden(text)
    assert found, text
    assert kind in {m.kind for m in found}
    assert category in {m.category for m in found}


@pytest.mark.parametrize(
    "text",
    [
        "The contract allows us to refer the account to our legal team after the 15th.",
        "The account may be placed with an agency next month.",
        "We can freeze the late fee if you pay by Friday.",
        "If unpaid, we may file a claim in court as the contract allows.",
        "As a family business, we understand a slow month.",
        "I know school fees come due this month, so shall we split the payment?",
        "Our account manager can visit your office by appointment.",
        "逾期后我们将按合同约定移交法务部门处理。",
        "我们可以申请法院依法处理。",
        "作为家族企业，我们理解资金周转有时会紧张。",
        "我们的客户经理可以预约时间到贵公司拜访。",
    ],
)
def test_lawful_firm_statements_are_not_blocked(text):
    assert forbidden(text) == []


def test_a_match_carries_its_span_reason_and_suggestion():
    text = "Hello. We know where your kids go to school."
    (match,) = forbidden(text, "en")
    assert text[match.start : match.end] == match.text == "know where your kids go"
    assert match.rule_id is None and match.severity == "forbidden"
    assert match.reason and match.suggestion and match.severity_label


def test_reasons_and_suggestions_are_translated():
    (match,) = forbidden("你这个老赖")
    with translation.override("zh-hans"):
        assert "侮辱" in str(match.reason)
    with translation.override("en"):
        assert "insult" in str(match.reason)


def test_chinese_spans_survive_stray_spaces():
    text = "我们 知道你家 住哪里。"
    (match,) = forbidden(text, "zh-hans")
    assert text[match.start : match.end] == match.text == "知道你家 住哪"


def test_it_reads_whichever_language_the_note_is_written_in():
    assert forbidden("Kunde sagt: 我们会通知你的同事", "en")
    assert forbidden("备注：we know where you live", "zh-hans")
    assert forbidden("We know where you live", "") and forbidden("后果自负", "")


def test_softer_pressure_only_warns():
    (match,) = tone_check("This is your final warning.", "en", rules=[])
    assert match.severity == "discouraged" and not match.is_forbidden
    (match,) = tone_check("这是最后通牒。", "zh-hans", rules=[])
    assert match.severity == "discouraged"


def test_segments_cut_around_built_in_matches():
    text = "Pay today or else, we'll ring you day and night."
    matches = tone_check(text, "en", rules=[])
    segments = tone_segments(text, matches)
    assert "".join(s for s, _ in segments) == text
    assert [s for s, m in segments if m] == ["or else", "ring you day and night"]


@pytest.mark.django_db
def test_a_span_a_managers_rule_also_matches_is_reported_once_with_the_rules_words():
    PhraseRuleFactory(
        phrase="know where your kids",
        language="en",
        severity="forbidden",
        category="threat",
        reason="Our own reason.",
    )
    text = "We know where your kids go to school."
    ours, builtin = sorted(tone_check(text, "en"), key=lambda m: m.rule_id is None)
    assert ours.reason == "Our own reason." and ours.text == "know where your kids"
    assert builtin.rule_id is None and builtin.text == "know where your kids go"
    # The same span from both sources: only the manager's match is shown.
    PhraseRule.objects.all().delete()
    PhraseRuleFactory(
        phrase="or else", language="en", severity="forbidden", category="threat", reason="Ours."
    )
    (match,) = tone_check("Pay, or else.", "en")
    assert match.reason == "Ours." and match.rule_id is not None


@pytest.mark.django_db
def test_an_empty_language_checks_the_rules_of_every_language():
    PhraseRuleFactory(phrase="silly billy", language="en", severity="discouraged")
    PhraseRuleFactory(phrase="小笨蛋", language="zh-hans", severity="discouraged")
    found = {m.text for m in tone_check("silly billy, 小笨蛋", "")}
    assert {"silly billy", "小笨蛋"} <= found


def test_a_typical_note_is_checked_in_well_under_five_milliseconds():
    note = (
        "Called Mr Li at 10:15. He says the March invoices are with their finance team and "
        "promised 2,400 by Friday; the rest after the customer pays them. I explained that "
        "the contract allows us to refer the account to our legal team after the 15th and "
        "that the late fee can be frozen if he pays on time. 客户说周五前付款，余款月底前付清。"
    )
    assert len(note) < 400
    tone_check(note, "", rules=[])
    started = time.perf_counter()
    for _ in range(50):
        tone_check(note, "", rules=[])
    assert (time.perf_counter() - started) / 50 < 0.005

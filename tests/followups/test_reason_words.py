"""What a Chinese reader sees: slot reasons worded from their codes in the reader's
language, people by their names, amounts grouped with their currency."""

import datetime as dt
import importlib
import re
from decimal import Decimal

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from debtors.imports.errors import msg
from followups import timing
from followups.models import Interaction
from tests.followups.factories import (
    FollowUpFactory,
    InstalmentFactory,
    InteractionFactory,
    PromiseToPayFactory,
)

FRIDAY_3PM = {"weekday": 4, "time": "15:00"}
# code: (params, English words, Chinese words)
WORDS = {
    "at": (FRIDAY_3PM, "Fri 15:00 their time", "当地周五 15:00"),
    "first_15": ({}, "first 15 minutes of their day", "对方上班后的前15分钟"),
    "morning": ({}, "morning", "上午"),
    "after_lunch": ({}, "right after their lunch break", "对方午休刚结束"),
    "afternoon": ({}, "afternoon", "下午"),
    "afternoon_negotiation": ({}, "afternoon, good for negotiating", "下午，适合商谈"),
    "late_day": ({}, "late in their day", "对方快下班时"),
    "lunch_break": ({}, "during their lunch break", "对方午休时间"),
    "off_hours": ({}, "outside their opening hours", "对方营业时间之外"),
    "weekday_best": ({}, "best weekday", "一周中最好的一天"),
    "weekday_good": ({}, "good weekday", "较好的工作日"),
    "weekday_weak": ({}, "weak weekday", "效果较差的工作日"),
    "friday_afternoon": ({}, "relaxed Friday afternoon", "周五下午比较放松"),
    "monday_morning": ({}, "busy Monday morning", "周一上午比较忙"),
    "makeup_workday": ({}, "an official make-up working day", "法定调休上班日"),
    "money_before": ({"days": 2}, "2 days before their money day", "距对方回款日还有 2 天"),
    "money_after": ({}, "the day after their money day", "对方回款日的第二天"),
    "team_data": (
        {"share": 80, "successes": 41, "trials": 120},
        "team data 80 % of the score (41 of 120 attempts succeeded at this hour)",
        "团队数据占评分的 80 %（此时段 120 次中 41 次成功）",
    ),
    "debtor_data": (
        {"share": 33, "successes": 3, "trials": 5},
        "their own history 33 % of the score (3 of 5 attempts succeeded at this hour)",
        "对方自身记录占评分的 33 %（此时段 5 次中 3 次成功）",
    ),
    "deadline_missed": (
        {"weekday": 0, "time": "00:00"},
        "no allowed time before the deadline (Mon 00:00 their time)",
        "截止时间（当地周一 00:00）之前没有允许联系的时段",
    ),
    "callback_asked": ({}, "the time they asked for", "对方要求的时间"),
    "note": ({"text": "Kept as typed"}, "Kept as typed", "Kept as typed"),
}
# English that must never reach a Chinese reader in a worded reason.
ENGLISH = re.compile(r"their time|afternoon|morning|weekday|money day|minutes|asked for")


def test_every_code_has_words():
    assert set(WORDS) == set(timing.REASON_CODES)
    assert len(timing.REASON_CODES) == len(set(timing.REASON_CODES))


@pytest.mark.parametrize("code", timing.REASON_CODES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_code_reads_in_the_readers_language(code, language):
    params, english, chinese = WORDS[code]
    with translation.override(language):
        alone = timing.explain([[code, params]])
        whole = timing.explain([["at", FRIDAY_3PM], [code, params]])
    words = english if language == "en" else chinese
    assert alone == words
    assert words in whole
    if language == "zh-hans" and code != "note":
        assert not ENGLISH.search(whole), whole


def test_a_whole_reason_reads_naturally_in_chinese():
    reasons = [["at", FRIDAY_3PM], ["afternoon_negotiation", {}], ["money_before", {"days": 2}]]
    with translation.override("zh-hans"):
        assert timing.explain(reasons) == "当地周五 15:00：下午，适合商谈；距对方回款日还有 2 天"
    assert timing.explain(reasons) == (
        "Fri 15:00 their time — afternoon, good for negotiating; 2 days before their money day"
    )


# --- the stored English from before the codes ----------------------------------

_migration = importlib.import_module("followups.migrations.0009_slot_reason_to_codes")


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "Fri 15:00 local: afternoon, calmer for negotiation; 2 days before their money day",
            [["at", FRIDAY_3PM], ["afternoon_negotiation", {}], ["money_before", {"days": 2}]],
        ),
        (
            "Thu 09:05 local: first 15 min of their working day; best weekday",
            [["at", {"weekday": 3, "time": "09:05"}], ["first_15", {}], ["weekday_best", {}]],
        ),
        (
            "Fri 09:05 their time — first 15 minutes of their day, best weekday; team data "
            "80 % of the score (41 of 120 attempts succeeded at this hour)",
            [
                ["at", {"weekday": 4, "time": "09:05"}],
                ["first_15", {}],
                ["weekday_best", {}],
                ["team_data", {"share": 80, "successes": 41, "trials": 120}],
            ],
        ),
        (
            "Asked to be called at 2026-11-27 15:30 their time",
            [["at", {"weekday": 4, "time": "15:30"}], ["callback_asked", {}]],
        ),
        (
            "Tue 10:00 local: before the instalment due 2026-12-01",
            [["at", {"weekday": 1, "time": "10:00"}]],
        ),
        ("Demo: due now", [["note", {"text": "Demo: due now"}]]),
        ("Fri 15:00 local: something new", [["note", {"text": "Fri 15:00 local: something new"}]]),
    ],
)
def test_stored_english_becomes_codes_or_stays_readable(text, codes):
    assert _migration.codes_from_text(text) == codes


# --- pages ------------------------------------------------------------------------

FRIDAY_MORNING = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


@pytest.fixture
def clock():
    with time_machine.travel(FRIDAY_MORNING, tick=False) as traveller:
        yield traveller


def _chinese(client, user):
    user.language = "zh-hans"
    user.save()
    client.force_login(user)
    client.cookies.load({"django_language": "zh-hans"})


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)]


@pytest.mark.django_db
def test_the_chinese_workspace_words_the_reasons_in_chinese(clock, client, personas):
    debtor = personas.debtor_a
    for days, why in (
        (1, [["at", FRIDAY_3PM], ["afternoon_negotiation", {}], ["weekday_best", {}]]),
        (2, [["at", {"weekday": 0, "time": "15:30"}], ["callback_asked", {}]]),
    ):
        FollowUpFactory(
            debtor=debtor,
            assigned_to=personas.collector_a,
            due_at=FRIDAY_MORNING + dt.timedelta(days=days),
            slot_explain=why,
        )
    _chinese(client, personas.collector_a)
    page = client.get(reverse("desk:debtor", args=[debtor.public_id])).content.decode()
    planned = _section(page, "planned-followups")
    assert "当地周五 15:00：下午，适合商谈，一周中最好的一天" in planned
    assert "当地周一 15:30：对方要求的时间" in planned
    assert not ENGLISH.search(planned), ENGLISH.search(planned)


@pytest.mark.django_db
def test_the_timeline_names_people_and_formats_amounts(clock, client, personas):
    alice = personas.collector_a
    alice.first_name, alice.last_name = "伟", "张"
    alice.save()
    debtor = personas.debtor_a
    InteractionFactory(debtor=debtor, user=alice, notes="Called")
    promise = PromiseToPayFactory(debtor=debtor, made_by=alice, total_amount=Decimal("209012.00"))
    InstalmentFactory(promise=promise, amount=Decimal("209012.00"), due_date=dt.date(2026, 12, 4))
    for language in ("en", "zh-hans"):
        alice.language = language
        alice.save()
        client.force_login(alice)
        client.cookies.load({"django_language": language})
        page = client.get(reverse("desk:debtor", args=[debtor.public_id])).content.decode()
        timeline = _section(page, "timeline")
        assert "张伟" in timeline and "alice" not in timeline
        assert "¥209,012.00" in timeline and "209012" not in timeline
        assert "2026-12-04 ¥209,012.00" in timeline


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_amounts_are_grouped_with_their_currency_in_both_languages(language):
    template = Template('{% load crm %}{{ a|money:"CNY" }} {{ b|money:"USD" }} {{ c|money }}')
    values = {"a": Decimal("209012.00"), "b": Decimal("-1234.5"), "c": "209012.00"}
    with translation.override(language):
        assert template.render(Context(values)) == "¥209,012.00 -$1,234.50 209,012.00"
        problem = msg("%(parsed)s / %(total)s", {"parsed": Decimal("209012"), "total": "x"})
        assert str(problem) == "209,012.00 / x"


@pytest.mark.django_db
def test_interaction_users_are_named_not_listed_by_login(clock, personas):
    from followups.selectors import debtor_timeline

    alice = personas.collector_a
    alice.first_name, alice.last_name = "Alice", "Archer"
    alice.save()
    InteractionFactory(debtor=personas.debtor_a, user=alice, outcome=Interaction.Outcome.NO_ANSWER)
    (entry,) = debtor_timeline(debtor=personas.debtor_a)
    assert entry.user == "Alice Archer"

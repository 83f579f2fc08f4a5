"""The built-in part of the tone guard: a detector of categories of abuse in
English and Simplified Chinese, built from word families and how they combine
(a threat verb near a home or a family member, a seizure near an asset without
a court in the sentence, ...) rather than from whole sentences.

The rules live in tone_rules_en and tone_rules_zh (word families in
tone_words_en and tone_words_zh). Each fires inside one
sentence, unless its lawful context ("by appointment", "a court order",
"依法申请") is in that sentence too. Which rules run depends on the script of
the text, not on its declared language: a Chinese threat in an English note is
still a threat. Everything is compiled once, at import."""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext_lazy as _

from . import tone_rules_en, tone_rules_zh

# The kinds of abuse, each filed under one of PhraseRule.Category.
KIND_CATEGORY = {
    "violence": "threat",
    "family": "threat",
    "third_party": "shaming",
    "false_legal": "false_legal_claim",
    "impersonation": "false_legal_claim",
    "shaming": "shaming",
    "insult": "insult",
    "frequency": "threat",
    "menace": "threat",
    "pressure": "threat",
}

KIND_TEXT = {
    "violence": (
        _("Threatens harm, or people turning up at the debtor's home."),
        _(
            "Say what happens next in the process and when. Visits only by appointment, at "
            "the business."
        ),
    ),
    "family": (
        _("Uses the debtor's family, children, school or neighbours as pressure."),
        _("Leave the family out of it: talk only about the account, the amount and the date."),
    ),
    "third_party": (
        _(
            "Telling third parties (relatives, friends, colleagues, the employer, phone "
            "contacts) about the debt breaks confidentiality and is used as pressure."
        ),
        _("Deal only with the debtor, or with the contact they named for this account."),
    ),
    "false_legal": (
        _(
            "A false legal claim: unpaid trade debt is a civil matter. Nobody is arrested or "
            "jailed for it, and nothing is seized or frozen without a court order."
        ),
        _(
            "Say what the contract allows, for example referring the account to our legal "
            "team, and that only a court can order enforcement."
        ),
    ),
    "impersonation": (
        _("Pretends to speak for the police, a court or a lawyer."),
        _("Say who you are and which company you are calling for."),
    ),
    "shaming": (
        _("Threatens public shaming: posting online, blacklists, exposing the debtor."),
        _("Keep the matter between us and the debtor."),
    ),
    "insult": (
        _("An insult or a slur."),
        _("Describe the account, not the person: which invoices are open and since when."),
    ),
    "frequency": (
        _("Threatens contact so often that it becomes harassment."),
        _("Agree when you will next be in touch, and keep to it."),
    ),
    "menace": (
        _("A veiled threat: it hints that something bad will happen."),
        _("Say exactly what happens next and when, as a step of the process."),
    ),
    "pressure": (
        _("Sounds like pressure rather than a statement of fact."),
        _("Give the date and the next lawful step plainly."),
    ),
}


@dataclasses.dataclass(frozen=True)
class Rule:
    kind: str
    severity: str
    pattern: re.Pattern
    unless: re.Pattern | None


@dataclasses.dataclass(frozen=True)
class Hit:
    start: int
    end: int
    kind: str
    severity: str

    @property
    def category(self) -> str:
        return KIND_CATEGORY[self.kind]

    @property
    def reason(self):
        return KIND_TEXT[self.kind][0]

    @property
    def suggestion(self):
        return KIND_TEXT[self.kind][1]


def _compile(rows) -> tuple[Rule, ...]:
    # Written in lower case and matched against lower-cased text: much faster
    # than re.IGNORECASE.
    return tuple(
        Rule(
            kind=kind,
            severity=severity,
            pattern=re.compile(pattern),
            unless=re.compile(unless) if unless else None,
        )
        for kind, pattern, unless, severity in rows
    )


EN_RULES = _compile(tone_rules_en.RULES)
ZH_RULES = _compile(tone_rules_zh.RULES)

_LATIN = re.compile(r"[A-Za-z]{2}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[.!?;。！？；\n]")
# Spaces that Chinese text does not need; removed before matching, mapped back after.
_ZH_SPACE = re.compile(r"[ \t\u00a0\u3000\u200b\u200c\u200d\ufeff]+")


def _sentence(text: str, start: int, end: int) -> str:
    before = max(text.rfind(ch, 0, start) for ch in ".!?;。！？；\n")
    after = _SENTENCE_END.search(text, end)
    return text[before + 1 : after.end() if after else len(text)]


def _run(rules: tuple[Rule, ...], text: str) -> list[tuple[int, int, Rule]]:
    found = []
    for rule in rules:
        for m in rule.pattern.finditer(text):
            if m.end() == m.start():
                continue
            if rule.unless is not None and rule.unless.search(_sentence(text, m.start(), m.end())):
                continue
            found.append((m.start(), m.end(), rule))
    return found


def _squeeze(text: str) -> tuple[str, list[int]]:
    """The text without spaces, and where each kept character came from."""
    kept, origin, pos = [], [], 0
    for gap in _ZH_SPACE.finditer(text):
        kept.append(text[pos : gap.start()])
        origin.extend(range(pos, gap.start()))
        pos = gap.end()
    kept.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return "".join(kept), origin


def _lower(text: str) -> str:
    """Lower case, one character for one, so positions stay the same."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def detect(text: str) -> list[Hit]:
    """Every built-in rule that fires in the text, in no particular order."""
    hits: list[Hit] = []
    if not text:
        return hits
    text = _lower(text)
    if _LATIN.search(text):
        plain = text.replace("\u2019", "'")
        for start, end, rule in _run(EN_RULES, plain):
            hits.append(Hit(start, end, rule.kind, rule.severity))
    if _CJK.search(text):
        squeezed, origin = _squeeze(text)
        for start, end, rule in _run(ZH_RULES, squeezed):
            hits.append(Hit(origin[start], origin[end - 1] + 1, rule.kind, rule.severity))
    return hits

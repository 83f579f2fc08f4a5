"""The tone guard: find forbidden and discouraged wording in a text.

Two sources, one list of matches:
- the built-in category detector (scripts_library.tone_categories): threats,
  family or third parties used as pressure, false legal claims, impersonation,
  public shaming, insults, harassment by frequency and veiled menace, in
  English and Chinese, recognised from word families and their combinations;
- the managers' PhraseRule rows. Plain phrases match case-insensitively and
  survive extra spaces, line breaks and punctuation between their words ("you
  will, regret", "坐 牢", "坐、牢"). Regex rules are used as written,
  case-insensitively.
A built-in match that a rule's match (or a stronger built-in one) already
covers is left out, so one span is not reported twice."""

from __future__ import annotations

import dataclasses
import logging
import re

from django.utils.translation import gettext_lazy

from . import tone_categories
from .models import PhraseRule

logger = logging.getLogger(__name__)

_GAP = r"[\W_]*"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclasses.dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    severity: str
    category: str
    reason: str
    suggestion: str
    rule_id: int | None = None
    # The built-in detector's finer kind ("violence", "third_party", ...); "" for rules.
    kind: str = ""

    @property
    def is_forbidden(self) -> bool:
        return self.severity == PhraseRule.Severity.FORBIDDEN

    @property
    def severity_label(self) -> str:
        return str(PhraseRule.Severity(self.severity).label)


def phrase_pattern(phrase: str) -> str:
    """A regex for a plain phrase that tolerates spacing and punctuation."""
    parts = []
    for word in re.findall(r"\w+", phrase):
        # Chinese has no spaces between words: allow a gap between characters.
        pieces = list(word) if _CJK.search(word) else [word]
        parts.extend(re.escape(p) for p in pieces)
    if not parts:
        return r"(?!)"
    body = _GAP.join(parts)
    if _CJK.search(phrase):
        return body
    return rf"(?<!\w){body}(?!\w)"


def rule_pattern(rule: PhraseRule) -> re.Pattern | None:
    try:
        source = rule.phrase if rule.is_regex else phrase_pattern(rule.phrase)
        return re.compile(source, re.IGNORECASE)
    except re.error:
        logger.warning("phrase rule %s has an invalid pattern", rule.pk)
        return None


def tone_check(text: str, language: str, *, rules=None) -> list[Match]:
    """Every match in the text, in order of position; forbidden first where two
    matches start at the same place. `language` picks the managers' rules ("" is
    every language); the built-in detector reads English and Chinese wherever
    they appear. `rules` replaces the stored rules (the built-in ones still run)."""
    text = text or ""
    if rules is None:
        rules = PhraseRule.objects.filter(active=True)
        if language:
            rules = rules.filter(language=language)
    matches = _rule_matches(text, rules) + _builtin_matches(text)
    matches.sort(key=lambda m: (m.start, not m.is_forbidden, -m.end, m.rule_id is None))
    return _without_repeats(matches)


def _rule_matches(text: str, rules) -> list[Match]:
    matches = []
    for rule in rules:
        pattern = rule_pattern(rule)
        if pattern is None:
            continue
        for found in pattern.finditer(text):
            if found.end() == found.start():
                continue
            matches.append(
                Match(
                    start=found.start(),
                    end=found.end(),
                    text=found.group(0),
                    severity=rule.severity,
                    category=rule.category,
                    reason=rule.reason,
                    suggestion=rule.suggestion,
                    rule_id=rule.pk,
                )
            )
    return matches


def _builtin_matches(text: str) -> list[Match]:
    return [
        Match(
            start=hit.start,
            end=hit.end,
            text=text[hit.start : hit.end],
            severity=hit.severity,
            category=hit.category,
            reason=hit.reason,
            suggestion=hit.suggestion,
            kind=hit.kind,
        )
        for hit in tone_categories.detect(text)
    ]


def _without_repeats(matches: list[Match]) -> list[Match]:
    """Drop built-in matches inside the span of an earlier, at least as severe
    match. The managers' own matches are always kept."""
    kept: list[Match] = []
    for match in matches:
        if (
            match.rule_id is None
            and match.kind
            and any(
                k.start <= match.start
                and k.end >= match.end
                and (k.is_forbidden or not match.is_forbidden)
                for k in kept
            )
        ):
            continue
        kept.append(match)
    return kept


def tone_segments(text: str, matches: list[Match]) -> list[tuple[str, Match | None]]:
    """The text cut into plain and matched pieces, for highlighting. Overlapping
    matches: the first one wins."""
    segments, pos = [], 0
    for match in matches:
        if match.start < pos:
            continue
        if match.start > pos:
            segments.append((text[pos : match.start], None))
        segments.append((text[match.start : match.end], match))
        pos = match.end
    if pos < len(text):
        segments.append((text[pos:], None))
    return segments


WITHHELD = gettext_lazy("(withheld: this text breaks the contact rules; read it in the app)")


def printable(text: str, rules) -> str:
    """Stored text as it may be printed or read to a debtor: wording the
    guard forbids (a note or a track saved before a rule caught it) is
    withheld. ``rules``: the managers' active rules, read once by the caller."""
    if text and any(m.is_forbidden for m in tone_check(text, "", rules=rules)):
        return str(WITHHELD)
    return text

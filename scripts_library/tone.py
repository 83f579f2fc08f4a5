"""The tone guard: find forbidden and discouraged phrases in a text.

Plain phrases match case-insensitively and survive extra spaces, line breaks
and punctuation between their words ("you  will, regret", "坐 牢", "坐、牢").
Regex rules are used as written, case-insensitively."""

from __future__ import annotations

import dataclasses
import logging
import re

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
    """Every rule match in the text, in order of position; forbidden first
    where two matches start at the same place."""
    if rules is None:
        rules = PhraseRule.objects.filter(active=True, language=language)
    matches = []
    for rule in rules:
        pattern = rule_pattern(rule)
        if pattern is None:
            continue
        for found in pattern.finditer(text or ""):
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
    matches.sort(key=lambda m: (m.start, not m.is_forbidden, -m.end))
    return matches


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

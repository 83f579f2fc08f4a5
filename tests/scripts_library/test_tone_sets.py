"""The tone guard measured on the evaluation sets in tone_sets/: at least 100
threatening and 100 lawful lines per language, plus three hold-out sets, each
written after a round of changes (their first-run figures are in their
headers). Per language: recall (threat lines flagged forbidden) >= 95% and
false blocks (lawful lines with any forbidden match) <= 3%. The same figures
come out of bench/tone_bench.py, with every miss listed."""

from pathlib import Path

import pytest

from scripts_library.content import phrase_rules
from scripts_library.models import PhraseRule
from scripts_library.tone import tone_check

SETS = Path(__file__).parent / "tone_sets"
LANGUAGES = {"en": "en", "zh": "zh-hans"}
HOLDOUTS = ("holdout", "holdout2", "holdout3")


def lines(name: str) -> list[str]:
    rows = (SETS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [r.strip() for r in rows if r.strip() and not r.lstrip().startswith("#")]


def shipped_rules(language: str) -> list[PhraseRule]:
    """The shipped phrase rules, unsaved: no database needed."""
    return [
        PhraseRule(
            phrase=phrase,
            is_regex=is_regex,
            language=language,
            severity=severity,
            category=category,
            reason=reason,
            suggestion=suggestion,
        )
        for phrase, is_regex, severity, category, reason, suggestion in phrase_rules.RULES[language]
    ]


def figures(threats, lawful, language, rules):
    def blocked(text):
        return any(m.is_forbidden for m in tone_check(text, language, rules=rules))

    missed = [t for t in threats if not blocked(t)]
    false_blocks = [t for t in lawful if blocked(t)]
    return 1 - len(missed) / len(threats), len(false_blocks) / len(lawful), missed, false_blocks


@pytest.mark.parametrize("short", LANGUAGES)
def test_the_sets_hold_enough_distinct_lines(short):
    threats, lawful = lines(f"{short}_threats"), lines(f"{short}_lawful")
    assert len(threats) >= 100 and len(lawful) >= 100
    assert len(set(threats)) == len(threats) and len(set(lawful)) == len(lawful)
    assert not set(threats) & set(lawful)
    for stem in HOLDOUTS:
        held = lines(f"{short}_{stem}_threats") + lines(f"{short}_{stem}_lawful")
        assert len(held) >= 24 and not set(held) & set(threats + lawful)


@pytest.mark.parametrize("short", LANGUAGES)
@pytest.mark.parametrize("with_shipped_rules", [False, True])
def test_recall_and_false_blocks_on_the_evaluation_set(short, with_shipped_rules):
    language = LANGUAGES[short]
    rules = shipped_rules(language) if with_shipped_rules else []
    recall, false_block, missed, blocked = figures(
        lines(f"{short}_threats"), lines(f"{short}_lawful"), language, rules
    )
    assert recall >= 0.95, missed
    assert false_block <= 0.03, blocked


@pytest.mark.parametrize("short", LANGUAGES)
@pytest.mark.parametrize("stem", HOLDOUTS)
def test_recall_and_false_blocks_on_the_hold_out_sets(short, stem):
    recall, false_block, missed, blocked = figures(
        lines(f"{short}_{stem}_threats"), lines(f"{short}_{stem}_lawful"), LANGUAGES[short], []
    )
    assert recall >= 0.95, missed
    assert false_block <= 0.03, blocked

"""Measure the tone guard on the evaluation sets kept with its tests.

    DJANGO_SETTINGS_MODULE=collections_crm.settings.test .venv/bin/python bench/tone_bench.py

For each language: the set sizes, recall (threat lines flagged forbidden),
false-block rate (lawful lines with any forbidden match) and the mean time per
line, first for the built-in detector alone, then with the shipped phrase rules
on top (built from scripts_library/content/phrase_rules.py in memory, so no
database is needed). The three hold-out sets are reported apart (each was
written after a round of changes; their first runs are noted in their headers). Lists every miss
and every false block, so a change to the rules can be judged line by line.
Exits non-zero when a language misses its targets (recall >= 95%, false
blocks <= 3%)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.test")

import django  # noqa: E402

SETS = ROOT / "tests" / "scripts_library" / "tone_sets"
LANGUAGES = {"en": "en", "zh": "zh-hans"}
HOLDOUTS = ("holdout", "holdout2", "holdout3")
TARGET_RECALL, TARGET_FALSE_BLOCK = 0.95, 0.03


def read_lines(path: Path) -> list[str]:
    rows = path.read_text(encoding="utf-8").splitlines()
    return [r.strip() for r in rows if r.strip() and not r.lstrip().startswith("#")]


def shipped_rules(language: str) -> list:
    from scripts_library.content import phrase_rules
    from scripts_library.models import PhraseRule

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


def measure(threats: list[str], lawful: list[str], language: str, rules: list) -> dict:
    from scripts_library.tone import tone_check

    started = time.perf_counter()
    missed = [
        t for t in threats if not any(m.is_forbidden for m in tone_check(t, language, rules=rules))
    ]
    blocked = [
        (line, [m.text for m in tone_check(line, language, rules=rules) if m.is_forbidden])
        for line in lawful
    ]
    blocked = [(line, spans) for line, spans in blocked if spans]
    elapsed = time.perf_counter() - started
    lines = len(threats) + len(lawful)
    return {
        "recall": 1 - len(missed) / len(threats) if threats else 1.0,
        "false_block": len(blocked) / len(lawful) if lawful else 0.0,
        "missed": missed,
        "blocked": blocked,
        "ms_per_line": elapsed * 1000 / lines if lines else 0.0,
    }


def report(name: str, threats: list[str], lawful: list[str], result: dict) -> None:
    print(
        f"  {name:<28} threats {len(threats):>4}  lawful {len(lawful):>4}  "
        f"recall {result['recall']:7.1%}  false blocks {result['false_block']:6.1%}  "
        f"{result['ms_per_line']:.3f} ms/line"
    )
    for line in result["missed"]:
        print(f"      missed:  {line}")
    for line, spans in result["blocked"]:
        print(f"      blocked: {line}  <- {spans}")


def typical_text_ms(language: str) -> float:
    """Mean time of one check of a ~300-character note (no stored rules)."""
    from scripts_library.tone import tone_check

    lawful = read_lines(SETS / f"{'zh' if language == 'zh-hans' else 'en'}_lawful.txt")
    texts, size = [], 300
    for i in range(0, len(lawful)):
        chunk = " ".join(lawful[i : i + 8])[:size]
        texts.append(chunk)
    started = time.perf_counter()
    for text in texts:
        tone_check(text, "", rules=[])
    return (time.perf_counter() - started) * 1000 / len(texts)


def main() -> int:
    django.setup()
    ok = True
    for short, language in LANGUAGES.items():
        threats = read_lines(SETS / f"{short}_threats.txt")
        lawful = read_lines(SETS / f"{short}_lawful.txt")
        print(f"{language}:")
        builtin = measure(threats, lawful, language, [])
        report("built-in detector", threats, lawful, builtin)
        report(
            "built-in + shipped rules", threats, lawful,
            measure(threats, lawful, language, shipped_rules(language)),
        )  # fmt: skip
        results = [builtin]
        for n, stem in enumerate(HOLDOUTS, start=1):
            held_threats = read_lines(SETS / f"{short}_{stem}_threats.txt")
            held_lawful = read_lines(SETS / f"{short}_{stem}_lawful.txt")
            results.append(measure(held_threats, held_lawful, language, []))
            report(f"hold-out {n}, built-in", held_threats, held_lawful, results[-1])
        print(f"  a typical note (300 chars): "
              f"{typical_text_ms(language):.3f} ms per check")  # fmt: skip
        for result in results:
            if result["recall"] < TARGET_RECALL or result["false_block"] > TARGET_FALSE_BLOCK:
                ok = False
    print("targets met" if ok else "targets NOT met", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

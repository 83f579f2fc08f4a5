"""English and Simplified Chinese are both complete for everything a user sees."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
IGNORED = [".venv", "var", "staticfiles", "tests", "bench", "node_modules", ".git"]


@pytest.fixture(scope="module")
def fresh_catalog(tmp_path_factory) -> polib.POFile:
    """Extract the strings from the current source into a copy of the catalog,
    so a string added without a translation is caught even if nobody ran
    makemessages."""
    work = tmp_path_factory.mktemp("i18n") / "src"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(*IGNORED, "*.mo", "__pycache__"))
    args = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"]
    for name in IGNORED:
        args += ["--ignore", name]
    env = {"SECRET_KEY": "i18n-check", "PATH": "/usr/bin:/bin", "CRM_VAR_DIR": str(work / "var")}
    subprocess.run(args, cwd=work, env=env, check=True, capture_output=True)
    return polib.pofile(str(work / "locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_string_has_a_chinese_translation(fresh_catalog):
    untranslated = [e.msgid for e in fresh_catalog if not e.translated()]
    assert untranslated == []


def test_no_translation_is_fuzzy(fresh_catalog):
    assert [e.msgid for e in fresh_catalog if "fuzzy" in e.flags] == []


def test_placeholders_survive_translation(fresh_catalog):
    import re

    pattern = re.compile(r"%\(\w+\)s|%s|\{\w+\}")
    broken = []
    for entry in fresh_catalog:
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in targets:
            if sorted(pattern.findall(entry.msgid)) != sorted(pattern.findall(target)):
                broken.append(entry.msgid)
    assert broken == []


def test_the_committed_catalog_is_up_to_date(fresh_catalog):
    committed = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    assert {e.msgid for e in fresh_catalog} <= {e.msgid for e in committed}

"""The layout rules of ARCHITECTURE.md, checked.

Imports run one way: accounts ← debtors ← scripts_library ← followups ← desk,
reports; demo may import anything and nothing imports demo; the shared helpers
in collections_crm/lib import no app. Templates link the same way: a page of
one app names URLs of its own app or of the apps below it. Modules stay under
500 lines and functions under 80 lines and a complexity of 25, with the few
exceptions named here and why.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app's rank: an app may import apps of a lower rank and its own.
RANK = {
    "accounts": 0,
    "debtors": 1,
    "scripts_library": 2,
    "followups": 3,
    "desk": 4,
    "reports": 4,
    "demo": 5,
}
APPS = list(RANK)
PROJECT = "collections_crm"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def app_sources(app: str):
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" not in path.parts:
            yield path


def code_sources():
    for app in [*APPS, PROJECT]:
        yield from app_sources(app)


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_apps_below_it(app):
    offenders = {}
    for path in app_sources(app):
        tops = {name.split(".")[0] for name in imported_modules(path)}
        bad = {other for other in tops & set(RANK) if RANK[other] > RANK[app]}
        # Apps of the same rank stay apart (desk and reports know nothing of each other).
        bad |= {o for o in tops & set(RANK) if o != app and RANK[o] == RANK[app]}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_nothing_imports_demo():
    offenders = [
        str(path.relative_to(ROOT))
        for path in code_sources()
        if "demo" not in path.relative_to(ROOT).parts[:1]
        and any(name.split(".")[0] == "demo" for name in imported_modules(path))
    ]
    assert offenders == []


def test_the_shared_helpers_import_no_app():
    offenders = {}
    for path in (ROOT / PROJECT / "lib").rglob("*.py"):
        tops = {name.split(".")[0] for name in imported_modules(path)}
        bad = tops & set(RANK)
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


# ---------------------------------------------------------------- templates

# URL namespace -> the app that serves it.
NAMESPACE_APP = {
    "accounts": "accounts",
    "debtors": "debtors",
    "imports": "debtors",
    "scripts": "scripts_library",
    "followups": "followups",
    "optout": "followups",
    "desk": "desk",
    "reports": "reports",
}
# templates/<dir>/ -> the app whose pages they are; others (base, home, errors)
# belong to the project, which may link anywhere.
TEMPLATE_APP = {
    "accounts": "accounts",
    "debtors": "debtors",
    "imports": "debtors",
    "scripts_library": "scripts_library",
    "followups": "followups",
    "desk": "desk",
    "reports": "reports",
}
PROJECT_TEMPLATES = {"home"}  # each role's start page
# Links that go upward on purpose, each with its reason. (Pages link to a
# debtor with ``debtor.get_absolute_url``, not with a url tag.)
UPWARD_LINKS = {
    ("templates/scripts_library/detail.html", "reports"): (
        "the script page embeds the effectiveness panel of its versions, which reports owns"
    ),
    ("templates/imports/detail.html", "desk"): (
        "a finished import links to the debtor list, to see what it brought in"
    ),
}
URL_TAG = re.compile(r"""\{%\s*url\s+["']([\w-]+):[\w-]+["']""")


def test_templates_link_only_to_their_app_and_below():
    offenders = []
    directories = {p.name for p in (ROOT / "templates").iterdir() if p.is_dir()}
    assert directories - set(TEMPLATE_APP) == PROJECT_TEMPLATES
    for directory, app in TEMPLATE_APP.items():
        for path in (ROOT / "templates" / directory).rglob("*.html"):
            for namespace in URL_TAG.findall(path.read_text()):
                target = NAMESPACE_APP[namespace]
                name = str(path.relative_to(ROOT))
                if RANK[target] > RANK[app] and (name, target) not in UPWARD_LINKS:
                    offenders.append(f"{name} → {namespace}")
    assert offenders == []


def test_every_url_namespace_in_a_template_is_known():
    unknown = set()
    for path in (ROOT / "templates").rglob("*.html"):
        unknown |= set(URL_TAG.findall(path.read_text())) - set(NAMESPACE_APP) - {"api", "admin"}
    assert unknown == set()


# ---------------------------------------------------------------- sizes

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Not code but content: talk tracks, objections and phrase rules as data.
CONTENT = ROOT / "scripts_library" / "content"
# Functions allowed to be longer, by qualified name, with the reason.
LONG_FUNCTIONS: dict[str, str] = {}


def _sized_sources():
    for path in code_sources():
        if CONTENT not in path.parents:
            yield path


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in _sized_sources()
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def _functions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            yield name, node
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")


def test_no_function_is_over_80_lines():
    long = {}
    for path in _sized_sources():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name, node in _functions(ast.parse(path.read_text())):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_FUNCTION_LINES and f"{module}.{name}" not in LONG_FUNCTIONS:
                long[f"{module}.{name}"] = lines
    assert long == {}


def test_the_complexity_limit_is_set_in_ruff():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"C90"' in text and "max-complexity = 25" in text

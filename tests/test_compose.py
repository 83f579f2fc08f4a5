"""The full-stack files (docker-compose.yml, Dockerfile, .env.example,
.dockerignore) checked against the code and the settings, since Docker itself
cannot run here. No database: nothing in this module asks for one."""

import ast
import fnmatch
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.apps import apps
from django.core.management import get_commands, load_command_class
from django.urls import resolve
from gunicorn.config import Config as GunicornConfig

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "collections_crm" / "settings" / "base.py"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"

# Services that run the application image; seed only under the "demo" profile.
APP_SERVICES = ("migrate", "web", "worker", "beat", "seed")
ALWAYS_ON_SERVICES = ("postgres", "redis", "migrate", "web", "worker", "beat")


# --- Helpers -----------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict:
    return compose()["services"]


class MissingVariable(Exception):
    pass


_INTERPOLATION = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's (and the shell's) ${NAME}, ${NAME:-default}, ${NAME-default},
    ${NAME:?error}, ${NAME?error} and $$, resolved against `variables`."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"]
        value = variables.get(name)
        missing = value is None or (op is not None and op.startswith(":") and value == "")
        if not missing:
            return value
        if op in (":-", "-"):
            return arg
        if op in (":?", "?"):
            raise MissingVariable(f"{name}: {arg}")
        return ""

    return _INTERPOLATION.sub(replace, value)


def interpolated_names(text: str) -> set[str]:
    return {m["name"] for m in _INTERPOLATION.finditer(text) if m["name"]}


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def argv(command) -> list[str]:
    """A compose `command` (string or list) as argv, `sh -c SCRIPT` unwrapped,
    with compose's interpolation defaults applied."""
    args = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    if args[:2] == ["sh", "-c"]:
        args = shlex.split(args[2])
    if args and args[0] == "exec":
        args = args[1:]
    return [interpolate(a, {}) for a in args]


def _is_env_reader(func: ast.expr) -> bool:
    """env("X"), env.str("X"), environ.Env().str("X"), os.environ.get("X"),
    os.getenv("X")."""
    if isinstance(func, ast.Name):
        return func.id == "env"
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    if isinstance(owner, ast.Name) and owner.id == "env":
        return True
    if isinstance(owner, ast.Call) and ast.unparse(owner.func) in ("environ.Env", "Env"):
        return True
    return ast.unparse(func) in ("os.environ.get", "os.getenv")


def settings_env_reads() -> dict[str, ast.expr | None]:
    """Every environment variable base.py reads, mapped to its default
    expression (None: no default, the variable is required)."""
    tree = ast.parse(SETTINGS_FILE.read_text())
    reads: dict[str, ast.expr | None] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and _is_env_reader(node.func)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            name = node.args[0].value
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if default is None and len(node.args) > 1 and ast.unparse(node.func).startswith("os."):
                default = node.args[1]
            reads[name] = default
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            reads[node.slice.value] = None
    return reads


def required_settings_env() -> set[str]:
    return {name for name, default in settings_env_reads().items() if default is None}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if current and line.lstrip().startswith("#"):
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        keyword, _, rest = current.strip().partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def assert_gunicorn_argv(args: list[str]) -> None:
    assert args[0] == "gunicorn", args
    options = GunicornConfig().parser().parse_args(args[1:])  # exits on an unknown option
    assert len(options.args) == 1, f"gunicorn needs exactly one WSGI target: {options.args}"
    module_name, _, attribute = options.args[0].partition(":")
    module_file = ROOT / Path(*module_name.split(".")).with_suffix(".py")
    assert module_file.is_file(), f"{options.args[0]}: no {module_file}"
    assert attribute, f"{options.args[0]}: no attribute after ':'"
    module = __import__(module_name, fromlist=[attribute])
    assert callable(getattr(module, attribute, None)), f"{module_name} has no {attribute}"
    assert options.bind == ["0.0.0.0:8000"], options.bind
    assert int(options.workers) >= 1


def assert_celery_argv(args: list[str]) -> None:
    assert args[0] == "celery" and args[1] == "-A", args
    app = find_app(args[2])  # what `celery -A` does
    assert isinstance(app, Celery), f"-A {args[2]} finds {app!r}, not a Celery app"
    assert app.main == "collections_crm"
    subcommand, options = args[3], args[4:]
    assert subcommand in celery_cli.commands, f"celery has no subcommand {subcommand}"
    known = {o for p in celery_cli.commands[subcommand].params for o in p.opts}
    for option in (o.split("=", 1)[0] for o in options if o.startswith("-")):
        assert option in known, f"celery {subcommand} has no option {option}"


def assert_manage_py_argv(args: list[str]) -> None:
    assert args[:2] == ["python", "manage.py"], args
    name, options = args[2], args[3:]
    commands = get_commands()
    assert name in commands, f"no management command {name!r}"
    command = load_command_class(commands[name], name)
    command.create_parser("manage.py", name).parse_args(options)  # CommandError if unknown


# --- Compose: services and image ----------------------------------------------


def test_it_defines_every_full_stack_service():
    defined = services()
    for name in (*ALWAYS_ON_SERVICES, "seed"):
        assert name in defined, f"docker-compose.yml has no service {name}"
    for name in ALWAYS_ON_SERVICES:
        assert not defined[name].get("profiles"), f"{name} must start with a plain `up`"
    assert defined["seed"]["profiles"] == ["demo"]


def test_it_runs_every_app_service_on_one_image_built_from_the_dockerfile():
    defined = services()
    web = defined["web"]
    assert web["build"]["context"] == "."
    assert (ROOT / web["build"].get("dockerfile", "Dockerfile")).is_file()
    assert web.get("image"), "the shared image needs a name so it is built once"
    for name in APP_SERVICES:
        assert defined[name]["build"] == web["build"], name
        assert defined[name]["image"] == web["image"], name
        assert environment(defined[name]) == environment(web), name
        assert defined[name]["command"], f"{name} must say what it runs"
    assert len({str(defined[name]["command"]) for name in APP_SERVICES}) == len(APP_SERVICES)
    for name in ("postgres", "redis"):
        assert "build" not in defined[name]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_runs_a_command_that_exists_in_the_code(service):
    args = argv(services()[service]["command"])
    if args[0] == "gunicorn":
        assert_gunicorn_argv(args)
    elif args[0] == "celery":
        assert_celery_argv(args)
    elif args[:2] == ["python", "manage.py"]:
        assert_manage_py_argv(args)
    else:
        pytest.fail(f"{service}: no check for command {args}")


def test_it_starts_the_scheduler_and_the_worker_on_the_same_celery_app():
    defined = services()
    worker, beat = argv(defined["worker"]["command"]), argv(defined["beat"]["command"])
    assert worker[3] == "worker" and beat[3] == "beat"
    assert find_app(worker[2]) is find_app(beat[2])


# --- Compose: environment -------------------------------------------------------


def test_it_reads_the_expected_variables_from_the_settings_source():
    reads = settings_env_reads()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CRM_VAR_DIR", "DEBUG"} <= set(reads)
    # The brief's regex over the source finds nothing the AST walk missed.
    pattern = re.compile(r"\b(?:env|environ\.Env\(\))(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"")
    assert set(pattern.findall(SETTINGS_FILE.read_text())) <= set(reads)
    assert required_settings_env() == {"SECRET_KEY"}


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_sets_only_environment_variables_the_settings_read(service):
    unknown = set(environment(services()[service])) - set(settings_env_reads())
    assert not unknown, f"{service} sets variables no setting reads: {sorted(unknown)}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_provides_every_required_setting_without_hard_coding_it(service):
    env = environment(services()[service])
    for name in required_settings_env():
        assert name in env, f"{service} does not set the required {name}"
        with pytest.raises(MissingVariable):
            interpolate(env[name], {})  # compose refuses to start without it
        assert interpolate(env[name], {name: "from-the-shell"}) == "from-the-shell"
    assert env["DEBUG"] == "false"


def test_it_keeps_compose_defaults_equal_to_the_settings_defaults():
    reads = settings_env_reads()
    compared = 0
    for name, value in environment(services()["web"]).items():
        match = re.fullmatch(r"\$\{(\w+):-([^}]*)\}", value)
        default = reads.get(name)
        if not match or match[1] != name or not isinstance(default, ast.Constant):
            continue
        if isinstance(default.value, bool) or not isinstance(default.value, str | int):
            continue
        assert match[2] == str(default.value), (
            f"{name}: compose {match[2]!r}, settings {default.value!r}"
        )
        compared += 1
    assert compared >= 3


def test_it_points_the_app_at_the_compose_postgres_and_redis():
    defined = services()
    env = {k: interpolate(v, {"SECRET_KEY": "x"}) for k, v in environment(defined["web"]).items()}
    pg = {k: interpolate(v, {}) for k, v in environment(defined["postgres"]).items()}
    database = urlsplit(env["DATABASE_URL"])
    assert database.scheme in ("postgres", "postgresql")
    assert database.hostname == "postgres" and database.port == 5432
    assert database.username == pg["POSTGRES_USER"]
    assert database.password == pg["POSTGRES_PASSWORD"]
    assert database.path.lstrip("/") == pg["POSTGRES_DB"]
    redis = urlsplit(env["REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)
    assert "--appendonly" in defined["redis"]["command"]
    # The same password variable feeds both, so changing it in .env cannot split them.
    assert interpolated_names(environment(defined["web"])["DATABASE_URL"]) == {"POSTGRES_PASSWORD"}
    assert interpolated_names(environment(defined["postgres"])["POSTGRES_PASSWORD"]) == {
        "POSTGRES_PASSWORD"
    }


# --- Compose: health and start order ---------------------------------------------


@pytest.mark.parametrize("service", ["postgres", "redis", "web"])
def test_it_health_checks_the_service(service):
    check = services()[service].get("healthcheck") or {}
    assert not check.get("disable"), f"{service}: health check disabled"
    test = check.get("test")
    assert test and test not in (["NONE"], "NONE"), f"{service} has no health check"


def test_it_health_checks_web_on_a_route_that_exists():
    web = services()["web"]
    test = web["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], "slim has no curl: use python"
    script = test[3]
    compile(script, "healthcheck", "exec")
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*?)['\"]", script)
    assert url, script
    assert url[1] == "8000" and "8000:8000" in web["ports"]
    assert resolve(url[2]).url_name == "healthz"


def test_it_waits_for_health_and_one_shot_jobs_in_depends_on():
    defined = services()
    for name, service in defined.items():
        for target, spec in (service.get("depends_on") or {}).items():
            assert target in defined, f"{name} depends on unknown {target}"
            condition = spec["condition"]
            if condition == "service_healthy":
                assert defined[target].get("healthcheck"), f"{name} waits on {target}'s health"
            elif condition == "service_completed_successfully":
                assert defined[target].get("restart") == "no", f"{target} must run once"
    assert defined["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends = defined[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name


# --- Dockerfile and .dockerignore -------------------------------------------------


def test_it_starts_gunicorn_from_the_dockerfile_on_a_module_that_exists():
    instructions = dict(dockerfile_instructions())  # the last CMD/ENTRYPOINT wins
    assert "ENTRYPOINT" not in instructions
    cmd = json.loads(instructions["CMD"])
    assert_gunicorn_argv(argv(cmd))
    assert instructions["EXPOSE"] == "8000"
    assert instructions["FROM"] == "python:3.11-slim-bookworm"
    assert "DJANGO_SETTINGS_MODULE=collections_crm.settings.base" in instructions["ENV"]
    assert (ROOT / "collections_crm" / "settings" / "base.py").is_file()


def test_it_runs_the_image_as_a_non_root_user_without_a_baked_secret():
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    assert ("USER", "app") in instructions
    assert keywords.index("USER") < keywords.index("CMD")
    for keyword, arguments in instructions:
        if "SECRET_KEY" in arguments:
            assert keyword == "RUN", f"SECRET_KEY must not be in {keyword}: {arguments}"
            assert re.search(r"SECRET_KEY=build-only\b", arguments)


def test_it_installs_dependencies_before_copying_the_code():
    instructions = dockerfile_instructions()
    copies = [i for i, (keyword, _) in enumerate(instructions) if keyword == "COPY"]
    install = next(i for i, (k, a) in enumerate(instructions) if k == "RUN" and "pip install" in a)
    assert instructions[copies[0]][1] == "pyproject.toml ./"
    assert copies[0] < install < copies[1]
    build = [a for k, a in instructions if k == "RUN" and "manage.py" in a]
    assert any("compilemessages" in a for a in build) and any("collectstatic" in a for a in build)


def _dockerignored(path: str, patterns: list[str]) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        bare = pattern[3:] if pattern.startswith("**/") else pattern
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern) or fnmatch.fnmatchcase(prefix, bare):
                return True
            if pattern.startswith("**/") and fnmatch.fnmatchcase(prefix.split("/")[-1], bare):
                return True
    return False


def test_it_keeps_local_state_out_of_the_build_context_but_not_the_code():
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not any(p.startswith("!") for p in patterns), "keep .dockerignore simple"
    for path in (
        ".env",
        ".venv/bin/python",
        "var/crm.sqlite3",
        ".git/HEAD",
        "staticfiles/x",
        "accounts/__pycache__/models.cpython-311.pyc",
        "bench/out/run.json",
        "locale/zh_Hans/LC_MESSAGES/django.mo",
    ):
        assert _dockerignored(path, patterns), f"{path} would be sent to the build"
    local_apps = [
        config.name for config in apps.get_app_configs() if Path(config.path) == ROOT / config.name
    ]
    needed = [
        "manage.py",
        "pyproject.toml",
        "collections_crm/wsgi.py",
        "collections_crm/celery.py",
        "collections_crm/settings/base.py",
        "templates",
        "static",
        "locale",
        *local_apps,
    ]
    assert len(local_apps) >= 4
    for path in needed:
        assert not _dockerignored(path, patterns), f".dockerignore drops {path}"


# --- .env.example ----------------------------------------------------------------


def _env_example() -> tuple[dict[str, str], list[str]]:
    lines = ENV_EXAMPLE.read_text().splitlines()
    values = {}
    for line in lines:
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            values[match[1]] = match[2]
    return values, lines


def test_it_documents_every_setting_variable_in_env_example():
    values, lines = _env_example()
    missing = set(settings_env_reads()) - set(values)
    assert not missing, f".env.example lacks {sorted(missing)}"
    undocumented = set()
    for index, line in enumerate(lines):
        name = line.split("=", 1)[0]
        if name in values and (index == 0 or not lines[index - 1].startswith("#")):
            undocumented.add(name)
    assert not undocumented, f"no comment line above {sorted(undocumented)}"


def test_it_documents_every_variable_compose_interpolates_in_env_example():
    values, _ = _env_example()
    used = interpolated_names(COMPOSE_FILE.read_text())
    assert {"SECRET_KEY", "POSTGRES_PASSWORD", "WEB_CONCURRENCY"} <= used
    assert used <= set(values), f".env.example lacks {sorted(used - set(values))}"
    assert set(values) <= used | set(settings_env_reads()), "unknown variables in .env.example"


def test_it_ships_no_secret_key_and_local_http_values_in_env_example():
    values, _ = _env_example()
    assert values["SECRET_KEY"] == "", "a copied .env.example must not start with a known key"
    # Copied to .env it feeds the local compose stack, which has no TLS.
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert values[name] == "false", name
    assert values["DEBUG"] == "false"
    assert "localhost" in values["ALLOWED_HOSTS"].split(",")


# --- Production deploy checks ----------------------------------------------------


def test_it_passes_the_deploy_checks_with_a_production_environment(tmp_path):
    # Inherit PATH and the like, but nothing that configures Django or the
    # settings (the test run's own DATABASE_URL, DJANGO_ALLOW_ASYNC_UNSAFE, ...).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in settings_env_reads() and not k.startswith("DJANGO_")
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="false",
        ALLOWED_HOSTS="crm.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploycheck.sqlite3'}",
        CRM_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="collections_crm.settings.base",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert "System check identified no issues" in output, output

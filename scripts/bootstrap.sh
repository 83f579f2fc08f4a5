#!/usr/bin/env bash
# Idempotent setup for this checkout.
#
#   scripts/bootstrap.sh [run|test|venv]
#
#   venv  the virtualenv only (.venv, pip install -e '.[dev]')
#   run   venv + system packages for the embedded default (WeasyPrint, CJK fonts,
#         gettext) + compiled translations                      (default)
#   test  run + Redis, Chromium and PostgreSQL 15 for the test suite
#
# Every step is skipped when already done: the virtualenv is created only when
# missing, pip runs only when pyproject.toml changed since the last successful
# install (hash kept in .venv/.crm-install-stamp), apt-get runs (update included)
# only when a package is actually missing.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-run}"
case "$MODE" in
run | test | venv) ;;
*)
    echo "usage: $0 [run|test|venv]" >&2
    exit 2
    ;;
esac

VENV=.venv
STAMP="$VENV/.crm-install-stamp"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: need root (or sudo) to run: $*" >&2
        return 1
    fi
}

# ---------------------------------------------------------------- system packages

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

APT_UPDATED=0
POLICY_RC_D=/usr/sbin/policy-rc.d
POLICY_CREATED=0
# Removed again even when apt-get is interrupted: a stray policy-rc.d would stop
# every later package from starting its service on this machine.
remove_policy() {
    if [ "$POLICY_CREATED" -eq 1 ]; then
        as_root rm -f "$POLICY_RC_D" || true
        POLICY_CREATED=0
    fi
}
trap remove_policy EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
apt_install() {
    # apt_install PKG... : installs the given (missing) packages without letting
    # their maintainer scripts start services (redis-server, postgresql): we
    # start our own throw-away servers and never rely on the system ones.
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: missing system packages ($*) and no apt-get; install them yourself" >&2
        return 1
    fi
    local rc=0
    if [ ! -e "$POLICY_RC_D" ]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $POLICY_RC_D && chmod 755 $POLICY_RC_D"
        POLICY_CREATED=1
    fi
    # No questions: no debconf dialogs, no needrestart prompt.
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    local log
    log="$(mktemp /tmp/crm-apt.XXXXXX)"
    if [ "$APT_UPDATED" -eq 0 ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 || rc=$?
        APT_UPDATED=1
    fi
    if [ "$rc" -eq 0 ]; then
        say "apt-get install $* (a few minutes the first time)"
        as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
            apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1 || rc=$?
    fi
    remove_policy
    if [ "$rc" -ne 0 ]; then
        cat "$log" >&2
        echo "error: apt-get failed (exit $rc)" >&2
    fi
    rm -f "$log"
    return "$rc"
}

ensure_system_packages() {
    local missing=()
    local pkg
    # WeasyPrint needs Pango; statements print Chinese names; msgfmt compiles .po.
    for pkg in libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    if [ "$MODE" = test ]; then
        if ! pkg_installed redis-server && ! command -v redis-server >/dev/null 2>&1; then
            missing+=(redis-server)
        fi
        if ! pkg_installed chromium && [ ! -x /usr/bin/chromium ]; then
            missing+=(chromium)
        fi
        if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
            missing+=(postgresql-15)
        fi
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

# ---------------------------------------------------------------- python

# True when "$1" runs a Python this project supports (>=3.11,<3.13).
python_ok() {
    "$1" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))' \
        >/dev/null 2>&1
}

find_python() {
    local c
    for c in "${PYTHON:-}" python3.11 python3.12 python3; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if python_ok "$c"; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; then
        return 0
    fi
    local py
    if ! py="$(find_python)"; then
        say "no Python 3.11/3.12 found; installing Debian's python3"
        apt_install python3 python3-venv
        py="$(find_python)" || {
            echo "error: need Python >=3.11,<3.13 (set PYTHON=/path/to/python3.11)" >&2
            exit 1
        }
    fi
    # Debian splits ensurepip (needed by venv) into python3-venv.
    if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        apt_install python3-venv
    fi
    if [ -e "$VENV" ]; then
        say "recreating broken or unsupported $VENV with $py"
        "$py" -m venv --clear "$VENV"
    else
        say "creating $VENV with $py"
        "$py" -m venv "$VENV"
    fi
    rm -f "$STAMP"
}

ensure_python_packages() {
    local want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
        return 0
    fi
    say "pip install -e '.[dev]' (pyproject.toml changed since the last install)"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e '.[dev]'
    printf '%s\n' "$want" >"$STAMP"
}

compile_translations() {
    [ -d locale ] || return 0
    # Nothing to compile yet (and no need to load Django) when there is no .po.
    if [ -z "$(find . \( -path ./.venv -o -path ./node_modules -o -path ./var \) -prune \
        -o -name '*.po' -print -quit)" ]; then
        return 0
    fi
    # Settings insist on SECRET_KEY; compilemessages never uses it.
    SECRET_KEY="${SECRET_KEY:-bootstrap-compilemessages-only}" \
        "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=node_modules \
        --ignore=var --verbosity 0
}

if [ "$MODE" != venv ]; then
    ensure_system_packages
fi
ensure_venv
ensure_python_packages
if [ "$MODE" != venv ]; then
    compile_translations
fi

#!/usr/bin/env bash
# make test: installs what is missing, starts a throw-away PostgreSQL and Redis
# on loopback, runs the whole pytest suite (extra arguments are passed to
# pytest), and always stops both servers again.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -k queue -x     # pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

bash scripts/bootstrap.sh test

# shellcheck source=scripts/services.sh
. scripts/services.sh
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_postgres
start_redis

export DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/crm_test"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_SETTINGS_MODULE=collections_crm.settings.test
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export CRM_VAR_DIR="$SERVICES_DIR/var"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

cat >&2 <<INFO
    PostgreSQL  $PG_HOST:$PG_PORT  (DATABASE_URL=$DATABASE_URL)
    Redis       127.0.0.1:$REDIS_PORT  (REDIS_URL=$REDIS_URL)
    Chromium    $CHROMIUM_PATH
INFO

rc=0
.venv/bin/python -m pytest "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "error: pytest collected no tests (exit 5); treating as a failure" >&2
fi

# The whole suite (no arguments, as CI runs it) goes once more with the clock
# more than a year ahead, so a test that depends on the calendar fails today
# rather than on the day its fixed date goes by (tests/conftest.py,
# CRM_TEST_CLOCK_AHEAD_DAYS). Real worker processes and Chromium keep the real
# clock, so those tests run only in the first pass.
if [ "$#" -eq 0 ] && [ "$rc" -eq 0 ]; then
    printf '\033[1m==> again with the clock %s days ahead\033[0m\n' "${CLOCK_AHEAD_DAYS:=400}" >&2
    CRM_TEST_CLOCK_AHEAD_DAYS="$CLOCK_AHEAD_DAYS" \
        .venv/bin/python -m pytest -q -m "not worker and not browser" || rc=$?
fi
exit "$rc"

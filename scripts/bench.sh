#!/usr/bin/env bash
# make bench: the same throw-away PostgreSQL and Redis as make test, then every
# bench/*.py (except _*.py helpers) in sorted order against a fresh database
# "crm_bench". Every script runs even when an earlier one fails; the exit status
# is non-zero if any failed. bench/schedule_bench.py creates its own database
# (crm_sched_bench) on the same server, seeds 100,000 debtors there and starts
# a Celery worker (prefork) against the Redis below.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

bash scripts/bootstrap.sh test

# The bench-only extra (django-import-export, for bench/import_bench.py); the
# bootstrap installs '.[dev]' only.
if ! .venv/bin/python -c 'import import_export' >/dev/null 2>&1; then
    printf '\033[1m==> %s\033[0m\n' "installing the bench extra (pip install -e '.[dev,bench]')" >&2
    .venv/bin/python -m pip install -q -e '.[dev,bench]'
fi

# shellcheck source=scripts/services.sh
. scripts/services.sh
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mapfile -t benches < <(find bench -maxdepth 1 -type f -name '*.py' ! -name '_*' 2>/dev/null | LC_ALL=C sort)
if [ "${#benches[@]}" -eq 0 ]; then
    echo "no bench/*.py scripts; nothing to do" >&2
    exit 0
fi

start_postgres
start_redis
as_postgres "$PG_BIN/createdb" -h "$PG_HOST" -p "$PG_PORT" -U postgres crm_bench

export DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/crm_bench"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_SETTINGS_MODULE=collections_crm.settings.test
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export CRM_VAR_DIR="$SERVICES_DIR/var"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

cat >&2 <<INFO
    PostgreSQL  $PG_HOST:$PG_PORT  (DATABASE_URL=$DATABASE_URL)
    Redis       127.0.0.1:$REDIS_PORT  (REDIS_URL=$REDIS_URL)
INFO

failed=()
for b in "${benches[@]}"; do
    printf '\n\033[1m==> %s\033[0m\n' "$b" >&2
    start=$SECONDS
    if .venv/bin/python "$b"; then
        printf '\033[1m==> %s ok (%ss)\033[0m\n' "$b" "$((SECONDS - start))" >&2
    else
        rc=$?
        # Ctrl-C inside a bench script: stop, do not carry on with the next one.
        [ "$rc" -eq 130 ] && exit 130
        printf '\033[1;31m==> %s FAILED (exit %s)\033[0m\n' "$b" "$rc" >&2
        failed+=("$b")
    fi
done

echo >&2
if [ "${#failed[@]}" -gt 0 ]; then
    echo "bench: ${#failed[@]} of ${#benches[@]} failed: ${failed[*]}" >&2
    exit 1
fi
echo "bench: all ${#benches[@]} passed" >&2

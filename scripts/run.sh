#!/usr/bin/env bash
# make run: the embedded default. Sets everything up, migrates a SQLite database
# in var/, loads the demo data once, then runs the web server and a real Celery
# worker with embedded beat (filesystem broker in var/celery/). Ctrl-C stops both.
#
#   PORT=8080 scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PORT="${PORT:-8000}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_open "$PORT"; then
    echo "error: port $PORT is already in use; try PORT=8080 make run" >&2
    exit 1
fi

bash scripts/bootstrap.sh run

mkdir -p var/celery/queue var/celery/processed

# One random SECRET_KEY per checkout, kept out of git (var/ is ignored).
if [ ! -s var/secret_key ]; then
    (
        umask 077
        .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >var/secret_key.tmp
        mv var/secret_key.tmp var/secret_key
    )
fi
chmod 600 var/secret_key
SECRET_KEY="$(cat var/secret_key)"
export SECRET_KEY
export DEBUG=true
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-collections_crm.settings.base}"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# Links in reminders (opt-out, payment) point at this server unless told otherwise.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"

.venv/bin/python manage.py migrate --noinput

# Demo data the first time only (the command does nothing once users exist).
.venv/bin/python manage.py seed_demo --if-empty
# Plan every debtor's next step now (beat repeats it nightly); repeating it changes nothing.
.venv/bin/python manage.py plan_followups

# ---------------------------------------------------------------- processes
# Each child runs in its own session/process group (setsid), so we can stop it
# with everything it forked (runserver's autoreloader child, Celery's pool and
# beat) and so a Ctrl-C reaches only this script, which then stops them in order.

WEB_PID=""
WORKER_PID=""

group_alive() { [ -n "$1" ] && kill -0 -- "-$1" 2>/dev/null; }

FORCE=0
cleanup() {
    # A second Ctrl-C during shutdown does not abandon the children: it only
    # skips the grace period.
    trap 'FORCE=1' INT TERM
    trap - EXIT
    set +e
    echo >&2
    echo "==> stopping web server and Celery worker (Ctrl-C again to force)..." >&2
    # runserver: the whole group at once. Celery: the main process only (warm
    # shutdown, a few seconds: it stops its pool and beat itself).
    [ -n "$WEB_PID" ] && kill -TERM -- "-$WEB_PID" 2>/dev/null
    [ -n "$WORKER_PID" ] && kill -TERM "$WORKER_PID" 2>/dev/null
    for _ in $(seq 1 200); do
        [ "$FORCE" -eq 1 ] && break
        group_alive "$WEB_PID" || group_alive "$WORKER_PID" || break
        sleep 0.1
    done
    # Whatever is still there after 20 s (or on a second Ctrl-C) is killed.
    for pgid in "$WEB_PID" "$WORKER_PID"; do
        if group_alive "$pgid"; then
            kill -KILL -- "-$pgid" 2>/dev/null
        fi
    done
    wait 2>/dev/null
    echo "==> stopped" >&2
}
trap cleanup EXIT
# Ctrl-C (or a TERM) is how one stops the demo: a clean stop, not a failure, so
# make does not print "Error 130/143".
trap 'exit 0' INT TERM

setsid .venv/bin/python manage.py runserver "127.0.0.1:$PORT" </dev/null &
WEB_PID=$!
# As root (a fresh Debian box) Celery warns about superuser privileges on every
# start. That warning is about pickle payloads, which this app never accepts
# (JSON only); production runs the worker as an unprivileged user (see the
# Dockerfile), so here the warning is only noise.
WORKER_WARNINGS=""
if [ "$(id -u)" -eq 0 ]; then
    WORKER_WARNINGS="ignore:You're running the worker with superuser privileges"
fi
PYTHONWARNINGS="$WORKER_WARNINGS" setsid .venv/bin/celery -A collections_crm worker -B --loglevel=INFO --concurrency=2 \
    -s var/celery/beat-schedule </dev/null &
WORKER_PID=$!

# Wait for the web server to listen before printing the box.
for _ in $(seq 1 600); do
    if port_open "$PORT"; then
        break
    fi
    if ! kill -0 "$WEB_PID" 2>/dev/null; then
        echo "error: the web server exited (port $PORT in use? try PORT=8080 make run)" >&2
        exit 1
    fi
    sleep 0.1
done

URL="http://127.0.0.1:$PORT/"
box_rule() { printf '  +%s+\n' "$(printf '%*s' 64 '' | tr ' ' "$1")"; }
box_line() { printf '  |  %-60s  |\n' "${1:-}"; }
{
    echo
    box_rule "="
    box_line "Collections CRM is running"
    box_line
    box_line "Open  $URL"
    box_line
    box_line "Demo logins - password for every user: demo12345"
    box_line "  user          role"
    box_line "  collector     collector  (own portfolio, call queue)"
    box_line "  collector2    collector  (a second portfolio)"
    box_line "  manager       manager    (team dashboards, scripts)"
    box_line "  finance       finance    (imports, every debtor read-only)"
    box_line "  admin         admin      (everything)"
    box_line
    box_line "Celery worker + beat on the filesystem broker (var/celery/)"
    box_line "Press Ctrl-C to stop everything."
    box_rule "="
    echo
}

# Run until Ctrl-C, or until either process dies (then stop the other one).
rc=0
wait -n "$WEB_PID" "$WORKER_PID" || rc=$?
echo "==> a process exited (status $rc); shutting down" >&2
exit "$rc"

# shellcheck shell=bash
# Throw-away PostgreSQL and Redis on loopback for scripts/test.sh and
# scripts/bench.sh. Source it, then:
#
#   trap stop_services EXIT
#   start_postgres   # sets PG_PORT, PG_HOST, SERVICES_DIR
#   start_redis      # sets REDIS_PORT
#
# Everything lives in one temporary directory (SERVICES_DIR) that
# stop_services removes:
#   $SERVICES_DIR/pg/       owned by postgres: data/, the unix socket, postgres.log
#   $SERVICES_DIR/redis/    redis working dir and redis.log
#   $SERVICES_DIR/var/      a scratch CRM_VAR_DIR for the run
# PostgreSQL runs with fsync off: it is thrown away at the end anyway.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_HOST=127.0.0.1
PG_PORT=""
REDIS_PORT=""
REDIS_PID=""
SERVICES_DIR=""

_svc_say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# PostgreSQL refuses to run as root: as root, run its tools as "postgres";
# as anyone else, as ourselves.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# Prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
    local py=python3
    [ -x .venv/bin/python ] && py=.venv/bin/python
    "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

_services_dir() {
    if [ -z "$SERVICES_DIR" ]; then
        SERVICES_DIR="$(mktemp -d /tmp/crm-services.XXXXXX)"
        chmod 711 "$SERVICES_DIR" # postgres must traverse it to reach pg/
        mkdir -p "$SERVICES_DIR/pg" "$SERVICES_DIR/redis" "$SERVICES_DIR/var"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres:postgres "$SERVICES_DIR/pg"
        fi
        chmod 700 "$SERVICES_DIR/pg"
    fi
}

start_postgres() {
    _services_dir
    local pgdir="$SERVICES_DIR/pg"
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "error: $PG_BIN/initdb not found (run scripts/bootstrap.sh test, or set PG_BIN)" >&2
        return 1
    fi
    if ! as_postgres "$PG_BIN/initdb" -D "$pgdir/data" -A trust -U postgres \
        --encoding=UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1; then
        # No C.UTF-8 locale on this system: plain C still stores UTF-8.
        as_postgres rm -rf "$pgdir/data"
        if ! as_postgres "$PG_BIN/initdb" -D "$pgdir/data" -A trust -U postgres \
            --encoding=UTF8 --locale=C >"$pgdir/initdb.log" 2>&1; then
            cat "$pgdir/initdb.log" >&2
            echo "error: initdb failed" >&2
            return 1
        fi
    fi
    PG_PORT="$(free_port)"
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 60 \
        -o "-k $pgdir -c listen_addresses=$PG_HOST -p $PG_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        cat "$pgdir/postgres.log" >&2 || true
        echo "error: PostgreSQL did not start" >&2
        return 1
    fi
    for _ in $(seq 1 300); do
        if "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -U postgres; then
            _svc_say "PostgreSQL ready on $PG_HOST:$PG_PORT (data in $pgdir/data, fsync off)"
            return 0
        fi
        sleep 0.1
    done
    cat "$pgdir/postgres.log" >&2 || true
    echo "error: PostgreSQL not ready after 30 s" >&2
    return 1
}

start_redis() {
    _services_dir
    local rdir="$SERVICES_DIR/redis"
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "error: redis-server not found (run scripts/bootstrap.sh test)" >&2
        return 1
    fi
    REDIS_PORT="$(free_port)"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --dir "$rdir" >"$rdir/redis.log" 2>&1 </dev/null &
    REDIS_PID=$!
    for _ in $(seq 1 300); do
        if ! kill -0 "$REDIS_PID" 2>/dev/null; then
            cat "$rdir/redis.log" >&2
            echo "error: redis-server exited" >&2
            REDIS_PID=""
            return 1
        fi
        if _redis_ping; then
            _svc_say "Redis ready on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
            return 0
        fi
        sleep 0.1
    done
    cat "$rdir/redis.log" >&2
    echo "error: Redis not ready after 30 s" >&2
    return 1
}

_redis_ping() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null
    fi
}

# Stops whatever was started and removes SERVICES_DIR. Safe to call twice and
# after a partial start; never fails.
stop_services() {
    if [ -n "$REDIS_PID" ]; then
        kill -TERM "$REDIS_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$REDIS_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        REDIS_PID=""
    fi
    if [ -n "$SERVICES_DIR" ]; then
        local data="$SERVICES_DIR/pg/data"
        if [ -f "$data/postmaster.pid" ]; then
            if ! as_postgres "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1; then
                local pid
                pid="$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)"
                if [ -n "$pid" ]; then
                    kill -QUIT "$pid" 2>/dev/null || true # immediate shutdown
                    sleep 1
                    kill -KILL "$pid" 2>/dev/null || true
                fi
            fi
        fi
        rm -rf "$SERVICES_DIR"
        SERVICES_DIR=""
        _svc_say "PostgreSQL and Redis stopped, temporary directory removed"
    fi
    return 0
}

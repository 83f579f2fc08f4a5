"""Concurrent load for bench/reports_bench.py: a real gunicorn (sync workers,
the way the Dockerfile runs the site) on a free loopback port against the
bench's database, and N client threads sending GETs at once with a logged-in
session's cookie. The latency is what a client sees (queueing in gunicorn and
PostgreSQL included), not the server's own time.

Persistent database connections as in production (CONN_MAX_AGE 60; the test
settings say 0), set in each worker by a gunicorn hook.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.queue_bench import percentile
from bench.schedule_bench import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
WARMUP_PER_CLIENT = 3

GUNICORN_CONFIG = """
def post_worker_init(worker):
    from django.conf import settings
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 60
"""


class Gunicorn:
    """gunicorn in its own process group, stopped (and killed) by :meth:`stop`."""

    def __init__(self, workers: int):
        self.dir = Path(tempfile.mkdtemp(prefix="reports-bench-"))
        self.port = free_port()
        self.log = self.dir / "gunicorn.log"
        config = self.dir / "gunicorn.conf.py"
        config.write_text(GUNICORN_CONFIG)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "collections_crm.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                 "--config", str(config), "--timeout", "300", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        if not wait_for(self._listening, timeout=60, step=0.1):
            self.stop()
            raise RuntimeError("gunicorn did not start:\n" + self.log.read_text())

    def _listening(self) -> bool:
        if self.proc.poll() is not None:
            return True  # exited: stop waiting, the caller's request fails
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
            return True
        return False

    def errors(self) -> list[str]:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "Error" in line or "Traceback" in line]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


def session_cookie(user) -> str:
    """A "Cookie:" header value for a session of ``user`` (stored in the database,
    so gunicorn's workers find it)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def hammer(port: int, url: str, cookie: str, clients: int, per_client: int) -> dict:
    """``clients`` threads, each sending ``per_client`` GETs one after the other,
    all starting together."""
    barrier = threading.Barrier(clients + 1)
    times: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}

    def work(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        barrier.wait()
        for _ in range(per_client):
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            times[i].append((time.perf_counter() - started) * 1000)
            statuses[i][status] = statuses[i].get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    flat = [ms for part in times for ms in part]
    merged: dict[int, int] = {}
    for part in statuses:
        for status, n in part.items():
            merged[status] = merged.get(status, 0) + n
    return {
        "p50": percentile(flat, 50),
        "p95": percentile(flat, 95),
        "max": max(flat),
        "rps": len(flat) / seconds,
        "statuses": merged,
    }


def step_concurrent(targets: list[tuple], args) -> dict:
    """Each (label, url, user) of ``targets`` under ``args.clients`` clients,
    ``args.requests`` requests in all."""
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    per_client = max(math.ceil(args.requests / args.clients), 1)
    out: dict = {"workers": workers, "clients": args.clients, "per_client": per_client, "urls": {}}
    server = Gunicorn(workers)
    cookies: dict[int, str] = {}
    try:
        for label, url, user in targets:
            cookie = cookies.setdefault(user.pk, session_cookie(user))
            hammer(server.port, url, cookie, args.clients, WARMUP_PER_CLIENT)
            row = hammer(server.port, url, cookie, args.clients, per_client)
            out["urls"][label] = row
            print(f"  {label:<28} {args.clients} clients: p95 {row['p95']:.1f} ms, "
                  f"{row['rps']:.1f} req/s {row['statuses']}", flush=True)  # fmt: skip
    finally:
        server.stop()
        out["errors"] = server.errors()[:10]
    return out

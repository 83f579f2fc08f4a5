"""A real Celery worker process against the test Redis and PostgreSQL."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from collections_crm.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, timeout=45.0, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


class Workers:
    """``start_worker(...)`` starts a worker and returns its log file; the
    other methods act on the workers started so far.

    Every worker is the leader of its own process group, so ``kill`` takes the
    prefork children with it, as a machine or container dying would."""

    def __init__(self, tmp_path: Path, redis_url: str) -> None:
        self.tmp_path = tmp_path
        self.redis_url = redis_url
        self.procs: dict[Path, subprocess.Popen] = {}

    def env(self, broker_url: str | None = None, **extra: str) -> dict[str, str]:
        """The environment of a worker: also right for any other process (a
        dispatcher) that must see the test database and broker."""
        db = connection.settings_dict
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "collections_crm.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": broker_url or self.redis_url,
            **{name: str(value) for name, value in extra.items()},
        }

    def __call__(
        self,
        *,
        pool: str = "solo",
        concurrency: int = 1,
        broker_url: str | None = None,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
        timeout: float = 60,
    ) -> Path:
        """Start a worker and wait until it is ready; returns its log file.
        ``env`` adds environment variables (settings read from it)."""
        log_path = self.tmp_path / f"worker-{len(self.procs)}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "collections_crm", "worker",
            f"--pool={pool}", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        if pool != "solo":
            command.append(f"--concurrency={concurrency}")
        command += args
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env(broker_url, **(env or {})),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[log_path] = proc
        if not wait_for(lambda: "ready." in log_path.read_text(errors="replace"), timeout=timeout):
            pytest.fail("the worker did not start:\n" + log_path.read_text(errors="replace"))
        return log_path

    def pid(self, log_path: Path | None = None) -> int:
        return self._proc(log_path).pid

    def kill(self, log_path: Path | None = None) -> None:
        """SIGKILL a worker (the last one started by default) and its children,
        with no chance to ack, requeue or finish anything."""
        proc = self._proc(log_path)
        _killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
        # The children die with the group; wait until none is left.
        wait_for(lambda: not _group_alive(proc.pid), timeout=10, step=0.05)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            _killpg(proc.pid, signal.SIGKILL)  # children left behind, if any

    def _proc(self, log_path: Path | None) -> subprocess.Popen:
        if log_path is None:
            return list(self.procs.values())[-1]
        return self.procs[log_path]


def _killpg(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process of this group is left. Orphaned
    children are reparented to PID 1, which may never reap them here."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            return True
    return False


@pytest.fixture
def start_worker(tmp_path):
    """Returns a function that starts a worker (solo pool by default; see
    ``Workers.__call__``) and waits until it is ready; the workers are stopped
    after the test. Tasks sent by the test process go to Redis instead of
    running eagerly while the fixture is active."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("REDIS_URL is not set: run the suite with `make test`, which starts Redis.")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    workers = Workers(tmp_path, redis_url)
    try:
        yield workers
    finally:
        celery_app.conf.task_always_eager = eager
        workers.stop_all()

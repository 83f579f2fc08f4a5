"""A real Celery worker process against the test Redis and PostgreSQL."""

import os
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


@pytest.fixture
def start_worker(tmp_path):
    """Returns a function that starts a worker (solo pool) and waits until it is
    ready; the worker is stopped after the test. Tasks sent by the test process
    go to Redis instead of running eagerly while the fixture is active."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("REDIS_URL is not set: run the suite with `make test`, which starts Redis.")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    procs: list[subprocess.Popen] = []

    def start() -> Path:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "collections_crm.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": redis_url,
        }
        log_path = tmp_path / f"worker-{len(procs)}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "collections_crm",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        procs.append(proc)
        if not wait_for(lambda: "ready." in log_path.read_text(errors="replace"), timeout=60):
            pytest.fail("the worker did not start:\n" + log_path.read_text(errors="replace"))
        return log_path

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = eager
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

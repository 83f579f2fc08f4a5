"""Reminders go out exactly once when real processes die: a prefork worker
killed (SIGKILL, children too) in the middle of a batch, and a Redis that is
down or restarts empty. Real worker processes, a real Redis and PostgreSQL;
the SMS provider is FileSmsBackend, whose outbox file is what "the debtor
received". The contract: every reminder ends done with one Interaction, the
outbox has exactly one line per follow-up, and nothing stays claimed."""

import datetime
import hashlib
import json
import signal
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from followups.channels.sms import FileSmsBackend, SmsMessage
from followups.models import ContactPolicy, EngineSettings, FollowUp, Interaction
from followups.sending import followups_sweep
from followups.tasks import followups_dispatch_task
from scripts_library.loader import load_content
from tests.accounts.factories import UserFactory
from tests.debtors.factories import ContactFactory, DebtorFactory
from tests.followups.factories import FollowUpFactory
from tests.worker import ROOT, wait_for

LEASE_SECONDS = 3
SEND_DELAY = 0.5  # the provider answers this long after taking the message
ALL_WEEK = [0, 1, 2, 3, 4, 5, 6]
END_OF_DAY = datetime.time(23, 59, 59, 999999)


# ----------------------------------------------------------------- data


def allow_contact_around_the_clock() -> None:
    """Every policy row (the migration installs them; a flush may have removed
    them) allows messages at any hour, any day, well above our counts."""
    EngineSettings.objects.all().delete()
    permissive = {
        "max_attempts_7d": 100,
        "max_calls_7d": 100,
        "max_messages_7d": 100,
        "min_gap_after_conversation_hours": 0,
        "allowed_from_local": datetime.time(0),
        "allowed_until_local": END_OF_DAY,
        "quiet_weekdays": [],
        "is_active": True,
    }
    ContactPolicy.objects.update(**permissive)
    for pack in ContactPolicy.Pack.values:
        ContactPolicy.objects.update_or_create(pack=pack, debtor_type="", defaults=permissive)


def due_sms_followups(count: int) -> list[FollowUp]:
    """``count`` SMS reminders due a minute ago, one per debtor, each debtor
    with a primary contact's mobile and a 24x7 calendar without holidays."""
    load_content()  # the message texts; a transactional test may have flushed them
    allow_contact_around_the_clock()
    collector = UserFactory()
    due = timezone.now() - datetime.timedelta(minutes=1)
    followups = []
    for n in range(count):
        debtor = DebtorFactory(
            team=collector.team,
            assigned_collector=collector,
            country="",
            timezone="UTC",
            business_hours_start=datetime.time(0),
            business_hours_end=END_OF_DAY,
            lunch_start=None,
            lunch_end=None,
            working_days=ALL_WEEK,
            open_balance=Decimal("1000.00"),
            overdue_balance=Decimal("1000.00"),
        )
        ContactFactory(debtor=debtor, is_primary=True, mobile=f"+86138{n:08d}")
        followups.append(
            FollowUpFactory(
                debtor=debtor,
                action="sms",
                reason=FollowUp.Reason.DUNNING_STEP,
                status=FollowUp.Status.SCHEDULED,
                due_at=due,
            )
        )
    return followups


def sms_env(outbox: Path, delay: float = SEND_DELAY) -> dict[str, str]:
    return {
        "SMS_BACKEND": "followups.channels.sms.FileSmsBackend",
        "SMS_FILE_PATH": str(outbox),
        "SMS_FILE_DELAY_SECONDS": str(delay),
        "FOLLOWUP_LEASE_SECONDS": str(LEASE_SECONDS),
    }


# ----------------------------------------------------------------- observing


def outbox_rows(outbox: Path) -> list[dict]:
    if not outbox.exists():
        return []
    rows = []
    for line in outbox.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue  # a line torn by a kill: never a delivered message
    return rows


def count(status: str) -> int:
    return FollowUp.objects.filter(status=status).count()


def done() -> int:
    return count(FollowUp.Status.DONE)


def settle(quiet_for: float = 4 * SEND_DELAY + 1, timeout: float = 90) -> None:
    """Wait until the follow-up statuses stop changing: the worker has run
    every message it can still get."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = list(FollowUp.objects.order_by("id").values_list("status", flat=True))
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_for:
            return
        time.sleep(0.25)
    pytest.fail("the follow-ups never stopped changing")


def wait_until_leases_end() -> None:
    latest = max(
        FollowUp.objects.filter(status=FollowUp.Status.CLAIMED).values_list(
            "lease_until", flat=True
        ),
        default=None,
    )
    if latest is not None:
        time.sleep(max(0.0, (latest - timezone.now()).total_seconds()) + 0.2)


def assert_each_sent_exactly_once(followups: list[FollowUp], outbox: Path) -> None:
    rows = outbox_rows(outbox)
    keys = [row["idempotency_key"] for row in rows]
    expected = {str(f.public_id) for f in followups}
    assert len(keys) == len(set(keys)), "a debtor got the same reminder twice"
    assert set(keys) == expected, "a reminder is missing from the outbox"
    provider_ids = {row["idempotency_key"]: row["id"] for row in rows}

    assert count(FollowUp.Status.DONE) == len(followups)
    assert not FollowUp.objects.filter(status=FollowUp.Status.CLAIMED).exists()
    assert not FollowUp.objects.exclude(lease_until=None).exists()
    assert Interaction.objects.count() == len(followups)
    for followup in FollowUp.objects.select_related("interaction"):
        interaction = followup.interaction
        assert interaction is not None
        assert interaction.outcome == Interaction.Outcome.SENT
        assert interaction.channel == "sms"
        assert interaction.debtor_id == followup.debtor_id
        # The Interaction records the message the debtor actually received.
        assert interaction.external_id == provider_ids[str(followup.public_id)]


# ----------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of our own on loopback, without persistence: killing it
    loses every queued message, as a Redis crash without AOF does."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.directory.mkdir(exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        if not wait_for(self.ping, timeout=20, step=0.05):
            pytest.fail(f"redis-server did not start on port {self.port}")

    def ping(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def throwaway_redis(tmp_path):
    server = ThrowawayRedis(tmp_path / "redis")
    yield server
    server.kill()


DISPATCH = """
import json
import django
django.setup()
from followups.tasks import followups_dispatch_task
try:
    print(json.dumps({"sent": followups_dispatch_task()}))
except Exception as exc:  # what beat would see as a failed run
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
"""


def dispatch_in_process(env: dict[str, str]) -> dict:
    """One dispatcher run in a process of its own (as beat's task would run on
    a worker), publishing to the broker in ``env``."""
    result = subprocess.run(
        [sys.executable, "-c", DISPATCH],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------- tests


@pytest.mark.worker
@pytest.mark.timeout(240)
def test_it_sends_each_reminder_once_when_the_worker_is_killed_mid_batch(
    transactional_db, start_worker, settings, tmp_path
):
    settings.FOLLOWUP_LEASE_SECONDS = LEASE_SECONDS  # the claims made in this process
    # Small send tasks (one transaction each), so that some have committed and
    # one is half way through when the worker dies.
    settings.FOLLOWUP_SEND_CHUNK = 5
    followups = due_sms_followups(60)
    outbox = tmp_path / "outbox.jsonl"
    env = sms_env(outbox)
    first = start_worker(pool="prefork", concurrency=2, env=env)

    assert followups_dispatch_task() == 60

    # Kill while the provider holds a message the database does not know was
    # sent: the dangerous moment for exactly-once.
    def mid_flight() -> bool:
        sent = done()
        return 5 <= sent < 50 and len(outbox_rows(outbox)) > sent

    assert wait_for(mid_flight, timeout=90, step=0.02), "the batch never got going"
    start_worker.kill(first)

    done_ids = FollowUp.objects.filter(status=FollowUp.Status.DONE).values_list("public_id")
    done_keys = {str(public_id) for (public_id,) in done_ids}
    taken_keys = {row["idempotency_key"] for row in outbox_rows(outbox)}
    assert 0 < len(done_keys) < 60
    in_doubt = taken_keys - done_keys
    assert in_doubt, "the kill did not land between the provider and the commit"
    assert done_keys <= taken_keys

    start_worker(pool="prefork", concurrency=2, env=env)
    # The new worker runs the messages still queued; the ones the dead worker
    # had taken stay unacknowledged in Redis (until the visibility timeout),
    # so their rows stay claimed: the sweeper's job.
    settle()
    stuck = count(FollowUp.Status.CLAIMED)
    assert stuck >= 1
    wait_until_leases_end()
    assert followups_sweep() == stuck
    assert followups_dispatch_task() == stuck
    assert wait_for(lambda: done() == 60, timeout=90), f"{done()} of 60 sent"
    settle()  # a late duplicate would show up now

    assert_each_sent_exactly_once(followups, outbox)
    # The reminders in doubt went through the provider's dedupe: the row
    # written before the kill is the one the Interaction points at.
    resent = FollowUp.objects.filter(public_id__in=in_doubt)
    assert all(f.attempts >= 2 for f in resent)


@pytest.mark.worker
@pytest.mark.timeout(240)
def test_it_loses_nothing_while_redis_is_down_or_restarts_empty(
    transactional_db, start_worker, throwaway_redis, tmp_path
):
    followups = due_sms_followups(30)
    outbox = tmp_path / "outbox.jsonl"
    env = sms_env(outbox, delay=0.3)
    # One follow-up per task, so that some are still queued in Redis when it dies.
    dispatcher_env = start_worker.env(
        broker_url=throwaway_redis.url, FOLLOWUP_SEND_CHUNK="1", **env
    )

    # 1. Redis is down: the dispatcher's claim commits, publishing fails, and
    #    the claims are given back at once. Nothing is sent, no attempt counted.
    result = dispatch_in_process(dispatcher_env)
    assert result == {"sent": 0}, result
    assert count(FollowUp.Status.SCHEDULED) == 30
    assert not FollowUp.objects.filter(attempts__gt=0).exists()
    assert not Interaction.objects.exists()
    assert outbox_rows(outbox) == []

    # 2. Redis is back and a worker runs: the next dispatch sends them all.
    throwaway_redis.start()
    log = start_worker(pool="prefork", concurrency=2, broker_url=throwaway_redis.url, env=env)
    assert dispatch_in_process(dispatcher_env) == {"sent": 30}
    assert wait_for(lambda: 3 <= done() < 25, timeout=60, step=0.05)

    # 3. Redis dies mid-batch and comes back empty: the queued messages are
    #    gone. The worker reconnects (at most 2 s after Redis is back:
    #    collections_crm/celery.py); the sweeper and the dispatcher resend.
    connected_before = connections_made(log)
    throwaway_redis.kill()
    throwaway_redis.start()
    # The deterministic signal: the worker's consumer says it is connected again.
    assert wait_for(lambda: connections_made(log) > connected_before, timeout=60, step=0.1), (
        "the worker did not reconnect:\n" + tail(log)
    )
    settle()
    assert done() < 30
    wait_until_leases_end()
    assert followups_sweep() == count(FollowUp.Status.SCHEDULED) > 0
    dispatched = dispatch_in_process(dispatcher_env)
    assert dispatched["sent"] > 0
    assert wait_for(lambda: done() == 30, timeout=90), f"{done()} of 30 sent\n{tail(log)}"
    settle()

    assert_each_sent_exactly_once(followups, outbox)


def connections_made(log: Path) -> int:
    """How often the worker's consumer has (re)connected to its broker."""
    return log.read_text(errors="replace").count("INFO/MainProcess] Connected to redis://")


def tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


# ----------------------------------------------------------------- the file provider


def test_file_backend_resends_a_key_whose_line_a_kill_prevented(tmp_path, settings):
    """Killed after the key's marker but before its line: the key is not
    taken for sent; the line is written with the id the marker promised."""
    backend = FileSmsBackend(path=tmp_path / "outbox.jsonl")
    backend.send(SmsMessage(to="+8613800000001", body="first", idempotency_key="a"))
    marker = backend.keys_dir / _digest("b")
    marker.write_text(json.dumps({"id": "file-promised", "offset": 10_000}))

    result = backend.send(SmsMessage(to="+8613800000002", body="second", idempotency_key="b"))

    assert (result.provider_message_id, result.duplicate) == ("file-promised", False)
    again = backend.send(SmsMessage(to="+8613800000002", body="second", idempotency_key="b"))
    assert (again.provider_message_id, again.duplicate) == ("file-promised", True)
    assert [r["idempotency_key"] for r in outbox_rows(backend.path)] == ["a", "b"]


def test_file_backend_never_glues_a_line_to_one_torn_by_a_kill(tmp_path):
    backend = FileSmsBackend(path=tmp_path / "outbox.jsonl")
    backend.path.write_text('{"id": "file-x", "idempotency_key": "tor')  # no newline

    first = backend.send(SmsMessage(to="+8613800000001", body="hi", idempotency_key="tor"))
    again = backend.send(SmsMessage(to="+8613800000001", body="hi", idempotency_key="tor"))

    lines = backend.path.read_text().splitlines()
    assert json.loads(lines[1])["idempotency_key"] == "tor"
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.provider_message_id == first.provider_message_id


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def test_file_backend_reads_the_delay_from_the_environment(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("SMS_FILE_DELAY_SECONDS", "0.25")
    if hasattr(settings, "SMS_FILE_DELAY_SECONDS"):
        del settings.SMS_FILE_DELAY_SECONDS
    assert FileSmsBackend(path=tmp_path / "o.jsonl").delay == 0.25

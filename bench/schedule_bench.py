"""Follow-up scheduling and sending at scale, on PostgreSQL and a real worker.

    DATABASE_URL=postgres://... [REDIS_URL=redis://...] .venv/bin/python bench/schedule_bench.py \
        [--debtors 100000] [--reminders 10000] [--database crm_sched_bench] [--reseed]

Uses its own database (--database, created on the DATABASE_URL server) holding
the demo book of --debtors debtors (seed_demo; seeded when the count differs
or with --reseed). Measures:

  (a) the nightly plan end to end: contact_rates_refresh() + plan_all(), twice
      (the first run after seeding, then the steady state where every debtor
      already has its next step) -> debtors/s; target < 60 s for 100k debtors;
  (b) --reminders due SMS reminders through a real worker (prefork, concurrency
      2, CELERY_DB_REUSE_MAX set, ConsoleSmsBackend with its output dropped):
      the dispatcher (followups_dispatch_task, called here) claims and
      publishes, the worker sends -> reminders/s from the first claim to the
      last done row;
  (c) the same worker running as many no-op tasks published from here ->
      tasks/s from the first publish to the last ack;
  and the ratio (b)/(c): what our send costs next to Celery's own overhead
  per task (target >= 0.5).

Without REDIS_URL a throw-away redis-server runs on a free loopback port. The
reminders of (b) are removed afterwards and what sending changed is put back
(cadence states, debtors' next action), so a rerun measures the same book.
Exit 1 when a step errors or a reminder is not sent exactly once; a missed
target only prints MISS.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.test")
# This process publishes to the worker; it never runs tasks itself.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

from celery import shared_task  # noqa: E402

NOOP_TASK = "bench.schedule_bench.noop"
QUEUE = "celery"
TARGET_PLAN_SECONDS = 60.0  # for 100k debtors
TARGET_RATIO = 0.5
BENCH_NOTE = "schedule bench"


@shared_task(name=NOOP_TASK)
def noop() -> None:
    """Celery's own cost per task: the worker imports this module (-I)."""


class BenchFailure(Exception):
    pass


# --------------------------------------------------------------------------- services


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    import redis

    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"

    def ready() -> bool:
        try:
            return redis.Redis.from_url(url).ping()
        except redis.RedisError:
            return False

    if not wait_for(ready, timeout=20):
        proc.kill()
        raise BenchFailure("redis-server did not start")
    return proc, url


def use_database(name: str) -> str:
    """Point DATABASE_URL at database ``name`` on the same server, creating it."""
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"schedule_bench: needs a PostgreSQL DATABASE_URL (got {url!r})")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return os.environ["DATABASE_URL"]


class Worker:
    """celery worker, prefork, in its own process group (killed with it)."""

    def __init__(self, *, broker_url: str, concurrency: int, db_reuse_max: int, log: Path):
        env = {
            **os.environ,
            "CELERY_BROKER_URL": broker_url,
            "REDIS_URL": broker_url,
            "CELERY_DB_REUSE_MAX": str(db_reuse_max),
            "SMS_BACKEND": "followups.channels.sms.ConsoleSmsBackend",
            "PYTHONPATH": str(ROOT),
        }
        self.log = log
        # Tasks' stdout (the console backend's lines) goes to the worker's
        # logger at WARNING, dropped at --loglevel=ERROR; errors land in the log.
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "collections_crm", "worker",
                 "--pool=prefork", f"--concurrency={concurrency}", "--loglevel=ERROR",
                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "-I", "bench.schedule_bench", "-n", f"schedbench{os.getpid()}@%h"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


def queue_idle(client) -> bool:
    """Nothing waiting and nothing delivered but unacknowledged (acks late)."""
    return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0


# --------------------------------------------------------------------------- data


def prepare_book(debtors: int, reseed: bool) -> float | None:
    """Seed the demo book unless it is there; returns the seconds seeding took."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Team, User
    from debtors.models import Debtor
    from demo.management.commands.seed_demo import TABLE_MODELS
    from followups.models import ContactPolicy

    call_command("migrate", verbosity=0)
    if not reseed and Debtor.objects.count() == debtors:
        return None
    demo_models = [*TABLE_MODELS.values(), ContactPolicy, User, Team]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in demo_models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    started = time.perf_counter()
    call_command("seed_demo", debtors=debtors, stdout=io.StringIO())
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


class Reminders:
    """``count`` due SMS dunning reminders for debtors whose primary contact
    has a mobile. A manager's override on each lifts the caps and working
    hours, and the policy rows allow every hour while they exist, so the
    worker sends every one of them (a rescheduled reminder would not measure
    sending). Other due SMS/email follow-ups are moved out of the way. ``undo``
    puts everything back."""

    def __init__(self, count: int):
        self.count = count
        self.ids: list[int] = []
        self.debtor_ids: list[int] = []
        self.moved: list[tuple[int, dt.datetime]] = []
        self.policies: list[dict] = []
        self.states: dict[int, tuple] = {}

    def create(self) -> None:
        from django.db import transaction
        from django.db.models import F
        from django.utils import timezone

        from debtors.models import Contact
        from followups.models import CadenceState, ContactPolicy, FollowUp
        from followups.policy import POLICY_FIELDS
        from followups.sending import AUTOMATED_ACTIONS

        now = timezone.now()
        candidates = list(
            Contact.objects.filter(
                is_primary=True,
                mobile__regex=r"^\+[1-9][0-9]{6,14}$",
                debtor__do_not_contact=False,
                debtor__cease_contact=False,
                debtor__disputed_balance=0,
                # their own limits (e.g. the demo's any-hour debtor) would
                # reschedule some at the edges of their window
                debtor__policy_override__isnull=True,
            )
            .exclude(opted_out_channels__contains=["sms"])
            .order_by("debtor_id")
            .values_list("debtor_id", flat=True)
        )
        if not candidates:
            raise BenchFailure("no debtor with a primary contact's mobile in the book")
        with transaction.atomic():
            due = FollowUp.objects.filter(
                status=FollowUp.Status.SCHEDULED, action__in=AUTOMATED_ACTIONS, due_at__lte=now
            )
            self.moved = list(due.values_list("id", "due_at"))
            due.update(due_at=F("due_at") + dt.timedelta(days=36500))
            self.policies = list(ContactPolicy.objects.values("id", *POLICY_FIELDS))
            ContactPolicy.objects.update(
                allowed_from_local=dt.time(0),
                allowed_until_local=dt.time(23, 59, 59, 999999),
                quiet_weekdays=[],
            )
            self.debtor_ids = sorted({candidates[i % len(candidates)] for i in range(self.count)})
            self.states = {
                row[0]: row
                for row in CadenceState.objects.filter(debtor_id__in=self.debtor_ids).values_list(
                    "debtor_id", "next_sequence", "last_step_done_at"
                )
            }
            base = now - dt.timedelta(minutes=1)
            rows = [
                FollowUp(
                    debtor_id=candidates[i % len(candidates)],
                    action="sms",
                    reason=FollowUp.Reason.DUNNING_STEP,
                    # one per debtor and moment (followup_once_per_slot)
                    due_at=base - dt.timedelta(microseconds=i),
                    status=FollowUp.Status.SCHEDULED,
                    policy_override_reason=BENCH_NOTE,
                    slot_explain=[["note", {"text": BENCH_NOTE}]],
                )
                for i in range(self.count)
            ]
            self.ids = [f.id for f in FollowUp.objects.bulk_create(rows, batch_size=2000)]

    def statuses(self) -> dict[str, int]:
        from django.db.models import Count

        from followups.models import FollowUp

        rows = FollowUp.objects.filter(id__in=self.ids).values("status").annotate(n=Count("id"))
        return {row["status"]: row["n"] for row in rows}

    def done(self) -> int:
        from followups.models import FollowUp

        return FollowUp.objects.filter(id__in=self.ids, status=FollowUp.Status.DONE).count()

    def verify(self, failures: list[str]) -> None:
        from django.db.models import Count

        from followups.models import FollowUp, Interaction

        statuses = self.statuses()
        if statuses != {FollowUp.Status.DONE: self.count}:
            failures.append(f"(b) reminder statuses {statuses}, want all {self.count} done")
        interactions = Interaction.objects.filter(followup__id__in=self.ids)
        sent = interactions.filter(outcome=Interaction.Outcome.SENT).count()
        if sent != self.count:
            failures.append(f"(b) {sent:,} sent Interactions for {self.count:,} reminders")
        keys = (
            Interaction.objects.filter(followup__id__in=self.ids)
            .values("external_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        if keys.exists():
            failures.append("(b) a provider id is recorded twice")

    def undo(self) -> None:
        from django.db import transaction

        from followups.models import CadenceState, ContactPolicy, FollowUp, Interaction
        from followups.planning import next_action_refresh

        with transaction.atomic():
            interaction_ids = list(
                FollowUp.objects.filter(id__in=self.ids)
                .exclude(interaction=None)
                .values_list("interaction_id", flat=True)
            )
            FollowUp.objects.filter(id__in=self.ids).delete()
            Interaction.objects.filter(id__in=interaction_ids).delete()
            for pk, due_at in self.moved:
                FollowUp.objects.filter(pk=pk).update(due_at=due_at)
            for row in self.policies:
                ContactPolicy.objects.filter(pk=row.pop("id")).update(**row)
            CadenceState.objects.filter(debtor_id__in=self.debtor_ids).exclude(
                debtor_id__in=list(self.states)
            ).delete()
            for debtor_id, next_sequence, last_done in self.states.values():
                CadenceState.objects.filter(debtor_id=debtor_id).update(
                    next_sequence=next_sequence, last_step_done_at=last_done
                )
            next_action_refresh(self.debtor_ids)


# --------------------------------------------------------------------------- steps


def step_plan(debtors: int) -> list[tuple[str, float, dict]]:
    from followups import policy
    from followups.planning import contact_rates_refresh, plan_all

    runs = []
    for label in ("first run after seeding", "steady state (second run)"):
        policy.policy_cache_clear()
        started = time.perf_counter()
        cells = contact_rates_refresh()
        rates_s = time.perf_counter() - started
        counts = plan_all()
        seconds = time.perf_counter() - started
        counts = {"rate_cells": cells, "rates_s": round(rates_s, 2), **counts}
        runs.append((label, seconds, counts))
        planned = counts.get("debtors", debtors)  # those with money open
        print(f"  {label:<28} {seconds:8.1f} s  {planned / seconds:10,.0f} debtors/s  {counts}")
    return runs


def step_dispatch(reminders: Reminders, client, timeout: float) -> tuple[float, dict]:
    from followups.tasks import followups_dispatch_task

    reminders.create()
    started = time.perf_counter()
    dispatched = 0
    dispatch_s = 0.0
    while dispatched < reminders.count and time.perf_counter() - started < timeout:
        dispatched += followups_dispatch_task()  # claims batch by batch, one task each
        dispatch_s = time.perf_counter() - started
    last_change, last_done = time.perf_counter(), -1
    while True:
        done = reminders.done()
        now = time.perf_counter()
        if done != last_done:
            last_change, last_done = now, done
        if done >= reminders.count:
            break
        if now - last_change > 60 or now - started > timeout:
            break  # stuck: verify() reports it
        time.sleep(0.05)
    seconds = last_change - started
    wait_for(lambda: queue_idle(client), timeout=30)
    return seconds, {"dispatched": dispatched, "dispatch_s": dispatch_s, "done": last_done}


def step_noop(count: int, client, timeout: float) -> float:
    from collections_crm.celery import app as celery_app

    started = time.perf_counter()
    with celery_app.producer_or_acquire() as producer:
        for _ in range(count):
            noop.apply_async(producer=producer)
    if not wait_for(lambda: queue_idle(client), timeout=timeout, step=0.01):
        raise BenchFailure("the no-op tasks did not finish")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--database", default="crm_sched_bench")
    parser.add_argument("--reseed", action="store_true", help="seed even if the book is there")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--db-reuse-max", type=int, default=1000)
    parser.add_argument("--skip-plan", action="store_true", help="only (b) and (c)")
    parser.add_argument("--timeout", type=float, default=900.0, help="per step, seconds")
    args = parser.parse_args()

    use_database(args.database)
    scratch = Path(tempfile.mkdtemp(prefix="schedule-bench-"))
    redis_proc = None
    broker_url = os.environ.get("REDIS_URL", "")
    if not broker_url:
        redis_proc, broker_url = start_redis(scratch)
        print(f"throw-away Redis at {broker_url}")
    os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = broker_url
    try:
        return run(args, scratch, broker_url)
    finally:
        if redis_proc is not None:
            redis_proc.kill()
            redis_proc.wait()


def run(args, scratch: Path, broker_url: str) -> int:
    import django

    django.setup()
    import redis
    from django.db import connection

    from collections_crm.celery import app as celery_app

    if connection.vendor != "postgresql":
        print("schedule_bench: needs PostgreSQL", file=sys.stderr)
        return 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    load_before = os.getloadavg()
    print(f"database {args.database} (PostgreSQL {pg_version}), {os.cpu_count()} CPUs, "
          f"load average {_load(load_before)}")  # fmt: skip

    assert celery_app.conf.broker_url == broker_url
    client = redis.Redis.from_url(broker_url)
    if not queue_idle(client):
        print(f"schedule_bench: the queue {QUEUE!r} at {broker_url} is not empty", file=sys.stderr)
        return 2

    failures: list[str] = []
    figures: dict = {}
    worker = None
    try:
        print(f"\n0. the demo book: {args.debtors:,} debtors")
        seeded = prepare_book(args.debtors, args.reseed)
        print(f"  seeded in {seeded:.1f} s" if seeded is not None else "  already there")

        if not args.skip_plan:
            print("\n(a) nightly plan: contact_rates_refresh() + plan_all()")
            figures["plan"] = step_plan(args.debtors)

        print(f"\nworker: prefork, concurrency {args.concurrency}, "
              f"CELERY_DB_REUSE_MAX={args.db_reuse_max}, ConsoleSmsBackend")  # fmt: skip
        worker = Worker(
            broker_url=broker_url,
            concurrency=args.concurrency,
            db_reuse_max=args.db_reuse_max,
            log=scratch / "worker.log",
        )
        # Ready (and its pool warm) once it has run a few tasks.
        for _ in range(args.concurrency * 4):
            noop.delay()
        if not wait_for(lambda: queue_idle(client), timeout=120):
            raise BenchFailure("the worker did not start:\n" + worker.log.read_text())

        print(f"\n(b) {args.reminders:,} due SMS reminders: dispatcher + worker")
        reminders = Reminders(args.reminders)
        try:
            seconds, info = step_dispatch(reminders, client, args.timeout)
            reminders.verify(failures)
        finally:
            reminders.undo()
        figures["send"] = (seconds, info)
        print(f"  {seconds:8.1f} s  {args.reminders / seconds:10,.0f} reminders/s  "
              f"(claims + publishing took {info['dispatch_s']:.1f} s)")  # fmt: skip

        print(f"\n(c) {args.reminders:,} no-op tasks on the same worker")
        noop_s = step_noop(args.reminders, client, args.timeout)
        figures["noop"] = noop_s
        print(f"  {noop_s:8.1f} s  {args.reminders / noop_s:10,.0f} tasks/s")
    except BenchFailure as exc:
        failures.append(str(exc))
    except Exception:
        import traceback

        traceback.print_exc()
        failures.append("a step raised (see the traceback above)")
    finally:
        if worker is not None:
            worker.stop()
            errors = [
                line for line in worker.log.read_text(errors="replace").splitlines()
                if "ERROR" in line or "Traceback" in line
            ]  # fmt: skip
            if errors:
                print(f"\nworker log ({worker.log}), {len(errors)} error lines, first ones:")
                print("\n".join(errors[:10]))

    summary(args, figures, load_before)
    if failures:
        print(f"\nschedule_bench: {len(failures)} check(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0


def _load(avg) -> str:
    return ", ".join(f"{x:.2f}" for x in avg)


def summary(args, figures: dict, load_before) -> None:
    print("\n" + "=" * 78)
    print(f"SCHEDULE BENCHMARK: {args.debtors:,} debtors, {args.reminders:,} reminders, "
          f"concurrency {args.concurrency}")  # fmt: skip
    print(f"load average before {_load(load_before)}, after {_load(os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    print("=" * 78)
    verdicts = []
    for label, seconds, counts in figures.get("plan", []):
        planned = counts.get("debtors", args.debtors)
        print(f"(a) plan, {label:<34} {seconds:9.1f} s {planned / seconds:10,.0f} debtors/s")
    if figures.get("plan"):
        target = TARGET_PLAN_SECONDS * args.debtors / 100_000
        worst = max(seconds for _l, seconds, _c in figures["plan"])
        verdicts.append((f"(a) plan within {target:.0f} s", f"{worst:.1f} s", worst < target))
    send, noop_s = figures.get("send"), figures.get("noop")
    if send:
        rate = args.reminders / send[0]
        print(f"(b) reminders sent through the worker {send[0]:13.1f} s {rate:10,.0f} reminders/s")
    if noop_s:
        print(f"(c) no-op tasks on the same worker {noop_s:16.1f} s "
              f"{args.reminders / noop_s:10,.0f} tasks/s")  # fmt: skip
    if send and noop_s:
        ratio = noop_s / send[0]
        print(f"    ratio (b)/(c) {ratio:.2f}")
        verdicts.append((f"(b)/(c) at least {TARGET_RATIO}", f"{ratio:.2f}", ratio >= TARGET_RATIO))
    print()
    for label, value, ok in verdicts:
        print(f"  {'PASS' if ok else 'MISS'}  {label:<40} {value:>10}")


if __name__ == "__main__":
    sys.exit(main())

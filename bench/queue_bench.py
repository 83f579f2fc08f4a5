"""The collector's two hot pages at scale: the call queue and the debtor workspace.

    DATABASE_URL=postgres://... .venv/bin/python bench/queue_bench.py \
        [--debtors 10000 100000] [--invoices-per-debtor 10] [--requests 200] \
        [--database crm_qbench] [--clock 10:30] [--reseed] [--profile 50]

Each --debtors size gets its own database on the DATABASE_URL server
(``<database>_10k``, ``<database>_100k``), holding the demo book (seed_demo with
--invoices-per-debtor invoices each: 100k debtors -> 1M invoices). A database
whose debtor and invoice counts already match is reused; ``--invoices-per-debtor
0`` keeps seed_demo's 1 to 10 and matches on debtors only. When the measured
collector has no open call or visit, the nightly plan (plan_all) runs once.

Each size runs in a child process (Django binds one database per process). It
logs in the demo collector with the biggest portfolio through the Django test
client, with persistent connections as in production (CONN_MAX_AGE 60; the test
settings say 0). The clock is moved (time-machine, ticking) to --clock in the
collector's zone on a weekday, so the queue holds a working morning's items
whatever the hour of the run (--clock wall: the real clock). After a warm-up it
times --requests GETs of each page:

  queue      /followups/queue/ (the collector's queue page)
  home       /  (the collector's start page: the same queue plus their debtors)
  workspace  the debtor page of the collector's debtor with the most invoices

and counts SQL queries per request (CaptureQueriesContext, on separate requests
so the capture does not weigh on the timings; "10-12" when the contact policy's
30-second cache was refilled meanwhile). "cpu p50" is this process's CPU time
per request (Python and templates, not the database's work): steadier than the
wall clock on a busy machine.

Targets: queue p95 < 50 ms, workspace p95 < 80 ms, at most 15 queries per page,
the same count at every size. Exit 1 when a queue or workspace page runs more
than 15 queries, a page's steady query count (the fewest) changes with the
book's size, or a page does not answer 200; a missed time target only prints
MISS. --profile N prints cProfile's top functions over N more requests of the
queue and workspace pages.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.test")

_eager = os.environ.get("CELERY_TASK_ALWAYS_EAGER")
from bench.schedule_bench import use_database  # noqa: E402

# schedule_bench sets this for its own worker; here nothing is published.
if _eager is None:
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)
else:
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = _eager

MAX_QUERIES = 15
TARGET_P95_MS = {"queue": 50.0, "workspace": 80.0}
CHECKED_PAGES = ("queue", "workspace")  # home is reported, not judged
WARMUP = 10
PROFILE_FILTER = r"(collections_crm|debtors|followups|accounts|scripts_library|django/template)"
QUERY_SAMPLES = 5


def size_label(debtors: int) -> str:
    return f"{debtors // 1000}k" if debtors % 1000 == 0 else str(debtors)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --------------------------------------------------------------------------- child


def prepare_book(debtors: int, invoices_per_debtor: int, reseed: bool) -> float | None:
    """schedule_bench's prepare_book, with a fixed number of invoices per debtor."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Team, User
    from debtors.models import Debtor, Invoice
    from demo.management.commands.seed_demo import TABLE_MODELS
    from followups.models import ContactPolicy

    call_command("migrate", verbosity=0)
    have = Debtor.objects.count()
    want_invoices = debtors * invoices_per_debtor if invoices_per_debtor else None
    if (
        not reseed
        and have == debtors
        and (want_invoices is None or Invoice.objects.count() == want_invoices)
    ):
        return None
    demo_models = [*TABLE_MODELS.values(), ContactPolicy, User, Team]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in demo_models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    started = time.perf_counter()
    call_command(
        "seed_demo",
        debtors=debtors,
        invoices_per_debtor=invoices_per_debtor or None,
        stdout=io.StringIO(),
    )
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def pick_collector():
    from django.db.models import Count

    from accounts.models import User
    from debtors.models import Debtor

    row = (
        Debtor.objects.filter(
            assigned_collector__role=User.Role.COLLECTOR, assigned_collector__is_active=True
        )
        .values("assigned_collector")
        .annotate(n=Count("id"))
        .order_by("-n", "assigned_collector")
        .first()
    )
    if row is None:
        raise SystemExit("queue_bench: no collector has debtors in this book")
    return User.objects.get(pk=row["assigned_collector"]), row["n"]


def pick_debtor(user):
    from django.db.models import Count

    from debtors.models import Debtor

    debtor = (
        Debtor.objects.filter(assigned_collector=user)
        .annotate(n_invoices=Count("invoices"))
        .order_by("-n_invoices", "-open_balance", "id")
        .first()
    )
    return debtor


def ensure_plan(user) -> dict | None:
    from followups.models import FollowUp
    from followups.planning import plan_all
    from followups.queue import QUEUE_ACTIONS

    open_calls = FollowUp.objects.filter(
        assigned_to=user, status__in=FollowUp.OPEN_STATUSES, action__in=QUEUE_ACTIONS
    )
    if open_calls.exists():
        return None
    started = time.perf_counter()
    counts = plan_all()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def measure(client, url: str, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url)
        if response.status_code != 200:
            return {"status": response.status_code}
    times, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            return {"status": response.status_code}
    counts, sql_ms = [], []
    for _ in range(QUERY_SAMPLES):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return {
        "status": 200,
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "mean": statistics.fmean(times),
        "cpu_p50": percentile(cpu, 50),
        "max": max(times),
        "queries": max(counts),
        "queries_min": min(counts),
        "sql_ms": statistics.median(sql_ms),
        "bytes": len(response.content),
    }


def slowest_queries(client, url: str, top: int = 5) -> list[tuple[float, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    rows = sorted(((float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries), reverse=True)
    return rows[:top]


def profile(client, url: str, requests: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(PROFILE_FILTER, 30)
    out.write("\n-- by own time --\n")
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def bench_moment(user, clock: str):
    """``clock`` HH:MM in the collector's zone on the next weekday (today if it
    is one), or None for the wall clock."""
    import datetime as dt
    import zoneinfo

    from django.utils import timezone

    if clock == "wall":
        return None
    hour, minute = (int(x) for x in clock.split(":"))
    zone = zoneinfo.ZoneInfo(user.timezone)
    day = timezone.localdate(timezone.now(), zone)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def run_one(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from debtors.models import Debtor, Invoice

    if connection.vendor != "postgresql":
        print("queue_bench: needs PostgreSQL", file=sys.stderr)
        return 2
    # Production keeps connections open between requests; the test settings do not.
    connection.settings_dict["CONN_MAX_AGE"] = 60
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    result: dict = {"debtors": args.one, "database": args.database_name}
    seeded = prepare_book(args.one, args.invoices_per_debtor, args.reseed)
    result["seeded_s"] = seeded
    result["book"] = {"debtors": Debtor.objects.count(), "invoices": Invoice.objects.count()}
    user, portfolio = pick_collector()
    moment = bench_moment(user, args.clock)
    result["moment"] = moment.isoformat() if moment else f"wall clock {dt_now()}"
    if moment is None:
        return measure_all(args, result, user, portfolio)
    import time_machine

    with time_machine.travel(moment, tick=True):
        return measure_all(args, result, user, portfolio)


def dt_now() -> str:
    from django.utils import timezone

    return timezone.now().isoformat(timespec="seconds")


def measure_all(args, result: dict, user, portfolio: int) -> int:
    from django.test import Client
    from django.urls import reverse

    from followups.queue import queue_for

    result["planned"] = ensure_plan(user)
    debtor = pick_debtor(user)
    queue = queue_for(user)
    result.update(
        user=user.username,
        portfolio=portfolio,
        queue_left=queue.left,
        queue_shown=len(queue.items),
        debtor=debtor.code,
        debtor_invoices=debtor.n_invoices,
    )

    client = Client()
    client.force_login(user)
    pages = {
        "queue": reverse("desk:queue"),
        "home": "/",
        "workspace": reverse("desk:debtor", kwargs={"public_id": debtor.public_id}),
    }
    result["pages"] = {}
    for name, url in pages.items():
        result["pages"][name] = {"url": url, **measure(client, url, args.requests)}
    result["slowest"] = {
        name: slowest_queries(client, url) for name, url in pages.items() if name != "home"
    }
    if args.profile:
        result["profile"] = {
            name: profile(client, url, args.profile)
            for name, url in pages.items()
            if name != "home"
        }
    print("RESULT " + json.dumps(result, default=str))
    return 0


# --------------------------------------------------------------------------- parent


def report(results: list[dict], args) -> int:
    failures: list[str] = []
    print("\n" + "=" * 78)
    print(
        f"QUEUE BENCHMARK: {args.requests} warm requests per page, Django test client, "
        f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)"
    )
    print("=" * 78)
    for r in results:
        book = r["book"]
        print(
            f"\n{r['debtors']:,} debtors ({r['database']}: {book['debtors']:,} debtors, "
            f"{book['invoices']:,} invoices)"
            + (f", seeded in {r['seeded_s']:.0f} s" if r["seeded_s"] else "")
        )
        if r["planned"]:
            print(f"  nightly plan run first: {r['planned']}")
        print(f"  measured at {r['moment']}")
        print(
            f"  as {r['user']} ({r['portfolio']:,} debtors): queue {r['queue_shown']} shown of "
            f"{r['queue_left']} left; workspace of {r['debtor']} ({r['debtor_invoices']} invoices)"
        )
        print(
            f"  {'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'mean':>8} {'max':>8} "
            f"{'cpu p50':>8} {'queries':>8} {'sql ms':>8} {'KiB':>6}"
        )
        for name, page in r["pages"].items():
            if page["status"] != 200:
                print(f"  {name:<10} HTTP {page['status']}")
                failures.append(f"{r['debtors']:,}: {name} answered {page['status']}")
                continue
            queries = str(page["queries"])
            if page["queries_min"] != page["queries"]:
                queries = f"{page['queries_min']}-{page['queries']}"
            print(
                f"  {name:<10} {page['p50']:8.1f} {page['p95']:8.1f} {page['mean']:8.1f} "
                f"{page['max']:8.1f} {page['cpu_p50']:8.1f} {queries:>8} {page['sql_ms']:8.1f} "
                f"{page['bytes'] / 1024:6.0f}"
            )
        for name, rows in r["slowest"].items():
            print(f"  slowest queries of {name}:")
            for ms, sql in rows[:3]:
                print(f"    {ms:7.2f} ms  {sql[:150]}")
        for name, text in (r.get("profile") or {}).items():
            print(f"\n--- cProfile, {name}, {r['debtors']:,} debtors ---\n{text}")

    print()
    verdicts = []
    for r in results:
        for name in CHECKED_PAGES:
            page = r["pages"][name]
            if page["status"] != 200:
                continue
            label = f"{size_label(r['debtors'])} {name}"
            target = TARGET_P95_MS[name]
            verdicts.append((f"{label} p95 < {target:.0f} ms", f"{page['p95']:.1f} ms",
                             page["p95"] < target))  # fmt: skip
            ok = page["queries"] <= MAX_QUERIES
            verdicts.append((f"{label} queries <= {MAX_QUERIES}", str(page["queries"]), ok))
            if not ok:
                failures.append(f"{label}: {page['queries']} queries per request")
    if len(results) > 1:
        for name in ("queue", "home", "workspace"):
            # The fewest per request: the policy cache (30 s) adds its reads now and then.
            counts = {
                size_label(r["debtors"]): r["pages"][name].get("queries_min") for r in results
            }
            same = len(set(counts.values())) == 1
            verdicts.append((f"{name} queries the same at every size", str(counts), same))
            if not same:
                failures.append(f"{name}: the query count changes with the book {counts}")
    for label, value, ok in verdicts:
        print(f"  {'PASS' if ok else 'MISS'}  {label:<38} {value:>22}")
    if failures:
        print(f"\nqueue_bench: {len(failures)} check(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0


def print_stderr(text: str, *, failed: bool) -> None:
    """The child's log, repeated lines counted (a failure prints it whole)."""
    if failed:
        print(text, file=sys.stderr)
        return
    counts: dict[str, int] = {}
    for line in text.splitlines():
        key = line[24:] if line[:4].isdigit() else line  # drop the timestamp
        counts[key] = counts.get(key, 0) + 1
    for line, n in counts.items():
        print(f"    log x{n}: {line[:160]}" if n > 1 else f"    log: {line[:160]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--invoices-per-debtor", type=int, default=10,
                        help="0: seed_demo's own 1 to 10")  # fmt: skip
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", default="crm_qbench", help="prefix; _10k etc. is added")
    parser.add_argument("--reseed", action="store_true", help="seed even if the book is there")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile N more requests of each page")  # fmt: skip
    parser.add_argument("--clock", default="10:30",
                        help="HH:MM in the collector's zone on a weekday (time-machine), "
                        "or 'wall' for the real clock")  # fmt: skip
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-name", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        use_database(args.database_name)
        return run_one(args)

    results = []
    for debtors in args.debtors:
        name = f"{args.database}_{size_label(debtors)}"
        print(f"==> {debtors:,} debtors in database {name}", flush=True)
        command = [
            sys.executable, __file__, "--one", str(debtors), "--database-name", name,
            "--invoices-per-debtor", str(args.invoices_per_debtor),
            "--requests", str(args.requests), "--profile", str(args.profile),
            "--clock", args.clock,
        ]  # fmt: skip
        if args.reseed:
            command.append("--reseed")
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        lines = proc.stdout.splitlines()
        print("\n".join(line for line in lines if not line.startswith("RESULT ")), flush=True)
        print_stderr(proc.stderr, failed=proc.returncode != 0)
        found = [json.loads(line[7:]) for line in lines if line.startswith("RESULT ")]
        if proc.returncode != 0 or not found:
            print(f"queue_bench: the {debtors:,} run failed (exit {proc.returncode})",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(f"    done in {time.perf_counter() - started:.0f} s", flush=True)
        results.extend(found)
    return report(results, args)


if __name__ == "__main__":
    sys.exit(main())

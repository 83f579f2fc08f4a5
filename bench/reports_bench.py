"""The managers' reports at scale: overview page and KPI API, rollups and live.

    DATABASE_URL=postgres://... .venv/bin/python bench/reports_bench.py \
        [--debtors 1000 100000] [--requests 200] [--clients 8] [--workers N] \
        [--payments 50] [--window-refreshes 10] [--database crm_rbench] [--reseed]

Each --debtors size gets its own database on the DATABASE_URL server
(``<database>_1k``, ``<database>_100k``) holding the demo book with 10 invoices
per debtor, topped up by bench/_reports_book.py to 13 months of history: at
least 20 interactions per debtor (2,000,000 for 100k), payments with
allocations over 13 months, one collector per 1,000 debtors. A database whose
book is there is reused. Each size runs in a child process; per size:

  rebuild      reports.rollups.rebuild(): the full window (14 months and this
               one), timed; then ANALYZE of the rollup tables (autovacuum's
               job within a minute in production);
  one at a time  --requests GETs of each URL after a warm-up, Django test
               client, persistent connections (CONN_MAX_AGE 60): the KPI API
               (/api/reports/kpis/?from=&to=&currency=CNY) and the overview
               page (/reports/?period=...&currency=CNY), as the demo East
               China manager (their team) and as the admin (the company), for
               the last complete month and the last 12 months (the page's
               preset: 11 months back to today); server time p50/p95/max, CPU
               and the SQL queries per request (the fewest of 5 requests is
               compared across the sizes);
  concurrent   on the largest size only: the same URLs from --clients threads
               at once against a real gunicorn (bench/_reports_load.py; sync
               workers, 2 x CPUs + 1 unless --workers), the latency each
               client sees and requests per second;
  live         reports.kpis_direct.kpis_direct() (the figures straight from
               the base tables) for each scope and period: its seconds, the
               speed-up of the API (live s / API p95) and whether it gives the
               same figures as kpis_from_rollups();
  incremental  --payments payments through debtors.payment_services.
               payment_record for debtors of the cells nearest the median size,
               each followed by refresh_debtors([debtor], since=today), timed
               alone (what the payment receiver queues: from the day
               received); for the first --window-refreshes of them also
               refresh_debtors([debtor]) (the whole window: what a type change
               or a move queues); then the first cell's rollups this month are
               checked against the live figures.

Targets (issue 13), judged on the largest size: page p95 < 150 ms, API p95 <
60 ms, the API at least 20x faster than live, full rebuild < 120 s,
incremental update < 50 ms; and the number of queries per request the same at
every size. Exit 1 when a request does not answer 200, the rollups and the
live figures differ, or a query count changes with the book; a missed time
target only prints MISS (bench/_reports_report.py prints it all).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.test")

from bench.queue_bench import measure, percentile, print_stderr, size_label  # noqa: E402
from bench.schedule_bench import use_database  # noqa: E402

# Tasks a payment enqueues (promise evaluation, type suggestions) run inline:
# nothing is left in the shared Redis for the benches after this one.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"

CURRENCY = "CNY"
SCOPES = ("manager", "admin")  # the demo East China manager; the company


PRESETS = {"last month": "last_month", "12 months": "last_12_months"}  # the page's menu


def periods(today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    from reports.forms import preset_range

    return {label: preset_range(preset, today) for label, preset in PRESETS.items()}


def urls(period: str, first: dt.date, last: dt.date) -> dict[str, str | None]:
    """The API with the period's days; the page with the preset a manager picks."""
    from django.urls import NoReverseMatch, reverse

    api = f"{reverse('api:report-kpis')}?from={first}&to={last}&currency={CURRENCY}"
    try:
        page = reverse("reports:overview")
    except NoReverseMatch:
        page = None
    else:
        page += f"?period={PRESETS[period]}&currency={CURRENCY}"
    return {"api": api, "page": page}


# --------------------------------------------------------------------------- child


def step_rebuild(result: dict, rebuilds: int) -> None:
    from django.db import connection

    from reports.models import (
        ContactHour,
        DailyAging,
        DailyFlow,
        MonthlyFlow,
        MonthlyRoll,
        TeamDailyAging,
        TeamMonthlyFlow,
        TeamMonthlyRoll,
    )
    from reports.rollups import rebuild

    runs = []
    for _ in range(rebuilds):
        done = rebuild()
        runs.append(round(done["seconds"], 2))
        print(f"  rebuild: {done['rows']:,} rows from {done['first']} in {done['seconds']:.1f} s",
              flush=True)  # fmt: skip
    models = (
        DailyFlow,
        MonthlyFlow,
        TeamMonthlyFlow,
        DailyAging,
        ContactHour,
        MonthlyRoll,
        TeamMonthlyRoll,
        TeamDailyAging,
    )
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))
    result["rebuild"] = {
        "seconds": runs,
        "rows": {m.__name__: m.objects.count() for m in models},
    }


def step_requests(result: dict, users: dict, spans: dict, requests: int) -> list[tuple]:
    """One request at a time; returns (label, url, user) for the concurrent step."""
    from django.test import Client

    targets = []
    result["requests"] = {}
    for scope in SCOPES:
        client = Client()
        client.force_login(users[scope])
        for period, (first, last) in spans.items():
            for kind, url in urls(period, first, last).items():
                label = f"{kind} {scope} {period}"
                if url is None:
                    result["requests"][label] = {"status": "not built"}
                    continue
                result["requests"][label] = {"url": url, **measure(client, url, requests)}
                targets.append((label, url, users[scope]))
                r = result["requests"][label]
                print(f"  {label:<28} " + (f"p95 {r['p95']:.1f} ms" if "p95" in r else str(r)),
                      flush=True)  # fmt: skip
    return targets


def step_live(result: dict, users: dict, spans: dict) -> None:
    from debtors.permissions import debtor_scope
    from reports.filters import Filters
    from reports.kpis import kpis_from_rollups
    from reports.kpis_direct import kpis_direct

    result["live"] = {}
    for scope in SCOPES:
        for period, (first, last) in spans.items():
            filters = Filters(first, last, CURRENCY, debtor_scope(users[scope]))
            rollup_ms = []
            for _ in range(20):
                started = time.perf_counter()
                from_rollups = kpis_from_rollups(filters)
                rollup_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            live = kpis_direct(filters)
            seconds = time.perf_counter() - started
            diff = {k: [str(from_rollups[k]), str(live[k])] for k in live
                    if live[k] != from_rollups[k]}  # fmt: skip
            result["live"][f"{scope} {period}"] = {
                "seconds": seconds,
                "rollup_ms": statistics.median(rollup_ms),
                "diff": diff,
                "sample": {k: str(live[k]) for k in ("ar_end", "collected", "calls", "cei")},
            }
            print(f"  live {scope} {period}: {seconds:.1f} s, differences {diff or 'none'}",
                  flush=True)  # fmt: skip


def typical_debtors(count: int) -> tuple[list, dict]:
    """Debtors owing CNY in the cells nearest the median size (a few per cell)."""
    from django.db.models import Count

    from debtors.models import Debtor

    cells = list(
        Debtor.objects.values("team_id", "assigned_collector_id", "debtor_type")
        .annotate(n=Count("id"))
        .order_by("n", "team_id", "assigned_collector_id", "debtor_type")
    )
    sizes = [c["n"] for c in cells]
    median = statistics.median(sizes)
    cells.sort(key=lambda c: (abs(c["n"] - median), c["assigned_collector_id"] or 0))
    picked, used = [], []
    for cell in cells:
        n = cell.pop("n")
        debtors = list(
            Debtor.objects.filter(**cell, currency=CURRENCY, open_balance__gt=100).order_by("id")[
                : max(count // 10, 1)
            ]
        )
        if debtors:
            used.append(n)
        picked.extend(debtors)
        if len(picked) >= count:
            break
    info = {"cells": len(sizes), "median": median, "min": min(sizes), "max": max(sizes),
            "used": sorted(set(used))}  # fmt: skip
    return picked[:count], info


def _timed(function, *args, **kwargs) -> tuple:
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, (time.perf_counter() - started) * 1000


def _spread(values: list[float]) -> list[float]:
    return [percentile(values, 50), percentile(values, 95), max(values)] if values else []


def step_incremental(result: dict, users: dict, args, today: dt.date) -> None:
    """Payments through the service, each followed by the timed refreshes.

    The reports' receiver of ``payments_recorded`` is disconnected meanwhile:
    with tasks run inline here it would remake the cell inside
    payment_record. What it queues in production (refresh_debtors from the
    day received: today) is timed on its own instead, and for the first few
    the whole window (what a type change or a move queues)."""
    from decimal import Decimal

    from debtors.models import Debtor
    from debtors.payment_services import payment_record
    from debtors.permissions import debtor_scope
    from debtors.signals import payments_recorded
    from reports import receivers
    from reports.filters import Filters
    from reports.kpis import kpis_from_rollups
    from reports.kpis_direct import kpis_direct
    from reports.rollups import refresh_debtors

    debtors, cells = typical_debtors(args.payments)
    ms: dict[str, list[float]] = {"record": [], "since": [], "window": []}
    rows = []
    hook = getattr(receivers, "refresh_on_payments", None)
    payments_recorded.disconnect(dispatch_uid="reports.refresh_on_payments")
    try:
        for i, debtor in enumerate(debtors):
            amount = (debtor.open_balance * Decimal("0.3")).quantize(Decimal("0.01"))
            _, took = _timed(payment_record, actor=users["finance"], debtor=debtor, amount=amount,
                             received_on=today, reference="reports bench incremental")  # fmt: skip
            ms["record"].append(took)
            count, took = _timed(refresh_debtors, [debtor.pk], since=today)
            ms["since"].append(took)
            rows.append(count)
            if i < args.window_refreshes:
                ms["window"].append(_timed(refresh_debtors, [debtor.pk])[1])
    finally:
        if hook is not None:
            payments_recorded.connect(hook, dispatch_uid="reports.refresh_on_payments")
    first = Debtor.objects.get(pk=debtors[0].pk)
    filters = Filters(today.replace(day=1), today, CURRENCY, debtor_scope(users["admin"]),
                      team_id=first.team_id, collector_id=first.assigned_collector_id,
                      debtor_type=first.debtor_type)  # fmt: skip
    live, from_rollups = kpis_direct(filters), kpis_from_rollups(filters)
    result["incremental"] = {
        "payments": len(debtors),
        "cells": cells,
        **{f"{k}_ms": _spread(v) for k, v in ms.items()},
        "rows": statistics.median(rows),
        "diff": {k: [str(from_rollups[k]), str(live[k])] for k in live
                 if live[k] != from_rollups[k]},
    }  # fmt: skip
    print(f"  incremental: refresh p95 {result['incremental']['since_ms'][1]:.1f} ms", flush=True)


def run_one(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from bench import _reports_book as book
    from bench._reports_load import step_concurrent
    from reports.rollups import company_today

    if connection.vendor != "postgresql":
        print("reports_bench: needs PostgreSQL", file=sys.stderr)
        return 2
    connection.settings_dict["CONN_MAX_AGE"] = 60  # as in production
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # a line per inline task
    today = company_today()
    result: dict = {"debtors": args.one, "database": args.database_name, "today": str(today)}
    result["load"] = [os.getloadavg()[0]]
    print(f"  preparing the book ({args.one:,} debtors)", flush=True)
    result["book"] = book.prepare(args, today)
    users = {u.username: u for u in User.objects.filter(username__in=["manager", "admin",
                                                                      "finance"])}  # fmt: skip
    spans = periods(today)
    result["periods"] = {k: [str(a), str(b)] for k, (a, b) in spans.items()}
    step_rebuild(result, args.rebuilds)
    targets = step_requests(result, users, spans, args.requests)
    if args.clients:
        result["concurrent"] = step_concurrent(targets, args)
    step_live(result, users, spans)
    if args.payments:
        step_incremental(result, users, args, today)
    result["load"].append(os.getloadavg()[0])
    print("RESULT " + json.dumps(result, default=str))
    return 0


# --------------------------------------------------------------------------- parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--invoices-per-debtor", type=int, default=10)
    parser.add_argument("--per-debtor", type=int, default=20, help="interactions per debtor")
    parser.add_argument("--debtors-per-collector", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8, help="0: no concurrent step")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: 2xCPU+1)")
    parser.add_argument("--payments", type=int, default=50, help="0: no incremental step")
    parser.add_argument(
        "--window-refreshes", type=int, default=10, help="how many also time the whole window"
    )
    parser.add_argument("--rebuilds", type=int, default=1)
    parser.add_argument("--database", default="crm_rbench", help="prefix; _1k etc. is added")
    parser.add_argument("--reseed", action="store_true", help="seed even if the book is there")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-name", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        use_database(args.database_name)
        return run_one(args)

    from bench._reports_report import report

    args.code = [code_version()]
    results = []
    for debtors in args.debtors:
        name = f"{args.database}_{size_label(debtors)}"
        print(f"==> {debtors:,} debtors in database {name}", flush=True)
        command = [sys.executable, __file__, *_without_sizes(sys.argv[1:]),
                   "--one", str(debtors), "--database-name", name]  # fmt: skip
        if debtors != max(args.debtors):
            command += ["--clients", "0"]  # concurrent load on the book only
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        lines = proc.stdout.splitlines()
        print("\n".join(line for line in lines if not line.startswith("RESULT ")), flush=True)
        print_stderr(proc.stderr, failed=proc.returncode != 0)
        found = [json.loads(line[7:]) for line in lines if line.startswith("RESULT ")]
        if proc.returncode != 0 or not found:
            print(f"reports_bench: the {debtors:,} run failed (exit {proc.returncode})",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(f"    done in {time.perf_counter() - started:.0f} s", flush=True)
        results.extend(found)
    args.code.append(code_version())
    return report(results, args)


def code_version() -> str:
    """The last commit that touched the code under test, and how many of its
    files are changed but not committed: others edit the tree while the bench
    runs, and both sizes must measure one code."""
    paths = ["accounts", "debtors", "scripts_library", "followups", "desk", "reports",
             "collections_crm", "templates"]  # fmt: skip
    git = ["git", "-C", str(ROOT)]
    try:
        commit = subprocess.run(
            [*git, "log", "-1", "--format=%h", "--", *paths],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run([*git, "status", "--porcelain", "--", *paths],
                                 capture_output=True, text=True, check=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    files = len(changed.splitlines())
    return commit + (f" with {files} uncommitted file(s)" if files else "")


def _without_sizes(argv: list[str]) -> list[str]:
    """The command line less ``--debtors N [N ...]`` (the child gets --one)."""
    out, skipping = [], False
    for arg in argv:
        if arg == "--debtors" or arg.startswith("--debtors="):
            skipping = arg == "--debtors"
            continue
        if skipping and not arg.startswith("--"):
            continue
        skipping = False
        out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main())

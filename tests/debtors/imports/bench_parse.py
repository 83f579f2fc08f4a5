"""Parse-only speed check (not a test): 1,000,000 invoices for 100,000 debtors.

    SECRET_KEY=x DJANGO_SETTINGS_MODULE=collections_crm.settings.test \\
        .venv/bin/python -m tests.debtors.imports.bench_parse [/tmp/aging_1m.csv] [rows]

Generates the CSV (outside the repository) unless it exists, then runs
``parse_report`` (the validating pass) and one ``records()`` pass, printing
seconds and the peak RSS of this process.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import django


def generate(path: Path, rows: int, debtors: int = 100_000) -> None:
    start = dt.date(2025, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["Customer Code", "Customer Name", "Invoice Number", "Invoice Date", "Due Date",
             "Amount", "Open Amount", "Currency"]
        )  # fmt: skip
        total = 0
        for i in range(rows):
            d = i % debtors
            issue = start + dt.timedelta(days=i % 600)
            cents = 10_000 + (i * 7919) % 9_000_000
            open_cents = cents if i % 3 else cents // 2
            total += open_cents
            writer.writerow(
                [f"C{d:06d}", f"Debtor {d:06d} Ltd", f"INV-{i:08d}", issue.isoformat(),
                 (issue + dt.timedelta(days=30)).isoformat(), f"{cents / 100:,.2f}",
                 f"{open_cents / 100:,.2f}", "CNY"]
            )  # fmt: skip
        writer.writerow(["Total", "", "", "", "", "", f"{total / 100:,.2f}", ""])


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.test")
    django.setup()
    from debtors.imports.parse import parse_report

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/aging_1m.csv")
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    if not path.exists():
        t = time.perf_counter()
        generate(path, rows)
        size = path.stat().st_size / 1e6
        print(f"generated {path} ({size:.0f} MB) in {time.perf_counter() - t:.1f}s")
    t, cpu = time.perf_counter(), time.process_time()
    result = parse_report(path, as_of=dt.date(2026, 9, 1))
    validate, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"validate pass: {validate:.1f}s wall, {cpu:.1f}s CPU; counts={result.counts}")
    print(f"ok={result.ok}")
    print(f"reconciliation: {result.reconciliation}")
    t, cpu = time.perf_counter(), time.process_time()
    n = sum(1 for _ in result.records())
    stream, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records pass: {stream:.1f}s wall, {cpu:.1f}s CPU, {n} records ({n / stream:,.0f}/s)")
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()

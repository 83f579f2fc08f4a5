"""What bench/reports_bench.py prints: the figures of each book size, then
the issue's targets with PASS/MISS, and the checks that fail the run."""

from __future__ import annotations

import os
import sys

from bench.queue_bench import size_label

TARGET_MS = {"page": 150.0, "api": 60.0}
TARGET_SPEEDUP = 20.0
TARGET_REBUILD_S = 120.0
TARGET_INCREMENTAL_MS = 50.0
CURRENCY = "CNY"


def _ms(value) -> str:
    return f"{value:8.1f}"


def print_size(r: dict) -> None:
    book = r["book"]["counts"]
    print(
        f"\n{r['debtors']:,} debtors ({r['database']}), today {r['today']} (company zone), "
        f"load average {r['load'][0]:.1f} at the start, {r['load'][-1]:.1f} at the end"
    )
    print(f"  book: {book['debtors']:,} debtors, {book['invoices']:,} invoices, "
          f"{book['payments']:,} payments ({book['allocations']:,} allocations), "
          f"{book['interactions']:,} interactions, {book['promises']:,} promises, "
          f"{book['disputes']:,} disputes, {book['collectors']} collectors")  # fmt: skip
    if r["book"]["steps"]:
        print("  prepared: " + ", ".join(f"{k} {v:.1f} s" for k, v in r["book"]["steps"].items()))
    print(
        f"  {'month':<9} {'interactions':>12} {'calls':>10} {'payments':>9} {'CNY collected':>15}"
    )
    for month, touches, calls, payments, cny in book["months"]:
        print(f"  {month:<9} {touches:>12,} {calls:>10,} {payments:>9,} {cny:>15,}")
    rebuild = r["rebuild"]
    print(
        f"  rebuild (full window): {', '.join(f'{s:.1f} s' for s in rebuild['seconds'])}; rows "
        + ", ".join(f"{k} {v:,}" for k, v in rebuild["rows"].items())
    )
    print("  periods: " + ", ".join(f"{k} {a}..{b}" for k, (a, b) in r["periods"].items()))
    print(f"\n  one at a time: server time in ms (Django test client, {CURRENCY})")
    print(f"  {'':<28} {'p50':>8} {'p95':>8} {'max':>8} {'cpu p50':>8} {'queries':>8} "
          f"{'sql ms':>8} {'KiB':>6}")  # fmt: skip
    for label, m in r["requests"].items():
        if m["status"] == "not built":
            print(f"  {label:<28} overview page: not built yet")
        elif m["status"] != 200:
            print(f"  {label:<28} HTTP {m['status']}")
        else:
            queries = str(m["queries"])
            if m["queries_min"] != m["queries"]:
                queries = f"{m['queries_min']}-{m['queries']}"
            print(f"  {label:<28} {_ms(m['p50'])} {_ms(m['p95'])} {_ms(m['max'])} "
                  f"{_ms(m['cpu_p50'])} {queries:>8} {_ms(m['sql_ms'])} "
                  f"{m['bytes'] / 1024:6.0f}")  # fmt: skip
    print_concurrent(r.get("concurrent"))
    print_live(r)
    print_incremental(r.get("incremental"))


def print_concurrent(c: dict | None) -> None:
    if not c:
        return
    print(
        f"\n  {c['clients']} clients at once: latency at the client in ms (gunicorn, "
        f"{c['workers']} sync workers, {c['clients'] * c['per_client']} requests per URL)"
    )
    print(f"  {'':<28} {'p50':>8} {'p95':>8} {'max':>8} {'req/s':>8}  statuses")
    for label, m in c["urls"].items():
        print(f"  {label:<28} {_ms(m['p50'])} {_ms(m['p95'])} {_ms(m['max'])} "
              f"{m['rps']:8.1f}  {m['statuses']}")  # fmt: skip
    for line in c["errors"]:
        print(f"  gunicorn: {line[:150]}")


def print_live(r: dict) -> None:
    print("\n  live from the base tables (kpis_direct) against the rollups")
    print(
        f"  {'':<22} {'live s':>8} {'rollups ms':>11} {'API p95 ms':>11} {'speed-up':>9}  "
        "same figures"
    )
    for label, live in r["live"].items():
        api = r["requests"].get(f"api {label}", {})
        speedup = live["seconds"] * 1000 / api["p95"] if api.get("p95") else None
        live["speedup"] = speedup
        same = "yes" if not live["diff"] else f"NO {live['diff']}"
        print(f"  {label:<22} {live['seconds']:8.2f} {live['rollup_ms']:11.1f} "
              f"{api.get('p95', 0):11.1f} {speedup or 0:8.0f}x  {same}")  # fmt: skip


def print_incremental(inc: dict | None) -> None:
    if not inc:
        return
    cells = inc["cells"]
    print(f"\n  incremental: {inc['payments']} payments for debtors of cells of "
          f"{min(cells['used'])}-{max(cells['used'])} debtors (median cell {cells['median']:.0f} "
          f"of {cells['cells']} cells, {cells['min']}-{cells['max']})")  # fmt: skip
    lines = (
        ("record_ms", "payment_record (the service, followups' receivers inline)"),
        ("since_ms", "refresh_debtors([debtor], since=today) (what a payment queues)"),
        ("window_ms", "refresh_debtors([debtor]) (the whole window)"),
    )
    for key, label in lines:
        if inc.get(key):
            p50, p95, top = inc[key]
            print(f"    {label:<60} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {top:7.1f} ms")
    print(f"    rows remade per refresh since today: {inc['rows']:.0f}")
    print("    rollups of the first debtor's cell this month against live: "
          + ("the same" if not inc["diff"] else f"DIFFERENT {inc['diff']}"))  # fmt: skip


def verdicts(results: list[dict], failures: list[str]) -> list[tuple[str, str, bool]]:
    """Time targets on the largest book; query counts across the sizes."""
    out = []
    for r in results:
        for label, m in r["requests"].items():
            if m["status"] not in (200, "not built"):
                failures.append(f"{r['debtors']:,}: {label} answered {m['status']}")
        for label, live in r["live"].items():
            if live["diff"]:
                failures.append(f"{r['debtors']:,}: rollups and live differ, {label}")
        if (r.get("incremental") or {}).get("diff"):
            failures.append(f"{r['debtors']:,}: rollups after the payments differ from live")
    big = max(results, key=lambda r: r["debtors"])
    size = size_label(big["debtors"])
    for label, m in big["requests"].items():
        if m.get("p95") is not None:
            target = TARGET_MS[label.split()[0]]
            out.append((f"{size} {label} p95 < {target:.0f} ms", f"{m['p95']:.1f} ms",
                        m["p95"] < target))  # fmt: skip
    for label, m in (big.get("concurrent") or {}).get("urls", {}).items():
        target = TARGET_MS[label.split()[0]]
        clients = big["concurrent"]["clients"]
        out.append((f"{size} {label} p95 < {target:.0f} ms ({clients} clients)",
                    f"{m['p95']:.1f} ms", m["p95"] < target))  # fmt: skip
    for label, live in big["live"].items():
        if live.get("speedup"):
            out.append((f"{size} {label}: API {TARGET_SPEEDUP:.0f}x faster than live",
                        f"{live['speedup']:.0f}x", live["speedup"] >= TARGET_SPEEDUP))  # fmt: skip
    worst = max(big["rebuild"]["seconds"])
    out.append((f"{size} full rebuild < {TARGET_REBUILD_S:.0f} s", f"{worst:.1f} s",
                worst < TARGET_REBUILD_S))  # fmt: skip
    inc = big.get("incremental") or {}
    for key, label in (("since_ms", "since the payment day"), ("window_ms", "whole window")):
        if inc.get(key):
            p95 = inc[key][1]
            out.append((f"{size} incremental ({label}) p95 < {TARGET_INCREMENTAL_MS:.0f} ms",
                        f"{p95:.1f} ms", p95 < TARGET_INCREMENTAL_MS))  # fmt: skip
    if len(results) > 1:
        for label in big["requests"]:
            counts = {size_label(r["debtors"]): r["requests"].get(label, {}).get("queries_min")
                      for r in results}  # fmt: skip
            if None in counts.values():
                continue
            same = len(set(counts.values())) == 1
            out.append((f"{label} queries the same at every size", str(counts), same))
            if not same:
                failures.append(f"{label}: the query count changes with the book {counts}")
    return out


def report(results: list[dict], args) -> int:
    failures: list[str] = []
    print("\n" + "=" * 78)
    print(
        f"REPORTS BENCHMARK: {args.requests} requests per URL, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)"
    )
    code = args.code[0] if args.code[0] == args.code[-1] else " -> ".join(args.code)
    print(f"code: {code}")
    if args.code[0] != args.code[-1]:
        print("WARNING: the code changed during the run; the sizes may not be comparable")
    print("=" * 78)
    for r in results:
        print_size(r)
    if all(m["status"] == "not built" for r in results for k, m in r["requests"].items()
           if k.startswith("page")):  # fmt: skip
        print("\noverview page: not built yet (reports:overview does not resolve)")
    print()
    for label, value, ok in verdicts(results, failures):
        print(f"  {'PASS' if ok else 'MISS'}  {label:<52} {value:>22}")
    if failures:
        print(f"\nreports_bench: {len(failures)} check(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0

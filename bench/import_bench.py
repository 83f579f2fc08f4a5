"""Aging import benchmark on PostgreSQL (issue 3, "Speed").

    DATABASE_URL=postgres://.../crm_bench .venv/bin/python bench/import_bench.py \
        [--debtors 100000] [--invoices 1000000] [--iie-rows 50000] [--keep] [--out-dir DIR]

Generates a generic aging-detail CSV (one row per open invoice, fixed seed) and
a second one with 10% of the open balances changed, then measures:

  (a) raw COPY of the same rows into a bare table (PK + unique key): the limit;
  (a2) for reference, (a) plus moving those rows into the real debtor and invoice
      tables by INSERT ... SELECT: what writing these tables costs at the least
      (their indexes, CHECK constraints and the invoice's foreign key);
  (b) our import end to end on empty tables: import_batch_preview (store the
      file, the one parse that validates and writes the stage file) +
      import_batch_commit (COPY the stage file, set-based apply, summaries);
  (c) the same with the changed file on top of (b): 10% updates, 90% unchanged;
  (d) django-import-export importing the first --iie-rows rows into Invoice,
      scaled to the full file.

Prints rows/s, the ratios, the peak RSS of this process per step and the
issue's targets with PASS/MISS. A missed target does not fail the script; a
step that errors or a wrong count does (exit 1). Refuses anything but
PostgreSQL (exit 2): it empties the debtor, invoice and import tables.

Use a fresh database (make bench creates one). The importer's set-based
statements are planned from the tables' statistics, which TRUNCATE does not
reset: on a database where these tables were analyzed or vacuumed before, the
planner can pick nested-loop anti-joins over the tables the import is filling,
and (b) then grows quadratically. The script warns when it sees such statistics;
--vacuum-empty reproduces that state on purpose (try it with small sizes).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.test")

import django  # noqa: E402

HEADER = [
    "Customer Code", "Customer Name", "Invoice Number", "Invoice Date", "Due Date", "Amount",
    "Open Balance", "Currency",
]  # fmt: skip
AS_OF = dt.date(2025, 6, 30)
CURRENCIES = ["CNY"] * 7 + ["USD", "USD", "EUR"]
TERMS = [0, 15, 30, 30, 30, 45, 60, 90]
MAX_INVOICES = 10_000_000  # invoice numbers are a bijection of the row index mod 10**7
RAW_TABLE = "bench_raw_copy"
TARGET_COPY_RATIO = 3.0
TARGET_IIE_FACTOR = 50.0
TARGET_PEAK_MIB = 400.0


class BenchFailure(Exception):
    """A step errored or a count is wrong: the script exits 1."""


# --------------------------------------------------------------------------- memory


def _reset_peak() -> bool:
    """Reset this process's RSS high-water mark (Linux ≥ 4.0), so that
    getrusage's ru_maxrss gives the peak of the next step alone."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_mib() -> float:
    """Current RSS (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class PeakMeter:
    """Peak RSS of one step: getrusage after a high-water reset, plus the largest
    RSS a psutil sampler thread saw (when psutil is installed)."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.reset_ok = False
        self.start_mib = 0.0
        self.rusage_mib = 0.0
        self.sampled_mib: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakMeter:
        self.start_mib = _rss_mib()
        self.reset_ok = _reset_peak()
        try:
            import psutil
        except ImportError:
            return self
        process = psutil.Process()
        self.sampled_mib = process.memory_info().rss / 2**20

        def sample():
            while not self._stop.wait(self.interval):
                self.sampled_mib = max(self.sampled_mib, process.memory_info().rss / 2**20)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.rusage_mib = _maxrss_mib()

    @property
    def peak_mib(self) -> float:
        return max(self.rusage_mib, self.sampled_mib or 0.0)

    def label(self) -> str:
        sampled = "n/a" if self.sampled_mib is None else f"{self.sampled_mib:,.0f}"
        scope = "step" if self.reset_ok else "process"
        return (
            f"{self.rusage_mib:,.0f} MiB ({scope} ru_maxrss; psutil sampled {sampled}; "
            f"RSS at the start {self.start_mib:,.0f})"
        )


# --------------------------------------------------------------------------- data


@dataclass
class FileStats:
    rows: int = 0
    debtors: int = 0
    changed: int = 0
    bytes1: int = 0
    bytes2: int = 0
    cents1: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    cents2: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    credits: int = 0
    seconds: float = 0.0

    @staticmethod
    def _total(cents: dict[str, int]) -> Decimal:
        return Decimal(sum(cents.values())) / 100

    @property
    def sum1(self) -> Decimal:
        return self._total(self.cents1)

    @property
    def sum2(self) -> Decimal:
        return self._total(self.cents2)


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def generate(path1: Path, path2: Path, debtors: int, invoices: int) -> FileStats:
    """Write the aging report (path1) and the same report with every tenth row's
    open balance lowered (path2), streaming. Rows are grouped by customer, as
    aging-detail exports are; invoice numbers are unique and scattered."""
    started = time.perf_counter()
    rng = random.Random(1)
    per_debtor = [1] * debtors
    for _ in range(invoices - debtors):
        per_debtor[rng.randrange(debtors)] += 1
    day = [AS_OF - dt.timedelta(days=n) for n in range(730)]
    iso = {d: d.isoformat() for d in (AS_OF + dt.timedelta(days=n) for n in range(-730, 91))}
    stats = FileStats(debtors=debtors)
    i = 0
    with (
        path1.open("w", encoding="utf-8", newline="") as f1,
        path2.open("w", encoding="utf-8", newline="") as f2,
    ):
        w1, w2 = csv.writer(f1), csv.writer(f2)
        w1.writerow(HEADER)
        w2.writerow(HEADER)
        for k, count in enumerate(per_debtor):
            code = f"C{k:06d}"
            if k % 5 == 0:
                name = f"客户{k:06d}贸易有限公司"
            elif k % 7 == 0:
                name = f"Customer {k:06d}, Inc."  # a comma: the CSV quotes it
            else:
                name = f"Customer {k:06d} Ltd"
            currency = rng.choice(CURRENCIES)
            for _ in range(count):
                issue = day[rng.randrange(730)]
                due = issue + dt.timedelta(days=rng.choice(TERMS))
                amount = rng.randrange(1_000, 10_000_000)  # 10.00 .. 99,999.99
                open_ = amount if rng.random() < 0.6 else rng.randrange(100, amount)
                credit = rng.random() < 0.01
                if credit:
                    amount, open_ = -amount, -open_
                    stats.credits += 1
                number = f"INV{(i * 7_919_231 + 104_729) % MAX_INVOICES:07d}"
                row = [code, name, number, iso[issue], iso[due], _money(amount), _money(open_),
                       currency]  # fmt: skip
                w1.writerow(row)
                stats.cents1[currency] += open_
                if i % 10 == 3:
                    size = abs(open_)
                    lowered = size - max(1, size // 3)  # size >= 100, so lowered > 0
                    open_ = -lowered if credit else lowered
                    row[6] = _money(open_)
                    stats.changed += 1
                w2.writerow(row)
                stats.cents2[currency] += open_
                i += 1
    stats.rows = i
    stats.bytes1, stats.bytes2 = path1.stat().st_size, path2.stat().st_size
    stats.seconds = time.perf_counter() - started
    return stats


# --------------------------------------------------------------------------- helpers


class Timer:
    """Accumulates the seconds spent in wrapped functions, by name."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, module, name: str, label: str | None = None) -> None:
        original = getattr(module, name)
        label = label or name

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        setattr(module, name, timed)

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def check(condition: bool, message: str, failures: list[str]) -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {message}")
    if not condition:
        failures.append(message)


def empty_tables(cursor) -> None:
    from accounts.models import AuditEvent
    from debtors.models import Debtor, ImportBatch, ImportInvoiceChange, Invoice

    tables = [ImportInvoiceChange, Invoice, Debtor, ImportBatch, AuditEvent]
    names = ", ".join(m._meta.db_table for m in tables)
    cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    cursor.execute("CHECKPOINT")


IMPORT_TABLES = ("debtors_invoice", "debtors_debtor", "debtors_importinvoicechange")


def stale_statistics(cursor) -> list[str]:
    """The import tables that already carry planner statistics (see the docstring)."""
    cursor.execute(
        """SELECT c.relname FROM pg_class c
           WHERE c.relname = ANY(%s) AND (c.reltuples >= 0
               OR EXISTS (SELECT 1 FROM pg_statistic s WHERE s.starelid = c.oid))
           ORDER BY 1""",
        [list(IMPORT_TABLES)],
    )
    return [row[0] for row in cursor.fetchall()]


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else float("inf")


# --------------------------------------------------------------------------- steps


def step_raw_copy(path: Path, rows: int) -> dict:
    from django.db import connection, transaction

    print("\n(a) raw COPY into a bare table (bigint identity PK + UNIQUE(code, number))")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        cursor.execute(
            f"""CREATE TABLE {RAW_TABLE} (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                customer_code varchar(64) NOT NULL, customer_name varchar(255) NOT NULL,
                invoice_number varchar(64) NOT NULL, invoice_date date NOT NULL,
                due_date date NOT NULL, amount numeric(14, 2) NOT NULL,
                open_balance numeric(14, 2) NOT NULL, currency varchar(3) NOT NULL,
                UNIQUE (customer_code, invoice_number))"""
        )
        cursor.execute("CHECKPOINT")
    columns = "customer_code, customer_name, invoice_number, invoice_date, due_date, amount, "
    columns += "open_balance, currency"
    with PeakMeter() as meter, path.open("rb") as fh:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {RAW_TABLE} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)", fh
            )
        seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {RAW_TABLE}")
        loaded = cursor.fetchone()[0]
    if loaded != rows:
        raise BenchFailure(f"raw COPY loaded {loaded:,} rows, expected {rows:,}")
    print(f"  {loaded:,} rows in {seconds:.2f} s = {rate(rows, seconds):,.0f} rows/s")
    return {"seconds": seconds, "peak": meter}


def step_real_tables(copy_seconds: float, rows: int, debtors: int) -> dict:
    """(a2): the rows (a) loaded, moved into the real debtor and invoice tables by
    SQL alone: no parsing, no checks of ours, no summaries. With (a) it is the
    floor of any import that writes these tables (their indexes, CHECK
    constraints and the invoice's foreign key to its debtor, checked per row)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from debtors.imports.apply import _debtor_defaults

    print("\n(a2) the rows of (a) into debtors_debtor + debtors_invoice by INSERT ... SELECT")
    columns, marks, values = _debtor_defaults()
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO debtors_debtor (public_id, code, name, currency, created_at,
                    updated_at, open_balance, overdue_balance, disputed_balance,
                    open_invoice_count, max_days_past_due, priority_score, {", ".join(columns)})
                SELECT gen_random_uuid(), customer_code, MIN(customer_name), MIN(currency), %s,
                       %s, 0, 0, 0, 0, 0, 0, {", ".join(marks)}
                FROM {RAW_TABLE} GROUP BY customer_code ORDER BY customer_code""",
            [now, now, *values],
        )
        made_debtors = cursor.rowcount
        cursor.execute("ANALYZE debtors_debtor")
        cursor.execute(
            f"""INSERT INTO debtors_invoice (public_id, debtor_id, number, issue_date, due_date,
                    amount, open_amount, disputed_amount, currency, status, is_synthetic,
                    closed_reason, created_at, updated_at)
                SELECT gen_random_uuid(), d.id, r.invoice_number, r.invoice_date, r.due_date,
                       r.amount, r.open_balance, 0, r.currency, 'open', false, '', %s, %s
                FROM {RAW_TABLE} r JOIN debtors_debtor d ON d.code = r.customer_code
                ORDER BY d.id, r.invoice_number""",
            [now, now],
        )
        made_invoices = cursor.rowcount
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {RAW_TABLE}")
        empty_tables(cursor)
    if (made_debtors, made_invoices) != (debtors, rows):
        raise BenchFailure(f"(a2) wrote {made_debtors:,} debtors and {made_invoices:,} invoices")
    total = copy_seconds + seconds
    print(
        f"  INSERT ... SELECT + COMMIT {seconds:.2f} s; with (a)'s COPY {total:.2f} s = "
        f"{rate(rows, total):,.0f} rows/s"
    )
    return {"seconds": total}


def _upload(path: Path):
    from django.core.files.uploadedfile import UploadedFile

    return UploadedFile(
        file=path.open("rb"), name=path.name, content_type="text/csv", size=path.stat().st_size
    )


def step_ours(label: str, path: Path, timer: Timer) -> dict:
    """import_batch_preview + import_batch_commit, timed apart."""
    from debtors.imports.services import import_batch_commit, import_batch_preview
    from debtors.models import ImportBatch

    timer.reset()
    upload = _upload(path)
    with PeakMeter() as meter:
        started = time.perf_counter()
        try:
            batch = import_batch_preview(actor=None, upload=upload, as_of=AS_OF)
        finally:
            upload.close()
        preview_s = time.perf_counter() - started
        preview_parts = dict(timer.seconds)
        timer.reset()
        if batch.status != ImportBatch.Status.PREVIEWED or batch.errors:
            first = batch.errors[:3] or batch.report.get("refused")
            raise BenchFailure(f"{label}: preview {batch.status}, errors: {first}")
        started = time.perf_counter()
        outcome = import_batch_commit(batch_id=batch.pk)
        commit_s = time.perf_counter() - started
        commit_parts = dict(timer.seconds)
    batch = outcome.batch
    if not outcome.applied or batch.status != ImportBatch.Status.COMMITTED:
        raise BenchFailure(f"{label}: commit not applied (status {batch.status})")
    return {
        "batch": batch,
        "preview_s": preview_s,
        "commit_s": commit_s,
        "total_s": preview_s + commit_s,
        "preview_parts": preview_parts,
        "commit_parts": commit_parts,
        "applied": batch.counts.get("applied", {}),
        "parse_counts": batch.report.get("parse_counts", {}),
        "warnings": len(batch.warnings),
        "peak": meter,
    }


def print_ours(result: dict, rows: int) -> None:
    pp, cp = result["preview_parts"], result["commit_parts"]
    parse_preview = pp.get("parse", 0.0)
    parts = [
        ("preview: store file, stage, batch row", result["preview_s"] - parse_preview),
        ("preview: parse + validate + write stage", parse_preview),
        ("commit:  parse again (only if stage unusable)", cp.get("parse", 0.0)),
        ("commit:  COPY the stage file", cp.get("stage", 0.0)),
        ("commit:  create debtors with summaries", cp.get("debtors", 0.0)),
        ("commit:  resolve rows to debtors/invoices", cp.get("resolve", 0.0)),
        ("commit:  update changed invoices", cp.get("update", 0.0)),
        ("commit:  close missing (snapshot)", cp.get("close", 0.0)),
        ("commit:  insert new invoices", cp.get("insert", 0.0)),
        ("commit:  summaries of touched debtors", cp.get("summaries", 0.0)),
    ]
    accounted = sum(s for _label, s in parts[2:])
    parts.append(("commit:  rest (claim, audit, COMMIT)", result["commit_s"] - accounted))
    for name, seconds in parts:
        print(f"  {name:<44} {seconds:8.2f} s")
    print(f"  {'preview total':<44} {result['preview_s']:8.2f} s")
    print(f"  {'commit total':<44} {result['commit_s']:8.2f} s")
    print(
        f"  {'end to end':<44} {result['total_s']:8.2f} s = "
        f"{rate(rows, result['total_s']):,.0f} rows/s"
    )
    print(f"  applied counts: {result['applied']}")
    print(f"  peak RSS: {result['peak'].label()}")


def verify_state(stats: FileStats, cents: dict[str, int], failures: list[str]) -> None:
    from django.db.models import Count, Sum

    from debtors.models import Debtor, Invoice

    debtors = Debtor.objects.count()
    invoices = Invoice.objects.count()
    total = Invoice.objects.aggregate(s=Sum("open_amount"))["s"] or Decimal(0)
    summary = Debtor.objects.aggregate(s=Sum("open_balance"))["s"] or Decimal(0)
    expected = Decimal(sum(cents.values())) / 100
    check(debtors == stats.debtors, f"debtors in DB {debtors:,} == {stats.debtors:,}", failures)
    check(invoices == stats.rows, f"invoices in DB {invoices:,} == {stats.rows:,}", failures)
    check(total == expected, f"sum(open_amount) {total:,} == file {expected:,}", failures)
    check(summary == expected, f"sum(debtor.open_balance) {summary:,} == file", failures)
    per_currency = {
        row["currency"]: row["s"]
        for row in Invoice.objects.values("currency").annotate(s=Sum("open_amount"), n=Count("id"))
    }
    wanted = {c: Decimal(v) / 100 for c, v in cents.items()}
    check(per_currency == wanted, f"per-currency sums {sorted(per_currency)} match", failures)


def step_iie(path: Path, rows: int) -> dict:
    """django-import-export on the first `rows` rows of the file."""
    import tablib
    from django.db import connection
    from import_export import fields, resources, widgets

    from debtors.models import Debtor, Invoice

    print(f"\n(d) django-import-export {_iie_version()}: {rows:,} rows into Invoice")

    class InvoiceResource(resources.ModelResource):
        debtor = fields.Field(
            attribute="debtor",
            column_name="Customer Code",
            widget=widgets.ForeignKeyWidget(Debtor, field="code"),
        )
        number = fields.Field(attribute="number", column_name="Invoice Number")
        issue_date = fields.Field(
            attribute="issue_date",
            column_name="Invoice Date",
            widget=widgets.DateWidget("%Y-%m-%d"),
        )
        due_date = fields.Field(
            attribute="due_date", column_name="Due Date", widget=widgets.DateWidget("%Y-%m-%d")
        )
        amount = fields.Field(
            attribute="amount", column_name="Amount", widget=widgets.DecimalWidget()
        )
        open_amount = fields.Field(
            attribute="open_amount", column_name="Open Balance", widget=widgets.DecimalWidget()
        )
        currency = fields.Field(attribute="currency", column_name="Currency")

        class Meta:
            model = Invoice
            fields = ("debtor", "number", "issue_date", "due_date", "amount", "open_amount",
                      "currency")  # fmt: skip
            import_id_fields = ("debtor", "number")

    with connection.cursor() as cursor:
        empty_tables(cursor)
    # The debtors the slice names, created beforehand (not timed).
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        lines = [row for _n, row in zip(range(rows), reader, strict=False)]
    names: dict[str, tuple[str, str]] = {}
    for row in lines:
        names.setdefault(row[0], (row[1], row[7]))
    Debtor.objects.bulk_create(
        [Debtor(code=c, name=n, currency=cur) for c, (n, cur) in names.items()], batch_size=5_000
    )
    del lines
    with path.open(encoding="utf-8", newline="") as fh:
        text = "".join(line for _n, line in zip(range(rows + 1), fh, strict=False))
    with PeakMeter() as meter:
        started = time.perf_counter()
        dataset = tablib.Dataset().load(text, format="csv")
        load_s = time.perf_counter() - started
        del text
        started = time.perf_counter()
        result = InvoiceResource().import_data(dataset, dry_run=False, use_transactions=True)
        import_s = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        first = [e.error for e in result.base_errors[:1]]
        for line_no, errors in result.row_errors()[:1]:
            first.append((line_no, [e.error for e in errors]))
        for invalid in result.invalid_rows[:1]:
            first.append((invalid.number, invalid.error_dict))
        raise BenchFailure(f"django-import-export reported errors: {first}")
    created = result.totals.get("new", 0)
    in_db = Invoice.objects.count()
    if created != rows or in_db != rows:
        raise BenchFailure(f"django-import-export: new={created:,}, in DB {in_db:,}, want {rows:,}")
    total_s = load_s + import_s
    print(f"  tablib Dataset.load  {load_s:8.2f} s")
    print(f"  import_data          {import_s:8.2f} s  (totals {dict(result.totals)})")
    print(f"  end to end           {total_s:8.2f} s = {rate(rows, total_s):,.0f} rows/s")
    print(f"  peak RSS: {meter.label()}")
    return {"seconds": total_s, "import_s": import_s, "peak": meter, "debtors": len(names)}


def _iie_version() -> str:
    try:
        from importlib.metadata import version

        return version("django-import-export")
    except Exception:  # noqa: BLE001
        return "?"


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--iie-rows", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--out-dir", type=Path, help="where to write them (default: a temp dir)")
    parser.add_argument(
        "--vacuum-empty",
        action="store_true",
        help="VACUUM ANALYZE the emptied tables before (b), as autovacuum leaves a table "
        "that was emptied: reproduces the importer's nested-loop plans (use small sizes)",
    )
    args = parser.parse_args()
    if not 1 <= args.debtors <= args.invoices <= MAX_INVOICES:
        parser.error(f"need 1 <= --debtors <= --invoices <= {MAX_INVOICES:,}")
    if args.iie_rows < 1:
        parser.error("--iie-rows must be positive")
    iie_rows = min(args.iie_rows, args.invoices)

    own_dir = args.out_dir is None
    out_dir = Path(tempfile.mkdtemp(prefix="import-bench-")) if own_dir else args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    var_dir = out_dir / "var"
    # Stored uploads (two copies of the file) and the file cache go there, not into ./var.
    os.environ.setdefault("CRM_VAR_DIR", str(var_dir))
    try:
        return run(args, out_dir, iie_rows)
    finally:
        if not args.keep:
            if own_dir:
                shutil.rmtree(out_dir, ignore_errors=True)
            else:
                for name in ("aging-1.csv", "aging-2.csv"):
                    (out_dir / name).unlink(missing_ok=True)
                shutil.rmtree(var_dir, ignore_errors=True)
        else:
            print(f"\nfiles kept in {out_dir}")


def run(args, out_dir: Path, iie_rows: int) -> int:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from debtors.imports import apply as apply_mod
    from debtors.imports import services as services_mod

    if connection.vendor != "postgresql":
        print(
            f"import_bench: needs PostgreSQL in DATABASE_URL (got {connection.vendor}); "
            "it empties the debtor and invoice tables, so it will not run elsewhere.",
            file=sys.stderr,
        )
        return 2
    call_command("migrate", verbosity=0)
    # The preview would otherwise rehearse the whole apply in a rolled-back
    # transaction (up to 200k records): that is a preview feature, not the import.
    settings.IMPORT_PREVIEW_REHEARSAL_MAX_ROWS = 0
    timer = Timer()
    timer.wrap(services_mod, "_parse", "parse")
    timer.wrap(apply_mod, "_load_stage", "stage")
    timer.wrap(apply_mod, "_new_debtors", "debtors")
    timer.wrap(apply_mod, "_resolve", "resolve")
    timer.wrap(apply_mod, "_apply_invoices", "update")
    timer.wrap(apply_mod, "_close_missing", "close")
    timer.wrap(apply_mod, "_insert_new", "insert")
    timer.wrap(apply_mod, "_refresh_touched", "summaries")

    load_before = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    python = sys.version.split()[0]
    print(f"PostgreSQL {pg_version} (shared_buffers {shared_buffers}), Python {python}")
    print(f"{os.cpu_count()} CPUs, load average before: {_load(load_before)}")

    failures: list[str] = []
    path1, path2 = out_dir / "aging-1.csv", out_dir / "aging-2.csv"
    print(f"\n1. generating {args.invoices:,} invoices for {args.debtors:,} debtors in {out_dir}")
    with PeakMeter() as gen_peak:
        stats = generate(path1, path2, args.debtors, args.invoices)
    print(
        f"  {path1.name} {stats.bytes1 / 2**20:,.1f} MiB, {path2.name} {stats.bytes2 / 2**20:,.1f}"
        f" MiB in {stats.seconds:.1f} s; {stats.changed:,} rows changed in the second;"
        f" {stats.credits:,} credits; open total {stats.sum1:,}"
    )
    upload_limit = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 0)
    if upload_limit and stats.bytes1 > upload_limit:
        print(
            f"  note: the file is larger than IMPORT_MAX_UPLOAD_BYTES ({upload_limit / 2**20:.0f}"
            " MiB): the upload page would refuse it; this bench calls the services directly."
        )

    figures: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            empty_tables(cursor)
        figures["copy"] = step_raw_copy(path1, stats.rows)

        print("\n(b) our import, end to end, on empty debtor/invoice tables")
        with connection.cursor() as cursor:
            empty_tables(cursor)
            if args.vacuum_empty:
                for table in IMPORT_TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
            stale = stale_statistics(cursor)
        if stale:
            print(
                f"  warning: {', '.join(stale)} carry planner statistics from earlier use; the"
                " importer's plans may degrade to nested loops (see the docstring). Figures from a"
                " fresh database are the comparable ones."
            )
        figures["ours"] = ours = step_ours("(b)", path1, timer)
        print_ours(ours, stats.rows)
        applied = ours["applied"]
        check(applied.get("rows") == stats.rows, f"rows staged {applied.get('rows'):,}", failures)
        check(
            applied.get("debtors_created") == stats.debtors,
            f"debtors_created {applied.get('debtors_created'):,} == {stats.debtors:,}",
            failures,
        )
        check(
            applied.get("invoices_created") == stats.rows,
            f"invoices_created {applied.get('invoices_created'):,} == {stats.rows:,}",
            failures,
        )
        check(
            applied.get("invoices_updated") == 0 and applied.get("invoices_closed") == 0,
            "nothing updated or closed",
            failures,
        )
        verify_state(stats, stats.cents1, failures)

        print("\n(c) re-import: the same report with 10% of the open balances changed")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE debtors_invoice")  # as autovacuum would have by now
            cursor.execute("VACUUM ANALYZE debtors_debtor")
            cursor.execute("CHECKPOINT")
        figures["reimport"] = again = step_ours("(c)", path2, timer)
        print_ours(again, stats.rows)
        applied = again["applied"]
        want = {
            "rows": stats.rows,
            "debtors_created": 0,
            "invoices_created": 0,
            "invoices_updated": stats.changed,
            "invoices_unchanged": stats.rows - stats.changed,
            "invoices_closed": 0,
        }
        for key, value in want.items():
            got = applied.get(key)
            check(got == value, f"{key} {got:,} == {value:,}", failures)
        verify_state(stats, stats.cents2, failures)

        # Last of the PostgreSQL steps: its ANALYZE would leave statistics behind.
        with connection.cursor() as cursor:
            empty_tables(cursor)
        figures["real"] = step_real_tables(figures["copy"]["seconds"], stats.rows, stats.debtors)
        figures["iie"] = step_iie(path1, iie_rows)
    except BenchFailure as exc:
        failures.append(str(exc))
        print(f"\nFAILED: {exc}", file=sys.stderr)
    except Exception:
        import traceback

        traceback.print_exc()
        failures.append("a step raised (see the traceback above)")

    load_after = os.getloadavg()
    summary(args, stats, figures, gen_peak, iie_rows, load_before, load_after)
    if failures:
        print(f"\nimport_bench: {len(failures)} check(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0


def _load(avg) -> str:
    return ", ".join(f"{x:.2f}" for x in avg)


def summary(args, stats, figures, gen_peak, iie_rows, load_before, load_after) -> None:
    n = stats.rows
    print("\n" + "=" * 78)
    print(
        f"IMPORT BENCHMARK: {n:,} invoices, {stats.debtors:,} debtors, "
        f"{stats.bytes1 / 2**20:,.1f} MiB CSV"
    )
    print(f"load average before {_load(load_before)}, after {_load(load_after)} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    print("=" * 78)
    print(f"{'step':<44} {'seconds':>9} {'rows/s':>10} {'x COPY':>7} {'peak MiB':>9} {'start':>6}")
    copy_s = figures.get("copy", {}).get("seconds")

    def line(label, seconds, rows, peak=None):
        # time per row relative to COPY's, so a slice compares with the full file
        ratio = f"{(seconds / rows) / (copy_s / n):7.2f}" if copy_s else f"{'-':>7}"
        peak_text = f"{peak.peak_mib:9,.0f} {peak.start_mib:6,.0f}" if peak else ""
        print(f"{label:<44} {seconds:9.2f} {rate(rows, seconds):10,.0f} {ratio} {peak_text}")

    line("generate the two CSV files", stats.seconds, n, gen_peak)
    if copy_s:
        line("(a) raw COPY (PK + unique index)", copy_s, n, figures["copy"]["peak"])
    real_s = figures.get("real", {}).get("seconds")
    if real_s:
        line("(a2) (a) + INSERT..SELECT into real tables", real_s, n)
    for key, title in (("ours", "(b)"), ("reimport", "(c)")):
        result = figures.get(key)
        if not result:
            continue
        what = "import, empty tables" if key == "ours" else "re-import, 10% changed"
        line(f"{title} {what}", result["total_s"], n, result["peak"])
        line("      preview (store, parse once, stage)", result["preview_s"], n)
        line("      commit (COPY stage, apply, summaries)", result["commit_s"], n)
    iie = figures.get("iie")
    if iie:
        line(f"(d) django-import-export, {iie_rows:,} rows", iie["seconds"], iie_rows, iie["peak"])
        projected = iie["seconds"] * n / iie_rows
        line("      projected to the full file", projected, n)

    print("\nTargets (issue 3)")
    ours = figures.get("ours")
    verdicts = []
    if ours and copy_s:
        ratio = ours["total_s"] / copy_s
        verdicts.append((f"(b) within {TARGET_COPY_RATIO:g}x of raw COPY",
                         f"{ratio:.2f}x", ratio <= TARGET_COPY_RATIO))  # fmt: skip
        again = figures.get("reimport")
        if again:
            ratio = again["total_s"] / copy_s
            verdicts.append((f"(c) re-import within {TARGET_COPY_RATIO:g}x of raw COPY",
                             f"{ratio:.2f}x", ratio <= TARGET_COPY_RATIO))  # fmt: skip
    if ours and iie:
        factor = rate(n, ours["total_s"]) / rate(iie_rows, iie["seconds"])
        verdicts.append((f"(b) at least {TARGET_IIE_FACTOR:g}x faster than django-import-export",
                         f"{factor:.1f}x", factor >= TARGET_IIE_FACTOR))  # fmt: skip
    for key, title in (("ours", "(b)"), ("reimport", "(c)")):
        result = figures.get(key)
        if result:
            peak = result["peak"].peak_mib
            verdicts.append((f"{title} peak RSS under {TARGET_PEAK_MIB:g} MiB", f"{peak:,.0f} MiB",
                             peak < TARGET_PEAK_MIB))  # fmt: skip
    for label, value, ok in verdicts:
        print(f"  {'PASS' if ok else 'MISS'}  {label:<52} {value:>10}")
    if ours and real_s:
        print("\nFor reference (no target): against (a2), the floor of writing the real tables")
        for key, title in (("ours", "(b)"), ("reimport", "(c)")):
            if figures.get(key):
                print(f"  {title} {figures[key]['total_s'] / real_s:.2f}x of (a2)")
    print(
        "\nPeak RSS is this Python process only (PostgreSQL's memory is not counted), per step:"
        " the high-water mark is reset before each step (/proc/self/clear_refs) and read with"
        " getrusage; psutil samples every 50 ms as a cross-check; the larger is shown. 'start'"
        " is the RSS when the step began (memory an earlier step left allocated counts too)."
    )


if __name__ == "__main__":
    sys.exit(main())

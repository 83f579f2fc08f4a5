"""Time `seed_demo` at scale on PostgreSQL: 100,000 debtors x 10 invoices.

    DATABASE_URL=postgres://.../crm_bench .venv/bin/python bench/seed_bench.py [--debtors N]

Migrates the database in DATABASE_URL, empties the demo tables (TRUNCATE ...
CASCADE), seeds, and prints the row counts, the seconds, rows per second and
the peak resident memory of this process. Refuses anything but PostgreSQL:
the database is wiped.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.test")

import django  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--invoices-per-debtor", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Team, User
    from demo.management.commands.seed_demo import TABLE_MODELS
    from followups.models import ContactPolicy

    if connection.vendor != "postgresql":
        print(
            f"seed_bench: needs PostgreSQL in DATABASE_URL (got {connection.vendor}); "
            "it empties the demo tables, so it will not run elsewhere.",
            file=sys.stderr,
        )
        return 2

    call_command("migrate", verbosity=0)
    demo_models = [*TABLE_MODELS.values(), ContactPolicy, User, Team]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in demo_models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")

    out = io.StringIO()
    started = time.perf_counter()
    call_command(
        "seed_demo",
        debtors=args.debtors,
        invoices_per_debtor=args.invoices_per_debtor,
        seed=args.seed,
        verbosity=2,
        stdout=out,
    )
    seconds = time.perf_counter() - started
    print(out.getvalue(), end="")

    counts = {m._meta.label: m._default_manager.count() for m in demo_models}
    total = sum(counts.values())
    debtors = counts.pop("debtors.Debtor")
    invoices = counts.pop("debtors.Invoice")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"debtors      {debtors:>12,}")
    print(f"invoices     {invoices:>12,}")
    for label, n in counts.items():
        print(f"{label:<28} {n:>12,}")
    print(f"rows total   {total:>12,}")
    print(f"seconds      {seconds:>12.1f}")
    print(f"rows/s       {total / seconds:>12,.0f}")
    print(f"invoices/s   {invoices / seconds:>12,.0f}")
    print(f"peak RSS     {peak_mib:>10,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load a realistic demo book: users per role, debtors of every type, invoices in
every aging bucket, and thirteen months of history: payments, calls and
messages, promises kept and broken, disputes opened and resolved, the talk
tracks used, and the follow-ups planned next.

    python manage.py seed_demo [--debtors N] [--seed S] [--invoices-per-debtor K]
                               [--today YYYY-MM-DD] [--if-empty] [--method auto|insert|copy]
                               [--history-percent P]

Deterministic for a seed, a date and the script library in the database (read
before the book is made; the library's own migration loads it). Rows come from
`demo.demo_data`; they are written with batched INSERTs (any database) or, on
PostgreSQL, streamed with COPY in chunks (`demo.writers`). Everything happens
in one transaction: a failure leaves nothing. After the commit the report
rollups are rebuilt from the new book (`reports.rollups.rebuild`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from collections_crm.lib.zones import company_zone
from debtors.models import Debtor, Invoice
from debtors.services import debtor_refresh_summary
from demo.demo_data import DemoGenerator, DemoParams
from demo.reminders import reminders_due_now
from demo.staff import (
    DEMO_PASSWORD,
    DEMO_USERS,
    EAST,
    NORTH_AMERICA,
    POLICIES,
    create_policies,
    create_staff,
    refuse_if_seeded,
)
from demo.tracks import TrackBook, load_track_book
from demo.writers import (
    TABLE_MODELS,
    CopyWriter,
    InsertWriter,
    bulk_load_mode,
    check_columns,
    reset_sequences,
)
from followups.planning import followups_priority_refresh
from followups.services import grace_days
from reports.rollups import rebuild

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "EAST",
    "NORTH_AMERICA",
    "POLICIES",
    "TABLE_MODELS",
    "Command",
]


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _percent(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError("give a percentage from 0 to 100")
    return number


class Command(BaseCommand):
    help = "Load deterministic demo data (users, debtors, invoices, history) into an empty DB."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--debtors", type=int, default=300, help="How many debtors (300).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42).")
        parser.add_argument(
            "--invoices-per-debtor",
            type=int,
            default=None,
            help="Exactly K invoices per debtor (default: 1 to 10).",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="The date the book is aged against (default: today).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users.",
        )
        parser.add_argument(
            "--method",
            choices=("auto", "insert", "copy"),
            default="auto",
            help="How rows are written; auto: COPY on PostgreSQL, else INSERT.",
        )
        parser.add_argument(
            "--history-percent",
            type=_percent,
            default=None,
            help="Share of debtors with thirteen months of history: settled invoices, "
            "payments, calls, promises (default: all up to 20,000 debtors, then 10%%); "
            "the others have their open invoices only.",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("seed_demo: the database already has users; nothing to do.")
            return
        method = _write_method(options)
        check_columns()
        today = options["today"] or timezone.localdate()
        params = DemoParams(
            today=today,
            debtors=options["debtors"],
            seed=options["seed"],
            invoices_per_debtor=options["invoices_per_debtor"],
            history_percent=options["history_percent"],
        )

        phases: dict[str, float] = {}
        started = time.perf_counter()
        with transaction.atomic():
            refuse_if_seeded()
            staff = create_staff(today=today)
            policies = create_policies()
            tracks = load_track_book()
            generator = DemoGenerator(
                params=params,
                staff=staff,
                first_ids=_first_ids(),
                tracks=tracks,
                company_zone=company_zone(),
                grace_days=grace_days(),
            )
            with bulk_load_mode(enabled=method == "copy", phases=phases):
                writer = CopyWriter() if method == "copy" else InsertWriter()
                _write_book(generator, writer)
                phases["generate and write"] = time.perf_counter() - started
                phases[f"in {writer.name}"] = writer.seconds
                _after_load(today=today, phases=phases)
            reminders_due_now(today=today)
            followups_priority_refresh()
            mark = time.perf_counter()
        phases["commit"] = time.perf_counter() - mark
        mark = time.perf_counter()
        _rebuild_reports(today=today, given=options["today"] is not None)
        phases["report rollups"] = time.perf_counter() - mark
        elapsed = time.perf_counter() - started
        self._summary(
            counts=writer.counts, policies=policies, seconds=elapsed, via=writer.name, params=params
        )
        self._scripts_line(tracks, writer.counts)
        if options["verbosity"] > 1:
            self.stdout.write(
                "seed_demo: "
                + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
            )
        self.stdout.write(f"seed_demo: logins (password {DEMO_PASSWORD}): " + ", ".join(DEMO_USERS))

    def _scripts_line(self, tracks: TrackBook, counts: Counter[str]) -> None:
        """Say which script uses were linked, or why none were."""
        if not tracks:
            self.stdout.write(
                "seed_demo: the script library is empty, so no interaction is linked to a "
                "talk track (run `manage.py load_scripts`, then seed again to get script uses)."
            )
            return
        ab = tracks.versioned_families
        self.stdout.write(
            f"seed_demo: {counts['interaction_track']:,} script uses linked to interactions"
            + (f", {ab} track families split between two versions" if ab else "")
        )

    def _summary(
        self, *, counts: Counter[str], policies: int, seconds: float, via: str, params: DemoParams
    ) -> None:
        """What was written, table by table, and how long it took."""
        total = sum(counts.values()) + len(DEMO_USERS) + policies
        self.stdout.write(
            f"seed_demo: {counts['debtor']:,} debtors, {counts['contact']:,} contacts, "
            f"{counts['invoice']:,} invoices, {counts['payment']:,} payments "
            f"({counts['allocation']:,} allocations), {counts['dispute']:,} disputes, "
            f"{counts['interaction']:,} interactions, {counts['promise']:,} promises "
            f"({counts['instalment']:,} instalments), {counts['followup']:,} follow-ups, "
            f"{len(DEMO_USERS)} users, {policies} contact policies"
        )
        self.stdout.write(
            f"seed_demo: {total:,} rows in {seconds:.1f} s via {via} "
            f"(seed {params.seed}, aged as of {params.today:%Y-%m-%d})"
        )


def _write_method(options: dict) -> str:
    """Check the numbers and resolve --method to "insert" or "copy"."""
    if options["debtors"] < 0:
        raise CommandError("--debtors must not be negative.")
    ipd = options["invoices_per_debtor"]
    if ipd is not None and not 1 <= ipd <= 100:
        raise CommandError("--invoices-per-debtor must be between 1 and 100.")
    method = options["method"]
    if method == "auto":
        method = "copy" if connection.vendor == "postgresql" else "insert"
    if method == "copy" and connection.vendor != "postgresql":
        raise CommandError("--method copy needs PostgreSQL.")
    return method


def _first_ids() -> dict[str, int]:
    """The first free primary key of every table the generator fills."""
    return {
        table: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        for table, model in TABLE_MODELS.items()
    }


def _rebuild_reports(*, today: dt.date, given: bool) -> None:
    """The manager's report rollups, remade from the book just committed. A
    book aged against another day (--today) is reported as of that day."""
    now = dt.datetime.combine(today, dt.time(12), tzinfo=company_zone()) if given else None
    rebuild(now=now)


def _write_book(generator: DemoGenerator, writer: CopyWriter | InsertWriter) -> None:
    """Every batch of the generator through `writer`, which is closed after."""
    # Millions of fresh tuples and no reference cycles: the cyclic
    # collector would only rescan them (about a tenth of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for rows in generator.batches():
            writer.write(rows)
    finally:
        if collecting:
            gc.enable()
        writer.close()


def _after_load(*, today: dt.date, phases: dict[str, float]) -> None:
    """Sequences past the explicit ids, fresh statistics, debtor summaries."""
    reset_sequences()
    if connection.vendor == "postgresql":
        # Statistics for the summary query; autovacuum does the rest.
        mark = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE "
                + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Debtor, Invoice))
            )
        phases["analyze"] = time.perf_counter() - mark
    # Before the secondary indexes come back: cheaper updates.
    mark = time.perf_counter()
    debtor_refresh_summary(today=today)
    phases["summaries"] = time.perf_counter() - mark

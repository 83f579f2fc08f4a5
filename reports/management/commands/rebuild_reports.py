"""``manage.py rebuild_reports [--since YYYY-MM-DD]``: remake the report
rollups from the base tables (the whole window, or from a day on)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.rollups import rebuild


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--since takes a date as YYYY-MM-DD, not {text!r}") from exc


class Command(BaseCommand):
    help = "Rebuild the report rollups from the base tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=str, default=None, help="First day to remake.")

    def handle(self, *args, since=None, **options) -> None:
        result = rebuild(since=_date(since) if since else None)
        self.stdout.write(
            f"rebuild_reports: {result['rows']} rows from {result['since']} to "
            f"{result['last']} in {result['seconds']:.1f} s"
        )

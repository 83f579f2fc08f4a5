from django.core.management.base import BaseCommand
from django.db import transaction

from scripts_library.loader import load_content


class Command(BaseCommand):
    help = (
        "Load the shipped talk tracks, objection responses and phrase rules. "
        "Safe to re-run: existing rows are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be created, change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        with transaction.atomic():
            created = load_content(dry_run=dry_run)
        prefix = "Would create" if dry_run else "Created"
        summary = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in created.items())
        self.stdout.write(f"{prefix}: {summary}.")

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from debtors.imports.presets import PRESETS
from debtors.imports.services import import_batch_commit, import_batch_preview
from debtors.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import an aging report (CSV, TSV, SAP text or XLSX) the same way the import page "
        "does: preview, then commit in one transaction. With --dry-run nothing is written "
        "except the preview's batch record."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--preset",
            choices=sorted(PRESETS),
            default="",
            help="the exporting system's format; detected when omitted",
        )
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            help="YYYY-MM-DD, when the report does not say it",
        )
        parser.add_argument("--currency", default="", help="for files without a currency column")
        parser.add_argument(
            "--mode", choices=ImportBatch.Mode.values, default=ImportBatch.Mode.SNAPSHOT
        )
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change and write nothing"
        )

    def handle(self, *args, file: Path, preset, as_of, currency, mode, user, dry_run, **opts):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user {user!r}")
        upload = SimpleUploadedFile(file.name, file.read_bytes())
        with transaction.atomic():
            batch = import_batch_preview(
                actor=actor,
                upload=upload,
                preset=preset,
                as_of=as_of,
                currency=currency.upper(),
                mode=mode,
            )
            report = batch.report or {}
            self.stdout.write(f"format: {report.get('preset') or '?'}; as of: {batch.as_of or '?'}")
            if batch.status == ImportBatch.Status.DUPLICATE:
                self.stdout.write("this file was imported before; nothing changed")
                transaction.set_rollback(dry_run)
                return
            if report.get("refused"):
                raise CommandError(report["refused"]["message"]["en"])
            for problem in batch.errors[:50]:
                self.stderr.write(
                    f"row {problem['row'] or '-'}, {problem['column'] or '-'}: "
                    f"{problem['message']['en']}"
                )
            if batch.errors:
                raise CommandError(f"{batch.counts.get('errors')} problem(s); nothing imported")
            if batch.as_of is None:
                raise CommandError("the report does not say its date: pass --as-of")
            planned = batch.counts.get("planned")
            if planned:
                self.stdout.write(
                    "would change: " + ", ".join(f"{k}={v}" for k, v in planned.items())
                )
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write("dry run: nothing written")
                return
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
        outcome = import_batch_commit(batch_id=batch.pk)
        applied = outcome.batch.counts.get("applied", {})
        self.stdout.write("imported: " + ", ".join(f"{k}={v}" for k, v in applied.items()))

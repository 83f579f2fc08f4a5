"""Import workflow: upload → preview → commit (a Celery task) → undo.

Every interface (pages, API, ``manage.py import_aging``) goes through these
services. A preview writes nothing but the batch row; a commit is one
transaction; the same file is never applied twice.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import audit_record
from collections_crm.exceptions import ApplicationError

from ..models import Debtor, ImportBatch, ImportMapping, Invoice
from .apply import ApplyCounts, aging_apply, aging_undo_apply
from .errors import ImportRefused, Problem
from .parse import ParseResult, parse_report
from .presets import PRESETS
from .reading import open_table
from .staging import StageWriter, stage_discard, stage_open

PREVIEW_ROWS = 20
KEPT_PROBLEMS = 500


def both_languages(message) -> dict[str, str]:
    """A lazy message rendered in every interface language, for storing in JSON
    (keys use ``_``: ``zh_hans``, so templates can read them)."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code.replace("-", "_")] = str(message)
    return out


def in_language(texts: dict | None, language: str | None = None) -> str:
    """The text of a :func:`both_languages` dict in the current language."""
    if not texts:
        return ""
    language = (language or translation.get_language() or "en").replace("-", "_")
    return texts.get(language) or texts.get("en") or ""


def _problem_dict(problem) -> dict:
    return {
        "row": problem.row,
        "column": problem.column,
        "code": problem.code,
        "severity": problem.severity,
        "message": both_languages(problem.message),
    }


def _record_dict(record) -> dict:
    return {
        "row": record.row_number,
        "debtor_code": record.debtor_code,
        "debtor_name": record.debtor_name,
        "invoice_number": record.invoice_number,
        "issue_date": record.issue_date.isoformat(),
        "due_date": record.due_date.isoformat(),
        "amount": str(record.amount),
        "open_amount": str(record.open_amount),
        "currency": record.currency or "",
        "synthetic": record.is_synthetic,
    }


def _report(result: ParseResult) -> dict:
    rec = result.reconciliation
    return {
        "file_kind": result.file_kind,
        "encoding": result.encoding,
        "sheet": result.sheet_name,
        "preset": result.preset,
        "preset_label": both_languages(result.preset_label) if result.preset_label else None,
        "report_kind": result.report_kind,
        "header_row": result.header_row,
        "columns": result.columns,
        "as_of_source": result.as_of_source,
        "parse_counts": result.counts,
        "totals": {k: str(v) for k, v in result.totals.items()},
        "reconciliation": None
        if rec is None
        else {
            "report_total": str(rec.report_total),
            "parsed_total": str(rec.parsed_total),
            "difference": str(rec.difference),
            "row": rec.row,
            "ok": rec.ok,
            "severity": rec.severity,
        },
        "preview": [_record_dict(r) for r in result.preview[:PREVIEW_ROWS]],
        "refused": None
        if result.refused is None
        else {
            "code": result.refused.code,
            "message": both_languages(result.refused.message),
        },
    }


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _stored_file(batch: ImportBatch):
    """A path the parser can stream from; the bytes only for storages without one."""
    try:
        return batch.file.path
    except NotImplementedError:
        with batch.file.open("rb") as handle:
            return handle.read()


def _parse(batch: ImportBatch, sink=None) -> ParseResult:
    return parse_report(
        _stored_file(batch),
        filename=batch.file_name,
        preset=batch.preset or None,
        mapping=batch.mapping or None,
        as_of=batch.as_of,
        currency=batch.currency or None,
        sink=sink,
    )


def _rehearse(batch: ImportBatch, result: ParseResult, stage: StageWriter) -> ApplyCounts | None:
    """Run the real apply in a transaction that always rolls back: exact counts
    of what a commit would create, update and close, with nothing written."""
    if result.counts.get("records", 0) > settings.IMPORT_PREVIEW_REHEARSAL_MAX_ROWS:
        return None
    with transaction.atomic():
        counts = aging_apply(batch=batch, stage=stage.open())
        transaction.set_rollback(True)
    return counts


def committed_twin(*, kind: str, sha256: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(
            kind=kind, file_sha256=sha256, status=ImportBatch.Status.COMMITTED
        )
        .select_related("created_by")
        .first()
    )


def import_batch_preview(
    *,
    actor: User | None,
    upload: UploadedFile,
    preset: str = "",
    mapping: dict | None = None,
    as_of: datetime.date | None = None,
    currency: str = "",
    mode: str = ImportBatch.Mode.SNAPSHOT,
) -> ImportBatch:
    """Store the upload, parse it and say what a commit would do. Writes only
    the batch row (and the stored file)."""
    sha = file_sha256(upload)
    batch = ImportBatch(
        kind=ImportBatch.Kind.AGING,
        mode=mode,
        created_by=actor if actor and actor.pk else None,
        file_name=(upload.name or "upload")[-255:],
        file_sha256=sha,
        file_size=upload.size or 0,
        preset=preset,
        mapping=mapping or {},
        as_of=as_of,
        currency=currency,
    )
    twin = committed_twin(kind=batch.kind, sha256=sha)
    batch.file.save(batch.file_name, upload, save=False)
    if twin is not None:
        batch.status = ImportBatch.Status.DUPLICATE
        batch.report = {"duplicate_of": str(twin.public_id)}
        batch.save()
        return batch
    stage = StageWriter()
    try:
        result = _parse(batch, sink=stage.add)
        return _previewed(batch, result, stage)
    finally:
        stage.close()


def _previewed(batch: ImportBatch, result: ParseResult, stage: StageWriter) -> ImportBatch:
    """Record what the parse found; keep the staged records of a clean file for
    the commit and rehearse the apply on them."""
    batch.report = _report(result)
    batch.preset = batch.preset or (result.preset or "")
    batch.as_of = batch.as_of or result.as_of
    batch.errors = [_problem_dict(p) for p in result.errors[:KEPT_PROBLEMS]]
    batch.warnings = [_problem_dict(p) for p in result.warnings[:KEPT_PROBLEMS]]
    batch.counts = {"errors": result.error_count, "warnings": len(result.warnings)}
    if result.refused is not None:
        batch.status = ImportBatch.Status.FAILED
    clean = result.ok and not result.needs_as_of
    if clean:
        batch.report["stage"] = stage.save(batch)
    batch.save()
    if clean:
        try:
            planned = _rehearse(batch, result, stage)
        except IntegrityError as exc:
            conflict = Problem(
                None,
                None,
                "ledger_conflict",
                gettext_lazy(
                    "Importing this file would break a rule of the data already here, e.g. an "
                    "invoice amount below its disputed amount (%(detail)s). Nothing was changed."
                )
                % {"detail": str(exc).splitlines()[0][:200]},
            )
            batch.errors = [*batch.errors, _problem_dict(conflict)]
            batch.counts = {**batch.counts, "errors": batch.counts.get("errors", 0) + 1}
            stage_discard(batch)  # this batch can never be committed
            batch.report.pop("stage", None)
            batch.save(update_fields=["errors", "counts", "report"])
            return batch
        if planned is not None:
            batch.counts = {**batch.counts, "planned": planned.as_dict()}
            batch.save(update_fields=["counts"])
    return batch


def import_batch_needs_mapping(batch: ImportBatch) -> bool:
    refused = (batch.report or {}).get("refused") or {}
    return refused.get("code") in MAPPING_REFUSALS


def import_batch_can_commit(batch: ImportBatch) -> bool:
    return (
        batch.status == ImportBatch.Status.PREVIEWED
        and not batch.errors
        and batch.as_of is not None
        and not (batch.report or {}).get("refused")
    )


def import_batch_queue(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue the commit; the Celery task is sent once this transaction commits."""
    from ..tasks import import_batch_commit_task

    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not import_batch_can_commit(locked):
            raise ApplicationError(_("This import cannot be committed: fix its errors first."))
        locked.status = ImportBatch.Status.QUEUED
        locked.save(update_fields=["status"])
        progress_set(locked, 1)
        import_batch_commit_task.delay_on_commit(locked.pk)
    return locked


def progress_key(batch: ImportBatch) -> str:
    return f"import-progress:{batch.public_id}"


def progress_set(batch: ImportBatch, percent: int) -> None:
    cache.set(progress_key(batch), int(percent), timeout=60 * 60)


def progress_get(batch: ImportBatch) -> int:
    if batch.status in (ImportBatch.Status.COMMITTED, ImportBatch.Status.UNDONE):
        return 100
    return int(cache.get(progress_key(batch), batch.progress or 0))


@dataclass
class CommitOutcome:
    batch: ImportBatch
    applied: bool


def import_batch_commit(*, batch_id: int) -> CommitOutcome:
    """Apply a queued batch in one transaction. Safe to run twice: only a
    QUEUED batch is claimed, and the same file is never committed twice."""
    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.PREVIEWED]
    ).update(status=ImportBatch.Status.RUNNING, started_at=timezone.now())
    batch = ImportBatch.objects.get(pk=batch_id)
    if claimed != 1:
        return CommitOutcome(batch=batch, applied=False)
    progress_set(batch, 3)
    reparsed = None
    try:
        stage = stage_open(batch)
        if stage is None:  # missing, altered or made with other settings
            reparsed = StageWriter()
            result = _parse(batch, sink=reparsed.add)
            if not result.ok or result.needs_as_of:
                raise ApplicationError(_("The file no longer parses cleanly; preview it again."))
            stage = reparsed.open()
        with transaction.atomic(), stage:
            counts = aging_apply(
                batch=batch, stage=stage, progress=lambda p: progress_set(batch, p)
            )
            batch.status = ImportBatch.Status.COMMITTED
            batch.counts = {**batch.counts, "applied": counts.as_dict()}
            batch.progress = 100
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "counts", "progress", "finished_at"])
            audit_record(
                actor=batch.created_by, action="import.commit", target=batch, after=counts.as_dict()
            )
    except IntegrityError as exc:
        if "import_file_committed_once" in str(exc):
            # The same file was committed meanwhile: nothing applied.
            _mark_failed(batch, _("This file has already been imported."))
        else:
            _mark_failed(
                batch,
                _("The import failed; nothing was changed. (%(error)s)")
                % {"error": str(exc).splitlines()[0][:200]},
            )
        raise
    except Exception as exc:
        _mark_failed(
            batch,
            str(exc.message)
            if isinstance(exc, ApplicationError)
            else _("The import failed; nothing was changed. (%(error)s)") % {"error": exc},
        )
        raise
    finally:
        if reparsed is not None:
            reparsed.close()
        stage_discard(batch)
    progress_set(batch, 100)
    return CommitOutcome(batch=batch, applied=True)


def _mark_failed(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED,
        finished_at=timezone.now(),
        errors=[
            *batch.errors,
            {
                "row": None,
                "column": None,
                "code": "commit_failed",
                "severity": "error",
                "message": {"en": message, "zh-hans": message},
            },
        ],
    )
    progress_set(batch, 0)


def import_batch_undo(*, actor: User, batch: ImportBatch) -> dict[str, int]:
    """Undo a committed aging import while nothing newer depends on it."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.COMMITTED:
            raise ApplicationError(_("Only an imported batch can be undone."))
        newer = ImportBatch.objects.filter(
            kind=locked.kind, status=ImportBatch.Status.COMMITTED, created_at__gt=locked.created_at
        ).exists()
        if newer:
            raise ApplicationError(_("A newer import depends on this one: undo that first."))
        _refuse_if_worked_on(locked)
        result = aging_undo_apply(batch=locked)
        locked.status = ImportBatch.Status.UNDONE
        locked.undone_at = timezone.now()
        locked.save(update_fields=["status", "undone_at"])
        audit_record(actor=actor, action="import.undo", target=locked, after=result)
    return result


def _refuse_if_worked_on(batch: ImportBatch) -> None:
    """Collectors' work is never thrown away by an undo."""
    created_debtors = Debtor.objects.filter(created_by_import=batch)
    worked = (
        created_debtors.filter(
            Q(payments__isnull=False)
            | Q(disputes__isnull=False)
            | Q(contacts__isnull=False)
            | Q(interactions__isnull=False)
            | Q(promises__isnull=False)
        ).exists()
        or Invoice.objects.filter(created_by_import=batch)
        .filter(Q(allocations__isnull=False) | Q(disputes__isnull=False))
        .exists()
    )
    if worked:
        raise ApplicationError(
            _(
                "Debtors or invoices this import created have been worked on since (calls, "
                "payments, disputes or contacts); undo is no longer possible."
            )
        )


MAPPABLE_FIELDS = (
    "debtor_code",
    "debtor_name",
    "invoice_number",
    "issue_date",
    "due_date",
    "amount",
    "open_amount",
    "currency",
)
MAPPING_REFUSALS = {"no_header", "no_customer_column", "no_amount_column", "no_invoice_column"}


def file_head_rows(batch: ImportBatch, limit: int = 15) -> list[list[str]]:
    """The first rows of the stored file as text, for the mapping screen."""
    try:
        table = open_table(_stored_file(batch), filename=batch.file_name)
    except ImportRefused:
        return []
    rows = []
    for row in islice(table.rows(), limit):
        rows.append(["" if cell is None else str(cell) for cell in row])
    return rows


def import_batch_remap(
    *, actor: User | None, batch: ImportBatch, mapping: dict, save_as: str = ""
) -> ImportBatch:
    """Preview the same file again with the user's column mapping; optionally
    keep the mapping for the next file from the same system."""
    if save_as:
        ImportMapping.objects.update_or_create(
            name=save_as.strip(),
            defaults={
                "kind": batch.kind,
                "preset": batch.preset,
                "mapping": mapping,
                "created_by": actor if actor and actor.pk else None,
            },
        )
    with batch.file.open("rb") as handle:
        upload = ContentFile(handle.read(), name=batch.file_name)
    upload.size = batch.file_size
    return import_batch_preview(
        actor=actor,
        upload=upload,
        preset=batch.preset if batch.preset in PRESETS else "",
        mapping=mapping,
        as_of=batch.as_of,
        currency=batch.currency,
        mode=batch.mode,
    )

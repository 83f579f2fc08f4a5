"""Payment files: upload → preview (matches) → commit, like aging imports.

The commit runs synchronously in the request: payment files are small (at
most ``payments.MAX_LINES`` lines) and each line is one ``payment_record``.
It is one transaction: every matched line plus the lines matched by hand, or
nothing. Each line carries a stable import reference, so a line is never
recorded twice, and the same file is never committed twice.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from collections_crm.exceptions import ApplicationError

from ..models import Debtor, ImportBatch, Invoice, Payment
from ..services import payment_record
from ..signals import payments_recorded_on_commit
from .errors import ImportRefused
from .payments import (
    HOW_LABELS,
    HOW_MANUAL,
    INVOICE_SPLIT,
    REFERENCE_MAX,
    LineMatch,
    match_payment_lines,
    parse_payment_file,
)
from .services import _problem_dict, both_languages, committed_twin, file_sha256

KEPT_PROBLEMS = 500


def _line_dict(match: LineMatch, debtors: Mapping[int, tuple[str, str, str]]) -> dict:
    line = match.line
    code, name, public_id = debtors.get(match.debtor_id, ("", "", ""))
    return {
        "row": line.row,
        "date": line.received_on.isoformat(),
        "amount": str(line.amount),
        "reference": line.reference,
        "payer": line.payer,
        "customer_code": line.customer_code,
        "import_reference": line.import_reference,
        "matched": match.matched,
        "debtor": public_id,
        "debtor_code": code,
        "debtor_name": name,
        "invoice_numbers": match.invoice_numbers,  # named to payment_record
        "allocated": match.allocated,  # invoices the allocation is expected to touch
        "how": match.how,
        "how_label": both_languages(HOW_LABELS[match.how]) if match.how else None,
        "reason": both_languages(match.reason) if match.reason is not None else None,
    }


def _counts(lines: list[dict]) -> dict[str, int]:
    matched = sum(1 for line in lines if line["matched"])
    return {"lines": len(lines), "matched": matched, "unmatched": len(lines) - matched}


def payment_import_preview(*, actor: User | None, upload: UploadedFile) -> ImportBatch:
    """Store the upload, read and match its lines. Writes only the batch row."""
    sha = file_sha256(upload)
    batch = ImportBatch(
        kind=ImportBatch.Kind.PAYMENTS,
        mode=ImportBatch.Mode.INCREMENTAL,
        created_by=actor if actor and actor.pk else None,
        file_name=(upload.name or "payments")[-255:],
        file_sha256=sha,
        file_size=upload.size or 0,
    )
    twin = committed_twin(kind=batch.kind, sha256=sha)
    batch.file.save(batch.file_name, upload, save=False)
    if twin is not None:
        batch.status = ImportBatch.Status.DUPLICATE
        batch.report = {"duplicate_of": str(twin.public_id)}
        batch.save()
        return batch
    try:
        with batch.file.open("rb") as handle:
            data = handle.read()
        parsed = parse_payment_file(data, filename=batch.file_name, file_sha256=sha)
    except ImportRefused as refused:
        batch.status = ImportBatch.Status.FAILED
        batch.report = {
            "refused": {"code": refused.code, "message": both_languages(refused.message)}
        }
        batch.errors = [
            {
                "row": None,
                "column": None,
                "code": refused.code,
                "severity": "error",
                "message": both_languages(refused.message),
            }
        ]
        batch.counts = {"errors": 1}
        batch.save()
        return batch
    matches = match_payment_lines(parsed.lines)
    debtor_ids = {m.debtor_id for m in matches if m.debtor_id}
    debtors = {
        pk: (code, name, str(public_id))
        for pk, code, name, public_id in Debtor.objects.filter(id__in=debtor_ids).values_list(
            "id", "code", "name", "public_id"
        )
    }
    lines = [_line_dict(m, debtors) for m in matches]
    columns = parsed.columns
    batch.report = {
        "file_kind": parsed.file_kind,
        "encoding": parsed.encoding,
        "header_row": columns.header_row if columns else None,
        "columns": {role: columns.labels[i] for role, i in columns.roles.items()}
        if columns
        else {},
        "lines": lines,
    }
    batch.warnings = [_problem_dict(p) for p in parsed.problems[:KEPT_PROBLEMS]]
    batch.counts = {**_counts(lines), "skipped": parsed.skipped, "errors": 0}
    batch.save()
    return batch


def payment_import_can_commit(batch: ImportBatch) -> bool:
    """A previewed payment batch; a committed one may still record lines matched
    by hand later (lines already recorded are skipped)."""
    return (
        batch.kind == ImportBatch.Kind.PAYMENTS
        and batch.status in (ImportBatch.Status.PREVIEWED, ImportBatch.Status.COMMITTED)
        and bool((batch.report or {}).get("lines"))
    )


def _manual_entry(value) -> tuple[str, list[str]]:
    """A debtor public id, or (public id, invoice numbers), or
    {"debtor": public id, "invoice_numbers": [...] or "a, b"}."""
    if isinstance(value, Mapping):
        debtor, numbers = value.get("debtor"), value.get("invoice_numbers") or []
    elif isinstance(value, tuple | list):
        debtor, numbers = value[0], value[1] if len(value) > 1 else []
    else:
        debtor, numbers = value, []
    if isinstance(numbers, str):
        numbers = [n for n in INVOICE_SPLIT.split(numbers) if n]
    return str(debtor or "").strip(), [str(n).strip() for n in numbers if str(n).strip()]


def _resolve_manual(batch_lines: dict[int, dict], manual: Mapping) -> dict[int, tuple]:
    """row -> (Debtor, invoice numbers); ApplicationError for anything wrong."""
    entries = {}
    for row, value in (manual or {}).items():
        try:
            row_number = int(row)
        except (TypeError, ValueError) as exc:
            raise ApplicationError(_("Row %(row)s is not a line number.") % {"row": row}) from exc
        if row_number not in batch_lines:
            raise ApplicationError(
                _("Row %(row)s is not a payment line of this file.") % {"row": row_number}
            )
        public_id, numbers = _manual_entry(value)
        if not public_id:
            continue
        try:
            uuid.UUID(public_id)
        except ValueError as exc:
            raise ApplicationError(
                _("Row %(row)s: choose a debtor.") % {"row": row_number}
            ) from exc
        entries[row_number] = (public_id, numbers)
    debtors = {
        str(d.public_id): d
        for d in Debtor.objects.filter(public_id__in={p for p, _n in entries.values()})
    }
    resolved = {}
    for row_number, (public_id, numbers) in entries.items():
        debtor = debtors.get(public_id)
        if debtor is None:
            raise ApplicationError(_("Row %(row)s: no such debtor.") % {"row": row_number})
        resolved[row_number] = (debtor, numbers)
    named = {(d.pk, n) for d, numbers in resolved.values() for n in numbers}
    if named:
        open_numbers = set(
            Invoice.objects.filter(
                debtor_id__in={pk for pk, _n in named},
                number__in={n for _pk, n in named},
                open_amount__gt=0,
            ).values_list("debtor_id", "number")
        )
        for row_number, (debtor, numbers) in resolved.items():
            wrong = [n for n in numbers if (debtor.pk, n) not in open_numbers]
            if wrong:
                raise ApplicationError(
                    _("Row %(row)s: %(debtor)s has no open invoice numbered %(numbers)s.")
                    % {"row": row_number, "debtor": debtor.code, "numbers": ", ".join(wrong)}
                )
    return resolved


def payment_import_commit(
    *, batch: ImportBatch, actor: User | None, manual: Mapping | None = None
) -> dict[str, int]:
    """Record every matched line and the lines matched by hand in ``manual``
    (row -> debtor public id, optionally with invoice numbers), in one
    transaction. Lines left unmatched stay unrecorded and listed.

    Returns counts: recorded, skipped_already_recorded, unmatched.
    """
    try:
        with transaction.atomic():
            counts, debtor_ids = _commit(batch=batch, actor=actor, manual=manual or {})
            payments_recorded_on_commit(debtor_ids=debtor_ids)
    except IntegrityError as exc:
        # The same file was committed meanwhile through another batch.
        raise ApplicationError(_("This file has already been imported.")) from exc
    batch.refresh_from_db()
    return counts


def _commit(*, batch: ImportBatch, actor: User | None, manual: Mapping):
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not payment_import_can_commit(locked):
        if locked.status == ImportBatch.Status.DUPLICATE:
            raise ApplicationError(_("This file has already been imported. Nothing was recorded."))
        raise ApplicationError(_("This payment file cannot be recorded."))
    lines = {line["row"]: line for line in locked.report["lines"]}
    resolved = _resolve_manual(lines, manual)
    debtors = Debtor.objects.in_bulk(
        {line["debtor"] for line in lines.values() if line["matched"]}, field_name="public_id"
    )
    debtors = {str(k): v for k, v in debtors.items()}
    already = set(
        Payment.objects.filter(
            import_reference__in=[line["import_reference"] for line in lines.values()]
        ).values_list("import_reference", flat=True)
    )
    counts = {"recorded": 0, "skipped_already_recorded": 0, "unmatched": 0}
    touched: set[int] = set()
    recorded_elsewhere = 0
    for row, line in sorted(lines.items()):
        if line["import_reference"] in already:
            counts["skipped_already_recorded"] += 1
            if not line.get("payment"):  # recorded before, not by this batch
                recorded_elsewhere += 1
            line["recorded"] = True
            continue
        if row in resolved:
            debtor, numbers = resolved[row]
            line.update(
                matched=True,
                debtor=str(debtor.public_id),
                debtor_code=debtor.code,
                debtor_name=debtor.name,
                invoice_numbers=numbers,
                allocated=[],
                how=HOW_MANUAL,
                how_label=both_languages(HOW_LABELS[HOW_MANUAL]),
                reason=None,
            )
        elif line["matched"]:
            debtor, numbers = debtors.get(line["debtor"]), line["invoice_numbers"]
        else:
            debtor = None
        if debtor is None:
            counts["unmatched"] += 1
            continue
        payment = _record(actor=actor, debtor=debtor, line=line, numbers=numbers)
        line["recorded"] = True
        line["payment"] = str(payment.public_id)
        counts["recorded"] += 1
        touched.add(debtor.pk)
    previous = (locked.counts or {}).get("applied") or {}
    locked.report = {**locked.report, "lines": [lines[r] for r in sorted(lines)]}
    locked.counts = {
        **locked.counts,
        **_counts(locked.report["lines"]),
        "applied": {
            "recorded": counts["recorded"] + previous.get("recorded", 0),
            "skipped_already_recorded": recorded_elsewhere,
            "unmatched": counts["unmatched"],
        },
        "last_commit": counts,
    }
    first_commit = locked.status != ImportBatch.Status.COMMITTED
    locked.status = ImportBatch.Status.COMMITTED
    locked.progress = 100
    locked.finished_at = timezone.now()
    if first_commit:
        locked.started_at = locked.finished_at
    locked.save(
        update_fields=["report", "counts", "status", "progress", "started_at", "finished_at"]
    )
    audit_record(actor=actor, action="import.payments_commit", target=locked, after=counts)
    return counts, touched


def _record(*, actor, debtor: Debtor, line: dict, numbers: list[str]) -> Payment:
    kwargs = {
        "actor": actor,
        "debtor": debtor,
        "amount": Decimal(line["amount"]),
        "received_on": datetime.date.fromisoformat(line["date"]),
        "reference": (line["reference"] or line["payer"])[:REFERENCE_MAX],
        "import_reference": line["import_reference"],
    }
    if numbers:
        try:
            return payment_record(**kwargs, invoice_numbers=numbers)
        except ValidationError:
            # An earlier line of this file (or someone else) paid the named
            # invoice since the preview: allocate oldest first instead.
            pass
    return payment_record(**kwargs)

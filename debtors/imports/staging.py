"""The validated records of an aging report, written down once.

The preview parses and validates the upload and, in the same pass, writes every
record as one CSV line to a stage file stored next to the upload. The commit
loads that file straight into the database (``COPY`` on PostgreSQL) instead of
parsing the report a second and a third time. The commit parses the upload
again only when the stage file is missing, has been altered (its SHA-256 is
kept in the batch), or was made with other settings than the batch now has.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import tempfile
from typing import IO

from django.core.files import File

from ..models import ImportBatch
from .parse import InvoiceRecord

STAGE_COLUMNS = [
    "row_number", "debtor_code", "debtor_name", "number", "issue_date", "due_date", "amount",
    "open_amount", "currency", "is_synthetic",
]  # fmt: skip
STAGE_DIR = "imports/stage"
CHUNK = 1 << 20
CHUNK_ROWS = 10_000


def stage_key(batch: ImportBatch) -> str:
    """What the parse depended on: a stage made with other settings is stale."""
    settings = {
        "preset": batch.preset,
        "mapping": batch.mapping or {},
        "as_of": batch.as_of.isoformat() if batch.as_of else None,
        "currency": batch.currency,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


class _IsoDates(dict):
    """date -> ISO text, remembered: a report holds a few hundred distinct
    dates, and formatting one costs more than looking it up."""

    def __missing__(self, day):
        text = self[day] = day.isoformat()
        return text


class StageWriter:
    """Collects records as CSV in an anonymous temporary file.

    Pass :attr:`add` as the ``sink`` of :func:`~debtors.imports.parse.parse_report`,
    then :meth:`save` the stage with the batch or :meth:`open` it for loading."""

    def __init__(self):
        self._binary = tempfile.TemporaryFile(prefix="crm-stage-")  # noqa: SIM115 (closed by close())
        self._buffer = io.StringIO()
        self._writerows = csv.writer(self._buffer).writerows
        self._iso = _IsoDates()
        self.rows = 0
        # Records wait in a short list and are written a chunk at a time, by
        # one writerows call, then encoded into the file together: a third
        # cheaper than a call per record, at a million records a file.
        pending: list[InvoiceRecord] = []
        append = pending.append

        def add(record: InvoiceRecord) -> None:
            append(record)
            if len(pending) >= CHUNK_ROWS:
                self._write(pending)

        self._pending, self.add = pending, add

    def _write(self, pending: list[InvoiceRecord]) -> None:
        iso = self._iso
        self._writerows(
            (
                r.row_number,
                r.debtor_code,
                r.debtor_name,
                r.invoice_number,
                iso[r.issue_date],
                iso[r.due_date],
                r.amount,
                r.open_amount,
                (r.currency or "")[:3],
                "t" if r.is_synthetic else "f",
            )
            for r in pending
        )
        self.rows += len(pending)
        pending.clear()
        self._binary.write(self._buffer.getvalue().encode())
        self._buffer.seek(0)
        self._buffer.truncate()

    def open(self) -> IO[bytes]:
        """The CSV so far, from its start (records added later are written after it)."""
        self._write(self._pending)
        self._binary.seek(0)
        return self._binary

    def save(self, batch: ImportBatch) -> dict:
        """Store the stage next to the batch's upload; returns what the batch
        keeps to find and check it (``batch.report["stage"]``)."""
        handle = self.open()
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
        handle.seek(0)
        storage = batch.file.storage
        name = storage.save(f"{STAGE_DIR}/{batch.public_id}.csv", File(handle))
        return {
            "name": name,
            "sha256": digest.hexdigest(),
            "rows": self.rows,
            "key": stage_key(batch),
        }

    def close(self) -> None:
        self._binary.close()


def stage_open(batch: ImportBatch) -> IO[bytes] | None:
    """The batch's stored stage, checked; None when it cannot be trusted."""
    meta = (batch.report or {}).get("stage") or {}
    if not meta.get("name") or meta.get("key") != stage_key(batch):
        return None
    try:
        handle = batch.file.storage.open(meta["name"], "rb")
    except OSError:
        return None
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    if digest.hexdigest() != meta.get("sha256"):
        handle.close()
        return None
    handle.seek(0)
    return handle


def stage_discard(batch: ImportBatch) -> None:
    """Delete the stored stage (after the commit, or when the batch fails)."""
    name = ((batch.report or {}).get("stage") or {}).get("name")
    if name:
        with contextlib.suppress(OSError):
            batch.file.storage.delete(name)

"""The parsing pipeline: upload -> normalised invoice records, problems, totals.

``parse_report`` reads the file once to validate it (streaming; it keeps only
counters, the first rows for the preview, a set of invoice-key hashes for the
duplicate check and one name per debtor code) and returns a
:class:`ParseResult`. The import gets the :class:`InvoiceRecord` objects of that
same pass through the ``sink`` argument (it stages them, see ``staging``);
``ParseResult.records()`` streams the file again for callers that want them
after the validation (tests, the parser bench). Summary reports and line-item
exports are aggregated in a dict keyed by debtor / invoice before they are
yielded. Nothing here touches the database.

The parser is put together from one mixin per part, each in its own module:
``parse_header`` (set-up), ``parse_cells`` (reading cells), ``parse_debtors``,
``parse_detail``, ``parse_summary`` and ``parse_totals``; the result types are
in ``parse_result``. This module holds the loop over the rows.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import ImportRefused, Problem
from .parse_cells import CENT, CURRENCY_ALIASES, _text
from .parse_debtors import name_code
from .parse_detail import CREDIT_TYPE, INVOICE_TYPE, DetailRows
from .parse_header import HEADER_SCAN_ROWS, SAMPLE_ROWS, HeaderSetup
from .parse_result import (
    ROW_COUNTERS,
    InvoiceRecord,
    ParseOptions,
    ParseResult,
    Reconciliation,
)
from .parse_summary import SummaryRows
from .parse_totals import TotalChecks
from .presets import LINE_ITEMS, PRESETS, SUMMARY, Preset
from .reading import open_table

__all__ = [
    "CENT",
    "CREDIT_TYPE",
    "CURRENCY_ALIASES",
    "HEADER_SCAN_ROWS",
    "INVOICE_TYPE",
    "ROW_COUNTERS",
    "SAMPLE_ROWS",
    "InvoiceRecord",
    "ParseOptions",
    "ParseResult",
    "Reconciliation",
    "name_code",
    "parse_report",
]


class _Parser(DetailRows, SummaryRows, TotalChecks, HeaderSetup):
    def run(self, numbered: Iterator[tuple[int, list]]) -> Iterator[InvoiceRecord]:
        """Read the body rows and yield their records (collapsed line items and
        summary buckets after the last row), then check the report's total."""
        self._start_run()
        counts = self.result.counts
        kind = self.preset.kind
        line_items: dict[tuple[str, str], InvoiceRecord] = {}
        summary: dict[str, list] = {}
        header_raw = list(self.header.labels)
        width = len(header_raw)
        probe = next((i for i, label in enumerate(header_raw) if label), 0)
        number_idx = self._number_idx
        for n, row in numbered:
            counts["rows"] += 1
            if not any(row):  # None, "" (and a row of only zeros) is blank
                counts["blank_rows"] += 1
                continue
            if (
                len(row) > probe
                and row[probe] == header_raw[probe]
                and [_text(c) for c in row[:width]] == header_raw
            ):
                counts["repeated_headers"] += 1
                continue  # header repeated after a page break
            raw = row[number_idx] if number_idx < len(row) else None
            number = raw.strip() if raw.__class__ is str else _text(raw)
            if not number and self._not_an_invoice(row, n):
                continue
            counts["data_rows"] += 1
            if kind == SUMMARY:
                self._summary_row(row, n, summary)
                continue
            record = self._detail_row(row, n, number)
            if record is None:
                continue
            if self.group is not None:
                self.group_sum += record.open_amount
            if kind == LINE_ITEMS:
                self._collapse(record, line_items)
                continue
            yield self._emit(record)
        yield from self._after_last_row(line_items, summary)
        counts["debtors"] = len(self.names)
        self._reconcile()

    def _start_run(self) -> None:
        counts = self.result.counts
        for key in ROW_COUNTERS:
            counts.setdefault(key, 0)
        counts.setdefault("errors", 0)
        counts.setdefault("warnings", 0)
        self.names = {}
        self.seen = set()
        self.report_total = None
        self.group = self.group_kind = self.group_debtor = None
        self.group_sum, self.group_errors = Decimal(0), 0
        self.credit_numbers = {}
        self._preview_left = self.options.preview_rows
        self._fast_paths()

    def _emit(self, record: InvoiceRecord) -> InvoiceRecord:
        """Count the record into the result (and its preview) on its way out."""
        result = self.result
        counts, totals = result.counts, result.totals
        counts["records"] += 1
        counts["synthetic"] += record.is_synthetic
        counts["credits"] += record.is_credit
        key = record.currency or ""
        totals[key] = totals.get(key, Decimal(0)) + record.open_amount
        if self._preview_left > 0:
            result.preview.append(record)
            self._preview_left -= 1
        return record

    def _after_last_row(self, line_items: dict, summary: dict) -> Iterator[InvoiceRecord]:
        """The records only whole files give: line items collapsed to their
        invoices (those with something open) and a summary's bucket items."""
        kind = self.preset.kind
        if kind == LINE_ITEMS:
            for record in line_items.values():
                if record.open_amount != 0:
                    yield self._emit(record)
                else:
                    self.result.counts["zero_rows"] += 1
        if kind == SUMMARY:
            yield from (self._emit(r) for r in self._synthetic(summary))

    def _not_an_invoice(self, row, n) -> bool:
        """Count (and check, for totals) a row without an invoice number that
        is no invoice: a total, a footer, a group header, a text-only row or
        an unlabelled subtotal. False for a data row."""
        counts = self.result.counts
        first = next((c for c in row if c not in (None, "")), None)
        if isinstance(first, str) and self._total_row(first, row, n):
            return True
        if not self.has_money(row):
            filled = [c for c in row if c not in (None, "")]
            if len(filled) == 1 and isinstance(first, str):
                if L.is_footer(first):
                    counts["footers"] += 1
                else:
                    counts["group_headers"] += 1
                    self._group_header(first)
            else:
                counts["skipped_rows"] += 1
            return True
        if self.preset.kind != SUMMARY and self._unlabelled_subtotal(row):
            counts["subtotals"] += 1  # Tally: party subtotal with blank date, ref and party
            return True
        return False

    def _unlabelled_subtotal(self, row) -> bool:
        named = (L.ISSUE_DATE, L.DUE_DATE, L.DEBTOR_NAME, L.DEBTOR_CODE, L.TRANSACTION_TYPE)
        return all(self.cell(row, name) is None for name in named)


@contextmanager
def _fewer_gc_passes(threshold: int = 50_000):
    """Millions of short-lived row objects trigger a collection every 700
    allocations by default; parsing has no reference cycles worth chasing."""
    old = gc.get_threshold()
    gc.set_threshold(max(threshold, old[0]), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def parse_report(
    source,
    *,
    filename: str | None = None,
    preset: str | Preset | None = None,
    mapping: dict | None = None,
    as_of: dt.date | None = None,
    currency: str | None = None,
    options: ParseOptions | None = None,
    sink: Callable[[InvoiceRecord], object] | None = None,
) -> ParseResult:
    """Read and validate an aging report without touching the database.

    ``preset`` is a key of :data:`PRESETS` (detected when None); ``mapping`` is a
    saved field -> column (index or label) dict, optionally with ``header_row``
    (1-based); ``as_of`` overrides the date in the title block; ``currency`` is
    used for rows without a currency column. Refused files come back with
    ``result.refused`` set rather than raising. ``sink`` is called with every
    record of the validation pass (the import stages them as it validates).
    """
    options = options or ParseOptions()
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}")
        preset = PRESETS[preset]
    result = ParseResult(filename=filename or getattr(source, "name", None))

    def start(target: ParseResult):
        table = open_table(source, filename=filename, limits=options.limits)
        target.file_kind, target.encoding = table.kind, table.encoding
        target.delimiter, target.sheet_name = table.delimiter, table.sheet_name
        parser = _Parser(table, target, options, preset)
        numbered = parser.prepare(table.rows(), mapping, as_of)
        target.currency = (currency or parser.preset.currency or "").upper() or None
        return parser, numbered

    try:
        parser, numbered = start(result)
        parser.report_missing()
        _validate(parser, numbered, sink)
    except ImportRefused as refusal:
        result.refused = refusal
        result.problems.insert(0, Problem(None, None, refusal.code, refusal.message))
        result.counts["errors"] = result.counts.get("errors", 0) + 1
        return result

    def replay() -> Iterator[InvoiceRecord]:
        scratch = ParseResult(filename=result.filename)
        parser, numbered = start(scratch)
        scratch.as_of = result.as_of  # the user may have supplied it after the first pass
        with _fewer_gc_passes():
            yield from parser.run(numbered)

    result._replay = replay
    return result


def _validate(
    parser: _Parser,
    numbered: Iterator[tuple[int, list]],
    sink: Callable[[InvoiceRecord], object] | None,
) -> None:
    """The validating pass over the rows; each record goes to ``sink``, if any."""
    with _fewer_gc_passes():
        if sink is None:
            deque(parser.run(numbered), maxlen=0)
        else:
            for record in parser.run(numbered):
                sink(record)
    if parser.result.counts.get("data_rows", 0) == 0:
        parser.problem(None, None, "no_data_rows", _("The report has no invoice rows."))

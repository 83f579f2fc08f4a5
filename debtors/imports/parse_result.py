"""What parsing an aging report produces: the options it takes, one
:class:`InvoiceRecord` per open item, and the :class:`ParseResult` the preview
page shows and the import consumes (counts, totals, problems, reconciliation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import ERROR, WARNING, ImportRefused, Problem
from .reading import ReadLimits

# ParseResult.counts keys, besides "errors", "warnings" and "debtors" (distinct codes)
ROW_COUNTERS = (
    "rows",  # rows below the header
    "data_rows",  # rows read as invoices / customers
    "records",  # InvoiceRecords yielded (after collapsing line items / per bucket)
    "synthetic",  # of which synthetic bucket items (summary reports)
    "credits",  # of which credits (negative open amount)
    "zero_rows",  # data rows with nothing open, skipped
    "blank_rows",
    "repeated_headers",
    "group_headers",  # customer or bucket group rows
    "subtotals",
    "grand_totals",
    "footers",
    "skipped_rows",  # text-only rows that are none of the above
)


@dataclass(frozen=True)
class ParseOptions:
    max_amount: Decimal = Decimal("1000000000")  # per invoice; above is "absurd"
    max_future_days: int = 3 * 366  # issue/due dates beyond as-of + this are refused
    min_year: int = 1980
    preview_rows: int = 50
    max_problems: int = 1000  # kept in full; all are counted
    limits: ReadLimits = field(default_factory=ReadLimits)


@dataclass(slots=True)
class InvoiceRecord:
    """One open item as the ledger states it. Amounts are Decimal to the cent;
    credits are negative (``amount`` and ``open_amount`` share the sign)."""

    debtor_code: str
    debtor_name: str
    invoice_number: str
    issue_date: dt.date
    due_date: dt.date
    amount: Decimal
    open_amount: Decimal
    currency: str | None
    is_credit: bool
    is_synthetic: bool
    bucket: str | None
    row_number: int
    code_from_name: bool = False  # the file had no customer code; we derived one


@dataclass
class Reconciliation:
    report_total: Decimal
    parsed_total: Decimal
    row: int | None
    severity: str

    @property
    def difference(self) -> Decimal:
        return self.parsed_total - self.report_total

    @property
    def ok(self) -> bool:
        return self.difference == 0


@dataclass
class ParseResult:
    """What the preview page shows and what the DB-apply step consumes."""

    filename: str | None = None
    file_kind: str | None = None  # csv / tsv / xlsx / sap_text
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    preset: str | None = None
    preset_label: object = None
    confidence: float = 0.0
    report_kind: str | None = None  # detail / summary / line_items
    header_row: int | None = None  # 1-based
    columns: dict[str, str] = field(default_factory=dict)  # field -> header label
    buckets: list[tuple[str, int, int | None]] = field(default_factory=list)
    as_of: dt.date | None = None
    as_of_source: str | None = None  # "file" / "user"
    aging_basis: str | None = None
    currency: str | None = None  # default for rows without a currency column
    decimal: str | None = None
    date_order: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)  # open amount per currency
    reconciliation: Reconciliation | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_counts: dict[str, int] = field(default_factory=dict)
    preview: list[InvoiceRecord] = field(default_factory=list)
    refused: ImportRefused | None = None
    _replay: Callable[[], Iterator[InvoiceRecord]] | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def error_count(self) -> int:
        return self.counts.get("errors", 0)

    @property
    def ok(self) -> bool:
        """True when the file may be committed: not refused and no errors."""
        return self.refused is None and self.error_count == 0

    @property
    def needs_as_of(self) -> bool:
        return self.refused is None and self.as_of is None

    def records(self) -> Iterator[InvoiceRecord]:
        """Stream every record again from the source (for the DB-apply step)."""
        if self._replay is None:
            return iter(())
        return self._replay()

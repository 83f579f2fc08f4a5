"""Every report table as rows for a file: the overview figures, the trend,
aging over time, roll rates, the per-collector and per-type tables, the
heatmap, the forecast and the drill-downs (``reports.export_rows``).

A table is a list of columns (a translated label and a kind: text, whole
number, money, rate, date…) and an iterable of rows, so a drill-down of a
million rows streams. The writers turn it into CSV (UTF-8 with a byte-order
mark, so Excel reads Chinese) or XLSX (openpyxl, write-only: numbers stay
numbers, money with two decimals, rates as percentages). Any text cell that
a spreadsheet could take for a formula (it starts with = + - @, a tab or a
carriage return) gets a leading single quote, in both formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TEXT, INT, MONEY, RATE, NUM1, NUM2, DATE, DATETIME, BOOL = (
    "text",
    "int",
    "money",
    "rate",
    "num1",
    "num2",
    "date",
    "datetime",
    "bool",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMATS = {
    INT: "0",
    MONEY: "#,##0.00",
    RATE: "0.00%",
    NUM1: "0.0",
    NUM2: "0.00",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}
NUMBER_KINDS = frozenset({INT, MONEY, RATE, NUM1, NUM2})

KPI_LABELS = {
    "ar_start": gettext_lazy("Receivable at the start"),
    "ar_end": gettext_lazy("Receivable at the end"),
    "ar_current_end": gettext_lazy("Not yet due at the end"),
    "credit_sales": gettext_lazy("Credit sales"),
    "collected": gettext_lazy("Collected"),
    "recovered": gettext_lazy("Recovered"),
    "recovery_rate": gettext_lazy("Recovery rate"),
    "dso": gettext_lazy("DSO"),
    "best_possible_dso": gettext_lazy("Best possible DSO"),
    "average_days_delinquent": gettext_lazy("Average days delinquent"),
    "cei": gettext_lazy("CEI"),
    "over_90_share": gettext_lazy("Share over 90 days past due"),
    "calls": gettext_lazy("Call attempts"),
    "connect_rate": gettext_lazy("Connect rate"),
    "right_party_rate": gettext_lazy("Right-party rate"),
    "promise_rate": gettext_lazy("Promise rate"),
    "promise_kept_rate": gettext_lazy("Promise-kept rate"),
    "promised_amount": gettext_lazy("Amount promised"),
    "kept_amount": gettext_lazy("Amount paid against promises"),
    "complaint_rate": gettext_lazy("Complaint rate"),
    "disputes_opened": gettext_lazy("Disputes opened"),
    "disputes_resolved": gettext_lazy("Disputes resolved"),
    "dispute_resolution_days": gettext_lazy("Days to resolve a dispute"),
}
RATE_KEYS = frozenset(
    {
        "recovery_rate",
        "over_90_share",
        "connect_rate",
        "right_party_rate",
        "promise_rate",
        "promise_kept_rate",
        "complaint_rate",
    }
)
COUNT_KEYS = frozenset({"calls", "disputes_opened", "disputes_resolved"})
ONE_PLACE_KEYS = frozenset(
    {"dso", "best_possible_dso", "average_days_delinquent", "dispute_resolution_days"}
)


def kpi_kind(key: str) -> str:
    """How figure ``key`` is written: money, a rate, a count or days."""
    if key in RATE_KEYS:
        return RATE
    if key in COUNT_KEYS:
        return INT
    if key in ONE_PLACE_KEYS:
        return NUM1
    if key == "cei":
        return NUM2
    return MONEY


class Typed(NamedTuple):
    """A value whose kind differs from its column's (the overview's rows)."""

    value: object
    kind: str


@dataclass(frozen=True)
class Column:
    label: object  # a lazy string, translated when the file is written
    kind: str = TEXT


@dataclass
class Table:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]


# -- cells ---------------------------------------------------------------------


def escape_text(text: str) -> str:
    """A leading quote for text a spreadsheet would run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _unwrap(value, kind: str) -> tuple[object, str]:
    if isinstance(value, Typed):
        return value.value, value.kind
    return value, kind


def _yes_no(value) -> str:
    return _("Yes") if value else _("No")


def csv_cell(value, kind: str) -> str:
    value, kind = _unwrap(value, kind)
    if value is None:
        return ""
    if kind == BOOL:
        return _yes_no(value)
    if kind in NUMBER_KINDS and isinstance(value, int | Decimal):
        return str(value)
    if kind == DATETIME and isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == DATE and isinstance(value, dt.date):
        return value.isoformat()
    return escape_text(str(value))


def headers(columns: Sequence[Column]) -> list[str]:
    return [escape_text(str(c.label)) for c in columns]


# -- CSV -----------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV text, one line at a time, the first with a BOM."""
    writer = csv.writer(_Echo())
    kinds = [c.kind for c in table.columns]
    yield "\ufeff" + writer.writerow(headers(table.columns))
    for row in table.rows:
        yield writer.writerow([csv_cell(v, k) for v, k in zip(row, kinds, strict=True)])


# -- XLSX ----------------------------------------------------------------------


def _xlsx_cell(sheet, value, kind: str):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value, kind = _unwrap(value, kind)
    if value is None:
        return None
    if kind == BOOL:
        return _yes_no(value)
    if kind in NUMBER_KINDS and isinstance(value, int | Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_FORMATS[kind]
        return cell
    if kind in (DATE, DATETIME) and isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_FORMATS[kind]
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", escape_text(str(value)))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text
    return cell


def xlsx_file(table: Table, *, title: str = ""):
    """The table as an XLSX workbook in a temporary file, rewound. Written
    row by row (openpyxl's write-only mode), so memory does not grow with
    the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title or table.name))
    for index, column in enumerate(table.columns, start=1):
        wide = 14 if column.kind in NUMBER_KINDS or column.kind in (DATE, DATETIME) else 24
        sheet.column_dimensions[get_column_letter(index)].width = wide
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for text in headers(table.columns):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cell.data_type = "s"
        head.append(cell)
    sheet.append(head)
    kinds = [c.kind for c in table.columns]
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, v, k) for v, k in zip(row, kinds, strict=True)])
    out = tempfile.TemporaryFile()  # noqa: SIM115  (the response closes it)
    book.save(out)
    out.seek(0)
    return out


def _sheet_title(text: str) -> str:
    for bad in "[]:*?/\\":
        text = text.replace(bad, " ")
    return text.strip()[:31] or "Sheet"

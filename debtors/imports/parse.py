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
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from operator import itemgetter

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import ERROR, WARNING, ImportRefused, Problem, msg
from .presets import (
    LINE_ITEMS,
    PRESETS,
    RECONCILE_WARNING,
    SUMMARY,
    Preset,
    detect_preset,
    resolve_mapping,
)
from .reading import ReadLimits, Table, open_table
from .values import (
    AmountError,
    Bucket,
    DateError,
    bucket_key,
    infer_date_order,
    infer_decimal_separator,
    parse_amount,
    parse_date,
)

HEADER_SCAN_ROWS = 60
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
SAMPLE_ROWS = 2000
CENT = Decimal("0.01")
CREDIT_TYPE = re.compile(
    r"(?i)credit|refund|payment|overpayment|prepayment|advance|journal|贷项|红字|退款|预收|收款"
)
INVOICE_TYPE = re.compile(r"(?i)^(?:invoice|tax invoice|bill|sales invoice|发票|销售发票|fatura)$")
CURRENCY_ALIASES = {"RMB": "CNY", "¥": "CNY", "￥": "CNY", "元": "CNY", "人民币": "CNY"}
CURRENCY_ALIASES |= {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "美元": "USD"}


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


def name_code(name: str) -> str:
    """A stable customer code for files that have only names (max 64 chars)."""
    code = " ".join(name.upper().split())
    if len(code) > 64:
        code = code[:55] + "~" + hashlib.sha1(code.encode()).hexdigest()[:8]  # noqa: S324
    return code


_NOTHING = object()  # equal to no cell


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _header_by_mapping(head: list[list], mapping: dict) -> L.Header | None:
    """The first row holding every label a saved mapping names."""
    wanted = {L.norm(v) for k, v in mapping.items() if isinstance(v, str) and k != "header_row"}
    if not wanted:
        return None
    for index, row in enumerate(head):
        labels = [_text(c) for c in row]
        if wanted <= {L.norm(label) for label in labels}:
            columns, buckets = L.classify_labels(labels)
            return L.Header(index, 1, labels, columns, buckets, 0)
    return None


def _same_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


class _Parser:
    def __init__(self, table: Table, result: ParseResult, options: ParseOptions, preset: Preset):
        self.table, self.result, self.options, self.preset = table, result, options, preset

    # ------------------------------------------------------------------ set-up

    def prepare(self, rows: Iterator[list], mapping, as_of) -> Iterator[tuple[int, list]]:
        """Locate the header, decide options; return the numbered body rows."""
        result, preset = self.result, self.preset
        head = list(islice(rows, HEADER_SCAN_ROWS))
        if not any(any(c not in (None, "") for c in row) for row in head):
            raise ImportRefused("empty_file", _("The file has no rows."))
        header = L.find_header(head)
        if mapping and "header_row" not in mapping:
            header = _header_by_mapping(head, mapping) or header
        if mapping and "header_row" in mapping:
            index = int(mapping["header_row"]) - 1
            labels = [_text(c) for c in head[index]] if 0 <= index < len(head) else []
            columns, buckets = L.classify_labels(labels)
            header = L.Header(index, 1, labels, columns, buckets, 0)
        if header is None:
            L.refuse_payables(head[:10], None)
            raise ImportRefused(
                "no_header",
                msg(
                    _(
                        "No header row with customer and amount columns was found in the first "
                        "%(rows)d rows. Check this is an aging report, or map the columns yourself."
                    ),
                    {"rows": HEADER_SCAN_ROWS},
                ),
            )
        title = head[: header.index]
        L.refuse_payables(title, header)
        if preset is None:
            title_text = " ".join(_text(c) for row in title for c in row)
            preset, result.confidence = detect_preset(header, title_text, self.table.kind)
            self.preset = preset
        else:
            result.confidence = 1.0
        result.preset, result.preset_label, result.report_kind = (
            preset.key,
            preset.label,
            preset.kind,
        )
        columns = dict(header.columns)
        if preset.mapping:
            columns.update(resolve_mapping(preset.mapping, header.labels))
        if mapping:  # the user's choice wins, also over a detected use of the same column
            chosen = resolve_mapping(mapping, header.labels)
            taken = set(chosen.values())
            columns = {f: i for f, i in columns.items() if i not in taken} | chosen
        self._resolve_totals(columns, header)
        self.columns, self.header = columns, header
        self.buckets: list[tuple[int, str, Bucket]] = header.buckets
        self._check_required()
        result.header_row = header.index + 1
        result.columns = {name: header.label(i) or f"#{i + 1}" for name, i in columns.items()}
        result.buckets = [(label, b.min_days, b.max_days) for _i, label, b in self.buckets]
        file_as_of = L.find_as_of(title)
        result.aging_basis = L.find_aging_basis(title)
        if as_of is not None:
            result.as_of, result.as_of_source = as_of, "user"
        elif file_as_of is not None:
            result.as_of, result.as_of_source = file_as_of, "file"
        start = header.index + header.height
        body = chain(head[start:], rows)
        sample = list(islice(body, SAMPLE_ROWS))
        self._infer_formats(sample)
        numbered = enumerate(chain(sample, body), start=start + 1)
        return numbered

    def _resolve_totals(self, columns: dict[str, int], header: L.Header) -> None:
        kind = self.preset.kind
        if kind == SUMMARY:
            if L.TOTAL not in columns and L.OPEN_AMOUNT in columns:
                columns[L.TOTAL] = columns.pop(L.OPEN_AMOUNT)
        elif L.TOTAL in columns:
            if L.OPEN_AMOUNT not in columns:
                columns[L.OPEN_AMOUNT] = columns.pop(L.TOTAL)
            elif L.AMOUNT not in columns:
                columns[L.AMOUNT] = columns.pop(L.TOTAL)
        no_party = L.DEBTOR_NAME not in columns and L.DEBTOR_CODE not in columns
        if no_party and header.labels and not header.labels[0]:
            columns[L.DEBTOR_NAME] = 0  # QuickBooks leaves the customer column unlabelled

    def _check_required(self) -> None:
        columns = self.columns
        if L.DEBTOR_NAME not in columns and L.DEBTOR_CODE not in columns:
            raise ImportRefused(
                "no_customer_column",
                _(
                    "The file has no customer column (customer, name, account or code), so "
                    "invoices cannot be matched to debtors. It may be a table without debtors."
                ),
            )
        if self.preset.kind == SUMMARY:
            if len(self.buckets) < 1 and L.TOTAL not in columns:
                raise ImportRefused(
                    "no_amount_column",
                    _("The file has no aging bucket or balance columns with amounts."),
                )
        elif L.OPEN_AMOUNT not in columns and L.AMOUNT not in columns:
            raise ImportRefused(
                "no_amount_column",
                _("The file has no amount or open balance column, so there is nothing to import."),
            )
        if self.preset.kind != SUMMARY and L.INVOICE_NUMBER not in columns:
            raise ImportRefused(
                "no_invoice_column",
                _("The file has no invoice or document number column."),
            )

    def _infer_formats(self, sample: list[list]) -> None:
        result, preset = self.result, self.preset
        money_cols = [self.columns.get(n) for n in (L.AMOUNT, L.OPEN_AMOUNT, L.TOTAL)]
        money_cols = [c for c in money_cols if c is not None] + [i for i, _l, _b in self.buckets]
        date_cols = [self.columns.get(n) for n in (L.ISSUE_DATE, L.DUE_DATE)]
        date_cols = [c for c in date_cols if c is not None]

        def cells(cols):
            for row in sample:
                for c in cols:
                    if c < len(row):
                        yield row[c]

        decimal = preset.decimal or infer_decimal_separator(cells(money_cols))
        order = preset.date_order or infer_date_order(cells(date_cols))
        if order is None:
            dotted = any(isinstance(v, str) and "." in v for v in cells(date_cols))
            order = "dmy" if decimal == "," or dotted else "mdy"
        result.decimal, result.date_order = decimal, order

    # ------------------------------------------------------------------ helpers

    def problem(self, row, column, code, message, severity=ERROR) -> None:
        result = self.result
        result.problem_counts[code] = result.problem_counts.get(code, 0) + 1
        key = "errors" if severity == ERROR else "warnings"
        result.counts[key] = result.counts.get(key, 0) + 1
        if len(result.problems) < self.options.max_problems:
            label = self.header.label(self.columns.get(column)) if column else None
            result.problems.append(Problem(row, label or column, code, message, severity))

    def cell(self, row: list, name: str):
        index = self.columns.get(name)
        if index is None or index >= len(row):
            return None
        value = row[index]
        return None if value == "" else value

    def _fast_paths(self) -> None:
        decimal = self.result.decimal
        self._plain_amount = re.compile(
            r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$"
            if decimal != ","
            else r"^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^-?\d+(?:,\d+)?$"
        ).match
        self._dates: dict = {}
        self._currencies: dict = {}
        self._money_cols = [
            c
            for c in (self.columns.get(n) for n in (L.AMOUNT, L.OPEN_AMOUNT, L.TOTAL))
            if c is not None
        ] + [i for i, _l, _b in self.buckets]
        self._date_floor = dt.date(self.options.min_year, 1, 1)
        self._last_raw: tuple = (_NOTHING, _NOTHING)
        self._last_debtor: tuple[str, str, bool] | None = None
        self._comma = decimal == ","
        self._line_items = self.preset.kind == LINE_ITEMS
        self._number_idx = self.columns.get(L.INVOICE_NUMBER, 1 << 30)
        detail = (L.DEBTOR_CODE, L.DEBTOR_NAME, L.TRANSACTION_TYPE, L.ISSUE_DATE, L.DUE_DATE)
        detail += (L.AMOUNT, L.OPEN_AMOUNT, L.AGE)
        indexes = [self.columns.get(name, -1) for name in detail]  # -1: the padding's None
        self._pad = [None] * (max(indexes) + 2)
        self._detail_getter = itemgetter(*indexes)
        as_of = self.result.as_of
        self._date_ceiling = (
            as_of + dt.timedelta(days=self.options.max_future_days) if as_of else None
        )

    def amount(self, row, n, name, *, index=None):
        value = row[index] if index is not None and index < len(row) else self.cell(row, name)
        return self.amount_value(value, n, name)

    def amount_value(self, value, n, name):
        if value == "":
            return None
        if value.__class__ is str and self._plain_amount(value):
            if self.result.decimal == ",":
                return Decimal(value.replace(".", "").replace(",", "."))
            return Decimal(value.replace(",", ""))
        try:
            return parse_amount(value, decimal=self.result.decimal)
        except AmountError:
            self.problem(
                n,
                name,
                "amount_invalid",
                msg(_("“%(value)s” is not an amount."), {"value": _text(value)}),
            )
            raise

    def date(self, row, n, name):
        return self.date_value(self.cell(row, name), n, name)

    def date_value(self, value, n, name):
        if value is None or value == "":
            return None
        cache = self._dates
        try:
            return cache[value]
        except (KeyError, TypeError):
            pass
        try:
            parsed = parse_date(value, order=self.result.date_order, date1904=self.table.date1904)
            if len(cache) > 20_000:
                cache.clear()
            cache[value] = parsed
            return parsed
        except DateError:
            self.problem(
                n,
                name,
                "date_invalid",
                msg(_("“%(value)s” is not a date."), {"value": _text(value)}),
            )
            raise

    def has_money(self, row) -> bool:
        width = len(row)
        return any(c < width and row[c] not in (None, "") for c in self._money_cols)

    def currency(self, row) -> str | None:
        raw = self.cell(row, L.CURRENCY)
        if raw is None:
            return self.result.currency
        known = self._currencies.get(raw)
        if known is None:
            value = _text(raw).upper()
            known = CURRENCY_ALIASES.get(value, value)[:3] if value else ""
            self._currencies[raw] = known
        return known or self.result.currency

    # ------------------------------------------------------------------ main loop

    def run(self, numbered: Iterator[tuple[int, list]]) -> Iterator[InvoiceRecord]:
        result, options = self.result, self.options
        counts = result.counts
        for key in ROW_COUNTERS:
            counts.setdefault(key, 0)
        counts.setdefault("errors", 0)
        counts.setdefault("warnings", 0)
        self.names: dict[str, tuple[str, int]] = {}
        self.seen: set[int] = set()
        self.report_total: tuple[Decimal, int] | None = None
        self.group: str | None = None
        self.group_kind: str | None = None
        self.group_debtor: tuple[str | None, str] | None = None
        self.group_sum, self.group_errors = Decimal(0), 0
        self.credit_numbers: dict[str, int] = {}
        kind = self.preset.kind
        line_items: dict[tuple[str, str], InvoiceRecord] = {}
        summary: dict[str, list] = {}
        header_raw = list(self.header.labels)
        width = len(header_raw)
        probe = next((i for i, label in enumerate(header_raw) if label), 0)
        self._fast_paths()
        number_idx = self._number_idx
        totals = result.totals
        preview_left = options.preview_rows

        def emit(record: InvoiceRecord):
            nonlocal preview_left
            counts["records"] += 1
            counts["synthetic"] += record.is_synthetic
            counts["credits"] += record.is_credit
            key = record.currency or ""
            totals[key] = totals.get(key, Decimal(0)) + record.open_amount
            if preview_left > 0:
                result.preview.append(record)
                preview_left -= 1
            return record

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
            first = None if number else next((c for c in row if c not in (None, "")), None)
            if isinstance(first, str):
                kind_of_total = L.subtotal_kind(first, self.group)
                if kind_of_total == "grand_total":
                    counts["grand_totals"] += 1
                    self._grand_total(row, n)
                    continue
                if kind_of_total == "footer":  # e.g. Odoo's "Percents" row
                    counts["footers"] += 1
                    continue
                if kind_of_total == "subtotal":
                    counts["subtotals"] += 1
                    self._subtotal(row, n)
                    if self.group_kind == "customer":
                        self.group = self.group_debtor = self.group_kind = None
                    continue
            if not number and not self.has_money(row):
                filled = [c for c in row if c not in (None, "")]
                if len(filled) == 1 and isinstance(first, str):
                    if L.is_footer(first):
                        counts["footers"] += 1
                        continue
                    counts["group_headers"] += 1
                    self._group_header(first)
                    continue
                counts["skipped_rows"] += 1
                continue
            if kind != SUMMARY and not number and self._unlabelled_subtotal(row):
                counts["subtotals"] += 1
                continue  # Tally: party subtotal with blank date, ref and party
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
            yield emit(record)

        if kind == LINE_ITEMS:
            for record in line_items.values():
                if record.open_amount != 0:
                    yield emit(record)
                else:
                    counts["zero_rows"] += 1
        if kind == SUMMARY:
            yield from (emit(r) for r in self._synthetic(summary))
        counts["debtors"] = len(self.names)
        self._reconcile()

    def _unlabelled_subtotal(self, row) -> bool:
        named = (L.ISSUE_DATE, L.DUE_DATE, L.DEBTOR_NAME, L.DEBTOR_CODE, L.TRANSACTION_TYPE)
        return all(self.cell(row, name) is None for name in named)

    def _group_header(self, text: str) -> None:
        self.group_sum, self.group_errors = Decimal(0), self.result.counts.get("errors", 0)
        if self.preset.kind != SUMMARY and L.parse_bucket(text) is not None:
            self.group, self.group_kind, self.group_debtor = text, "bucket", None
            return
        code, name = L.split_code_and_name(text)
        self.group, self.group_kind = text, "customer"
        self.group_debtor = (code, L.parent_of(name))

    def _debtor(self, row, n) -> tuple[str, str, bool] | None:
        return self._debtor_from(self.cell(row, L.DEBTOR_CODE), self.cell(row, L.DEBTOR_NAME), n)

    def _debtor_from(self, raw_code, raw, n) -> tuple[str, str, bool] | None:
        code = _text(raw_code)
        name = _text(raw)
        if self.group_kind == "customer" and self.group_debtor:
            group_code, group_name = self.group_debtor
            indented = isinstance(raw, str) and raw[:1].isspace()
            if not name or indented or L.parent_of(name) == group_name:
                name = group_name
                code = code or (group_code or "")
            else:  # a customer of its own: the group had no "Total for" row
                self.group = self.group_debtor = self.group_kind = None
        name = L.parent_of(name) if name else ""
        if not code and not name:
            self.problem(
                n, L.DEBTOR_NAME, "debtor_missing", _("The row has no customer name or code.")
            )
            return None
        derived = not code
        code = code if code else name_code(name)
        if len(code) > 64:
            self.problem(
                n,
                L.DEBTOR_CODE,
                "code_too_long",
                msg(_("The customer code %(code)s is longer than 64 characters."), {"code": code}),
            )
            return None
        name = (name or code)[:255]
        seen = self.names.get(code)
        if seen is None:
            self.names[code] = (name, n)
        elif seen[0] != name and _same_name(seen[0]) != _same_name(name):
            self.problem(
                n,
                L.DEBTOR_CODE,
                "code_two_names",
                msg(
                    _("Customer code %(code)s is “%(first)s” on row %(row)d but “%(name)s” here."),
                    {"code": code, "first": seen[0], "row": seen[1], "name": name},
                ),
            )
        return code, name, derived

    def _detail_row(self, row, n, number) -> InvoiceRecord | None:
        raw_code, raw_name, raw_type, raw_issue, raw_due, raw_amount, raw_open, raw_age = (
            self._detail_getter(row + self._pad)
        )
        # Detail reports list a customer's invoices one after another: the same
        # code and name cells give the same debtor, already checked once.
        last = self._last_raw
        if raw_code == last[0] and raw_name == last[1] and self.group_kind != "customer":
            debtor = self._last_debtor
        else:
            debtor = self._debtor_from(raw_code, raw_name, n)
            if (
                debtor is not None
                and self.group_kind != "customer"
                and self.names[debtor[0]][0] == debtor[1]
            ):
                self._last_raw, self._last_debtor = (raw_code, raw_name), debtor
            else:
                self._last_raw = (_NOTHING, _NOTHING)
        plain, comma, dates = self._plain_amount, self._comma, self._dates
        try:
            # inlined fast paths for the common plain number and cached date
            if raw_amount.__class__ is str and plain(raw_amount):
                amount = Decimal(
                    raw_amount.replace(".", "").replace(",", ".")
                    if comma
                    else raw_amount.replace(",", "")
                )
            else:
                amount = self.amount_value(raw_amount, n, L.AMOUNT)
            if raw_open.__class__ is str and plain(raw_open):
                open_amount = Decimal(
                    raw_open.replace(".", "").replace(",", ".")
                    if comma
                    else raw_open.replace(",", "")
                )
            else:
                open_amount = self.amount_value(raw_open, n, L.OPEN_AMOUNT)
            issue = dates.get(raw_issue) if raw_issue.__class__ is str else None
            if issue is None:
                issue = self.date_value(raw_issue, n, L.ISSUE_DATE)
            due = dates.get(raw_due) if raw_due.__class__ is str else None
            if due is None:
                due = self.date_value(raw_due, n, L.DUE_DATE)
            age = self.amount_value(raw_age, n, L.AGE) if raw_age not in (None, "") else None
        except (AmountError, DateError):
            return None
        if debtor is None:
            return None
        code, name, derived = debtor
        if amount is None and open_amount is None:
            self.problem(n, L.OPEN_AMOUNT, "amount_missing", _("The row has no amount."))
            return None
        amount = (amount if amount is not None else open_amount).quantize(CENT)
        open_amount = (open_amount if open_amount is not None else amount).quantize(CENT)
        if not open_amount and not self._line_items:
            self.result.counts["zero_rows"] += 1
            return None
        kind = _text(raw_type) if raw_type is not None else ""
        typed_credit = bool(kind and CREDIT_TYPE.search(kind))
        if typed_credit:  # some systems print credit notes unsigned
            amount, open_amount = -abs(amount), -abs(open_amount)
        is_credit = open_amount < 0 or amount < 0
        if not self._amounts_ok(n, kind, amount, open_amount, typed_credit):
            return None
        as_of = self.result.as_of
        if due is None and age is not None and as_of is not None:
            due = as_of - dt.timedelta(days=int(age))
        if due is None and issue is not None:
            due = issue
            if L.DUE_DATE in self.columns:  # else one file-level warning says it
                self.problem(
                    n,
                    L.DUE_DATE,
                    "due_date_missing",
                    _("No due date; the invoice date is used."),
                    WARNING,
                )
        if due is None:
            self.problem(n, L.DUE_DATE, "due_date_missing", _("The row has no due date."))
            return None
        issue = issue or due
        if not self._dates_ok(n, issue, due):
            return None
        if not number:
            if not is_credit:
                self.problem(
                    n,
                    L.INVOICE_NUMBER,
                    "invoice_number_missing",
                    _("The row has no invoice number."),
                )
                return None
            number = f"CR-{issue:%Y%m%d}-{abs(open_amount)}"
            seen = self.credit_numbers.get(f"{code}\x00{number}", 0) + 1
            self.credit_numbers[f"{code}\x00{number}"] = seen
            number = number if seen == 1 else f"{number}-{seen}"
            self.problem(
                n,
                L.INVOICE_NUMBER,
                "credit_without_number",
                msg(
                    _("Credit without a number; it is recorded as %(number)s."), {"number": number}
                ),
                WARNING,
            )
        number = number[:64]
        if not self._line_items:
            key = hash((code, number))
            if key in self.seen:
                self.problem(
                    n,
                    L.INVOICE_NUMBER,
                    "duplicate_invoice",
                    msg(
                        _("Invoice %(number)s of %(debtor)s appears more than once in the file."),
                        {"number": number, "debtor": name},
                    ),
                )
                return None
            self.seen.add(key)
        return InvoiceRecord(
            debtor_code=code,
            debtor_name=name,
            invoice_number=number,
            issue_date=issue,
            due_date=due,
            amount=amount,
            open_amount=open_amount,
            currency=self.currency(row),
            is_credit=is_credit,
            is_synthetic=False,
            bucket=self.group if self.group_kind == "bucket" else None,
            row_number=n,
            code_from_name=derived,
        )

    def _amounts_ok(self, n, kind, amount, open_amount, typed_credit) -> bool:
        cap = self.options.max_amount
        if abs(amount) > cap or abs(open_amount) > cap:
            self.problem(
                n,
                L.OPEN_AMOUNT,
                "amount_absurd",
                msg(
                    _("The amount %(amount)s is above the limit of %(cap)s; check the file."),
                    {"amount": max(abs(amount), abs(open_amount)), "cap": cap},
                ),
            )
            return False
        if (amount < 0) != (open_amount < 0) and open_amount != 0:
            self.problem(
                n,
                L.OPEN_AMOUNT,
                "sign_mismatch",
                _("The amount and the open balance have opposite signs."),
            )
            return False
        if amount < 0 and kind and INVOICE_TYPE.match(kind) and not typed_credit:
            self.problem(
                n,
                L.AMOUNT,
                "negative_invoice",
                _("An invoice cannot have a negative amount; credits must be credit notes."),
            )
            return False
        if abs(open_amount) > abs(amount):
            self.problem(
                n,
                L.OPEN_AMOUNT,
                "open_exceeds_amount",
                _("The open balance is larger than the invoice amount."),
            )
            return False
        return True

    def _dates_ok(self, n, issue, due) -> bool:
        as_of, ceiling = self.result.as_of, self._date_ceiling
        floor = self._date_floor
        in_range = ceiling is None or (issue <= ceiling and due <= ceiling)
        if issue >= floor and due >= floor and in_range and due >= issue:
            return True  # the common case, without building messages
        options = self.options
        for name, value in ((L.ISSUE_DATE, issue), (L.DUE_DATE, due)):
            if value.year < options.min_year:
                self.problem(
                    n,
                    name,
                    "date_too_old",
                    msg(_("The date %(date)s is implausibly old."), {"date": value.isoformat()}),
                )
                return False
            if as_of and value > as_of + dt.timedelta(days=options.max_future_days):
                self.problem(
                    n,
                    name,
                    "date_future",
                    msg(
                        _(
                            "The date %(date)s is too far in the future "
                            "for a report as of %(as_of)s."
                        ),
                        {"date": value.isoformat(), "as_of": as_of.isoformat()},
                    ),
                )
                return False
        if due < issue:
            self.problem(
                n, L.DUE_DATE, "due_before_issue", _("The due date is before the invoice date.")
            )
            return False
        return True

    def _collapse(self, record: InvoiceRecord, items: dict) -> None:
        key = (record.debtor_code, record.invoice_number)
        first = items.get(key)
        if first is None:
            items[key] = record
            return
        if (first.open_amount, first.amount, first.due_date) != (
            record.open_amount,
            record.amount,
            record.due_date,
        ):
            self.problem(
                record.row_number,
                L.OPEN_AMOUNT,
                "line_items_disagree",
                msg(
                    _(
                        "Line items of invoice %(number)s disagree on its total, balance "
                        "or due date (see row %(row)d)."
                    ),
                    {"number": record.invoice_number, "row": first.row_number},
                ),
            )

    # ------------------------------------------------------------------ summaries

    def _summary_row(self, row, n, summary: dict) -> None:
        debtor = self._debtor(row, n)
        values = []
        try:
            for index, _label, _bucket in self.buckets:
                values.append(self.amount(row, n, L.TOTAL, index=index) or Decimal(0))
            total = self.amount(row, n, L.TOTAL)
        except AmountError:
            return
        if debtor is None:
            return
        values = [_money(v) for v in values]
        if total is not None and self.buckets and _money(total) != sum(values, Decimal(0)):
            self.problem(
                n,
                L.TOTAL,
                "row_total_mismatch",
                msg(
                    _("The buckets add up to %(sum)s but the row total is %(total)s."),
                    {"sum": sum(values, Decimal(0)), "total": _money(total)},
                ),
            )
        if not self.buckets and total is not None:
            values = [_money(total)]
        cap = self.options.max_amount
        if any(abs(v) > cap for v in values):
            self.problem(
                n,
                L.TOTAL,
                "amount_absurd",
                msg(
                    _("An amount on this row is above the limit of %(cap)s; check the file."),
                    {"cap": cap},
                ),
            )
            return
        code, name, derived = debtor
        if self.group is not None:
            self.group_sum += sum(values, Decimal(0))
        entry = summary.get(code)
        if entry is None:
            summary[code] = [name, n, derived, self.currency(row), values]
        else:
            entry[4] = [a + b for a, b in zip(entry[4], values, strict=True)]

    def _synthetic(self, summary: dict) -> Iterator[InvoiceRecord]:
        as_of = self.result.as_of
        if as_of is None:
            return
        buckets = self.buckets or [(None, str(_("Total")), Bucket(0, 0))]
        numbers: list[str] = []
        for _i, _label, bucket in buckets:  # "Future" and "Current" are both (0, 0)
            number = f"AGING-{bucket_key(bucket)}"
            numbers.append(number if number not in numbers else f"{number}-{len(numbers) + 1}")
        for code, (name, n, derived, currency, values) in summary.items():
            for (_i, label, bucket), number, value in zip(buckets, numbers, values, strict=True):
                if value == 0:
                    continue
                due = as_of - dt.timedelta(days=bucket.min_days)
                yield InvoiceRecord(
                    debtor_code=code,
                    debtor_name=name,
                    invoice_number=number,
                    issue_date=due,
                    due_date=due,
                    amount=value,
                    open_amount=value,
                    currency=currency,
                    is_credit=value < 0,
                    is_synthetic=True,
                    bucket=label,
                    row_number=n,
                    code_from_name=derived,
                )

    # ------------------------------------------------------------------ totals

    def _row_total(self, row, n) -> Decimal | None:
        """The amount a total row states: the open column, or a summary's total."""
        if self.preset.kind == SUMMARY:
            total = self.amount(row, n, L.TOTAL)
            if total is None and self.buckets:
                total = sum(
                    (self.amount(row, n, L.TOTAL, index=i) or Decimal(0))
                    for i, _l, _b in self.buckets
                )
            return total
        return self.amount(row, n, L.OPEN_AMOUNT)

    def _subtotal(self, row, n) -> None:
        """Check a group's subtotal (``Total for X``, ``Total - X``, ``Total X``)
        against its rows, unless rows of the group already had errors."""
        if self.group is None or self.result.counts.get("errors", 0) != self.group_errors:
            return
        try:
            stated = self._row_total(row, n)
        except AmountError:
            return
        if stated is None or _money(stated) == self.group_sum:
            return
        severity = WARNING if self.preset.reconcile == RECONCILE_WARNING else ERROR
        self.problem(
            n,
            None,
            "subtotal_mismatch",
            msg(
                _("The rows of “%(group)s” add up to %(parsed)s but its total row says %(total)s."),
                {"group": self.group, "parsed": self.group_sum, "total": _money(stated)},
            ),
            severity,
        )

    def _grand_total(self, row, n) -> None:
        try:
            total = self._row_total(row, n)
        except AmountError:
            return
        if total is not None:
            self.report_total = (_money(total), n)

    def _reconcile(self) -> None:
        result = self.result
        if self.report_total is None:
            return
        total, n = self.report_total
        if len(result.totals) > 1:
            self.problem(
                n,
                None,
                "total_mixed_currencies",
                _("The report mixes currencies, so its total cannot be checked."),
                WARNING,
            )
            return
        parsed = sum(result.totals.values(), Decimal(0))
        severity = WARNING if self.preset.reconcile == RECONCILE_WARNING else ERROR
        result.reconciliation = Reconciliation(total, parsed, n, severity)
        if parsed != total and result.counts.get("errors", 0) == 0:
            self.problem(
                n,
                None,
                "total_mismatch",
                msg(
                    _(
                        "The rows add up to %(parsed)s but the report's own total is %(total)s "
                        "(difference %(diff)s)."
                    ),
                    {"parsed": parsed, "total": total, "diff": parsed - total},
                ),
                severity,
            )


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
        if result.as_of is None:
            parser.problem(
                None,
                None,
                "as_of_missing",
                _("The report does not say which date it is as of. Please enter the as-of date."),
            )
        if parser.preset.kind != SUMMARY and L.DUE_DATE not in parser.columns:
            parser.problem(
                None,
                None,
                "due_date_missing",
                _(
                    "The report has no due date column; due dates come from the age or the "
                    "invoice date."
                ),
                WARNING,
            )
        if result.currency is None and L.CURRENCY not in parser.columns:
            parser.problem(
                None,
                None,
                "currency_missing",
                _("The report has no currency column; the debtors' own currency will be used."),
                WARNING,
            )
        with _fewer_gc_passes():
            if sink is None:
                deque(parser.run(numbered), maxlen=0)
            else:
                for record in parser.run(numbered):
                    sink(record)
        if result.counts.get("data_rows", 0) == 0:
            parser.problem(None, None, "no_data_rows", _("The report has no invoice rows."))
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

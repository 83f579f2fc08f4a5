"""Setting up a parse: find the header row, pick the preset, map the columns
(the preset's and the user's mapping over what the labels say), read the as-of
date from the title block, infer the number and date formats from a sample,
and say which expected columns the report lacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import chain, islice

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import WARNING, ImportRefused, msg
from .parse_cells import RowReader, _text
from .presets import SUMMARY, detect_preset, resolve_mapping
from .values import infer_date_order, infer_decimal_separator

HEADER_SCAN_ROWS = 60
SAMPLE_ROWS = 2000


def find_report_header(head: list[list], mapping: dict | None) -> L.Header:
    """The header among the first rows: detected, or the one a saved mapping
    names (by its labels or its ``header_row``); refuses a file without one."""
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
    return header


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


class HeaderSetup(RowReader):
    def prepare(self, rows: Iterator[list], mapping, as_of) -> Iterator[tuple[int, list]]:
        """Locate the header, decide options; return the numbered body rows."""
        head = list(islice(rows, HEADER_SCAN_ROWS))
        if not any(any(c not in (None, "") for c in row) for row in head):
            raise ImportRefused("empty_file", _("The file has no rows."))
        header = find_report_header(head, mapping)
        title = head[: header.index]
        L.refuse_payables(title, header)
        self._choose_preset(header, title)
        self._map_columns(header, mapping)
        self._read_title(title, as_of)
        start = header.index + header.height
        body = chain(head[start:], rows)
        sample = list(islice(body, SAMPLE_ROWS))
        self._infer_formats(sample)
        return enumerate(chain(sample, body), start=start + 1)

    def _choose_preset(self, header: L.Header, title: list[list]) -> None:
        """The preset asked for, else the one the header and title look like."""
        result, preset = self.result, self.preset
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

    def _map_columns(self, header: L.Header, mapping: dict | None) -> None:
        """Field -> column: the labels', then the preset's, then the user's."""
        result, preset = self.result, self.preset
        columns = dict(header.columns)
        if preset.mapping:
            columns.update(resolve_mapping(preset.mapping, header.labels))
        if mapping:  # the user's choice wins, also over a detected use of the same column
            chosen = resolve_mapping(mapping, header.labels)
            taken = set(chosen.values())
            columns = {f: i for f, i in columns.items() if i not in taken} | chosen
        self._resolve_totals(columns, header)
        self.columns, self.header = columns, header
        self.buckets = header.buckets
        self._check_required()
        result.header_row = header.index + 1
        result.columns = {name: header.label(i) or f"#{i + 1}" for name, i in columns.items()}
        result.buckets = [(label, b.min_days, b.max_days) for _i, label, b in self.buckets]

    def _read_title(self, title: list[list], as_of: dt.date | None) -> None:
        """The as-of date (the user's wins over the title's) and the aging basis."""
        result = self.result
        file_as_of = L.find_as_of(title)
        result.aging_basis = L.find_aging_basis(title)
        if as_of is not None:
            result.as_of, result.as_of_source = as_of, "user"
        elif file_as_of is not None:
            result.as_of, result.as_of_source = file_as_of, "file"

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

    def report_missing(self) -> None:
        """File-level problems: no as-of date, no due date or currency column."""
        result, columns = self.result, self.columns
        if result.as_of is None:
            self.problem(
                None,
                None,
                "as_of_missing",
                _("The report does not say which date it is as of. Please enter the as-of date."),
            )
        if self.preset.kind != SUMMARY and L.DUE_DATE not in columns:
            self.problem(
                None,
                None,
                "due_date_missing",
                _(
                    "The report has no due date column; due dates come from the age or the "
                    "invoice date."
                ),
                WARNING,
            )
        if result.currency is None and L.CURRENCY not in columns:
            self.problem(
                None,
                None,
                "currency_missing",
                _("The report has no currency column; the debtors' own currency will be used."),
                WARNING,
            )

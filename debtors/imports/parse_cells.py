"""The base of the report parser: the state one parse shares, and reading the
cells of a row (amounts, dates, currencies, with fast paths for the common
plain values) while logging every problem found."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from operator import itemgetter

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import ERROR, Problem, msg
from .parse_result import ParseOptions, ParseResult
from .presets import LINE_ITEMS, Preset
from .reading import Table
from .values import AmountError, Bucket, DateError, parse_amount, parse_date

CENT = Decimal("0.01")
CURRENCY_ALIASES = {"RMB": "CNY", "¥": "CNY", "￥": "CNY", "元": "CNY", "人民币": "CNY"}
CURRENCY_ALIASES |= {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "美元": "USD"}


_NOTHING = object()  # equal to no cell


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


class RowReader:
    """What every part of the parser shares; the parts are mixins of it, put
    together in ``parse._Parser``."""

    # Set up by HeaderSetup.prepare.
    columns: dict[str, int]  # field -> column index
    header: L.Header
    buckets: list[tuple[int, str, Bucket]]
    # State of one pass over the rows, reset by _Parser.run.
    names: dict[str, tuple[str, int]]  # debtor code -> (name, first row)
    seen: set[int]  # hashes of (debtor code, invoice number)
    credit_numbers: dict[str, int]
    report_total: tuple[Decimal, int] | None
    group: str | None  # the group header (customer or bucket) the rows are under
    group_kind: str | None
    group_debtor: tuple[str | None, str] | None
    group_sum: Decimal
    group_errors: int

    def __init__(self, table: Table, result: ParseResult, options: ParseOptions, preset: Preset):
        self.table, self.result, self.options, self.preset = table, result, options, preset

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

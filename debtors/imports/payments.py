"""Payment files (bank or ledger exports): read the lines, then match them.

``parse_payment_file`` finds the header (see ``payment_columns``) and reads each
incoming payment (date, amount, reference text, payer, customer code, invoice
numbers). It touches no database. ``match_payment_lines`` (in
``payment_matching``, re-exported here) decides, set-based, which debtor (and
which invoices) each line pays, and says how.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from collections_crm.lib.money import quantize_money

from .errors import WARNING, ImportRefused, Problem, msg
from .layout import norm, subtotal_kind
from .payment_columns import (
    AMOUNT,
    CUSTOMER_CODE,
    DATE,
    DEBIT,
    DIRECTION,
    INVOICE,
    PAYER,
    REFERENCE,
    PaymentColumns,
    classify_payment_header,
    find_payment_header,
)
from .payment_matching import (
    HOW_AMOUNT_AND_NAME,
    HOW_CODE_EXACT,
    HOW_CODE_OLDEST,
    HOW_INVOICE_COLUMN,
    HOW_INVOICE_IN_TEXT,
    HOW_LABELS,
    HOW_MANUAL,
    HOW_NAME_EXACT,
    HOW_NAME_OLDEST,
    MAX_INVOICE_NUMBER,
    WORD_ENDS,
    WORD_STARTS,
    LineMatch,
    OpenBook,
    match_payment_lines,
)
from .reading import ReadLimits, Table, open_table
from .values import (
    AmountError,
    DateError,
    infer_date_order,
    infer_decimal_separator,
    parse_amount,
    parse_date,
)

__all__ = [
    "AMOUNT",
    "CUSTOMER_CODE",
    "DATE",
    "DEBIT",
    "DIRECTION",
    "HOW_AMOUNT_AND_NAME",
    "HOW_CODE_EXACT",
    "HOW_CODE_OLDEST",
    "HOW_INVOICE_COLUMN",
    "HOW_INVOICE_IN_TEXT",
    "HOW_LABELS",
    "HOW_MANUAL",
    "HOW_NAME_EXACT",
    "HOW_NAME_OLDEST",
    "INVOICE",
    "INVOICE_SPLIT",
    "MAX_INVOICE_NUMBER",
    "MAX_LINES",
    "PAYER",
    "REFERENCE",
    "REFERENCE_MAX",
    "WORD_ENDS",
    "WORD_STARTS",
    "LineMatch",
    "OpenBook",
    "PaymentColumns",
    "PaymentLine",
    "PaymentParse",
    "classify_payment_header",
    "find_payment_header",
    "line_import_reference",
    "match_payment_lines",
    "parse_payment_file",
]

HEADER_SCAN_ROWS = 60
# The commit records each line with payment_record (about 30 ms a line on our
# build machines) synchronously in the request; bank exports are far smaller.
MAX_LINES = 5_000
REFERENCE_MAX = 128  # Payment.reference
INVOICE_SPLIT = re.compile(r"[,;，；、\s]+")
# Values of a direction column that mark money going out.
DEBIT_MARKERS = {"dr", "d", "debit", "db", "out", "借", "借方", "支", "支出", "付", "付款", "出"}


@dataclass
class PaymentLine:
    row: int
    received_on: dt.date
    amount: Decimal
    reference: str
    payer: str
    customer_code: str
    invoice_numbers: list[str]
    import_reference: str


@dataclass
class PaymentParse:
    columns: PaymentColumns | None
    lines: list[PaymentLine]
    problems: list[Problem]
    file_kind: str = ""
    encoding: str | None = None
    skipped: int = 0


def line_import_reference(
    *, file_sha256: str, row: int, received_on: dt.date, amount: Decimal, reference: str
) -> str:
    """Stable per line of one file: the same file never records a payment twice."""
    key = f"{file_sha256}|{row}|{received_on.isoformat()}|{amount}|{reference}"
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def _cell(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_payment_file(
    source, *, filename: str, file_sha256: str, limits: ReadLimits | None = None
) -> PaymentParse:
    """Read a payment file; raises :class:`ImportRefused` for a file we cannot use."""
    table = open_table(source, filename=filename, limits=limits)
    rows = _all_rows(table)
    columns = _payment_columns(rows[:HEADER_SCAN_ROWS])
    body = rows[columns.header_row :]
    reader = _LineReader(columns, body, date1904=table.date1904, file_sha256=file_sha256)
    lines: list[PaymentLine] = []
    problems: list[Problem] = []  # one warning per skipped line
    for offset, row in enumerate(body):
        outcome = reader.read(row, columns.header_row + offset + 1)
        if isinstance(outcome, PaymentLine):
            lines.append(outcome)
        elif outcome is not None:
            problems.append(outcome)
    return PaymentParse(
        columns=columns,
        lines=lines,
        problems=problems,
        file_kind=table.kind,
        encoding=table.encoding,
        skipped=len(problems),
    )


def _all_rows(table: Table) -> list[list]:
    """The table's rows, refusing a file with more than :data:`MAX_LINES` lines."""
    rows = []
    for row in table.rows():
        rows.append(row)
        if len(rows) > MAX_LINES + HEADER_SCAN_ROWS:
            raise ImportRefused(
                "too_many_lines",
                msg(
                    _("A payment file may have at most %(n)d lines; split it and upload each."),
                    {"n": MAX_LINES},
                ),
            )
    return rows


def _payment_columns(head: list[list]) -> PaymentColumns:
    """The header, refusing a file without an amount and a date column."""
    columns = find_payment_header(head)
    if columns is None or AMOUNT not in columns.roles:
        raise ImportRefused(
            "no_amount_column",
            _(
                "No amount column was found, so this is not a payment file we can read. "
                "The header needs an amount column (Amount, Credit, 贷方金额, 收入金额 or 金额) "
                "and a date column."
            ),
        )
    if DATE not in columns.roles:
        raise ImportRefused(
            "no_date_column",
            _(
                "No date column was found. The header needs a date column "
                "(Date, Value date, Posting date, 交易日期 or 收款日期)."
            ),
        )
    return columns


class _LineReader:
    """Reads the body rows of one payment file, with the formats its amount and
    date columns use."""

    def __init__(self, columns: PaymentColumns, body: list[list], *, date1904, file_sha256):
        roles = columns.roles
        self.columns, self.roles = columns, roles
        self.amount_col, self.debit_col, self.date_col = (
            roles[AMOUNT],
            roles.get(DEBIT),
            roles[DATE],
        )
        self.decimal = infer_decimal_separator(_cell(r, self.amount_col) for r in body[:2000])
        self.order = infer_date_order(_cell(r, self.date_col) for r in body[:2000])
        self.amount_label = columns.labels[self.amount_col]
        self.date_label = columns.labels[self.date_col]
        self.header_labels = [norm(label) for label in columns.labels if label]
        self.date1904, self.file_sha256 = date1904, file_sha256

    def read(self, row: list, row_number: int) -> PaymentLine | Problem | None:
        """The row's incoming payment; or a warning saying why the line is
        skipped; or None for a row that is no payment (blank, a total, the
        header repeated, a note)."""
        texts = [_text(c) for c in row]
        if not any(texts):
            return None
        first_text = next((t for t in texts if t), "")
        if subtotal_kind(first_text, None) or [norm(t) for t in texts if t] == self.header_labels:
            return None  # totals and repeated headers
        amount = self._amount(row, row_number)
        if not isinstance(amount, Decimal):
            return amount
        try:
            received_on = parse_date(
                _cell(row, self.date_col), order=self.order, date1904=self.date1904
            )
        except DateError:
            received_on = None
        if received_on is None:
            return self._skip(
                row_number,
                self.date_label,
                "bad_date",
                msg(
                    _("“%(value)s” is not a date; the line is skipped."),
                    {"value": _text(_cell(row, self.date_col))},
                ),
            )
        return self._line(row, row_number, received_on, quantize_money(amount))

    def _amount(self, row: list, row_number: int) -> Decimal | Problem | None:
        """The incoming amount, or why the row has none (None: a note or footer)."""
        raw_amount = _cell(row, self.amount_col)
        try:
            amount = parse_amount(raw_amount, decimal=self.decimal)
            debit = (
                parse_amount(_cell(row, self.debit_col), decimal=self.decimal)
                if self.debit_col is not None
                else None
            )
        except AmountError:
            return self._skip(
                row_number,
                self.amount_label,
                "bad_amount",
                msg(_("“%(value)s” is not an amount; the line is skipped."), {"value": raw_amount}),
            )
        direction = _text(_cell(row, self.roles.get(DIRECTION))).casefold().rstrip(".")
        if ((amount is None or amount == 0) and debit) or direction in DEBIT_MARKERS:
            marker = self.roles[DIRECTION] if direction in DEBIT_MARKERS else self.debit_col
            return self._skip(
                row_number,
                self.columns.labels[marker],
                "debit",
                _("A debit (money going out) is not an incoming payment; the line is skipped."),
            )
        if amount is None or amount == 0:
            if _cell(row, self.date_col) in (None, ""):
                return None  # a note or footer line
            return self._skip(
                row_number, self.amount_label, "no_amount", _("No amount; the line is skipped.")
            )
        if amount < 0:
            return self._skip(
                row_number,
                self.amount_label,
                "negative",
                _(
                    "A negative amount (a debit or refund) is not an incoming payment; "
                    "the line is skipped."
                ),
            )
        return amount

    @staticmethod
    def _skip(row_number: int, column: str | None, code: str, message) -> Problem:
        return Problem(row_number, column, code, message, WARNING)

    def _line(
        self, row: list, row_number: int, received_on: dt.date, amount: Decimal
    ) -> PaymentLine:
        roles = self.roles
        reference = " / ".join(
            t for t in (_text(_cell(row, i)) for i in self.columns.reference_columns) if t
        )
        invoice_text = _text(_cell(row, roles.get(INVOICE)))
        return PaymentLine(
            row=row_number,
            received_on=received_on,
            amount=amount,
            reference=reference,
            payer=_text(_cell(row, roles.get(PAYER))),
            customer_code=_text(_cell(row, roles.get(CUSTOMER_CODE))),
            invoice_numbers=[n for n in INVOICE_SPLIT.split(invoice_text) if n],
            import_reference=line_import_reference(
                file_sha256=self.file_sha256,
                row=row_number,
                received_on=received_on,
                amount=amount,
                reference=reference,
            ),
        )

"""Payment files (bank or ledger exports): read the lines, then match them.

``parse_payment_file`` finds the header and reads each incoming payment (date,
amount, reference text, payer, customer code, invoice numbers). It touches no
database. ``match_payment_lines`` decides, set-based, which debtor (and which
invoices) each line pays, and says how:

1. an invoice number: from an invoice column, or an open invoice number found
   in the reference text (word-boundary match);
2. the debtor: a customer code column, or a payer name equal to a debtor's code
   or name; then an open invoice of exactly that amount, else oldest first;
3. the amount: no debtor found, but exactly one open invoice in the whole book
   has that open amount and its debtor's name looks like the payer's.

Everything else is left unmatched, with the reason, for manual matching.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from collections_crm.money import quantize_money

from ..models import Debtor, Invoice, Payment
from .errors import WARNING, ImportRefused, Problem, msg
from .layout import _header_like, norm, subtotal_kind
from .reading import ReadLimits, open_table
from .values import (
    AmountError,
    DateError,
    infer_date_order,
    infer_decimal_separator,
    parse_amount,
    parse_date,
)

# Column roles of a payment file.
DATE = "date"
AMOUNT = "amount"
DEBIT = "debit"
REFERENCE = "reference"
PAYER = "payer"
CUSTOMER_CODE = "customer_code"
INVOICE = "invoice"
DIRECTION = "direction"  # a debit/credit marker column beside a single amount column

# Label -> (role, rank). A lower rank wins when two columns claim the same role,
# so "Credit amount" beats a generic "Amount".
_LABELS: dict[str, tuple[str, int]] = {}
for _role, _rank, _names in (
    (DATE, 0, ("value date", "收款日期", "交易日期", "入账日期", "到账日期")),
    (DATE, 1, ("date", "posting date", "transaction date", "booking date", "日期", "记账日期")),
    (
        AMOUNT,
        0,
        ("credit", "credit amount", "credits", "cr", "paid in", "money in", "贷方金额"),
    ),
    (AMOUNT, 0, ("收入金额", "收入", "贷方", "贷方发生额", "收款金额", "入账金额")),
    (AMOUNT, 1, ("amount", "payment amount", "received", "金额", "交易金额")),
    (DEBIT, 0, ("debit", "debit amount", "debits", "dr", "paid out", "money out")),
    (DEBIT, 0, ("借方金额", "支出金额", "支出", "借方", "借方发生额", "付款金额")),
    (
        REFERENCE,
        0,
        ("reference", "ref", "ref.", "description", "narrative", "memo", "details"),
    ),
    (REFERENCE, 0, ("remittance info", "remittance information", "payment reference")),
    (REFERENCE, 0, ("摘要", "附言", "用途", "备注", "交易附言")),
    (PAYER, 0, ("payer", "payer name", "counterparty", "counterparty name", "付款人")),
    (PAYER, 0, ("对方户名", "付款人名称", "对方名称", "付款单位")),
    (PAYER, 1, ("customer", "customer name", "name", "客户名称", "客户")),
    (CUSTOMER_CODE, 0, ("customer code", "customer id", "customer no", "customer no.")),
    (CUSTOMER_CODE, 0, ("customer number", "debtor code", "客户编码", "客户代码", "客户编号")),
    (CUSTOMER_CODE, 1, ("account", "account no", "account code")),
    (DIRECTION, 0, ("dr/cr", "cr/dr", "debit/credit", "credit/debit", "d/c", "c/d")),
    (DIRECTION, 0, ("借贷标志", "借贷方向", "借贷", "收支标志", "收支方向", "收/支", "借/贷")),
    (DIRECTION, 1, ("type", "transaction type", "direction", "方向")),
    (INVOICE, 0, ("invoice", "invoice no", "invoice no.", "invoice number", "invoice #")),
    (INVOICE, 0, ("invoice numbers", "invoices", "发票号", "发票号码", "发票编号")),
):
    for _name in _names:
        _LABELS[_name] = (_role, _rank)

HEADER_SCAN_ROWS = 60
# The commit records each line with payment_record (about 30 ms a line on our
# build machines) synchronously in the request; bank exports are far smaller.
MAX_LINES = 5_000
REFERENCE_MAX = 128  # Payment.reference
INVOICE_SPLIT = re.compile(r"[,;，；、\s]+")
# Word boundaries, Unicode and ASCII: Chinese memos run numbers into the text
# ("货款INV-2已付"), so a change between Chinese and Latin letters is one too.
WORD_STARTS = (re.compile(r"\b\w"), re.compile(r"\b\w", re.ASCII))
WORD_ENDS = (re.compile(r"\w\b"), re.compile(r"\w\b", re.ASCII))
MAX_INVOICE_NUMBER = 64  # Invoice.number
# Values of a direction column that mark money going out.
DEBIT_MARKERS = {"dr", "d", "debit", "db", "out", "借", "借方", "支", "支出", "付", "付款", "出"}


@dataclass
class PaymentColumns:
    header_row: int  # 1-based, as a spreadsheet shows it
    labels: list[str]
    roles: dict[str, int]  # role -> first column index
    reference_columns: list[int] = field(default_factory=list)

    def label(self, role: str) -> str | None:
        index = self.roles.get(role)
        return None if index is None else self.labels[index]


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


def classify_payment_header(labels: list[str]) -> dict[str, list[tuple[int, int]]]:
    """role -> [(rank, column)] for every label we know."""
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for index, raw in enumerate(labels):
        hit = _LABELS.get(norm(raw))
        if hit is not None:
            found[hit[0]].append((hit[1], index))
    return found


def find_payment_header(rows: list[list]) -> PaymentColumns | None:
    """The first row (of the title block's best) naming an amount and at least
    two other known columns."""
    best: tuple[int, int, list[str], dict] | None = None
    for index, row in enumerate(rows):
        if not _header_like(row):
            continue
        labels = ["" if c is None else str(c).strip() for c in row]
        found = classify_payment_header(labels)
        score = len(found) + (3 if AMOUNT in found else 0)
        if len(found) >= 2 and (best is None or score > best[0]):
            best = (score, index, labels, found)
    if best is None:
        return None
    _score, index, labels, found = best
    roles = {role: min(hits)[1] for role, hits in found.items()}
    references = sorted(col for _rank, col in found.get(REFERENCE, []))
    return PaymentColumns(
        header_row=index + 1, labels=labels, roles=roles, reference_columns=references
    )


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
    columns = find_payment_header(rows[:HEADER_SCAN_ROWS])
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
    body = rows[columns.header_row :]
    roles = columns.roles
    amount_col, debit_col, date_col = roles[AMOUNT], roles.get(DEBIT), roles[DATE]
    decimal = infer_decimal_separator(_cell(r, amount_col) for r in body[:2000])
    order = infer_date_order(_cell(r, date_col) for r in body[:2000])
    amount_label, date_label = columns.labels[amount_col], columns.labels[date_col]
    header_labels = [norm(label) for label in columns.labels if label]

    lines: list[PaymentLine] = []
    problems: list[Problem] = []
    skipped = 0

    def warn(row_number, column, code, message):
        nonlocal skipped
        skipped += 1
        problems.append(Problem(row_number, column, code, message, WARNING))

    for offset, row in enumerate(body):
        row_number = columns.header_row + offset + 1
        texts = [_text(c) for c in row]
        if not any(texts):
            continue
        first_text = next((t for t in texts if t), "")
        if subtotal_kind(first_text, None) or [norm(t) for t in texts if t] == header_labels:
            continue  # totals and repeated headers
        raw_amount, raw_debit = _cell(row, amount_col), _cell(row, debit_col)
        try:
            amount = parse_amount(raw_amount, decimal=decimal)
            debit = parse_amount(raw_debit, decimal=decimal) if debit_col is not None else None
        except AmountError:
            warn(
                row_number,
                amount_label,
                "bad_amount",
                msg(_("“%(value)s” is not an amount; the line is skipped."), {"value": raw_amount}),
            )
            continue
        direction = _text(_cell(row, roles.get(DIRECTION))).casefold().rstrip(".")
        if ((amount is None or amount == 0) and debit) or direction in DEBIT_MARKERS:
            warn(
                row_number,
                columns.labels[roles[DIRECTION] if direction in DEBIT_MARKERS else debit_col],
                "debit",
                _("A debit (money going out) is not an incoming payment; the line is skipped."),
            )
            continue
        if amount is None or amount == 0:
            if _cell(row, date_col) in (None, ""):
                continue  # a note or footer line
            warn(row_number, amount_label, "no_amount", _("No amount; the line is skipped."))
            continue
        if amount < 0:
            warn(
                row_number,
                amount_label,
                "negative",
                _(
                    "A negative amount (a debit or refund) is not an incoming payment; "
                    "the line is skipped."
                ),
            )
            continue
        try:
            received_on = parse_date(_cell(row, date_col), order=order, date1904=table.date1904)
        except DateError:
            received_on = None
        if received_on is None:
            warn(
                row_number,
                date_label,
                "bad_date",
                msg(
                    _("“%(value)s” is not a date; the line is skipped."),
                    {"value": _text(_cell(row, date_col))},
                ),
            )
            continue
        amount = quantize_money(amount)
        reference = " / ".join(
            t for t in (_text(_cell(row, i)) for i in columns.reference_columns) if t
        )
        invoice_text = _text(_cell(row, roles.get(INVOICE)))
        lines.append(
            PaymentLine(
                row=row_number,
                received_on=received_on,
                amount=amount,
                reference=reference,
                payer=_text(_cell(row, roles.get(PAYER))),
                customer_code=_text(_cell(row, roles.get(CUSTOMER_CODE))),
                invoice_numbers=[n for n in INVOICE_SPLIT.split(invoice_text) if n],
                import_reference=line_import_reference(
                    file_sha256=file_sha256,
                    row=row_number,
                    received_on=received_on,
                    amount=amount,
                    reference=reference,
                ),
            )
        )
    return PaymentParse(
        columns=columns,
        lines=lines,
        problems=problems,
        file_kind=table.kind,
        encoding=table.encoding,
        skipped=skipped,
    )


# --------------------------------------------------------------------------- matching

HOW_INVOICE_COLUMN = "invoice_column"
HOW_INVOICE_IN_TEXT = "invoice_in_reference"
HOW_CODE_EXACT = "customer_code_exact_amount"
HOW_CODE_OLDEST = "customer_code_oldest_first"
HOW_NAME_EXACT = "payer_name_exact_amount"
HOW_NAME_OLDEST = "payer_name_oldest_first"
HOW_AMOUNT_AND_NAME = "amount_and_payer_name"
HOW_MANUAL = "manual"

HOW_LABELS = {
    HOW_INVOICE_COLUMN: _("Invoice number column"),
    HOW_INVOICE_IN_TEXT: _("Invoice number in the reference"),
    HOW_CODE_EXACT: _("Customer code; invoice of exactly this amount"),
    HOW_CODE_OLDEST: _("Customer code; oldest invoices first"),
    HOW_NAME_EXACT: _("Payer name; invoice of exactly this amount"),
    HOW_NAME_OLDEST: _("Payer name; oldest invoices first"),
    HOW_AMOUNT_AND_NAME: _("Only open invoice of this amount, payer name alike"),
    HOW_MANUAL: _("Matched by hand"),
}


@dataclass
class LineMatch:
    line: PaymentLine
    debtor_id: int | None = None
    invoice_numbers: list[str] = field(default_factory=list)  # named to payment_record
    allocated: list[str] = field(default_factory=list)  # what the allocation will touch
    how: str | None = None
    reason: object = None  # why unmatched (a lazy string or Message)

    @property
    def matched(self) -> bool:
        return self.debtor_id is not None


@dataclass
class _OpenInvoice:
    id: int
    debtor_id: int
    number: str
    payable: Decimal  # open minus disputed: what payment_record will allocate
    open_amount: Decimal
    sort_key: tuple


def _key(text: str) -> str:
    """Trimmed, single-spaced, lower case: as the database's LOWER() compares."""
    return " ".join(text.split()).lower()


class OpenBook:
    """Every open invoice, loaded once (one query), indexed by number, debtor
    and open amount. Allocation is simulated as lines are matched, so two
    payments of 500 meet two different invoices of 500."""

    def __init__(self):
        self.by_number: dict[str, list[_OpenInvoice]] = defaultdict(list)
        self.by_debtor: dict[int, list[_OpenInvoice]] = defaultdict(list)
        self.by_amount: dict[Decimal, list[_OpenInvoice]] = defaultdict(list)
        rows = (
            Invoice.objects.filter(open_amount__gt=0)
            .exclude(status=Invoice.Status.WRITTEN_OFF)
            .order_by("due_date", "issue_date", "number")
            .values_list("id", "debtor_id", "number", "open_amount", "disputed_amount", "due_date")
        )
        for pk, debtor_id, number, open_amount, disputed, due in rows:
            item = _OpenInvoice(
                id=pk,
                debtor_id=debtor_id,
                number=number,
                payable=open_amount - min(disputed, open_amount),
                open_amount=open_amount,
                sort_key=(due, number),
            )
            self.by_number[_key(number)].append(item)
            self.by_debtor[debtor_id].append(item)
            self.by_amount[open_amount].append(item)
        self.max_number_length = max((len(k) for k in self.by_number), default=0)

    def numbers_in_text(self, text: str) -> list[list[_OpenInvoice]]:
        """Open invoice numbers standing as whole words in ``text``; a number
        inside a longer one found there ("001" in "INV-001") does not count."""
        if not text or not self.by_number:
            return []
        folded = text.lower()
        starts = sorted({m.start() for rx in WORD_STARTS for m in rx.finditer(folded)})
        ends = sorted({m.end() for rx in WORD_ENDS for m in rx.finditer(folded)})
        limit = min(self.max_number_length, MAX_INVOICE_NUMBER)
        spans = []
        for i in starts:
            for j in ends[bisect_right(ends, i) : bisect_right(ends, i + limit)]:
                if folded[i:j] in self.by_number:
                    spans.append((i, j))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        kept, seen = [], set()
        for i, j in spans:
            if any(a <= i and j <= b for a, b in kept):
                continue
            kept.append((i, j))
            if folded[i:j] not in seen:
                seen.add(folded[i:j])
        return [self.by_number[k] for k in sorted(seen, key=folded.index)]

    def allocate(self, debtor_id: int, amount: Decimal, first: list[_OpenInvoice]) -> list[str]:
        """Simulate payment_record: named invoices first, then oldest first."""
        named = {id(i) for i in first}
        order = first + [i for i in self.by_debtor.get(debtor_id, []) if id(i) not in named]
        touched, remaining = [], amount
        for item in order:
            if remaining <= 0:
                break
            share = min(item.payable, remaining)
            if share <= 0:
                continue
            item.payable -= share
            item.open_amount -= share
            remaining -= share
            touched.append(item.number)
        return touched

    def exact_amount(self, debtor_id: int, amount: Decimal) -> _OpenInvoice | None:
        for item in self.by_debtor.get(debtor_id, []):
            if item.open_amount == amount and item.payable == amount:
                return item
        return None


def _load_debtors(lines: list[PaymentLine]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Debtors named by the file's codes or payer names, in one query:
    (code -> id, name -> [ids]), both keyed case-insensitively."""
    codes = {_key(line.customer_code) for line in lines if line.customer_code}
    payers = {_key(line.payer) for line in lines if line.payer}
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    if not codes and not payers:
        return by_code, by_name
    wanted = codes | payers
    rows = (
        Debtor.objects.annotate(code_l=Lower("code"), name_l=Lower("name"))
        .filter(Q(code_l__in=wanted) | Q(name_l__in=payers))
        .values_list("id", "code", "name")
    )
    for pk, code, name in rows:
        by_code[_key(code)] = pk
        by_name[_key(name)].append(pk)
    return by_code, by_name


def _one_debtor(items: list[_OpenInvoice], prefer: int | None) -> int | None | str:
    debtors = {i.debtor_id for i in items}
    if len(debtors) == 1:
        return debtors.pop()
    if prefer in debtors:
        return prefer
    return "ambiguous"


def match_payment_lines(lines: list[PaymentLine]) -> list[LineMatch]:
    """Match every line; a fixed number of queries whatever the number of lines."""
    book = OpenBook()
    by_code, by_name = _load_debtors(lines)
    results = []
    amount_candidates: list[LineMatch] = []
    ambiguous: list[tuple[LineMatch, list[str], set[int]]] = []
    for line in lines:
        result = LineMatch(line=line)
        results.append(result)
        # The debtor the file names, if any: code column, else payer = code or name.
        named_debtor, named_how = None, None
        if line.customer_code and _key(line.customer_code) in by_code:
            named_debtor, named_how = by_code[_key(line.customer_code)], "code"
        elif line.payer:
            payer = _key(line.payer)
            if payer in by_code:
                named_debtor, named_how = by_code[payer], "code"
            elif len(by_name.get(payer, [])) == 1:
                named_debtor, named_how = by_name[payer][0], "name"

        # (a) invoice numbers: the column, else the reference text.
        groups = [
            book.by_number[_key(n)] for n in line.invoice_numbers if _key(n) in book.by_number
        ]
        how = HOW_INVOICE_COLUMN
        if not groups:
            groups, how = book.numbers_in_text(line.reference), HOW_INVOICE_IN_TEXT
        if groups:
            owners = {_one_debtor(g, named_debtor) for g in groups}
            if len(owners) == 1 and "ambiguous" not in owners:
                debtor_id = owners.pop()
                invoices = list(
                    {id(i): i for g in groups for i in g if i.debtor_id == debtor_id}.values()
                )
                result.debtor_id, result.how = debtor_id, how
                result.invoice_numbers = [i.number for i in invoices]
                result.allocated = book.allocate(debtor_id, line.amount, invoices)
                continue
            numbers = sorted({g[0].number for g in groups})
            ambiguous.append((result, numbers, {i.debtor_id for g in groups for i in g}))
            continue

        # (b) the debtor named by code or payer: exact-amount invoice, else oldest first.
        if named_debtor is not None:
            exact = book.exact_amount(named_debtor, line.amount)
            result.debtor_id = named_debtor
            if exact is not None:
                result.how = HOW_CODE_EXACT if named_how == "code" else HOW_NAME_EXACT
                result.invoice_numbers = [exact.number]
                result.allocated = book.allocate(named_debtor, line.amount, [exact])
            else:
                result.how = HOW_CODE_OLDEST if named_how == "code" else HOW_NAME_OLDEST
                result.allocated = book.allocate(named_debtor, line.amount, [])
            continue
        if line.payer and len(by_name.get(_key(line.payer), [])) > 1:
            result.reason = msg(
                _("More than one debtor is called “%(name)s”; choose the debtor."),
                {"name": line.payer},
            )
            continue
        amount_candidates.append(result)

    # One query for the codes and names the reasons and step (c) need.
    names = _debtor_names(
        {i.debtor_id for r in amount_candidates for i in book.by_amount.get(r.line.amount, [])}
        | {pk for _r, _n, ids in ambiguous for pk in ids}
    )
    for result, numbers, ids in ambiguous:
        result.reason = msg(
            _(
                "Invoice number %(numbers)s is open for more than one debtor (%(codes)s); "
                "choose the debtor."
            ),
            {
                "numbers": ", ".join(numbers),
                "codes": ", ".join(sorted(names.get(pk, ("?", ""))[0] for pk in ids)),
            },
        )

    # (c) amount + payer name: the only open invoice of that amount in the whole book.
    for result in amount_candidates:
        line = result.line
        candidates = [
            i for i in book.by_amount.get(line.amount, []) if i.open_amount == line.amount
        ]
        payer = _key(line.payer).casefold()
        if len(candidates) == 1 and payer:
            item = candidates[0]
            name = _key(names.get(item.debtor_id, ("", ""))[1]).casefold()
            if name and (payer in name or name in payer):
                result.debtor_id, result.how = item.debtor_id, HOW_AMOUNT_AND_NAME
                result.invoice_numbers = [item.number]
                result.allocated = book.allocate(item.debtor_id, line.amount, [item])
                continue
        if line.customer_code:
            result.reason = msg(
                _("No debtor has the customer code “%(code)s”."), {"code": line.customer_code}
            )
        elif line.payer and len(candidates) > 1:
            result.reason = msg(
                _("No debtor is called “%(name)s”, and %(n)d open invoices have this amount."),
                {"name": line.payer, "n": len(candidates)},
            )
        elif line.payer:
            result.reason = msg(
                _("No debtor is called “%(name)s”, and no open invoice of this amount fits."),
                {"name": line.payer},
            )
        else:
            result.reason = _("The line names no invoice, customer or payer we know.")
    _hold_back_lookalikes(results)
    return results


def _hold_back_lookalikes(results: list[LineMatch]) -> None:
    """A matched line whose debtor already has a payment of the same amount on
    the same day, recorded from another file or by hand, is held back for a
    person to decide: overlapping bank exports must not pay an invoice twice.
    (Lines of this very file already recorded keep their match; the commit
    skips them by import reference.) One query."""
    matched = [r for r in results if r.matched]
    if not matched:
        return
    existing = defaultdict(list)
    rows = Payment.objects.filter(
        debtor_id__in={r.debtor_id for r in matched},
        received_on__in={r.line.received_on for r in matched},
        amount__in={r.line.amount for r in matched},
    ).values_list("debtor_id", "received_on", "amount", "import_reference", "reference")
    for debtor_id, received_on, amount, import_reference, reference in rows:
        existing[(debtor_id, received_on, amount)].append((import_reference, reference))
    for result in matched:
        line = result.line
        twins = existing.get((result.debtor_id, line.received_on, line.amount), [])
        if not twins or any(ref == line.import_reference for ref, _text in twins):
            continue
        result.reason = msg(
            _(
                "This debtor already has a payment of the same amount on the same day "
                "(reference “%(reference)s”). If this is another payment, match it by hand."
            ),
            {"reference": twins[0][1] or "—"},
        )
        result.debtor_id, result.how = None, None
        result.invoice_numbers, result.allocated = [], []


def _debtor_names(ids: set[int]) -> dict[int, tuple[str, str]]:
    """id -> (code, name)"""
    if not ids:
        return {}
    rows = Debtor.objects.filter(id__in=ids).values_list("id", "code", "name")
    return {pk: (code, name) for pk, code, name in rows}

"""The header of a payment file: which column holds the date, the amount, the
reference, the payer, the customer code, the invoice numbers or a debit/credit
marker, found by the labels banks and ledgers print (English and Chinese)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .layout import _header_like, norm

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


@dataclass
class PaymentColumns:
    header_row: int  # 1-based, as a spreadsheet shows it
    labels: list[str]
    roles: dict[str, int]  # role -> first column index
    reference_columns: list[int] = field(default_factory=list)

    def label(self, role: str) -> str | None:
        index = self.roles.get(role)
        return None if index is None else self.labels[index]


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

"""Where things are in a report: header row, columns, as-of date, row kinds.

Reports put a title block above the header, group rows by customer (or by bucket
in QuickBooks Detail), close groups with subtotal rows and end with a grand
total and sometimes a generated-at footer. This module finds the header and
tells each row's kind; it never parses amounts into records (``parse.py`` does).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .errors import ImportRefused
from .values import AmountError, Bucket, DateError, parse_amount, parse_bucket, parse_date

# Fields a column can map to. Bucket columns are recognised by their labels.
DEBTOR_CODE = "debtor_code"
DEBTOR_NAME = "debtor_name"
INVOICE_NUMBER = "invoice_number"
REFERENCE = "reference"
TRANSACTION_TYPE = "transaction_type"
ISSUE_DATE = "issue_date"
DUE_DATE = "due_date"
AMOUNT = "amount"
OPEN_AMOUNT = "open_amount"
CURRENCY = "currency"
AGE = "age"
TOTAL = "total"  # a summary row's total, or "Total" meaning the open amount in a detail
FIELDS = (
    DEBTOR_CODE,
    DEBTOR_NAME,
    INVOICE_NUMBER,
    REFERENCE,
    TRANSACTION_TYPE,
    ISSUE_DATE,
    DUE_DATE,
    AMOUNT,
    OPEN_AMOUNT,
    CURRENCY,
    AGE,
    TOTAL,
)


def norm(value) -> str:
    """Header text for comparison: lower case, single spaces, no trailing colon."""
    if value is None:
        return ""
    text = str(value).replace("\ufeff", "").replace("\n", " ").strip().lower()
    return " ".join(text.split()).rstrip(":：").strip()


SYNONYMS: dict[str, set[str]] = {
    DEBTOR_CODE: {
        "customer code",
        "customer id",
        "customer no",
        "customer no.",
        "customer number",
        "customer #",
        "customer account",
        "account",
        "account no",
        "account number",
        "account code",
        "contact account number",
        "debtor code",
        "party code",
        "code",
        "conta",
        "cliente",
        "客户编码",
        "客户代码",
        "客户编号",
        "往来单位编码",
        "往来单位代码",
        "单位编码",
    },
    DEBTOR_NAME: {
        "customer",
        "customer name",
        "customer full name",
        "customer:job",
        "name",
        "contact",
        "contact name",
        "party",
        "party's name",
        "party name",
        "partner",
        "debtor",
        "debtor name",
        "client",
        "client name",
        "nome",
        "nome do cliente",
        "razão social",
        "客户",
        "客户名称",
        "往来单位",
        "往来单位名称",
        "单位名称",
        "客户全称",
    },
    INVOICE_NUMBER: {
        "invoice number",
        "invoice no",
        "invoice no.",
        "invoice #",
        "invoice",
        "num",
        "no.",
        "number",
        "document number",
        "document no",
        "document no.",
        "doc no",
        "doc. no.",
        "ref. no.",
        "ref no",
        "ref no.",
        "voucher no",
        "voucher no.",
        "bill no",
        "nº doc.",
        "n° doc.",
        "no doc.",
        "nº documento",
        "单据号",
        "单据编号",
        "发票号",
        "发票号码",
        "凭证号",
        "单号",
    },
    REFERENCE: {
        "invoice reference",
        "reference",
        "p.o. no.",
        "p.o. #",
        "po number",
        "referência",
        "referencia",
        "参考号",
    },
    TRANSACTION_TYPE: {
        "transaction type",
        "type",
        "document type",
        "voucher type",
        "tip",
        "tipo",
        "单据类型",
    },
    ISSUE_DATE: {
        "date",
        "invoice date",
        "posting date",
        "document date",
        "transaction date",
        "data doc.",
        "data do documento",
        "日期",
        "单据日期",
        "开票日期",
        "业务日期",
        "发票日期",
    },
    DUE_DATE: {
        "due date",
        "due on",
        "net due date",
        "venclíquid",
        "vencimento",
        "due",
        "到期日",
        "到期日期",
        "收款期限",
        "应收日期",
    },
    AMOUNT: {
        "amount",
        "invoice amount",
        "original amount",
        "opening amount",
        "invoiced amount",
        "invoice total",
        "gross amount",
        "金额",
        "原币金额",
        "价税合计",
        "单据金额",
        "发票金额",
    },
    OPEN_AMOUNT: {
        "open balance",
        "outstanding",
        "outstanding amount",
        "balance",
        "balance due",
        "pending amount",
        "amount due",
        "open amount",
        "residual",
        "amount in local currency",
        "mont.em mi",
        "montante em mi",
        "未收金额",
        "应收余额",
        "余额",
        "未核销金额",
        "未收款金额",
        "期末余额",
    },
    CURRENCY: {"currency", "currency code", "ccy", "moeda", "币别", "币种", "货币"},
    AGE: {
        "age",
        "aging",
        "age (days)",
        "overdue by days",
        "days past due",
        "days overdue",
        "past due",
        "atraso",
        "账龄天数",
        "逾期天数",
    },
    TOTAL: {"total", "合计", "总计"},
}
_LOOKUP = {label: name for name, labels in SYNONYMS.items() for label in labels}

# "A/P", "payable", 应付 anywhere; vendor/supplier only as a column (a company in
# the title may well be called "Supplier Solutions Ltd").
PAYABLE = re.compile(
    r"(?i)\ba/p\b|\bap aging\b|payables?\b|应付|contas a pagar|aged creditors|"
    r"\b(?:vendor|supplier) (?:balance|aging|ageing)"
)
PAYABLE_PARTY = re.compile(
    r"(?i)^(?:vendors?|suppliers?|供应商|fornecedor|credor)(?:\s|$|名称|编码|代码)|"
    r"^(?:vendor|supplier) (?:name|code|id|no\.?|number)$"
)
RECEIVABLE = re.compile(r"(?i)receivable|\ba/r\b|应收|debtors|contas a receber")
AS_OF = re.compile(
    r"(?i)(?:\bas\s+(?:of|at|on)\b|\bstatement date\b|\breport date\b|\bdata base\b|"
    r"截止日期|截至日期|截止|截至|报表日期|查询日期)\s*[:：]?\s*(.*)$"
)
AGING_BASIS = re.compile(
    r"(?i)ageing by (due date|invoice date|transaction date)|按(到期日|单据日期)"
)
CODE_AND_NAME = re.compile(r"^([A-Z]{1,5}[-_]?\d{1,12}[A-Z0-9-]*|\d{3,12})\s+(\S.*)$")
FOOTER = re.compile(
    r"(?i)\b(?:gmt|utc)[+-]?\d|\b\d{1,2}:\d{2}\s*(?:am|pm)\b|^(?:cash|accrual) basis\b|"
    r"^(?:generated|printed|run) (?:on|at|by)\b|^page \d+|打印时间|制表"
)
SUBTOTAL_FOR = re.compile(r"(?i)^total\s+(?:for\s+(.+)|[-–:]\s*(.+))$")
TOTAL_WORD = re.compile(r"(?i)^(?:total|grand total|report total|totals?)\s*(.*)$")
GRAND_TOTAL = {
    "**",  # SAP ALV grand total line
    "***",
    "total",
    "grand total",
    "totals",
    "report total",
    "总计",
    "合计",
    "總計",
    "total geral",
}
SHARE_ROWS = {"percents", "percent", "percentage", "percentages", "%", "占比", "百分比", "比例"}
SUBTOTAL_CN = re.compile(r"(小计|合计)\s*$|^(小计|合计)")


@dataclass
class Header:
    """The located header: its row index (0-based), labels, and column roles."""

    index: int
    height: int
    labels: list[str]
    columns: dict[str, int]
    buckets: list[tuple[int, str, Bucket]] = field(default_factory=list)
    score: int = 0

    def label(self, column: int | None) -> str | None:
        if column is None or column >= len(self.labels):
            return None
        return self.labels[column] or None


def _is_text(cell) -> bool:
    return isinstance(cell, str) and cell.strip() != ""


def classify_labels(labels: list[str]) -> tuple[dict[str, int], list[tuple[int, str, Bucket]]]:
    """Map header labels to fields and bucket columns. First match wins per field."""
    columns: dict[str, int] = {}
    buckets: list[tuple[int, str, Bucket]] = []
    previous: Bucket | None = None
    for index, raw in enumerate(labels):
        label = norm(raw)
        if not label:
            continue
        name = _LOOKUP.get(label)
        if name is None and label.endswith("."):
            name = _LOOKUP.get(label.rstrip("."))
        if name is not None:
            columns.setdefault(name, index)
            continue
        bucket = parse_bucket(label, previous=previous)
        if bucket is not None:
            buckets.append((index, str(raw).strip(), bucket))
            previous = bucket
    return columns, buckets


def _score(columns: dict[str, int], buckets: list, labels: list[str]) -> int:
    score = len(columns)
    if len(buckets) >= 2:
        score += 2
    # QuickBooks summaries leave the customer column's label empty
    implicit = len(buckets) >= 2 and bool(labels) and not labels[0]
    party = DEBTOR_NAME in columns or DEBTOR_CODE in columns or implicit
    money = bool({AMOUNT, OPEN_AMOUNT, TOTAL} & columns.keys()) or len(buckets) >= 2
    return score + (2 if party and money else 0)


def _header_like(row: list) -> bool:
    cells = [c for c in row if c not in (None, "")]
    return (
        bool(cells) and all(_is_text(c) for c in cells) and not any(_looks_number(c) for c in cells)
    )


def _looks_number(cell) -> bool:
    if not isinstance(cell, str) or not re.fullmatch(r"[\s$€£¥(),.\d-]+", cell.strip()):
        return False
    try:
        return parse_amount(cell) is not None
    except AmountError:
        return False


def _merge(top: list, bottom: list) -> list[str]:
    width = max(len(top), len(bottom))
    merged = []
    for i in range(width):
        a = str(top[i]).strip() if i < len(top) and top[i] not in (None, "") else ""
        b = str(bottom[i]).strip() if i < len(bottom) and bottom[i] not in (None, "") else ""
        merged.append(f"{a} {b}".strip())
    return merged


def find_header(rows: list[list]) -> Header | None:
    """Score the first rows by how many cells name known columns; merge a second
    header row (Tally) when that scores better."""
    best: Header | None = None
    for index, row in enumerate(rows):
        if not _header_like(row):
            continue
        labels = ["" if c is None else str(c).strip() for c in row]
        columns, buckets = classify_labels(labels)
        score, height = _score(columns, buckets, labels), 1
        if index + 1 < len(rows) and _header_like(rows[index + 1]):
            merged = _merge(row, rows[index + 1])
            m_columns, m_buckets = classify_labels(merged)
            m_score = _score(m_columns, m_buckets, merged)
            if m_score > score:
                labels, columns, buckets, score, height = merged, m_columns, m_buckets, m_score, 2
        if score >= 3 and (best is None or score > best.score):
            best = Header(index, height, labels, columns, buckets, score)
    return best


def find_as_of(rows: list[list]) -> dt.date | None:
    """The date after "As of" / "As at" / 截止日期, in the same cell or the next one."""
    for row in rows:
        for index, cell in enumerate(row):
            if not isinstance(cell, str) or not (m := AS_OF.search(cell.strip())):
                continue
            value = m[1].strip()
            if not value:  # "As of:" | 2026-09-30 (a date cell)
                value = next((c for c in row[index + 1 :] if c not in (None, "")), None)
            if isinstance(value, str):
                value = re.split(r"\s+(?:to|até|至)\s+", value)[-1].strip().rstrip(")")
            try:
                found = parse_date(value) if not isinstance(value, int | float) else None
            except DateError:
                continue
            if found is not None:
                return found
    return None


def find_aging_basis(rows: list[list]) -> str | None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and (m := AGING_BASIS.search(cell)):
                basis = (m[1] or m[2] or "").lower()
                return "invoice_date" if basis in {"invoice date", "单据日期"} else "due_date"
    return None


def refuse_payables(title_rows: list[list], header: Header | None) -> None:
    texts = [c for row in title_rows for c in row if _is_text(c)]
    labels = [norm(label) for label in header.labels if label] if header else []
    payable = any(PAYABLE.search(t) and not RECEIVABLE.search(t) for t in texts + labels)
    if payable or any(PAYABLE_PARTY.search(label) for label in labels):
        raise ImportRefused(
            "payables_report",
            _(
                "This looks like an accounts-payable report (money you owe suppliers), "
                "not a receivables aging. Export the A/R (receivables) aging instead."
            ),
        )


def split_code_and_name(text: str) -> tuple[str | None, str]:
    """``C117 Syneos Health, LLC`` -> (``C117``, ``Syneos Health, LLC``)."""
    text = " ".join(text.split())
    if m := CODE_AND_NAME.match(text):
        return m[1], m[2]
    return None, text


def parent_of(name: str) -> str:
    """QuickBooks jobs: ``Parent:Job`` rolls up to ``Parent``. NetSuite's OneWorld
    uses `` : `` inside subsidiary paths, which are titles, not customers."""
    if ":" in name and " : " not in name:
        return name.split(":", 1)[0].strip()
    return name.strip()


def subtotal_kind(text: str, group: str | None) -> str | None:
    """``grand_total``, ``subtotal``, ``footer`` or None for the first text cell of a row."""
    label = norm(text)
    if not label:
        return None
    if label in SHARE_ROWS:
        return "footer"
    if label in GRAND_TOTAL:
        return "grand_total"
    if label == "*":  # SAP ALV subtotal line
        return "subtotal"
    if SUBTOTAL_FOR.match(label):
        return "subtotal"
    if SUBTOTAL_CN.search(label):
        return "subtotal"
    m = TOTAL_WORD.match(label)
    if m and group and norm(m[1]) in {norm(group), norm(parent_of(group))}:
        return "subtotal"
    return None


def is_footer(text: str) -> bool:
    return bool(FOOTER.search(text.strip()))

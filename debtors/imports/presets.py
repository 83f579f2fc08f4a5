"""Presets: how to read each accounting system's aging export, and detection.

A preset is data: a kind (detail, summary, line items), reading options
(decimal separator, date order, reconciliation strictness, default currency)
and the markers used to recognise it. A user's saved column mapping is a
plain ``dict`` of field -> column index or header label (JSON-serialisable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .layout import FIELDS, Header, norm

DETAIL, SUMMARY, LINE_ITEMS = "detail", "summary", "line_items"
RECONCILE_ERROR, RECONCILE_WARNING = "error", "warning"


@dataclass(frozen=True)
class Preset:
    key: str
    label: object
    kind: str = DETAIL
    date_order: str | None = None  # "dmy" / "mdy"; None = infer from the column
    decimal: str | None = None  # "," / "."; None = infer from the column
    reconcile: str = RECONCILE_ERROR
    currency: str | None = None  # the system's implied currency, when it has one
    title: re.Pattern | None = None
    headers: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)  # reading.Table kinds
    mapping: dict[str, int | str] | None = None


def _p(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in [
        Preset(
            "qbo_detail",
            _("QuickBooks A/R Aging Detail"),
            date_order="mdy",
            decimal=".",
            title=_p(r"a/r aging detail"),
            headers=frozenset({"transaction type", "num", "open balance", "customer full name"}),
        ),
        Preset(
            "qb_summary",
            _("QuickBooks A/R Aging Summary"),
            kind=SUMMARY,
            date_order="mdy",
            decimal=".",
            title=_p(r"a/r aging summary"),
            headers=frozenset({"current", "1 - 30", "31 - 60", "61 - 90", "91 and over", "total"}),
        ),
        Preset(
            "xero_detail",
            _("Xero Aged Receivables Detail"),
            date_order="dmy",
            title=_p(r"aged receivables detail"),
            headers=frozenset(
                {"invoice number", "invoice reference", "contact account number", "< 1 month"}
            ),
        ),
        Preset(
            "xero_summary",
            _("Xero Aged Receivables Summary"),
            kind=SUMMARY,
            date_order="dmy",
            title=_p(r"aged receivables summary"),
            headers=frozenset({"contact", "< 1 month", "1 month", "older"}),
        ),
        Preset(
            "netsuite_detail",
            _("NetSuite A/R Aging Detail"),
            title=_p(r"a/r aging detail"),
            headers=frozenset({"document number", "age", "open balance", "p.o. no."}),
        ),
        Preset(
            "sap_fbl5n",
            _("SAP FBL5N line items (text export)"),
            date_order="dmy",
            decimal=",",
            kinds=frozenset({"sap_text"}),
            headers=frozenset({"st", "conta", "nº doc.", "venclíquid", "mont.em mi", "account"}),
        ),
        Preset(
            "tally_bills",
            _("Tally bills receivable"),
            date_order="dmy",
            decimal=".",
            reconcile=RECONCILE_WARNING,
            currency="INR",
            title=_p(r"bills receivable|pending bills|sundry debtors"),
            headers=frozenset({"ref. no.", "party's name", "pending amount", "due on"}),
        ),
        Preset(
            "cn_aging_summary",
            _("Kingdee / Yonyou receivables aging (账龄分析表)"),
            kind=SUMMARY,
            currency="CNY",
            title=_p(r"账龄"),
            headers=frozenset({"往来单位", "客户名称", "客户编码", "币别", "应收余额", "未到期"}),
        ),
        Preset(
            "zoho_invoices",
            _("Zoho Books invoice export (line items)"),
            kind=LINE_ITEMS,
            headers=frozenset(
                {"invoice id", "item name", "item total", "balance", "invoice status"}
            ),
        ),
        Preset("generic_detail", _("Generic invoice list (one row per invoice)")),
        Preset("generic_summary", _("Generic aging summary (one row per customer)"), kind=SUMMARY),
    ]
}


def detect_preset(header: Header | None, title_text: str, table_kind: str) -> tuple[Preset, float]:
    """The best preset for this header and title, with a confidence in [0, 1]."""
    labels = {norm(label) for label in header.labels} if header else set()
    best, best_score = None, 0.0
    for preset in PRESETS.values():
        if not preset.headers and not preset.kinds:
            continue
        hits = len(preset.headers & labels) / max(len(preset.headers), 1)
        score = hits * 0.7
        if preset.title and preset.title.search(title_text):
            score += 0.3
        if preset.kinds:
            score = score + 0.3 if table_kind in preset.kinds else 0.0
        if score > best_score:
            best, best_score = preset, score
    if best is not None and best_score >= 0.45:
        return best, round(min(best_score, 1.0), 2)
    summary = header is not None and len(header.buckets) >= 2 and _no_invoice(header)
    fallback = PRESETS["generic_summary" if summary else "generic_detail"]
    confidence = 0.5 if header is not None and header.score >= 5 else 0.3
    return fallback, confidence


def _no_invoice(header: Header) -> bool:
    return "invoice_number" not in header.columns and "due_date" not in header.columns


def resolve_mapping(mapping: dict[str, int | str], labels: list[str]) -> dict[str, int]:
    """Turn a saved mapping (field -> index or header label) into field -> index.
    Unknown fields and labels that are not in this file are dropped."""
    index_of = {norm(label): i for i, label in reversed(list(enumerate(labels))) if label}
    columns: dict[str, int] = {}
    for name, ref in mapping.items():
        if name not in FIELDS:
            continue
        if isinstance(ref, int) and not isinstance(ref, bool):
            columns[name] = ref
        elif isinstance(ref, str) and norm(ref) in index_of:
            columns[name] = index_of[norm(ref)]
    return columns

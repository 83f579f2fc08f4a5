"""Placeholders in talk tracks: validation when a track is saved, and rendering
for one debtor in the debtor's language. Rendering never raises and never
shows a raw `{placeholder}`: a missing value becomes a neutral phrase and is
logged."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PLACEHOLDERS = {
    "debtor_name": _("Debtor's company name"),
    "contact_name": _("Name of the person we speak to"),
    "collector_name": _("Collector's name"),
    "company_name": _("Our company's name"),
    "amount_due": _("Open balance, with currency"),
    "overdue_amount": _("Overdue balance, with currency"),
    "undisputed_amount": _("Open balance not in dispute, with currency"),
    "disputed_amount": _("Amount in dispute, with currency"),
    "promise_amount": _("Promised amount, with currency"),
    "promise_date": _("Promised payment date"),
    "oldest_due_date": _("Due date of the oldest open invoice"),
    "days_overdue": _("Days past due, with the unit (“12 days”)"),
    "invoice_numbers": _("Open invoice numbers"),
    "invoice_count": _("Number of open invoices"),
    "payment_link": _("Link or details for paying"),
    "currency": _("Currency code"),
}

# What a debtor sees when a value is not known. Written per language, because a
# track is read in the debtor's language, not the collector's.
FALLBACKS = {
    "en": {
        "debtor_name": "your company",
        "contact_name": "Sir or Madam",
        "collector_name": "the accounts team",
        "company_name": "our company",
        "amount_due": "the open balance",
        "overdue_amount": "the overdue balance",
        "undisputed_amount": "the undisputed balance",
        "disputed_amount": "the amount in question",
        "promise_amount": "the agreed amount",
        "promise_date": "the agreed date",
        "oldest_due_date": "the due date",
        "days_overdue": "some time",
        "invoice_numbers": "the open invoices",
        "invoice_count": "several",
        "payment_link": "the payment details on your statement",
        "currency": "",
    },
    "zh-hans": {
        "debtor_name": "贵司",
        "contact_name": "财务负责人",
        "collector_name": "客户经理",
        "company_name": "我司",
        "amount_due": "未结款项",
        "overdue_amount": "逾期款项",
        "undisputed_amount": "无争议部分的款项",
        "disputed_amount": "有争议的款项",
        "promise_amount": "约定的金额",
        "promise_date": "约定的日期",
        "oldest_due_date": "到期日",
        "days_overdue": "一段时间",
        "invoice_numbers": "相关发票",
        "invoice_count": "几",
        "payment_link": "对账单上的付款账户",
        "currency": "",
    },
}

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_INVOICE_NUMBERS = 5
# "{{" and "}}" are literal braces; "{name}" a placeholder; any other brace is an error.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def track_placeholders_validate(body: str) -> set[str]:
    """The placeholders the text uses; ValidationError naming each unknown
    placeholder and each malformed brace."""
    names, unknown, malformed = set(), [], []
    for match in _TOKEN.finditer(body or ""):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None or not _NAME.match(name):
            malformed.append(token)
        elif name not in PLACEHOLDERS:
            unknown.append(token)
        else:
            names.add(name)
    errors = []
    if unknown:
        errors.append(
            ValidationError(
                _("Unknown placeholders: %(names)s. Known: %(known)s."),
                code="unknown_placeholder",
                params={"names": ", ".join(unknown), "known": ", ".join(sorted(PLACEHOLDERS))},
            )
        )
    if malformed:
        errors.append(
            ValidationError(
                _("Unbalanced or malformed braces: %(tokens)s. Write placeholders as {name}."),
                code="malformed_placeholder",
                params={"tokens": " ".join(malformed)},
            )
        )
    if errors:
        raise ValidationError(errors)
    return names


@dataclasses.dataclass(frozen=True)
class RenderContext:
    """Everything a track may mention, already read from the database. None
    means "not known"; rendering then uses the neutral fallback."""

    language: str = "en"
    currency: str = "CNY"
    debtor_name: str | None = None
    contact_name: str | None = None
    collector_name: str | None = None
    company_name: str | None = None
    amount_due: Decimal | None = None
    overdue_amount: Decimal | None = None
    undisputed_amount: Decimal | None = None
    disputed_amount: Decimal | None = None
    promise_amount: Decimal | None = None
    promise_date: datetime.date | None = None
    oldest_due_date: datetime.date | None = None
    days_overdue: int | None = None
    invoice_numbers: tuple[str, ...] = ()
    payment_link: str | None = None


@dataclasses.dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


def _lang(language: str) -> str:
    return "zh-hans" if (language or "").lower().startswith("zh") else "en"


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """en: "CNY 12,345.60"; zh-hans: "12,345.60元" for CNY, "USD 12,345.60" otherwise."""
    currency = (currency or "").upper()
    number = f"{Decimal(amount):,.2f}"
    if _lang(language) == "zh-hans" and currency in ("CNY", "RMB"):
        return f"{number}元"
    return f"{currency} {number}".strip()


def format_date(value: datetime.date, language: str) -> str:
    """en: "21 Nov 2026"; zh-hans: "2026年11月21日"."""
    if _lang(language) == "zh-hans":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def format_days(days: int, language: str) -> str:
    if _lang(language) == "zh-hans":
        return f"{days}天"
    return f"{days} day" if days == 1 else f"{days} days"


def format_invoice_numbers(numbers, language: str) -> str:
    numbers = [n for n in numbers if n]
    shown, rest = numbers[:MAX_INVOICE_NUMBERS], len(numbers) - MAX_INVOICE_NUMBERS
    if _lang(language) == "zh-hans":
        text = "、".join(shown)
        return f"{text}等{len(numbers)}张" if rest > 0 else text
    if rest > 0:
        return f"{', '.join(shown)} and {rest} more"
    if len(shown) > 1:
        return f"{', '.join(shown[:-1])} and {shown[-1]}"
    return "".join(shown)


def _value(name: str, context: RenderContext) -> str | None:
    """The formatted value, or None when it is not known."""
    language = context.language
    raw = getattr(context, name, None) if name != "invoice_count" else None
    if name in ("amount_due", "overdue_amount", "undisputed_amount", "disputed_amount"):
        return None if raw is None else format_money(raw, context.currency, language)
    if name == "promise_amount":
        return None if raw is None else format_money(raw, context.currency, language)
    if name in ("promise_date", "oldest_due_date"):
        return None if raw is None else format_date(raw, language)
    if name == "days_overdue":
        return None if raw is None or raw < 0 else format_days(raw, language)
    if name == "invoice_numbers":
        return format_invoice_numbers(raw, language) or None
    if name == "invoice_count":
        count = len([n for n in context.invoice_numbers if n])
        return str(count) if count else None
    if name == "currency":
        return (context.currency or "").upper() or None
    text = raw.strip() if isinstance(raw, str) else None
    return text or None


def render_text(body: str, context: RenderContext) -> Rendered:
    """Fill the placeholders in `body`. Never raises."""
    fallbacks = FALLBACKS[_lang(context.language)]
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name is None:
            return ""  # a stray brace in an unvalidated body: drop it
        name = name.strip()
        try:
            value = _value(name, context) if name in PLACEHOLDERS else None
        except Exception:  # a rendering bug must not break a call
            logger.exception("placeholder %s failed to render", name)
            value = None
        if value is None:
            missing.append(name)
            return fallbacks.get(name, "")
        # A value that itself looks like a placeholder must not show braces.
        return value.replace("{", "(").replace("}", ")")

    text = _TOKEN.sub(replace, body or "")
    if missing:
        logger.debug("rendered with fallbacks for: %s", ", ".join(sorted(set(missing))))
    return Rendered(text=text, missing=tuple(dict.fromkeys(missing)))


def track_render(*, track, context: RenderContext) -> Rendered:
    """The track's body filled for one debtor (see `render_text`)."""
    return render_text(track.body, context)

"""Placeholders in talk tracks: validation when a track is saved, and rendering
for one debtor in the debtor's language. Rendering never raises and never
shows a raw `{placeholder}`, nor a stand-in phrase where a value belongs: a
value that is not known is left out and reported in `Rendered.missing`, and
`text_fits` tells a selector beforehand that such a text is not for this
debtor (see scripts_library.facts)."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import logging
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .facts import EVENING, MORNING, Facts, text_needs

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
    "greeting": _("Good morning, afternoon or evening, by the debtor's local time"),
    "addressee": _("The contact's name, or the company's name when no person is known"),
    "due_status": _("“overdue since 3 Nov 2026” or “due on 29 Dec 2026”, whichever is true"),
}
GREETINGS = {
    "en": {MORNING: "Good morning", EVENING: "Good evening", "": "Good afternoon"},
    "zh-hans": {MORNING: "上午好", EVENING: "晚上好", "": "下午好"},
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
    means "not known": a text that needs it is not used. `facts` says what is
    true for this debtor now (see scripts_library.facts)."""

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
    facts: Facts = dataclasses.field(default_factory=Facts)
    max_invoice_numbers: int = MAX_INVOICE_NUMBERS  # fewer in a text message that runs long


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


def format_invoice_numbers(numbers, language: str, limit: int = MAX_INVOICE_NUMBERS) -> str:
    numbers = [n for n in numbers if n]
    shown, rest = numbers[:limit], len(numbers) - limit
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
        return format_invoice_numbers(raw, language, context.max_invoice_numbers) or None
    if name == "invoice_count":
        count = len([n for n in context.invoice_numbers if n])
        return str(count) if count else None
    if name == "currency":
        return (context.currency or "").upper() or None
    if name == "greeting":
        table = GREETINGS[_lang(language)]
        return table.get(context.facts.part_of_day, table[""])
    if name == "addressee":
        return _value("contact_name", context) or _value("debtor_name", context)
    if name == "due_status":
        return _due_status(context)
    text = raw.strip() if isinstance(raw, str) else None
    return text or None


def _due_status(context: RenderContext) -> str | None:
    """Past tense only for what is overdue: "overdue since …" or "due on …"."""
    if context.oldest_due_date is None:
        return None
    date = format_date(context.oldest_due_date, context.language)
    overdue = context.facts.overdue
    if _lang(context.language) == "zh-hans":
        return f"已于{date}到期" if overdue else f"将于{date}到期"
    return f"overdue since {date}" if overdue else f"due on {date}"


@functools.lru_cache(maxsize=2048)
def text_placeholders(body: str) -> frozenset[str]:
    """The known placeholders a body uses; never raises."""
    names = set()
    for match in _TOKEN.finditer(body or ""):
        name = (match.group(1) or "").strip()
        if name in PLACEHOLDERS:
            names.add(name)
    return frozenset(names)


@functools.lru_cache(maxsize=2048)
def body_needs(body: str) -> frozenset[str]:
    """The facts a body needs, from its placeholders and its wording. The
    wording is read with each placeholder as a short word, so that a claim
    spread around values ("本期{promise_amount}将于{promise_date}到期") is seen
    as the debtor will read it."""
    return text_needs(_TOKEN.sub("X", body or ""), text_placeholders(body))


def text_fits(body: str, context: RenderContext) -> bool:
    """True when every fact the body needs holds and every placeholder it uses
    has a value for this debtor: only then may it be said to them."""
    if not context.facts.meets(body_needs(body)):
        return False
    return all(_value(name, context) is not None for name in text_placeholders(body))


def render_text(body: str, context: RenderContext, *, gaps: bool = False) -> Rendered:
    """Fill the placeholders in `body`. Never raises. A value that is not known
    is left out (never replaced by a stand-in phrase) and listed in `missing`;
    with `gaps` (a script a collector reads, never a message) it shows as
    "[what belongs here]" so the collector sees it is not known."""
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
            return f"[{PLACEHOLDERS[name]}]" if gaps and name in PLACEHOLDERS else ""
        # "Northwind Supply Co." before a full stop: one full stop, not two.
        if value.endswith(".") and match.string[match.end() : match.end() + 1] == ".":
            value = value[:-1]
        # A value that itself looks like a placeholder must not show braces.
        return value.replace("{", "(").replace("}", ")")

    text = _TOKEN.sub(replace, body or "")
    if missing:
        logger.debug("rendered without values for: %s", ", ".join(sorted(set(missing))))
    return Rendered(text=text, missing=tuple(dict.fromkeys(missing)))


def track_render(*, track, context: RenderContext) -> Rendered:
    """The track's body filled for one debtor (see `render_text`)."""
    return render_text(track.body, context)


def track_fits(track, context: RenderContext) -> bool:
    return text_fits(track.body, context)

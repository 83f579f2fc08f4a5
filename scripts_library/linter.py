"""The content linter: render a text for every combination of the facts and
report what would be wrong with it.

For each combination (scripts_library.facts.facts_matrix) a sample debtor is
built with exactly those facts. Where the text would be chosen (it fits: see
rendering.text_fits) it is rendered, an SMS is assembled with its ending,
and the result is checked: no unfilled placeholder, no double punctuation, no
wording that claims a fact that is not true (an attachment, a promise, a
broken promise, an instalment, a greeting for another part of the day), an
SMS within its limit that ends with its call to action and opt-out, and
nothing the tone guard forbids. A text that fits no combination at all is a
failure too: it would never be used.

Used by the content test over the whole shipped library and by
services.track_publish, which refuses a track with failures."""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .facts import (
    AFTERNOON,
    ATTACHMENT,
    BROKEN,
    BROKEN_PROMISE,
    COLLECTOR,
    DISPUTED,
    EVENING,
    INSTALMENT_PLAN,
    MORNING,
    NAMED_CONTACT,
    OVERDUE,
    PARTS_OF_DAY,
    PAYMENT_LINK,
    PENDING,
    PROMISE,
    Facts,
    facts_matrix,
    wording_claims,
)
from .rendering import RenderContext, body_needs, render_text, text_fits
from .sms import SMS_MAX_CHARS, sms_ending, sms_render
from .tone import tone_check

SAMPLE_TODAY = datetime.date(2026, 12, 3)
SAMPLE_OPT_OUT = "https://crm.example.com/o/7d1f0c2a9b8e4f6a"
SAMPLE_LINK = "https://pay.example.com/p/8f3a2c91d4"
# Names ending in a full stop, long amounts and a long invoice list: the cases
# that broke before.
SAMPLE = {
    "en": {"debtor": "Harbour Trading Co.", "contact": "Wei Ling Kelly", "collector": "Li Na"},
    "zh-hans": {"debtor": "华东贸易有限公司", "contact": "王丽", "collector": "李娜"},
}
SAMPLE_COMPANY = "Northwind Supply Co."
SAMPLE_INVOICES = tuple(f"INV-2026-{n:05d}" for n in range(10481, 10488))

_RAW_PLACEHOLDER = re.compile(r"\{[^{}\s]{0,40}\}|[{}]")
_DOUBLE = re.compile(
    r"(?<!\.)\.[ \t]*\.(?!\.)"  # "Co.." but not "..."
    r"|[,，、;；:：][ \t]*[,，、;；:：.。!！?？]"
    r"|[。！？][ \t]*[。，,.、]"
    r"|[!?][ \t]*[.。]"
)
_NEED_MESSAGES = {
    ATTACHMENT: gettext_noop(
        "It mentions an attachment (“%(words)s”), but the message carries none."
    ),
    PROMISE: gettext_noop(
        "It speaks of a promise or an agreement (“%(words)s”), but there is none."
    ),
    BROKEN_PROMISE: gettext_noop(
        "It says an agreed payment did not arrive (“%(words)s”), but no promised date has passed."
    ),
    INSTALMENT_PLAN: gettext_noop(
        "It speaks of an instalment (“%(words)s”), but there is no instalment plan."
    ),
}


NEED_LABELS = {
    PROMISE: gettext_lazy("a promise to pay (amount and date)"),
    BROKEN_PROMISE: gettext_lazy("a promised date that has passed unpaid"),
    INSTALMENT_PLAN: gettext_lazy("an instalment plan"),
    PAYMENT_LINK: gettext_lazy("a payment link"),
    ATTACHMENT: gettext_lazy("an attachment the message really carries"),
    OVERDUE: gettext_lazy("an overdue invoice"),
    NAMED_CONTACT: gettext_lazy("a contact person's name"),
    COLLECTOR: gettext_lazy("a named collector"),
    DISPUTED: gettext_lazy("an amount in dispute"),
    MORNING: gettext_lazy("morning in the debtor's time zone"),
    AFTERNOON: gettext_lazy("afternoon in the debtor's time zone"),
    EVENING: gettext_lazy("evening in the debtor's time zone"),
}


def facts_label(facts: Facts) -> str:
    """The combination in words, in the reader's language."""
    needs = [
        need
        for need in (
            PROMISE,
            BROKEN_PROMISE,
            INSTALMENT_PLAN,
            PAYMENT_LINK,
            ATTACHMENT,
            OVERDUE,
            NAMED_CONTACT,
            COLLECTOR,
            DISPUTED,
        )
        if facts.has(need)
    ]
    return "; ".join(str(NEED_LABELS[need]) for need in [*needs, facts.part_of_day])


def needs_labels(body: str) -> list[str]:
    """What must be true for this text to be used, in words, for the editor."""
    return [str(NEED_LABELS[need]) for need in sorted(body_needs(body)) if need in NEED_LABELS]


@dataclasses.dataclass(frozen=True)
class Failure:
    code: str
    message: str
    facts: str = ""  # the combination it failed for, in words
    excerpt: str = ""

    def __str__(self) -> str:
        where = f" [{self.facts}]" if self.facts else ""
        return f"{self.message}{where}"


@dataclasses.dataclass
class LintReport:
    combinations: int = 0  # facts combinations tried
    rendered: int = 0  # combinations where the text would be chosen
    failures: list[Failure] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def messages(self) -> list[str]:
        return [str(f) for f in self.failures]


def sample_context(facts: Facts, language: str) -> RenderContext:
    """A debtor for whom exactly `facts` hold, with values that are hard to
    render well (names ending in ".", seven invoices, long amounts)."""
    names = SAMPLE["zh-hans" if language.startswith("zh") else "en"]
    promise_date = None
    if facts.promise == PENDING:
        promise_date = SAMPLE_TODAY + datetime.timedelta(days=12)
    elif facts.promise == BROKEN:
        promise_date = SAMPLE_TODAY - datetime.timedelta(days=5)
    due = SAMPLE_TODAY + datetime.timedelta(days=-30 if facts.overdue else 26)
    return RenderContext(
        language=language,
        currency="CNY",
        debtor_name=names["debtor"],
        contact_name=names["contact"] if facts.named_contact else None,
        collector_name=names["collector"] if facts.collector else None,
        company_name=SAMPLE_COMPANY,
        amount_due=Decimal("1234567.89"),
        overdue_amount=Decimal("834567.89") if facts.overdue else None,
        undisputed_amount=Decimal("1034567.89") if facts.disputed else Decimal("1234567.89"),
        disputed_amount=Decimal("200000.00") if facts.disputed else None,
        promise_amount=Decimal("250000.00") if promise_date else None,
        promise_date=promise_date,
        oldest_due_date=due,
        days_overdue=30 if facts.overdue else None,
        invoice_numbers=SAMPLE_INVOICES,
        payment_link=SAMPLE_LINK if facts.payment_link else None,
        facts=facts,
    )


def lint_text(
    text: str, facts: Facts, language: str, *, channel: str | None = None, tone_cache=None
) -> list[Failure]:
    """What is wrong with one finished text for a debtor with these facts."""
    label = facts_label(facts)
    failures = []
    raw = _RAW_PLACEHOLDER.search(text)
    if raw:
        failures.append(
            Failure("unfilled_placeholder", _("A placeholder is left unfilled."), label, raw[0])
        )
    double = _DOUBLE.search(text)
    if double:
        failures.append(
            Failure(
                "double_punctuation",
                _("Two punctuation marks in a row: “%(marks)s”.") % {"marks": double[0]},
                label,
                _around(text, double.start()),
            )
        )
    failures.extend(_claim_failures(text, facts, label))
    if channel == "sms":
        failures.extend(_sms_failures(text, facts, label))
    failures.extend(_tone_failures(text, language, label, tone_cache))
    return failures


def _claim_failures(text: str, facts: Facts, label: str) -> list[Failure]:
    failures = []
    for need, words in wording_claims(text):
        if facts.has(need):
            continue
        if need in PARTS_OF_DAY:
            message = _("The greeting “%(words)s” does not fit the debtor's local time.") % {
                "words": words
            }
            failures.append(Failure("greeting", message, label, words))
        else:
            message = _(_NEED_MESSAGES[need]) % {"words": words}
            failures.append(Failure(f"claims_{need}", message, label, words))
    return failures


def _sms_failures(text: str, facts: Facts, label: str) -> list[Failure]:
    failures = []
    if len(text) > SMS_MAX_CHARS:
        failures.append(
            Failure(
                "sms_too_long",
                _("The text message has %(count)s characters; the limit is %(limit)s.")
                % {"count": len(text), "limit": SMS_MAX_CHARS},
                label,
            )
        )
    link = SAMPLE_LINK if facts.payment_link else None
    ending = sms_ending(link=link, opt_out_url=SAMPLE_OPT_OUT)
    opt_out_only = ending.split("\n")[-1]
    carries_link = link is not None and link in text
    if not (text.endswith(ending) or (carries_link and text.endswith(opt_out_only))):
        failures.append(
            Failure(
                "sms_ending",
                _("The text message does not end with its call to action and the opt-out."),
                label,
                text[-80:],
            )
        )
    return failures


def _tone_failures(text: str, language: str, label: str, cache) -> list[Failure]:
    cache = {} if cache is None else cache
    key = (language, text)
    if key not in cache:
        cache[key] = [m for m in tone_check(text, language) if m.is_forbidden]
    return [
        Failure(
            "tone_forbidden",
            _("“%(text)s” is not allowed: %(reason)s") % {"text": m.text, "reason": m.reason},
            label,
            m.text,
        )
        for m in cache[key]
    ]


def _around(text: str, position: int, width: int = 30) -> str:
    return text[max(position - width, 0) : position + width]


def lint_body(
    body: str,
    *,
    language: str,
    channel: str,
    matrix: list[Facts] | None = None,
    tone_cache: dict | None = None,
) -> LintReport:
    """Render `body` for every combination of facts in which it would be
    chosen and check each result. One failure per kind is kept (with the first
    combination it showed in), so a report stays readable."""
    matrix = facts_matrix(channel=channel) if matrix is None else matrix
    tone_cache = {} if tone_cache is None else tone_cache
    report = LintReport(combinations=len(matrix))
    seen: dict[str, Failure] = {}
    checked: set[tuple] = set()
    for facts in matrix:
        context = sample_context(facts, language)
        if not text_fits(body, context):
            continue
        report.rendered += 1
        rendered = render_text(body, context)
        text = rendered.text.strip()
        if channel == "sms":  # as compose sends it
            text = sms_render(body, context, opt_out_url=SAMPLE_OPT_OUT)
        key = (text, facts.promise, facts.instalment_plan, facts.attachment, facts.part_of_day)
        if key in checked:  # the same words under the same claims: same verdict
            continue
        checked.add(key)
        failures = lint_text(text, facts, language, channel=channel, tone_cache=tone_cache)
        if rendered.missing:
            failures.append(
                Failure(
                    "unfilled_placeholder",
                    _("No value for: %(names)s.") % {"names": ", ".join(rendered.missing)},
                    facts_label(facts),
                )
            )
        for failure in failures:
            seen.setdefault(failure.code + failure.excerpt[:20], failure)
    if report.rendered == 0:
        seen["never_used"] = Failure(
            "never_used",
            _(
                "This text would never be used: it needs facts that are never true together "
                "(%(needs)s)."
            )
            % {"needs": "; ".join(needs_labels(body))},
        )
    report.failures = list(seen.values())
    return report


def lint_track(track, *, matrix=None, tone_cache=None) -> LintReport:
    """A track (or anything with body, language and channel)."""
    return lint_body(
        track.body,
        language=track.language,
        channel=track.channel,
        matrix=matrix,
        tone_cache=tone_cache,
    )

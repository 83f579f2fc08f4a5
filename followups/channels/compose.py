"""What a reminder says, in the debtor's language. Dunning and broken-promise
messages come from the script library (the debtor type's SMS or email track);
promise reminders and thanks have no track, so they use short fixed texts.
Every message carries the opt-out statement (Regulation F §1006.6(e))."""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Language
from scripts_library.rendering import (
    FALLBACKS,
    RenderContext,
    format_date,
    format_money,
    track_render,
)
from scripts_library.selectors import render_context_for_debtor, stage_for_channel, track_select

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)
DUNNING = "dunning"
PROMISE_REMINDER = "promise_reminder"
PROMISE_THANKS = "promise_thanks"
BROKEN_PROMISE = "broken_promise"
# Both our names and FollowUp.Reason values.
PURPOSES = {
    DUNNING: DUNNING,
    "dunning_step": DUNNING,
    PROMISE_REMINDER: PROMISE_REMINDER,
    PROMISE_THANKS: PROMISE_THANKS,
    BROKEN_PROMISE: BROKEN_PROMISE,
}
TRACK_PURPOSES = (DUNNING, BROKEN_PROMISE)
SMS_MAX_CHARS = 300
_SUBJECT_LINE = re.compile(r"^\s*(?:Subject|主题)\s*[:：]\s*(?P<subject>.+?)\s*(?:\n|$)")
_URL = re.compile(r"https?://[^\s<>\"'，。；！？、）】」]+")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")


@dataclasses.dataclass(frozen=True)
class Composed:
    language: str
    subject: str  # "" for SMS
    text: str
    html: str  # "" for SMS
    track_id: int | None


def compose(
    *,
    debtor,
    contact,
    channel: str,
    purpose: str,
    collector=None,
    promise_amount: Decimal | None = None,
    promise_date: datetime.date | None = None,
    opt_out_url: str = "",
    tracks: list | None = None,
    invoice_numbers: list[str] | None = None,
) -> Composed:
    """``tracks`` (published tracks of the written stages) and
    ``invoice_numbers`` save queries when a caller composes many messages."""
    if channel not in CHANNELS:
        raise ValueError(f"No composed messages for channel {channel!r}")
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown purpose {purpose!r}")
    purpose = PURPOSES[purpose]
    language = debtor.language if debtor.language in Language.values else Language.EN
    context = render_context_for_debtor(
        debtor=debtor,
        collector=collector or debtor.assigned_collector,
        contact=contact,
        promise_amount=promise_amount,
        promise_date=promise_date,
        language=language,
        invoice_numbers=invoice_numbers,
    )
    with translation.override(language):
        track = None
        if purpose in TRACK_PURPOSES:
            track = track_select(
                debtor_type=debtor.debtor_type,
                stage=stage_for_channel(channel),
                channel=channel,
                language=language,
                ab_subject=str(debtor.public_id),
                published=tracks,
            )
            # The selector falls back to the other language; a debtor gets theirs.
            if track is not None and track.language != language:
                track = None
        link = context.payment_link if purpose != PROMISE_THANKS else None
        if track is not None:
            subject, body = _split_subject(_render(track, context))
        else:
            subject, body = "", _fixed_body(purpose, channel, context, link)
        track_id = track.pk if track is not None else None
        if channel == SMS:
            text = _sms_text(body, link, opt_out_url)
            return Composed(language=language, subject="", text=text, html="", track_id=track_id)
        subject = _subject(subject or _fixed_subject(purpose, context), context)
        template_context = {
            "subject": subject,
            "text": body,
            "paragraphs": _paragraphs(body),
            # A track that does not mention the link gets it below the message.
            "payment_link": link if link and link not in body else "",
            "company_name": context.company_name or "",
            "opt_out_url": opt_out_url,
            "language": language,
        }
        return Composed(
            language=language,
            subject=subject,
            text=render_to_string("followups/email/reminder.txt", template_context).strip(),
            html=render_to_string("followups/email/reminder.html", template_context),
            track_id=track_id,
        )


def _render(track, context: RenderContext) -> str:
    return track_render(track=track, context=context).text.strip()


def _split_subject(text: str) -> tuple[str, str]:
    """Email tracks start with "Subject: …" (Chinese ones with "主题：…")."""
    match = _SUBJECT_LINE.match(text)
    if not match:
        return "", text
    return match.group("subject"), text[match.end() :].strip()


def _values(context: RenderContext) -> dict[str, str]:
    lang, fallback = context.language, FALLBACKS.get(context.language, FALLBACKS["en"])

    def money(value):
        return format_money(value, context.currency, lang) if value is not None else None

    promise_date = format_date(context.promise_date, lang) if context.promise_date else None
    return {
        "contact": context.contact_name or fallback["contact_name"],
        "company": context.company_name or fallback["company_name"],
        "collector": context.collector_name or fallback["collector_name"],
        "due": money(context.amount_due) or fallback["amount_due"],
        "amount": money(context.promise_amount) or fallback["promise_amount"],
        "date": promise_date or fallback["promise_date"],
    }


def _fixed_message(purpose: str, values: dict[str, str]) -> str:
    if purpose == PROMISE_REMINDER:
        text = _("A reminder that the payment of %(amount)s you agreed is due on %(date)s.")
    elif purpose == PROMISE_THANKS:
        text = _("We have received your payment of %(amount)s as agreed. Thank you.")
    elif purpose == BROKEN_PROMISE:
        text = _(
            "The payment of %(amount)s agreed for %(date)s has not reached us yet. "
            "Please pay today, or reply with a date that works for you."
        )
    else:
        text = _(
            "Our records show %(due)s open on your account. "
            "Please arrange payment, or reply if you have a question."
        )
    return text % values


def _fixed_body(purpose: str, channel: str, context: RenderContext, link: str | None) -> str:
    values = _values(context)
    message = _fixed_message(purpose, values)
    if channel == SMS:  # the link gets its own line (see _sms_text)
        return _("Hello %(contact)s, %(company)s here. %(message)s") % {
            **values,
            "message": message,
        }
    parts = [_("Dear %(contact)s,") % values, message]
    if link:
        parts.append(_("Pay online: %(link)s") % {"link": link})
    parts.append(f"{_('Kind regards,')}\n{values['collector']}\n{values['company']}")
    return "\n\n".join(parts)


def _fixed_subject(purpose: str, context: RenderContext) -> str:
    if purpose == PROMISE_REMINDER:
        return _("Reminder: payment due on %(date)s") % _values(context)
    if purpose == PROMISE_THANKS:
        return _("Thank you for your payment")
    if purpose == BROKEN_PROMISE:
        return _("Agreed payment not received")
    return _("Payment reminder")


def _subject(subject: str, context: RenderContext) -> str:
    subject = " ".join(subject.split())  # no newlines in a header
    company = getattr(settings, "COMPANY_NAME", "") or ""
    if company and company not in subject:
        subject = _("%(company)s: %(subject)s") % {"company": company, "subject": subject}
    return subject


def _sms_text(body: str, link: str | None, opt_out_url: str) -> str:
    """Body, payment link (unless the body has it) and the opt-out line, one
    per line. Only the body is shortened, by whole sentences, to keep under
    SMS_MAX_CHARS; the opt-out line is never cut."""
    if opt_out_url:
        opt_out = _("Reply STOP or open %(url)s to stop texts.") % {"url": opt_out_url}
    else:
        opt_out = _("Reply STOP to stop texts.")
    link_line = _("Pay online: %(link)s") % {"link": link} if link else ""
    body = " ".join(body.split())
    needs_link = bool(link) and link not in body
    text = _lines(body, link_line if needs_link else "", opt_out)
    if len(text) <= SMS_MAX_CHARS:
        return text
    sentences = _sentences(body)
    if link and not needs_link:
        short = _take(sentences, SMS_MAX_CHARS - len(opt_out) - 1)
        if link in short:
            return _lines(short, "", opt_out)
        # The sentence with the link did not fit: drop it, add the link line.
        sentences = [sentence for sentence in sentences if link not in sentence]
    budget = SMS_MAX_CHARS - len(_lines("", link_line, opt_out)) - 1
    return _lines(_take(sentences, budget), link_line, opt_out)


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _sentences(text: str) -> list[str]:
    """Sentences with their trailing space, so "".join gives the text back."""
    pieces, last = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        while end < len(text) and text[end] == " ":
            end += 1
        pieces.append(text[last:end])
        last = end
    if last < len(text):
        pieces.append(text[last:])
    return pieces


def _take(sentences: list[str], budget: int) -> str:
    """Whole sentences from the start while they fit; a cut first sentence
    (ending in "…") when not even one does."""
    budget = max(budget, 40)  # a long link may leave little; still say something
    taken = ""
    for sentence in sentences:
        if len((taken + sentence).strip()) > budget:
            break
        taken += sentence
    if taken.strip() or not sentences:
        return taken.strip()
    cut = sentences[0][: budget - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:，、；：") + "…"


def _paragraphs(text: str) -> list[list[tuple[str, str]]]:
    """Paragraphs as ("text" | "url", value) pieces, so the HTML template can
    link URLs and still autoescape everything (urlize misses URLs glued to
    Chinese punctuation)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        pieces, last = [], 0
        for match in _URL.finditer(block):
            url = match.group(0).rstrip(".,;:!?)")
            start, end = match.start(), match.start() + len(url)
            if start > last:
                pieces.append(("text", block[last:start]))
            pieces.append(("url", url))
            last = end
        if last < len(block):
            pieces.append(("text", block[last:]))
        paragraphs.append(pieces)
    return paragraphs

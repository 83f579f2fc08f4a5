"""What a reminder says, in the debtor's language. Dunning and broken-promise
messages come from the script library (the debtor type's SMS or email track);
promise reminders and thanks have no track, so they use short fixed texts.
Every message carries the opt-out statement (Regulation F §1006.6(e)).
Nothing is claimed that is not so: the facts of the debtor decide which
track is chosen, a fixed text only names a promise it was given, and no text
mentions an attachment unless one is passed in `attachments`."""

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
from scripts_library.rendering import RenderContext, format_date, format_money, track_render
from scripts_library.selectors import render_context_for_debtor, stage_for_channel, track_select
from scripts_library.sms import SMS_MAX_CHARS, sms_assemble, sms_render

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
__all__ = ["SMS_MAX_CHARS", "Composed", "compose"]
_SUBJECT_LINE = re.compile(r"^\s*(?:Subject|主题)\s*[:：]\s*(?P<subject>.+?)\s*(?:\n|$)")
_URL = re.compile(r"https?://[^\s<>\"'，。；！？、）】」]+")


@dataclasses.dataclass(frozen=True)
class Composed:
    language: str
    subject: str  # "" for SMS
    text: str
    html: str  # "" for SMS
    track_id: int | None
    attachments: tuple = ()  # what the message carries; the text claims no more


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
    attachments: tuple = (),
    instalment_plan: bool = False,
    now: datetime.datetime | None = None,
) -> Composed:
    """``tracks`` (published tracks of the written stages) and
    ``invoice_numbers`` save queries when a caller composes many messages.
    ``attachments`` are the files the email will carry (none yet: the
    statement comes later); only then may a text say "attached"."""
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
        attachments=tuple(attachments) if channel == EMAIL else (),
        instalment_plan=instalment_plan,
        now=now,
    )
    with translation.override(language):
        track = None
        if purpose in TRACK_PURPOSES:
            track = _track_for(debtor, channel, language, tracks, context)
        link = context.payment_link if purpose != PROMISE_THANKS else None
        track_id = track.pk if track is not None else None
        if channel == SMS:
            if track is not None:
                text = sms_render(track.body, context, opt_out_url=opt_out_url)
            else:
                text = sms_assemble(
                    _fixed_body(purpose, channel, context, link),
                    link=link,
                    opt_out_url=opt_out_url,
                    call_to_action=purpose != PROMISE_THANKS,
                )
            return Composed(language=language, subject="", text=text, html="", track_id=track_id)
        if track is not None:
            subject, body = _split_subject(_render(track, context))
        else:
            subject, body = "", _fixed_body(purpose, channel, context, link)
        subject = _subject(subject or _fixed_subject(purpose, context), context)
        return _email(subject, body, link, context, opt_out_url, track_id, tuple(attachments))


def _track_for(debtor, channel: str, language: str, tracks, context: RenderContext):
    """The debtor's track for the channel, in their language, that is true for
    them now (its facts hold and its values are known), or None."""
    track = track_select(
        debtor_type=debtor.debtor_type,
        stage=stage_for_channel(channel),
        channel=channel,
        language=language,
        ab_subject=str(debtor.public_id),
        published=tracks,
        context=context,
    )
    # The selector falls back to the other language; a debtor gets theirs.
    if track is not None and track.language != language:
        return None
    return track


def _email(subject, body, link, context, opt_out_url, track_id, attachments) -> Composed:
    template_context = {
        "subject": subject,
        "text": body,
        "paragraphs": _paragraphs(body),
        # A track that does not mention the link gets it below the message.
        "payment_link": link if link and link not in body else "",
        "company_name": context.company_name or "",
        "opt_out_url": opt_out_url,
        "language": context.language,
    }
    return Composed(
        language=context.language,
        subject=subject,
        text=render_to_string("followups/email/reminder.txt", template_context).strip(),
        html=render_to_string("followups/email/reminder.html", template_context),
        track_id=track_id,
        attachments=attachments,
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
    """The values the fixed texts use; "" where not known (the texts that name
    a value are only chosen when it is known)."""
    lang = context.language

    def money(value):
        return format_money(value, context.currency, lang) if value is not None else ""

    name = (context.contact_name or "").strip() or (context.debtor_name or "").strip()
    return {
        "contact": name,
        "company": (context.company_name or "").strip(),
        "collector": (context.collector_name or "").strip(),
        "due": money(context.amount_due),
        "amount": money(context.promise_amount),
        "date": format_date(context.promise_date, lang) if context.promise_date else "",
    }


def _fixed_message(purpose: str, context: RenderContext, values: dict[str, str]) -> str:
    has_promise = context.facts.promise != "none"
    if purpose == PROMISE_REMINDER and context.facts.promise == "pending":
        text = _("A reminder that the payment of %(amount)s you agreed is due on %(date)s.")
    elif purpose == PROMISE_THANKS:
        text = (
            _("We have received your payment of %(amount)s as agreed. Thank you.")
            if has_promise
            else _("We have received your payment. Thank you.")
        )
    elif purpose == BROKEN_PROMISE and context.facts.promise == "broken":
        text = _(
            "The payment of %(amount)s agreed for %(date)s has not reached us yet. "
            "Please pay today, or reply with a date that works for you."
        )
    elif values["due"]:
        text = _(
            "Our records show %(due)s open on your account. "
            "Please arrange payment, or reply if you have a question."
        )
    else:
        text = _("Please check your account with us, and reply if you have a question.")
    return text % values


def _fixed_body(purpose: str, channel: str, context: RenderContext, link: str | None) -> str:
    values = _values(context)
    message = _fixed_message(purpose, context, values)
    if channel == SMS:  # the link gets its own line (see sms_assemble)
        if values["company"]:
            return _("Hello %(contact)s, %(company)s here. %(message)s") % {
                **values,
                "message": message,
            }
        return _("Hello %(contact)s. %(message)s") % {**values, "message": message}
    parts = [_("Dear %(contact)s,") % values, message]
    if link:
        parts.append(_("Pay online: %(link)s") % {"link": link})
    sign = [line for line in (values["collector"], values["company"]) if line]
    parts.append("\n".join([_("Kind regards,"), *sign]))
    return "\n\n".join(parts)


def _fixed_subject(purpose: str, context: RenderContext) -> str:
    if purpose == PROMISE_REMINDER and context.facts.promise == "pending":
        return _("Reminder: payment due on %(date)s") % _values(context)
    if purpose == PROMISE_THANKS:
        return _("Thank you for your payment")
    if purpose == BROKEN_PROMISE and context.facts.promise == "broken":
        return _("Agreed payment not received")
    return _("Payment reminder")


def _subject(subject: str, context: RenderContext) -> str:
    subject = " ".join(subject.split())  # no newlines in a header
    company = getattr(settings, "COMPANY_NAME", "") or ""
    if company and company not in subject:
        subject = _("%(company)s: %(subject)s") % {"company": company, "subject": subject}
    return subject


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

"""How a text message ends, and how it is kept within the channel's limit.

Every SMS ends with a call to action (the payment link, or how to reply) and
the opt-out line (Regulation F §1006.6(e)). Only the body is ever shortened,
by whole sentences: the ending is never cut. Here, not in followups, so the
content linter checks the very texts that are sent."""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext as _

from .rendering import RenderContext, render_text

SMS_MAX_CHARS = 300
MIN_BODY = 40  # a long link may leave little room; still say something
_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")
# "Northwind Supply Co. here": a full stop that does not end the sentence.
_ABBREVIATION = re.compile(r"\b(?:Co|Ltd|Inc|Corp|Mr|Ms|Mrs|Dr|No|St|Jr|Bros)\.$")


def sms_opt_out(opt_out_url: str = "") -> str:
    if opt_out_url:
        return _("Reply STOP or open %(url)s to stop texts.") % {"url": opt_out_url}
    return _("Reply STOP to stop texts.")


def sms_call_to_action(link: str | None) -> str:
    if link:
        return _("Pay online: %(link)s") % {"link": link}
    return _("To pay or ask a question, reply to this message.")


def sms_assemble(
    body: str, *, link: str | None, opt_out_url: str = "", call_to_action: bool = True
) -> str:
    """Body, call to action and opt-out, one per line, within SMS_MAX_CHARS.
    A body that already carries the link keeps the sentence with it when it
    fits; otherwise that sentence goes and the call-to-action line says it."""
    opt_out = sms_opt_out(opt_out_url)
    body = " ".join((body or "").split())
    sentences = _sentences(body)
    if link and link in body:
        short = _take(sentences, SMS_MAX_CHARS - len(opt_out) - 1)
        if link in short:
            return _lines(short, opt_out)
        sentences = [sentence for sentence in sentences if link not in sentence]
    ending = _lines(sms_call_to_action(link) if call_to_action else "", opt_out)
    return _lines(_take(sentences, SMS_MAX_CHARS - len(ending) - 1), ending)


def sms_render(
    body: str, context: RenderContext, *, opt_out_url: str = "", call_to_action: bool = True
) -> str:
    """An SMS track filled in and assembled. A body too long for the message
    first names fewer invoices ("INV-1 and 6 more"); only then are sentences
    dropped."""
    link = context.payment_link
    ending = _lines(sms_call_to_action(link) if call_to_action else "", sms_opt_out(opt_out_url))
    text = ""
    for limit in (context.max_invoice_numbers, 2, 1):
        shorter = dataclasses.replace(context, max_invoice_numbers=limit)
        text = " ".join(render_text(body, shorter).text.split())
        if len(_lines(text, ending)) <= SMS_MAX_CHARS:
            break
    return sms_assemble(text, link=link, opt_out_url=opt_out_url, call_to_action=call_to_action)


def sms_ending(*, link: str | None, opt_out_url: str = "") -> str:
    """The lines every SMS with a call to action ends with."""
    return _lines(sms_call_to_action(link), sms_opt_out(opt_out_url))


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _sentences(text: str) -> list[str]:
    """Sentences with their trailing space, so "".join gives the text back."""
    pieces, last = [], 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[: match.end()]):
            continue
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
    budget = max(budget, MIN_BODY)
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

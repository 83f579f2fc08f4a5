"""The opt-out link in every reminder (Regulation F §1006.6(e)): a signed token
naming one contact and one channel, and the public page that records it.
Tokens never expire: an old message's link must still work."""

from __future__ import annotations

import base64
import binascii
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.services import audit_record
from debtors.models import Contact

SALT = "followups.optout"
CHANNELS = ("sms", "email")
TEMPLATE = "followups/opt_out.html"


class _ShortSigner(signing.Signer):
    """A 128-bit signature (22 characters, not 43) and "." as separator: the
    link must fit in an SMS and survive phones' link detection."""

    def __init__(self) -> None:
        super().__init__(salt=SALT, sep=".")

    def signature(self, value, key=None):
        return super().signature(value, key)[:22]


def opt_out_token(contact: Contact, channel: str) -> str:
    if channel not in CHANNELS:
        raise ValueError(f"No opt-out for channel {channel!r}")
    # The UUID in base64 keeps the link short enough for an SMS.
    ident = base64.urlsafe_b64encode(contact.public_id.bytes).rstrip(b"=").decode()
    return _ShortSigner().sign(f"{ident}.{channel}")


def opt_out_url(contact: Contact, channel: str) -> str:
    site = getattr(settings, "SITE_URL", "http://localhost:8000").rstrip("/")
    path = reverse("optout:opt_out", kwargs={"token": opt_out_token(contact, channel)})
    return f"{site}{path}"


def opt_out_token_read(token: str) -> tuple[uuid.UUID, str] | None:
    """(contact public_id, channel), or None for a bad or tampered token."""
    try:
        value = _ShortSigner().unsign(token)
        ident, _, channel = value.partition(".")
        public_id = uuid.UUID(bytes=base64.urlsafe_b64decode(ident + "=" * (-len(ident) % 4)))
    except (signing.BadSignature, binascii.Error, ValueError):
        return None
    return (public_id, channel) if channel in CHANNELS else None


@transaction.atomic
def contact_opt_out(*, contact: Contact, channel: str) -> bool:
    """Add `channel` to the contact's opted-out channels. True if this changed
    anything; a repeat is a no-op and writes no audit row."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = list(contact.opted_out_channels or [])
    if channel in before:
        return False
    contact.opted_out_channels = [*before, channel]
    contact.save(update_fields=["opted_out_channels"])
    audit_record(
        actor=None,
        action="contact.opt_out",
        target=contact,
        before={"opted_out_channels": before},
        after={"opted_out_channels": contact.opted_out_channels},
    )
    return True


# CSRF is checked in the view, not by the decorator, because RFC 8058
# one-click unsubscribe (List-Unsubscribe-Post) comes from the mail provider
# with no cookie or form token. The signed token is what authorises the change.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out_view(request: HttpRequest, token: str) -> HttpResponse:
    found = opt_out_token_read(token)
    contact = None
    if found:
        contact = Contact.objects.select_related("debtor").filter(public_id=found[0]).first()
    if contact is None:
        return render(request, TEMPLATE, {"state": "invalid"}, status=404)
    channel = found[1]
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") != "One-Click":
            rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if rejected is not None:
                return rejected
        contact_opt_out(contact=contact, channel=channel)
        state = "done"
    else:
        state = "done" if channel in (contact.opted_out_channels or []) else "confirm"
    # The page speaks the language the message was written in.
    language = contact.debtor.language
    with translation.override(language):
        response = render(
            request,
            TEMPLATE,
            {
                "state": state,
                "channel": channel,
                "company_name": getattr(settings, "COMPANY_NAME", ""),
            },
        )
    response.headers["Content-Language"] = language
    return response

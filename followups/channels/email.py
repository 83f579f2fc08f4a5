"""Reminder emails: build one from a composed message, send it through Django's
email backend, and map SMTP failures to the channel errors."""

from __future__ import annotations

import hashlib
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from .compose import Composed
from .errors import ProviderPermanentError, ProviderTemporaryError


def email_message_id(idempotency_key: str) -> str:
    """The same key always gives the same Message-ID, so a resent message is
    recognisable as the same one (and threads with it) in the inbox."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}.reminder@{domain}>"


def email_build(
    *, to: str, composed: Composed, idempotency_key: str, opt_out_url: str
) -> EmailMultiAlternatives:
    if not to:
        raise ProviderPermanentError("The contact has no email address")
    if not opt_out_url:
        raise ValueError("A reminder email must carry an opt-out link")
    message = EmailMultiAlternatives(
        subject=composed.subject,
        body=composed.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Message-ID": email_message_id(idempotency_key),
            "List-Unsubscribe": f"<{opt_out_url}>",
            # RFC 8058 one-click: the mail client POSTs here without a form.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Idempotency-Key": idempotency_key,
        },
    )
    message.attach_alternative(composed.html, "text/html")
    return message


def email_send(message: EmailMultiAlternatives) -> str:
    """Send and return the Message-ID. Raises ProviderTemporaryError (retry) or
    ProviderPermanentError (give up)."""
    try:
        sent = message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _reply in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise ProviderPermanentError(f"Recipient refused: {error.recipients}") from error
        raise ProviderTemporaryError(f"Recipient deferred: {error.recipients}") from error
    except smtplib.SMTPConnectError as error:
        raise ProviderTemporaryError(f"SMTP connection failed: {error}") from error
    except smtplib.SMTPResponseException as error:  # data, sender, auth, HELO
        if error.smtp_code >= 500:
            raise ProviderPermanentError(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
        raise ProviderTemporaryError(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
    except (smtplib.SMTPException, OSError) as error:  # disconnects, refused, timeouts
        raise ProviderTemporaryError(f"SMTP unavailable: {error}") from error
    if not sent:
        raise ProviderPermanentError("The email had no recipients")
    return message.extra_headers["Message-ID"]

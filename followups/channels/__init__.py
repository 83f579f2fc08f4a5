"""Outbound channels for reminders: composing the message, SMS providers and
email. Callers import from here."""

from .compose import Composed, compose
from .email import email_build, email_message_id, email_send
from .errors import ProviderPermanentError, ProviderTemporaryError
from .sms import (
    BaseSmsBackend,
    ConsoleSmsBackend,
    FileSmsBackend,
    HttpSmsBackend,
    LocmemSmsBackend,
    SmsMessage,
    SmsResult,
    get_sms_backend,
)

__all__ = [
    "BaseSmsBackend",
    "Composed",
    "ConsoleSmsBackend",
    "FileSmsBackend",
    "HttpSmsBackend",
    "LocmemSmsBackend",
    "ProviderPermanentError",
    "ProviderTemporaryError",
    "SmsMessage",
    "SmsResult",
    "compose",
    "email_build",
    "email_message_id",
    "email_send",
    "get_sms_backend",
]

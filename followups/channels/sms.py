"""SMS providers behind one small interface. Every backend is idempotent per
`SmsMessage.idempotency_key`: sending the same key again returns the first
provider id with `duplicate=True` and sends nothing, so a retried task never
texts a debtor twice."""

from __future__ import annotations

import abc
import dataclasses
import fcntl
import hashlib
import http.client
import json
import logging
import os
import re
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .errors import ProviderPermanentError, ProviderTemporaryError

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "followups.channels.sms.ConsoleSmsBackend"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclasses.dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. "+8613812345678"
    body: str
    idempotency_key: str
    sender: str = ""


@dataclasses.dataclass(frozen=True)
class SmsResult:
    provider_message_id: str
    duplicate: bool = False


def _key_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


class BaseSmsBackend(abc.ABC):
    """A provider: ``send`` checks the message, then each backend's ``_send``."""

    def send(self, message: SmsMessage) -> SmsResult:
        self.check(message)
        return self._send(message)

    def check(self, message: SmsMessage) -> None:
        if not E164.match(message.to or ""):
            raise ProviderPermanentError(f"Not an E.164 phone number: {message.to!r}")
        if not message.body.strip():
            raise ProviderPermanentError("Empty SMS body")
        if not message.idempotency_key:
            raise ProviderPermanentError("Missing idempotency key")

    @abc.abstractmethod
    def _send(self, message: SmsMessage) -> SmsResult:
        """Hand the message to the provider; the same key must never send twice."""

    def sender(self, message: SmsMessage) -> str:
        return message.sender or getattr(settings, "SMS_SENDER", "")


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints one line per message; the default for `make run`."""

    def _send(self, message: SmsMessage) -> SmsResult:
        body = message.body.replace("\n", " / ")
        print(f"[sms] to={message.to} key={message.idempotency_key} body={body}", flush=True)
        return SmsResult(provider_message_id=_key_id("console", message.idempotency_key))


# Like django.core.mail.outbox: what LocmemSmsBackend "sent". Tests clear it.
outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    def _send(self, message: SmsMessage) -> SmsResult:
        provider_id = _key_id("locmem", message.idempotency_key)
        if any(sent.idempotency_key == message.idempotency_key for sent in outbox):
            return SmsResult(provider_message_id=provider_id, duplicate=True)
        outbox.append(message)
        return SmsResult(provider_message_id=provider_id)


class FileSmsBackend(BaseSmsBackend):
    """Appends one JSON line per message to SMS_FILE_PATH. Safe across
    processes and O(1) per send, whatever the size of the file.

    Every key has a marker file ``<SMS_FILE_PATH>.keys/<sha256 of the key>``
    holding the provider id and the byte offset of the key's line. Under an
    exclusive flock on the outbox: a marker whose offset holds the key's line
    means the message went out, and the send answers the stored id with
    ``duplicate=True``; otherwise the marker is written first (complete: a
    temporary file renamed over it) and then the line. A process killed
    between the two leaves a marker whose offset does not hold the key's line,
    so the next send of that key writes the line after all, with the same id.

    SMS_FILE_DELAY_SECONDS (a setting, else the environment) makes every send
    wait that long after writing, outside the lock: a slow provider answer,
    for the crash tests.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        default = Path(settings.BASE_DIR) / "var" / "sms" / "outbox.jsonl"
        self.path = Path(path or getattr(settings, "SMS_FILE_PATH", default))
        self.keys_dir = self.path.with_name(self.path.name + ".keys")
        delay = getattr(settings, "SMS_FILE_DELAY_SECONDS", None)
        if delay is None:
            delay = os.environ.get("SMS_FILE_DELAY_SECONDS") or 0
        self.delay = float(delay)

    def _send(self, message: SmsMessage) -> SmsResult:
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()
        marker = self.keys_dir / digest
        with open(self.path, "ab+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)  # released when the file closes
            stored = _read_marker(marker)
            if stored and _line_at(f, stored.get("offset"), message.idempotency_key):
                return SmsResult(provider_message_id=stored["id"], duplicate=True)
            provider_id = stored["id"] if stored else f"file-{uuid.uuid4().hex}"
            offset = _line_start(f)
            _write_marker(marker, {"id": provider_id, "offset": offset})
            row = {
                "id": provider_id,
                "at": timezone.now().isoformat(),
                "to": message.to,
                "from": self.sender(message),
                "body": message.body,
                "idempotency_key": message.idempotency_key,
            }
            f.write((json.dumps(row, ensure_ascii=False) + "\n").encode())
            f.flush()
        if self.delay:
            time.sleep(self.delay)
        return SmsResult(provider_message_id=provider_id)


def _read_marker(marker: Path) -> dict | None:
    try:
        data = json.loads(marker.read_bytes())
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("id") else None


def _write_marker(marker: Path, data: dict) -> None:
    """Replace the marker with complete contents in one step."""
    temporary = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, marker)


def _line_start(f) -> int:
    """The offset the next line starts at. A line torn by a crash is ended
    first, so the new line is never glued to it."""
    end = f.seek(0, os.SEEK_END)
    if end:
        f.seek(end - 1)
        if f.read(1) != b"\n":
            f.write(b"\n")
            end += 1
    return end


def _line_at(f, offset, key: str) -> bool:
    """Whether the line at ``offset`` is the one written for ``key``."""
    if not isinstance(offset, int) or offset < 0:
        return False
    f.seek(offset)
    try:
        row = json.loads(f.readline())
    except ValueError:
        return False  # torn by a crash, or another key's line
    return isinstance(row, dict) and row.get("idempotency_key") == key


class HttpSmsBackend(BaseSmsBackend):
    """A JSON-over-HTTPS provider: POST {"to", "from", "body"} with a bearer
    token and an Idempotency-Key header."""

    ID_FIELDS = ("id", "sid", "message_id")

    def __init__(
        self, *, url: str | None = None, token: str | None = None, timeout: float | None = None
    ) -> None:
        self.url = url if url is not None else getattr(settings, "SMS_HTTP_URL", "")
        self.token = token if token is not None else getattr(settings, "SMS_HTTP_TOKEN", "")
        self.timeout = float(timeout or getattr(settings, "SMS_HTTP_TIMEOUT", 10))

    def _send(self, message: SmsMessage) -> SmsResult:
        if not self.url:
            raise ProviderPermanentError("SMS provider not configured")
        payload = {"to": message.to, "from": self.sender(message), "body": message.body}
        request = urllib.request.Request(  # noqa: S310 (the URL comes from settings)
            self.url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, data = response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            status, data = error.code, _json(error.read())
            retry_after = error.headers.get("Retry-After") if error.headers else None
            return self._from_error(status, data, retry_after)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            # URLError wraps refused connections and DNS; OSError covers timeouts.
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise ProviderTemporaryError(f"SMS provider timed out: {reason}") from error
            raise ProviderTemporaryError(f"SMS provider unreachable: {reason}") from error
        provider_id = _provider_id(data)
        if not provider_id:
            raise ProviderPermanentError(f"SMS provider answered {status} without a message id")
        return SmsResult(provider_message_id=provider_id)

    def _from_error(self, status: int, data: dict, retry_after: str | None) -> SmsResult:
        provider_id = _provider_id(data)
        if status == 409 and provider_id:
            return SmsResult(provider_message_id=provider_id, duplicate=True)
        detail = _provider_message(data) or f"HTTP {status}"
        if status == 429 or status >= 500:
            raise ProviderTemporaryError(
                f"SMS provider: {detail}", retry_after=_seconds(retry_after)
            )
        raise ProviderPermanentError(f"SMS provider rejected the message: {detail}")


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {"message": raw[:200].decode(errors="replace")}
    return data if isinstance(data, dict) else {}


def _provider_id(data: dict) -> str:
    for name in HttpSmsBackend.ID_FIELDS:
        if data.get(name):
            return str(data[name])
    return ""


def _provider_message(data: dict) -> str:
    for name in ("message", "error", "detail"):
        value = data.get(name)
        if isinstance(value, dict):
            value = value.get("message")
        if value:
            return str(value)
    return ""


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date; the task's own backoff applies


def get_sms_backend() -> BaseSmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()

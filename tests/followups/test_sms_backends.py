"""The SMS backends: in memory, console, file (once per key, across
processes) and the HTTP provider against a real server on loopback."""

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from followups.channels import (
    FileSmsBackend,
    HttpSmsBackend,
    LocmemSmsBackend,
    ProviderPermanentError,
    ProviderTemporaryError,
    SmsMessage,
    get_sms_backend,
    sms,
)


@pytest.fixture(autouse=True)
def _sms_settings(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "outbox.jsonl")
    sms.outbox.clear()


# SMS backends


def message(key="fu-1", to="+8613812345678", body="Hello"):
    return SmsMessage(to=to, body=body, idempotency_key=key)


def test_locmem_backend_dedupes_by_key():
    backend = LocmemSmsBackend()

    first = backend.send(message())
    again = backend.send(message(body="changed"))
    other = backend.send(message(key="fu-2"))

    assert [m.idempotency_key for m in sms.outbox] == ["fu-1", "fu-2"]
    assert again.provider_message_id == first.provider_message_id
    assert (first.duplicate, again.duplicate, other.duplicate) == (False, True, False)


def test_console_backend_prints_one_line(capsys):
    sms.ConsoleSmsBackend().send(message(body="Hi\nthere"))
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "+8613812345678" in out and "Hi / there" in out


def test_get_sms_backend_reads_settings(settings):
    settings.SMS_BACKEND = "followups.channels.sms.LocmemSmsBackend"
    assert isinstance(get_sms_backend(), LocmemSmsBackend)
    del settings.SMS_BACKEND
    assert isinstance(get_sms_backend(), sms.ConsoleSmsBackend)


@pytest.mark.parametrize("to", ["13812345678", "+0123", "", "+86 138 1234 5678"])
def test_it_refuses_numbers_that_are_not_e164(to):
    with pytest.raises(ProviderPermanentError):
        LocmemSmsBackend().send(message(to=to))


def test_file_backend_writes_each_key_once(settings):
    backend = get_file_backend(settings)

    first = backend.send(message())
    again = backend.send(message())

    rows = read_rows(settings.SMS_FILE_PATH)
    assert len(rows) == 1
    assert rows[0]["idempotency_key"] == "fu-1"
    assert (again.provider_message_id, again.duplicate) == (first.provider_message_id, True)


def get_file_backend(settings):
    settings.SMS_BACKEND = "followups.channels.sms.FileSmsBackend"
    backend = get_sms_backend()
    assert isinstance(backend, FileSmsBackend)
    return backend


def read_rows(file_path):
    return [json.loads(line) for line in Path(file_path).read_text().splitlines()]


SENDER_SCRIPT = """
import json, os, sys, time
import django
django.setup()
from followups.channels.sms import FileSmsBackend, SmsMessage
backend = FileSmsBackend(path=sys.argv[1])
print("ready", flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.005)
results = {}
for i in range(100):
    key = f"k{i}"
    r = backend.send(SmsMessage(to="+8613800000000", body=f"n {i}", idempotency_key=key))
    results[key] = [r.provider_message_id, r.duplicate]
print(json.dumps(results), flush=True)
"""


def test_file_backend_is_idempotent_across_processes(tmp_path):
    outbox, go = tmp_path / "outbox.jsonl", tmp_path / "go"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "collections_crm.settings.test"}
    senders = [
        subprocess.Popen(
            [sys.executable, "-c", SENDER_SCRIPT, str(outbox), str(go)],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for sender in senders:
        assert sender.stdout.readline().strip() == "ready"
    go.touch()  # all three start sending the same 100 keys at once
    results = [json.loads(sender.communicate(timeout=60)[0]) for sender in senders]

    rows = read_rows(outbox)
    assert sorted(row["idempotency_key"] for row in rows) == sorted(f"k{i}" for i in range(100))
    by_key = {row["idempotency_key"]: row["id"] for row in rows}
    for key, provider_id in by_key.items():
        seen = [result[key] for result in results]
        assert {pid for pid, _duplicate in seen} == {provider_id}
        assert sorted(duplicate for _pid, duplicate in seen) == [False, True, True]


# HTTP provider, against a real server on loopback


class Provider(BaseHTTPRequestHandler):
    """Answers with whatever the test queued; records what it received."""

    replies: list = []
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        Provider.received.append((dict(self.headers), body))
        status, payload, delay = Provider.replies.pop(0)
        time.sleep(delay)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "30")
        self.end_headers()
        # The client may have given up already (the timeout test).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Provider.replies, Provider.received = [], []
    settings.SMS_BACKEND = "followups.channels.sms.HttpSmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/v1/messages"
    settings.SMS_HTTP_TOKEN = "secret-token"
    settings.SMS_HTTP_TIMEOUT = 0.5
    settings.SMS_SENDER = "Northwind"
    yield Provider
    server.shutdown()
    server.server_close()


def test_http_backend_sends_json_with_auth_and_idempotency_key(provider):
    provider.replies.append((201, {"id": "msg-123"}, 0))

    result = get_sms_backend().send(message(body="Hello there"))

    assert (result.provider_message_id, result.duplicate) == ("msg-123", False)
    ((headers, body),) = provider.received
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["Idempotency-Key"] == "fu-1"
    assert headers["Content-Type"] == "application/json"
    assert body == {"to": "+8613812345678", "from": "Northwind", "body": "Hello there"}


@pytest.mark.parametrize("field", ["sid", "message_id"])
def test_http_backend_reads_other_id_fields(provider, field):
    provider.replies.append((200, {field: "abc"}, 0))
    assert get_sms_backend().send(message()).provider_message_id == "abc"


def test_http_backend_reports_a_409_with_id_as_duplicate(provider):
    provider.replies.append((409, {"id": "msg-1", "message": "already sent"}, 0))
    result = get_sms_backend().send(message())
    assert (result.provider_message_id, result.duplicate) == ("msg-1", True)


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (429, {"message": "slow down"}, ProviderTemporaryError),
        (500, {}, ProviderTemporaryError),
        (503, {"error": "maintenance"}, ProviderTemporaryError),
        (400, {"message": "number is not mobile"}, ProviderPermanentError),
        (401, {"error": {"message": "bad token"}}, ProviderPermanentError),
        (409, {"message": "key reused with another body"}, ProviderPermanentError),
        (200, {"status": "ok"}, ProviderPermanentError),  # no id to record
    ],
)
def test_http_backend_maps_errors(provider, status, payload, expected):
    provider.replies.append((status, payload, 0))

    with pytest.raises(expected) as caught:
        get_sms_backend().send(message())

    if payload.get("message"):
        assert payload["message"] in str(caught.value)
    if status == 429:
        assert caught.value.retry_after == 30


def test_http_backend_treats_a_timeout_as_temporary(provider):
    provider.replies.append((200, {"id": "late"}, 1.5))
    started = time.monotonic()
    with pytest.raises(ProviderTemporaryError, match="timed out"):
        get_sms_backend().send(message())
    assert time.monotonic() - started < 1.4


def test_http_backend_treats_a_refused_connection_as_temporary(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    port = server.server_port
    server.server_close()  # nothing listens there now
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/"
    with pytest.raises(ProviderTemporaryError):
        HttpSmsBackend().send(message())


def test_http_backend_without_url_is_not_configured(settings):
    settings.SMS_HTTP_URL = ""
    with pytest.raises(ProviderPermanentError, match="SMS provider not configured"):
        HttpSmsBackend().send(message())

"""A worker that lost its broker reconnects soon after the broker is back: its
reconnect loop waits at most BROKER_RECONNECT_MAX_SECONDS between attempts and
never gives up (kombu's default backs off to 30 s, Celery's gives up after 100)."""

import socket

import kombu.utils.functional
import pytest
from kombu.exceptions import OperationalError

from collections_crm.celery import BROKER_RECONNECT_MAX_SECONDS, BrokerConnection, app


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


def test_the_worker_connection_retries_at_most_two_seconds_apart(monkeypatch):
    monkeypatch.setattr(kombu.utils.functional, "sleep", lambda seconds: None)
    conn = app.connection_for_read(f"redis://127.0.0.1:{closed_port()}/0")
    assert isinstance(conn, BrokerConnection)
    waits = []
    with pytest.raises(OperationalError):
        conn.ensure_connection(lambda exc, interval: waits.append(interval), 8)
    conn.release()
    assert waits[:3] == [0.5, 1.0, 1.5]
    assert max(waits) == BROKER_RECONNECT_MAX_SECONDS == 2.0
    assert len(waits) == 8


def test_the_worker_never_gives_up_on_its_broker():
    assert app.conf.broker_connection_max_retries is None
    options = app.conf.broker_transport_options
    if app.conf.broker_url.startswith("redis"):
        assert options["socket_connect_timeout"] <= 5
        assert options["socket_keepalive"] is True
        assert options["health_check_interval"] <= 10

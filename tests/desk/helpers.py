"""Shared by the workspace tests: the frozen moment, URLs, and posting an
outcome or a promise the way the page does (htmx)."""

import datetime as dt

from django.urls import reverse

# Thursday 26 November 2026, 10:00 in Shanghai (the debtors' default zone).
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 26)
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, debtor, *args):
    return reverse(f"desk:{name}", args=[debtor.public_id, *args])


def page(client, debtor) -> str:
    response = client.get(reverse("desk:debtor", args=[debtor.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def log(client, debtor, **data):
    data.setdefault("idempotency_key", "k-1")
    return client.post(url("ws-log", debtor), data, **HTMX)


def promise(client, debtor, rows, **data):
    data.setdefault("idempotency_key", "p-1")
    data.setdefault("reminder_channel", "sms")
    data.setdefault("from_call", "on")
    data.setdefault("action", "save")
    for n, (day, amount) in enumerate(rows):
        data[f"date_{n}"], data[f"amount_{n}"] = day, amount
    return client.post(url("ws-promise", debtor), data, **HTMX).content.decode()

"""Measured contact rates: how often an outbound call reached the right
person, per team (rebuilt nightly into ``ContactRate``) and per debtor (read
at planning time for debtors with enough calls), in the debtor's local
weekday x hour. The timing engine blends them with its prior."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from collections_crm.lib.zones import zone_named
from debtors.models import Channel, Debtor

from .models import ContactRate, Interaction

RATE_HISTORY_DAYS = 180
DEBTOR_RATE_MIN_CALLS = 8


def team_rates() -> dict[int | None, dict[tuple[int, int], tuple[int, int]]]:
    rates: dict = defaultdict(dict)
    for team_id, weekday, hour, trials, successes in ContactRate.objects.values_list(
        "team_id", "weekday", "hour", "trials", "successes"
    ):
        rates[team_id][(weekday, hour)] = (successes, trials)
    return rates


def _local_cell(started_at: dt.datetime, tz_name: str) -> tuple[int, int]:
    local = started_at.astimezone(zone_named(tz_name))
    return local.weekday(), local.hour


def _calls(since: dt.datetime, debtor_ids: list[int] | None = None):
    calls = Interaction.objects.filter(
        channel=Channel.CALL, direction=Interaction.Direction.OUTBOUND, started_at__gte=since
    )
    if debtor_ids is not None:
        calls = calls.filter(debtor_id__in=debtor_ids)
    return calls


def contact_rates_refresh(*, now: dt.datetime | None = None) -> int:
    """Rebuild the per-team weekday x hour right-party rates from the last
    half year of outbound calls, in the debtors' local time. One statement on
    PostgreSQL; in Python on SQLite (the embedded demo)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=RATE_HISTORY_DAYS)
    table = ContactRate._meta.db_table
    with transaction.atomic():
        ContactRate.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {table} (team_id, weekday, hour, trials, successes)
                    SELECT d.team_id,
                           (EXTRACT(ISODOW FROM i.started_at AT TIME ZONE d.timezone))::int - 1,
                           EXTRACT(HOUR FROM i.started_at AT TIME ZONE d.timezone)::int,
                           count(*), count(*) FILTER (WHERE i.right_party_contact)
                      FROM {Interaction._meta.db_table} i
                      JOIN {Debtor._meta.db_table} d ON d.id = i.debtor_id
                     WHERE i.channel = 'call' AND i.direction = 'outbound'
                       AND i.started_at >= %s
                       AND d.timezone IN (SELECT name FROM pg_timezone_names)
                     GROUP BY 1, 2, 3
                    """,
                    [since],
                )
                return cursor.rowcount
        cells: dict = defaultdict(lambda: [0, 0])
        for started_at, tz_name, team_id, ok in _calls(since).values_list(
            "started_at", "debtor__timezone", "debtor__team_id", "right_party_contact"
        ):
            cell = _local_cell(started_at, tz_name)
            cells[(team_id, *cell)][0] += 1
            cells[(team_id, *cell)][1] += int(ok)
        ContactRate.objects.bulk_create(
            ContactRate(team_id=t, weekday=w, hour=h, trials=n, successes=k)
            for (t, w, h), (n, k) in cells.items()
        )
        return len(cells)


def debtor_rates(debtor_ids: list[int], now: dt.datetime) -> dict[int, dict]:
    """Per-debtor weekday x hour rates, only for debtors with enough calls."""
    if not debtor_ids:
        return {}
    since = now - dt.timedelta(days=RATE_HISTORY_DAYS)
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    rows = _calls(since, debtor_ids).values_list(
        "debtor_id", "started_at", "debtor__timezone", "right_party_contact"
    )
    if connection.vendor == "postgresql":
        # Only debtors with enough calls are worth reading row by row.
        busy = (
            _calls(since, debtor_ids)
            .values("debtor_id")
            .annotate(n=Count("id"))
            .filter(n__gte=DEBTOR_RATE_MIN_CALLS)
            .values_list("debtor_id", flat=True)
        )
        rows = rows.filter(debtor_id__in=busy)
    for debtor_id, started_at, tz_name, ok in rows:
        cell = _local_cell(started_at, tz_name)
        counts[debtor_id][cell][0] += 1
        counts[debtor_id][cell][1] += int(ok)
    rates: dict[int, dict] = {}
    for debtor_id, cells in counts.items():
        if sum(n for n, _ in cells.values()) >= DEBTOR_RATE_MIN_CALLS:
            rates[debtor_id] = {cell: (k, n) for cell, (n, k) in cells.items()}
    return rates

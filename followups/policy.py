"""Contact policy: from the database rows to the timing engine's inputs.

The effective limits for a debtor are, in order: the chosen pack's row for the
debtor's type, else the pack's row for every type, else the shipped values in
``followups.defaults``; then the debtor's own override; then the hard stops
(do not contact, cease, channel opt-outs, a dispute over the whole balance).

``contact_check`` answers for one debtor whether contact is allowed now (the
workspace, callbacks); the senders and the queue, which ask for many debtors
at once, read the same inputs in bulk (``limits_for``, ``histories``) and call
``timing.check`` themselves. ``blocking`` applies a manager's one-time lift.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from collections_crm.lib.zones import zone_of
from debtors.models import Channel, Contact, Debtor

from . import sql, timing
from .defaults import POLICY_PACKS
from .models import CalendarDay, ContactPolicy, DebtorPolicyOverride, EngineSettings, Interaction

logger = logging.getLogger(__name__)

HISTORY_WINDOW = dt.timedelta(days=8)  # 7 rolling days, plus a day for the daily cap's local day
POLICY_CACHE_SECONDS = 30
POLICY_FIELDS = (
    "max_attempts_7d",
    "max_calls_7d",
    "max_messages_7d",
    "max_connected_calls_per_day",
    "min_gap_after_conversation_hours",
    "allowed_from_local",
    "allowed_until_local",
    "quiet_weekdays",
)
# What calendar_for and limits_for read from a debtor: code that loads debtors
# as plain rows (the nightly plan, the queue) loads at least these.
DEBTOR_FIELDS = (
    "id",
    "code",
    "debtor_type",
    "status",
    "team_id",
    "assigned_collector_id",
    "country",
    "timezone",
    "language",
    "business_hours_start",
    "business_hours_end",
    "lunch_start",
    "lunch_end",
    "working_days",
    "money_days",
    "do_not_contact",
    "cease_contact",
    "open_balance",
    "disputed_balance",
    "priority_score",
)
# Reasons a follow-up is not about collecting money: they are not paused by a
# dispute over the whole balance.
DISPUTE_EXEMPT_REASONS = frozenset({"dispute_review"})

_cache: dict[str, tuple[float, object]] = {}


def _cached(key: str, build):
    hit = _cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < POLICY_CACHE_SECONDS:
        return hit[1]
    value = build()
    _cache[key] = (now, value)
    return value


def policy_cache_clear() -> None:
    _cache.clear()


def active_pack() -> str:
    """The pack the company chose (the settings row), else CONTACT_POLICY_PACK."""

    def build():
        row = EngineSettings.objects.filter(pk=1).values_list("policy_pack", flat=True).first()
        return row or getattr(settings, "CONTACT_POLICY_PACK", ContactPolicy.Pack.B2B)

    return _cached("pack", build)


def pack_values(pack: str | None = None) -> dict[str, dict]:
    """debtor type ("" for every type) -> limit values, for one pack."""
    pack = pack or active_pack()

    def build():
        rows = {
            row["debtor_type"]: row
            for row in ContactPolicy.objects.filter(pack=pack, is_active=True).values(
                "debtor_type", *POLICY_FIELDS
            )
        }
        if "" not in rows:
            rows[""] = {"debtor_type": "", **POLICY_PACKS.get(pack, POLICY_PACKS["b2b"])}
        return rows

    return _cached(f"pack:{pack}", build)


def limits_from_values(values: dict) -> timing.Limits:
    gap = values.get("min_gap_after_conversation_hours") or 0
    return timing.Limits(
        allowed_from=values["allowed_from_local"],
        allowed_until=values["allowed_until_local"],
        quiet_weekdays=frozenset(values.get("quiet_weekdays") or ()),
        max_attempts_7d=values.get("max_attempts_7d"),
        max_calls_7d=values.get("max_calls_7d"),
        max_messages_7d=values.get("max_messages_7d"),
        max_connected_calls_per_day=values.get("max_connected_calls_per_day"),
        min_gap_after_conversation=dt.timedelta(hours=gap),
    )


def base_limits(debtor_type: str, *, pack: str | None = None) -> timing.Limits:
    pack = pack or active_pack()
    return _cached(
        f"limits:{pack}:{debtor_type}",
        lambda: limits_from_values(pack_values(pack).get(debtor_type) or pack_values(pack)[""]),
    )


def limits_for(
    debtor: Debtor,
    *,
    override: DebtorPolicyOverride | None = None,
    contact: Contact | None = None,
    reason: str = "",
    pack: str | None = None,
) -> timing.Limits:
    """Everything that limits contact with this debtor, as the engine's input."""
    limits = base_limits(debtor.debtor_type, pack=pack)
    blocked = set()
    if override is not None:
        changes = {}
        for name in ("max_attempts_7d", "max_calls_7d", "max_messages_7d"):
            value = getattr(override, name)
            if value is not None:
                changes[name] = value
        if override.min_gap_after_conversation_hours is not None:
            changes["min_gap_after_conversation"] = dt.timedelta(
                hours=override.min_gap_after_conversation_hours
            )
        if override.allowed_from_local is not None:
            changes["allowed_from"] = override.allowed_from_local
        if override.allowed_until_local is not None:
            changes["allowed_until"] = override.allowed_until_local
        if override.quiet_weekdays is not None:
            changes["quiet_weekdays"] = frozenset(override.quiet_weekdays)
            changes["quiet_on_makeup_days"] = True  # asked for: held on make-up days too
        blocked |= set(override.blocked_channels or ())
        limits = replace(limits, **changes)
    if contact is not None:
        blocked |= set(contact.opted_out_channels or ())
    stop, stop_reason = _stop(debtor, reason)
    if not (blocked or stop or override is not None):
        return limits  # the pack's own limits, shared (the queue asks for dozens)
    return replace(
        limits,
        blocked_channels=frozenset(blocked),
        no_contact=stop,
        no_contact_reason=stop_reason,
    )


def _stop(debtor, reason: str) -> tuple[bool, str]:
    """Whether nobody may contact this debtor now, and why."""
    stop, stop_reason = False, ""
    if debtor.cease_contact:
        stop, stop_reason = True, "cease"
    elif debtor.do_not_contact:
        stop, stop_reason = True, "do_not_contact"
    elif (
        reason not in DISPUTE_EXEMPT_REASONS
        and debtor.disputed_balance > 0
        and debtor.disputed_balance >= debtor.open_balance
    ):
        stop, stop_reason = True, "dispute_pause"
    return stop, stop_reason


def calendar_zone(debtor: Debtor):
    """The debtor's zone (``collections_crm.lib.zones``: the company's when the
    stored name is unknown)."""
    return zone_of(debtor)


def calendar_for(debtor: Debtor) -> timing.Calendar:
    """The debtor's working calendar. Bad stored values (from an import) fall
    back to safe defaults with a logged warning; people get a form error.
    Memoised by value: a book has few distinct calendars. The official days
    finance keeps for the debtor's country (``CalendarDay``) are added."""
    calendar = _calendar(
        debtor.timezone,
        debtor.country,
        debtor.business_hours_start,
        debtor.business_hours_end,
        debtor.lunch_start,
        debtor.lunch_end,
        tuple(debtor.working_days or ()),
        tuple(debtor.money_days or ()),
        debtor.code,
    )
    workdays, days_off = official_days(calendar.country)
    if not (workdays or days_off):
        return calendar
    return _calendar_with_days(calendar, workdays, days_off)


def official_days(country: str) -> tuple[frozenset, frozenset]:
    """(working days, days off) the company's table sets for a country, read
    at most every POLICY_CACHE_SECONDS per process."""
    if not country:
        return frozenset(), frozenset()

    def build():
        rows = list(CalendarDay.objects.filter(country=country).values_list("day", "kind"))
        working = frozenset(day for day, kind in rows if kind == CalendarDay.Kind.WORKING)
        return working, frozenset(day for day, kind in rows if kind == CalendarDay.Kind.DAY_OFF)

    return _cached(f"days:{country}", build)


@lru_cache(maxsize=256)
def _calendar_with_days(calendar: timing.Calendar, workdays, days_off) -> timing.Calendar:
    """The same object for the same inputs, so the engine's caches keep hitting."""
    return replace(calendar, extra_workdays=workdays, extra_days_off=days_off)


def _calendar(tz, country, opens, closes, lunch_start, lunch_end, working_days, money_days, code):
    try:
        key = (tz, country, opens, closes, lunch_start, lunch_end, working_days, money_days)
        return _calendar_cached(*key)
    except TypeError:  # something unhashable in a list: read it the slow way
        calendar, warnings = _calendar_read(
            tz, country, opens, closes, lunch_start, lunch_end, working_days, money_days
        )
        for warning in warnings:
            logger.warning("debtor %s calendar: %s", code, warning)
        return calendar


@lru_cache(maxsize=2048)
def _calendar_cached(tz, country, opens, closes, lunch_start, lunch_end, working_days, money_days):
    calendar, warnings = _calendar_read(
        tz, country, opens, closes, lunch_start, lunch_end, working_days, money_days
    )
    for warning in warnings:  # once per distinct calendar and process
        logger.warning("a debtor calendar: %s", warning)
    return calendar


def _calendar_read(tz, country, opens, closes, lunch_start, lunch_end, working_days, money_days):
    return timing.calendar_from_raw(
        timezone=tz,
        country=country,
        opens=opens,
        closes=closes,
        lunch_start=lunch_start,
        lunch_end=lunch_end,
        working_days=list(working_days),
        money_days=list(money_days),
    )


def attempt_from_row(started_at, channel: str, outcome: str) -> timing.Attempt:
    return timing.Attempt(
        at=started_at,
        channel=channel,
        connected=outcome in Interaction.CONNECTED_OUTCOMES,
        conversation=outcome in Interaction.CONVERSATION_OUTCOMES,
    )


def histories(
    debtor_ids: Iterable[int], *, now: dt.datetime | None = None
) -> dict[int, list[timing.Attempt]]:
    """Recent outbound contact per debtor, one query. Inbound calls do not count
    against the caps, but a conversation the debtor started still starts the gap."""
    now = now or timezone.now()
    ids = list(debtor_ids)
    result: dict[int, list[timing.Attempt]] = defaultdict(list)
    if not ids:
        return result
    # Written out (followups.sql): every queue page asks, and composing it
    # with the ORM cost more than the database's work.
    in_ids, params = sql.listed("debtor", ids)
    params.update(
        since=connection.ops.adapt_datetimefield_value(now - HISTORY_WINDOW),
        letter=str(Channel.LETTER),
        inbound=str(Interaction.Direction.INBOUND),
    )
    rows = sql.fetch(
        f"""SELECT debtor_id, started_at, channel, outcome, direction
              FROM followups_interaction
             WHERE debtor_id IN {in_ids} AND started_at >= %(since)s
               AND NOT (channel = %(letter)s AND direction = %(inbound)s)
             ORDER BY started_at DESC""",
        params,
        [None, Interaction._meta.get_field("started_at"), None, None, None],
    )
    for debtor_id, started_at, channel, outcome, direction in rows:
        attempt = attempt_from_row(started_at, channel, outcome)
        if direction == Interaction.Direction.INBOUND:
            if not attempt.conversation:
                continue
            # Only the conversation gap applies: mark it as a non-counting entry.
            attempt = replace(attempt, channel="inbound")
        result[debtor_id].append(attempt)
    return result


def overrides_for(debtor_ids: Iterable[int]) -> dict[int, DebtorPolicyOverride]:
    """The debtors' own limits, where they have some: one query for many debtors."""
    ids = list(debtor_ids)
    if not ids:
        return {}
    return {o.debtor_id: o for o in DebtorPolicyOverride.objects.filter(debtor_id__in=ids)}


def override_for(debtor: Debtor) -> DebtorPolicyOverride | None:
    try:
        return debtor.policy_override
    except DebtorPolicyOverride.DoesNotExist:
        return None


def contact_check(
    debtor: Debtor,
    action: str,
    *,
    at: dt.datetime | None = None,
    contact: Contact | None = None,
    reason: str = "",
    history: Sequence[timing.Attempt] | None = None,
) -> list[timing.Violation]:
    """Why contacting this debtor by ``action`` at ``at`` (now) is not allowed;
    [] when it is."""
    at = at or timezone.now()
    limits = limits_for(debtor, override=override_for(debtor), contact=contact, reason=reason)
    if history is None:
        history = histories([debtor.pk], now=at)[debtor.pk]
    return timing.check(calendar_for(debtor), limits, history, action, at)


# Violations a manager's one-attempt override lifts: the counting limits and
# the preference for the debtor's working hours. Never lifted: do not contact,
# cease, opt-outs, a dispute pause and the lawful local hours.
OVERRIDABLE = frozenset(
    {
        "cap_all",
        "cap_calls",
        "cap_messages",
        "cap_connected_day",
        "conversation_gap",
        "outside_hours",
        "lunch",
        "non_working_day",
        "holiday",
    }
)


def blocking(violations: Sequence[timing.Violation], *, overridden: bool) -> list:
    """The violations that still stop an attempt once a manager's override counts."""
    if not overridden:
        return list(violations)
    return [v for v in violations if v.code not in OVERRIDABLE]


HARD_STOPS = frozenset({"no_contact", "channel_blocked"})


def is_hard_stop(violations: Sequence[timing.Violation]) -> bool:
    """Violations that waiting does not cure (the follow-up is cancelled)."""
    return any(v.code in HARD_STOPS for v in violations)

"""Whether a moment is allowed (part of ``followups.timing``): the calendar,
the contact policy and the contact history, checked at one moment (``check``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from .timing_calendar import (
    MESSAGE_ACTIONS,
    VOICE_ACTIONS,
    Attempt,
    Calendar,
    Limits,
    _require_aware,
    _seconds,
    _zone,
    is_day_off,
    is_makeup_day,
    is_quiet_day,
)
from .timing_words import _violation_text

WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Violation:
    code: str
    message: str


def _find(calendar, limits, history, action, at, deadline):
    """Broken rules at ``at`` as (code, params); params are not translated yet."""
    zone = _zone(calendar.timezone)
    local = at.astimezone(zone)
    day, sod, weekday = local.date(), _seconds(local.time()), local.weekday()
    found = []
    if limits.no_contact:
        found.append(("no_contact", {"reason": limits.no_contact_reason}))
    if action in limits.blocked_channels:
        found.append(("channel_blocked", {"channel": action}))
    if deadline is not None and at > deadline:
        found.append(("past_deadline", {"deadline": deadline}))
    if weekday not in calendar.working_days and not is_makeup_day(calendar, day):
        found.append(("non_working_day", {}))
    if is_day_off(calendar, day):
        found.append(("holiday", {}))
    if not _seconds(calendar.opens) <= sod < _seconds(calendar.closes):
        found.append(("outside_hours", {}))
    elif calendar.lunch and _seconds(calendar.lunch[0]) <= sod < _seconds(calendar.lunch[1]):
        found.append(("lunch", {}))
    if not _seconds(limits.allowed_from) <= sod < _seconds(limits.allowed_until):
        found.append(("quiet_hours", {}))
    if is_quiet_day(calendar, limits, day):
        found.append(("quiet_day", {}))
    found += _history_rules(limits, history, action, at, zone, day)
    return found, local


def _history_rules(limits, history, action, at, zone, day):
    found = []
    recent = [a for a in history if at - WINDOW < a.at <= at]
    voice, message = action in VOICE_ACTIONS, action in MESSAGE_ACTIONS
    caps = [("cap_all", limits.max_attempts_7d, True, lambda a: True)]
    caps.append(("cap_calls", limits.max_calls_7d, voice, lambda a: a.channel in VOICE_ACTIONS))
    caps.append(
        ("cap_messages", limits.max_messages_7d, message, lambda a: a.channel in MESSAGE_ACTIONS)
    )
    for code, cap, applies, counts in caps:
        if cap is not None and applies:
            count = sum(1 for a in recent if counts(a))
            if count + 1 > cap:
                found.append((code, {"limit": cap, "count": count}))
    if not voice:
        return found
    cap = limits.max_connected_calls_per_day
    if cap is not None:
        count = sum(
            1
            for a in history
            if a.connected and a.channel in VOICE_ACTIONS and a.at.astimezone(zone).date() == day
        )
        if count >= cap:
            found.append(("cap_connected_day", {"limit": cap, "count": count}))
    gap = limits.min_gap_after_conversation
    if gap > timedelta(0):
        ends = [a.at + gap for a in history if a.conversation and a.at <= at < a.at + gap]
        if ends:
            found.append(("conversation_gap", {"until": max(ends)}))
    return found


def check(
    calendar: Calendar,
    limits: Limits,
    history: Sequence[Attempt],
    action: str,
    at: datetime.datetime,
    *,
    deadline: datetime.datetime | None = None,
) -> list[Violation]:
    """Why ``at`` is not allowed for ``action`` (empty list: it is allowed).

    Caps count history in (at - 7 days, at] and refuse when one more would
    exceed them; the connected-calls cap counts connected calls and visits on
    the whole local day of ``at``.
    """
    _require_aware(at, "at")
    found, local = _find(calendar, limits, history, action, at, deadline)
    zone = local.tzinfo
    return [
        Violation(code, _violation_text(code, params, local, calendar, limits, zone))
        for code, params in found
    ]

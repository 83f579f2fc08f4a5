"""When to contact a debtor: allowed moments, ranked, each with its reasons.

Pure functions, no database. ``check`` says why a moment is not allowed;
``slots`` lists allowed moments best first. Everything is decided in the
debtor's local time (``Calendar.timezone``).

This module is the engine's one public face: import from here. The work is
done in its sibling modules:

- ``timing_calendar``: the inputs (``Action``, ``Calendar``, ``Limits``,
  ``Attempt``, ``Rates``) and the local-day facts (zones, holidays, money days);
- ``timing_weights``: the rule-based prior of a weekday and hour, and its blend
  with the team's and the debtor's measured rates (the formulas are there);
- ``timing_rules``: ``check``, whether one moment is allowed;
- ``timing_slots``: the slot search (``slots``, ``best_slot``, ``slot_at``);
- ``timing_words``: ``REASON_CODES`` and the codes put into words (``explain``);
- ``timing_validation``: problems in entered calendars and contact policies.
"""

from __future__ import annotations

from .timing_calendar import (
    MESSAGE_ACTIONS,
    VOICE_ACTIONS,
    Action,
    Attempt,
    Calendar,
    Limits,
    Rates,
)
from .timing_rules import WINDOW, Violation, check
from .timing_slots import Slot, best_slot, slot_at, slots
from .timing_validation import calendar_from_raw, calendar_problems, limits_problems
from .timing_weights import (
    DAY_SHARE,
    DAY_WEIGHTS,
    FRIDAY_AFTERNOON_BONUS,
    HOUR_SHARE,
    HOUR_WEIGHTS,
    K_DEBTOR,
    K_TEAM,
    MOMENT_CODES,
    MONDAY_MORNING_PENALTY,
    MONEY_AFTER_BONUS,
    MONEY_BEFORE_BONUS,
    RATE_FLOOR,
    RATE_SPAN,
)
from .timing_words import REASON_CODES, explain

__all__ = [
    "DAY_SHARE",
    "DAY_WEIGHTS",
    "FRIDAY_AFTERNOON_BONUS",
    "HOUR_SHARE",
    "HOUR_WEIGHTS",
    "K_DEBTOR",
    "K_TEAM",
    "MESSAGE_ACTIONS",
    "MOMENT_CODES",
    "MONDAY_MORNING_PENALTY",
    "MONEY_AFTER_BONUS",
    "MONEY_BEFORE_BONUS",
    "RATE_FLOOR",
    "RATE_SPAN",
    "REASON_CODES",
    "VOICE_ACTIONS",
    "WINDOW",
    "Action",
    "Attempt",
    "Calendar",
    "Limits",
    "Rates",
    "Slot",
    "Violation",
    "best_slot",
    "calendar_from_raw",
    "calendar_problems",
    "check",
    "explain",
    "limits_problems",
    "slot_at",
    "slots",
]

"""The engine's codes put into words, in the reader's language (part of
``followups.timing``): why a moment is not allowed (``Violation.message``) and
the reason sentence of a chosen slot (``explain``), from the stored
``REASON_CODES``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from django.utils.translation import get_language, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from .timing_calendar import Action, _hm
from .timing_weights import MOMENT_CODES

# Every code a slot's reasons may hold, with its parameters. Reasons are stored
# as [code, params] pairs (FollowUp.slot_explain) and put into words only when
# shown, in the reader's language (``explain``): add codes, never rename one.
REASON_CODES = (
    "at",  # {"weekday": 0-6 (Monday first), "time": "HH:MM"}, the debtor's local time
    *MOMENT_CODES,
    "money_before",  # {"days": 1-3}
    "money_after",
    # learning
    "team_data",  # {"share": percent of the score, "successes": int, "trials": int}
    "debtor_data",  # the same, from the debtor's own history
    "deadline_missed",  # {"weekday", "time"}: the deadline, local
    # set by the services, not by the ranking
    "callback_asked",  # the moment the debtor asked to be called
    "note",  # {"text": str}: a reason stored as text before the codes; shown as it is
)


_WEEKDAYS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)


def _when(weekday: int, clock: str) -> str:
    # Translators: a moment in the debtor's own time zone, e.g. "Fri 15:00 their time".
    return _("%(day)s %(time)s their time") % {"day": _WEEKDAYS[weekday], "time": clock}


def _channel_name(channel: str) -> str:
    names = {
        Action.CALL: _("calls"),
        Action.SMS: _("SMS"),
        Action.EMAIL: _("e-mail"),
        Action.VISIT: _("visits"),
        Action.LETTER: _("letters"),
    }
    return names.get(channel, channel)


def _violation_text(code, params, local, calendar, limits, zone) -> str:
    when = _when(local.weekday(), local.strftime("%H:%M"))
    if code == "no_contact":
        texts = {
            "do_not_contact": _("the debtor asked not to be contacted"),
            "cease": _("a cease-contact request is on file"),
            "dispute_pause": _("contact is paused while a dispute is open"),
        }
        return texts.get(params["reason"], _("contact with this debtor is paused"))
    if code == "channel_blocked":
        return _("they opted out of %(channel)s") % {"channel": _channel_name(params["channel"])}
    if code == "past_deadline":
        end = params["deadline"].astimezone(zone)
        return _("%(when)s is after the deadline (%(deadline)s)") % {
            "when": when,
            "deadline": _when(end.weekday(), end.strftime("%H:%M")),
        }
    if code == "non_working_day":
        return _("%(when)s is not one of their working days") % {"when": when}
    if code == "holiday":
        return _("%(when)s is a public holiday for them") % {"when": when}
    if code == "outside_hours":
        return _("%(when)s is outside their opening hours %(start)s–%(end)s") % {
            "when": when,
            "start": _hm(calendar.opens),
            "end": _hm(calendar.closes),
        }
    if code == "lunch":
        return _("%(when)s is in their lunch break %(start)s–%(end)s") % {
            "when": when,
            "start": _hm(calendar.lunch[0]),
            "end": _hm(calendar.lunch[1]),
        }
    if code == "quiet_hours":
        return _("%(when)s is outside the allowed hours %(start)s–%(end)s") % {
            "when": when,
            "start": _hm(limits.allowed_from),
            "end": _hm(limits.allowed_until),
        }
    if code == "quiet_day":
        return _("%(when)s is on a day the contact policy keeps quiet") % {"when": when}
    if code == "cap_all":
        return _("limit of %(limit)d attempts in 7 days reached (%(count)d so far)") % params
    if code == "cap_calls":
        return (
            _("limit of %(limit)d calls and visits in 7 days reached (%(count)d so far)") % params
        )
    if code == "cap_messages":
        return _("limit of %(limit)d messages in 7 days reached (%(count)d so far)") % params
    if code == "cap_connected_day":
        return _("limit of %(limit)d connected calls a day reached (%(count)d that day)") % params
    if code == "conversation_gap":
        until = params["until"].astimezone(zone)
        return _("they spoke with us recently: no calls or visits before %(until)s") % {
            "until": _when(until.weekday(), until.strftime("%H:%M"))
        }
    return code


def _reason_text(code: str, params: Mapping) -> str:
    simple = {
        "first_15": _("first 15 minutes of their day"),
        "morning": _("morning"),
        "after_lunch": _("right after their lunch break"),
        "afternoon": _("afternoon"),
        "afternoon_negotiation": _("afternoon, good for negotiating"),
        "late_day": _("late in their day"),
        "lunch_break": _("during their lunch break"),
        "off_hours": _("outside their opening hours"),
        "weekday_best": _("best weekday"),
        "weekday_good": _("good weekday"),
        "weekday_weak": _("weak weekday"),
        "friday_afternoon": _("relaxed Friday afternoon"),
        "monday_morning": _("busy Monday morning"),
        "makeup_workday": _("an official make-up working day"),
        "money_after": _("the day after their money day"),
        "callback_asked": _("the time they asked for"),
    }
    if code in simple:
        return simple[code]
    if code == "money_before":
        days = int(params["days"])
        return ngettext(
            "%(days)d day before their money day", "%(days)d days before their money day", days
        ) % {"days": days}
    if code in ("team_data", "debtor_data"):
        values = {k: int(params[k]) for k in ("share", "successes", "trials")}
        if code == "team_data":
            text = ngettext(
                "team data %(share)d %% of the score (%(successes)d of %(trials)d attempt "
                "succeeded at this hour)",
                "team data %(share)d %% of the score (%(successes)d of %(trials)d attempts "
                "succeeded at this hour)",
                values["trials"],
            )
        else:
            text = ngettext(
                "their own history %(share)d %% of the score (%(successes)d of %(trials)d "
                "attempt succeeded at this hour)",
                "their own history %(share)d %% of the score (%(successes)d of %(trials)d "
                "attempts succeeded at this hour)",
                values["trials"],
            )
        return text % values
    if code == "deadline_missed":
        return _("no allowed time before the deadline (%(deadline)s)") % {
            "deadline": _when(int(params["weekday"]) % 7, str(params["time"]))
        }
    if code == "note":
        return str(params["text"])
    return code


_FIRST_CLAUSE = frozenset(MOMENT_CODES)


def explain(reasons: Sequence[Sequence]) -> str:
    """The reason sentence, in the active language, from ``Slot.reasons`` (also
    after a JSON round trip, where the pairs have become lists, as stored in
    ``FollowUp.slot_explain``). The one place reasons become words. Memoised:
    a page or an export explains many slots, most of them alike."""
    try:
        key = tuple((code, tuple(sorted(params.items()))) for code, params in reasons)
        hash(key)
    except (AttributeError, TypeError, ValueError):
        return _explain(reasons)
    return _explain_cached(get_language(), key)


@lru_cache(maxsize=4096)
def _explain_cached(language: str | None, key: tuple) -> str:
    return _explain([(code, dict(params)) for code, params in key])


def _explain(reasons: Sequence[Sequence]) -> str:
    head, first, rest = "", [], []
    for code, params in reasons:
        try:
            if code == "at":
                head = _when(int(params["weekday"]) % 7, str(params["time"]))
            else:
                text = _reason_text(code, params)
                (first if code in _FIRST_CLAUSE else rest).append(text)
        except (KeyError, TypeError, ValueError):
            rest.append(str(code))
    # Translators: the separators between the parts of a reason.
    comma, semicolon = pgettext("list separator", ", "), pgettext("clause separator", "; ")
    why = semicolon.join([comma.join(first)] * bool(first) + rest)
    if head and why:
        return _("%(when)s — %(why)s") % {"when": head, "why": why}
    return head or why

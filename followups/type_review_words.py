"""A type suggestion's reason in the reader's language (part of
``followups.type_review``), told from the facts stored in its evidence, so
the same suggestion reads in English or Chinese as the reader chooses."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import TypeSuggestion

Reason = TypeSuggestion.Reason


def _day(iso) -> str:
    try:
        return date_format(dt.date.fromisoformat(iso), "DATE_FORMAT")
    except (TypeError, ValueError):
        return "?"


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _dispute(e: dict) -> str:
    n = _int(e.get("disputes"))
    return ngettext(
        "%(n)d dispute open since %(day)s.", "%(n)d disputes open since %(day)s.", n
    ) % {"n": n, "day": _day(e.get("since"))}


def _broken(e: dict) -> str:
    n = _int(e.get("broken"))
    return ngettext(
        "%(n)d promise broken since %(day)s.", "%(n)d promises broken since %(day)s.", n
    ) % {"n": n, "day": _day(e.get("since"))}


def _dodged(e: dict) -> str:
    n = _int(e.get("unanswered"))
    values = {"n": n, "day": _day(e.get("since")), "spoke": _day(e.get("last_spoke"))}
    if e.get("callback"):
        return (
            ngettext(
                "Asked on %(spoke)s to be called back, then did not answer %(n)d call.",
                "Asked on %(spoke)s to be called back, then did not answer %(n)d calls.",
                n,
            )
            % values
        )
    return (
        ngettext(
            "%(n)d call unanswered since %(day)s; we last spoke on %(spoke)s.",
            "%(n)d calls unanswered since %(day)s; we last spoke on %(spoke)s.",
            n,
        )
        % values
    )


def _hardship(e: dict) -> str:
    k = _int(e.get("instalments"))
    asked = ngettext(
        "Asked on %(day)s to pay in %(k)d instalment.",
        "Asked on %(day)s to pay in %(k)d instalments.",
        k,
    ) % {"k": k, "day": _day(e.get("plan_on"))}
    payments = _int(e.get("payments"))
    if payments >= 2:
        paid = ngettext(
            "%(n)d payment received since %(day)s.",
            "%(n)d payments received since %(day)s.",
            payments,
        ) % {"n": payments, "day": _day(e.get("payments_since"))}
    else:
        partly = _int(e.get("partly_kept"))
        paid = ngettext("%(n)d promise partly kept.", "%(n)d promises partly kept.", partly) % {
            "n": partly
        }
    return f"{asked} {paid}"


def _forgetful(e: dict) -> str:
    n = _int(e.get("on_time"))
    return ngettext(
        "Overdue since %(day)s, after %(n)d invoice paid on time and none late.",
        "Overdue since %(day)s, after %(n)d invoices paid on time and none late.",
        n,
    ) % {"n": n, "day": _day(e.get("overdue_since"))}


_TELLERS = {
    Reason.OPEN_DISPUTE: _dispute,
    Reason.BROKEN_PROMISES: _broken,
    Reason.DODGED_CALLS: _dodged,
    Reason.ASKS_TIME_PAYS_IN_PARTS: _hardship,
    Reason.FIRST_LATE_AFTER_GOOD_HISTORY: _forgetful,
}


def reason_text(reason: str, evidence: dict | None) -> str:
    """The reason in words, in the active language: e.g. "2 promises broken
    since Oct. 3, 2026." An unknown reason reads as its label."""
    teller = _TELLERS.get(reason)
    if teller is None:
        return _("No reason recorded.")
    return teller(evidence or {})


def suggestion_text(suggestion: TypeSuggestion) -> str:
    return reason_text(suggestion.reason, suggestion.evidence)

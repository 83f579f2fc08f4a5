"""The type review: debtors whose recent signals point to another type than
the one they carry, each with its reason, for a manager to confirm or dismiss.

The product suggests; a person decides (DOMAIN.md). The signals:

- an open dispute → dispute (:func:`open_dispute`);
- two or more broken promises → stalling (:func:`broken_promises`);
- dodged calls → stalling (:func:`dodged_calls`);
- asks for time and pays in parts → hardship (:func:`asks_time_pays_in_parts`);
- a first late payment after a good history → forgetful
  (:func:`first_late_after_good_history`).

Each rule is a pure function over one debtor's :class:`Facts` (gathered for
many debtors at once by :mod:`.type_review_facts`). The rules are tried in
that order, strongest first: when the strongest signal points to the type the
debtor already carries, nothing is suggested; a signal the manager dismissed
less than ``DISMISSED_QUIET_DAYS`` ago is skipped for the next one. A debtor
has at most one pending suggestion; :func:`suggest_for_debtors` creates,
refreshes and withdraws them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from collections_crm.exceptions import ApplicationError
from debtors.models import DebtorType
from debtors.permissions import debtor_queryset_for_user
from debtors.services import debtor_set_type

from .models import TypeSuggestion
from .type_review_facts import CHUNK, Facts, Window, facts_for
from .type_review_words import suggestion_text

Reason = TypeSuggestion.Reason

# Thresholds, one place. Days are calendar days back from today.
HISTORY_DAYS = 365  # the payment history a "good history" is read from
GOOD_HISTORY_MIN_ON_TIME = 3  # invoices paid on time in it, and none late
ON_TIME_TOLERANCE_DAYS = 2  # a transfer a day or two after the due date is still on time
FIRST_LATE_MAX_DAYS = 60  # the oldest overdue invoice fell due at most this long ago
PLAN_DAYS = 90  # an instalment plan asked for, and payments received, in this window
PLAN_MIN_INSTALMENTS = 2
PART_PAYMENTS_MIN = 2
BROKEN_DAYS = 180
BROKEN_PROMISES_MIN = 2
DODGE_DAYS = 30
DODGED_CALLS_MIN = 3  # unanswered outbound calls since we last spoke
DODGED_AFTER_CALLBACK_MIN = 2  # ... when that last conversation asked us to call back
DISMISSED_QUIET_DAYS = 90


@dataclass(frozen=True)
class Signal:
    suggested_type: str
    reason: str
    evidence: dict


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# ------------------------------------------------------------------ the rules


def open_dispute(f: Facts) -> Signal | None:
    """Dispute: at least one dispute open (or escalated) now."""
    if f.open_disputes < 1:
        return None
    return Signal(
        DebtorType.DISPUTE,
        Reason.OPEN_DISPUTE,
        {"disputes": f.open_disputes, "since": _iso(f.first_dispute_on)},
    )


def broken_promises(f: Facts) -> Signal | None:
    """Stalling: ``BROKEN_PROMISES_MIN`` (2) or more promises broken in the
    last ``BROKEN_DAYS`` (180) days."""
    if f.broken_promises < BROKEN_PROMISES_MIN:
        return None
    return Signal(
        DebtorType.STALLING,
        Reason.BROKEN_PROMISES,
        {"broken": f.broken_promises, "since": _iso(f.first_broken_on)},
    )


def dodged_calls(f: Facts) -> Signal | None:
    """Stalling: somebody there has spoken with us before (on the phone or on
    a visit), and since that last conversation our outbound calls in the last
    ``DODGE_DAYS`` (30) days went unanswered (no answer, busy, message left):
    ``DODGED_CALLS_MIN`` (3) or more of them, or ``DODGED_AFTER_CALLBACK_MIN``
    (2) or more when that last conversation was a request to call back. Any
    conversation since, inbound calls included, ends the count."""
    needed = DODGED_AFTER_CALLBACK_MIN if f.last_spoke_was_callback else DODGED_CALLS_MIN
    if f.last_spoke_on is None or f.unanswered_calls < needed:
        return None
    return Signal(
        DebtorType.STALLING,
        Reason.DODGED_CALLS,
        {
            "unanswered": f.unanswered_calls,
            "since": _iso(f.first_unanswered_on),
            "last_spoke": _iso(f.last_spoke_on),
            "callback": f.last_spoke_was_callback,
        },
    )


def asks_time_pays_in_parts(f: Facts) -> Signal | None:
    """Hardship: in the last ``PLAN_DAYS`` (90) days the debtor asked for time
    (a promise in ``PLAN_MIN_INSTALMENTS`` (2) or more instalments) and paid in
    parts (``PART_PAYMENTS_MIN`` (2) or more payments received in the window,
    or a promise of the window partly kept), and still owes something."""
    if f.plans < 1 or not f.owes:
        return None
    if f.payments < PART_PAYMENTS_MIN and f.partly_kept < 1:
        return None
    return Signal(
        DebtorType.HARDSHIP,
        Reason.ASKS_TIME_PAYS_IN_PARTS,
        {
            "plan_on": _iso(f.last_plan_on),
            "instalments": f.plan_instalments,
            "payments": f.payments,
            "payments_since": _iso(f.first_payment_on),
            "partly_kept": f.partly_kept,
        },
    )


def first_late_after_good_history(f: Facts) -> Signal | None:
    """Forgetful: overdue now, and only recently (the oldest open overdue
    invoice fell due at most ``FIRST_LATE_MAX_DAYS`` (60) days ago), after a
    good history: of the invoices due in the last ``HISTORY_DAYS`` (365) days
    and paid in full, ``GOOD_HISTORY_MIN_ON_TIME`` (3) or more were paid on
    time (last payment by the due date plus ``ON_TIME_TOLERANCE_DAYS``) and
    none late, and no promise broke in the last ``BROKEN_DAYS`` days."""
    if f.overdue_since is None or f.paid_late or f.broken_promises:
        return None
    if f.paid_on_time < GOOD_HISTORY_MIN_ON_TIME:
        return None
    return Signal(
        DebtorType.FORGETFUL,
        Reason.FIRST_LATE_AFTER_GOOD_HISTORY,
        {"on_time": f.paid_on_time, "overdue_since": _iso(f.overdue_since)},
    )


RULES = (
    open_dispute,
    broken_promises,
    dodged_calls,
    asks_time_pays_in_parts,
    first_late_after_good_history,
)


def choose(f: Facts, dismissed: frozenset | set = frozenset()) -> Signal | None:
    """The suggestion for one debtor, if any: the strongest signal, unless it
    confirms the type the debtor carries; signals dismissed lately
    (``(type, reason)`` in ``dismissed``) give way to the next one."""
    for rule in RULES:
        signal = rule(f)
        if signal is None:
            continue
        if signal.suggested_type == f.current_type:
            return None
        if (signal.suggested_type, signal.reason) not in dismissed:
            return signal
    return None


def window_at(now: dt.datetime) -> Window:
    return Window(
        now=now,
        history_days=HISTORY_DAYS,
        late_days=FIRST_LATE_MAX_DAYS,
        plan_days=PLAN_DAYS,
        broken_days=BROKEN_DAYS,
        dodge_days=DODGE_DAYS,
        plan_min_instalments=PLAN_MIN_INSTALMENTS,
        dodge_min_calls=min(DODGED_CALLS_MIN, DODGED_AFTER_CALLBACK_MIN),
    )


# ---------------------------------------------------------- finding them


def suggest_for_debtors(
    debtor_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Evaluate these debtors (None: every debtor) and bring their pending
    suggestions up to date: new ones created, changed evidence refreshed, and
    a pending one withdrawn (deleted) when its signal no longer holds, when
    the debtor now carries its type, or when a stronger signal replaces it.
    Set-based: a fixed number of statements per chunk of debtors (one chunk
    for everybody). Safe to run twice or side by side."""
    now = now or timezone.now()
    counts = {"evaluated": 0, "created": 0, "refreshed": 0, "withdrawn": 0}
    if debtor_ids is None:
        chunks: list[Sequence[int] | None] = [None]
    else:
        ids = sorted({pk for pk in debtor_ids if pk is not None})
        chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        for key, n in _suggest_chunk(chunk, now).items():
            counts[key] += n
    return counts


def _recently_dismissed(ids: Sequence[int] | None, now: dt.datetime) -> dict[int, set]:
    qs = TypeSuggestion.objects.filter(
        status=TypeSuggestion.Status.DISMISSED,
        decided_at__gte=now - dt.timedelta(days=DISMISSED_QUIET_DAYS),
    )
    if ids is not None:
        qs = qs.filter(debtor_id__in=list(ids))
    dismissed: dict[int, set] = {}
    for debtor_id, suggested, reason in qs.values_list("debtor_id", "suggested_type", "reason"):
        dismissed.setdefault(debtor_id, set()).add((suggested, reason))
    return dismissed


@transaction.atomic
def _suggest_chunk(ids: Sequence[int] | None, now: dt.datetime) -> dict[str, int]:
    found = facts_for(ids, window_at(now), tolerance=ON_TIME_TOLERANCE_DAYS)
    dismissed = _recently_dismissed(ids, now)
    wanted = {
        pk: (signal, f.current_type)
        for pk, f in found.items()
        if (signal := choose(f, dismissed.get(pk, set()))) is not None
    }
    pending = TypeSuggestion.objects.filter(status=TypeSuggestion.Status.PENDING)
    if ids is not None:
        pending = pending.filter(debtor_id__in=list(ids))
    withdraw, refresh = [], []
    for suggestion in pending.only(
        "id", "debtor_id", "current_type", "suggested_type", "reason", "evidence"
    ):
        want = wanted.get(suggestion.debtor_id)
        signal, current = want if want else (None, None)
        if signal is None or (signal.suggested_type, signal.reason) != (
            suggestion.suggested_type,
            suggestion.reason,
        ):
            withdraw.append(suggestion.pk)
            continue
        del wanted[suggestion.debtor_id]  # kept: nothing new to create
        if (suggestion.evidence, suggestion.current_type) != (signal.evidence, current):
            suggestion.evidence, suggestion.current_type = signal.evidence, current
            refresh.append(suggestion)
    for start in range(0, len(withdraw), CHUNK):
        # Still pending: one decided meanwhile is history, not a suggestion to withdraw.
        TypeSuggestion.objects.filter(
            pk__in=withdraw[start : start + CHUNK], status=TypeSuggestion.Status.PENDING
        ).delete()
    TypeSuggestion.objects.bulk_update(refresh, ["evidence", "current_type"], batch_size=CHUNK)
    created = TypeSuggestion.objects.bulk_create(
        [
            TypeSuggestion(
                debtor_id=pk,
                current_type=current,
                suggested_type=signal.suggested_type,
                reason=signal.reason,
                evidence=signal.evidence,
                created_at=now,
            )
            for pk, (signal, current) in wanted.items()
        ],
        ignore_conflicts=True,  # a run side by side made it first
        batch_size=CHUNK,
    )
    return {
        "evaluated": len(found.debtors),
        "created": len(created),
        "refreshed": len(refresh),
        "withdrawn": len(withdraw),
    }


# ------------------------------------------------------------ deciding them


def user_may_decide(user: User) -> bool:
    """Managers (of their team's debtors) and admins decide suggestions;
    collectors and finance do not."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_admin_role or (user.role == User.Role.MANAGER and user.team_id is not None)


def suggestions_for_user(user: User) -> QuerySet[TypeSuggestion]:
    """The suggestions the user may see and decide: none unless they may
    decide, else those of the debtors in their scope (a manager's team)."""
    if not user_may_decide(user):
        return TypeSuggestion.objects.none()
    return TypeSuggestion.objects.filter(debtor__in=debtor_queryset_for_user(user).values("pk"))


def pending_suggestions(
    user: User, *, suggested_type: str | None = None
) -> QuerySet[TypeSuggestion]:
    """The review list: pending suggestions in the user's scope, newest first,
    with their debtors."""
    qs = suggestions_for_user(user).filter(status=TypeSuggestion.Status.PENDING)
    if suggested_type:
        qs = qs.filter(suggested_type=suggested_type)
    return qs.select_related("debtor").order_by("-created_at", "-id")


def suggestion_get_for_user(user: User, public_id) -> TypeSuggestion:
    """One suggestion the user may decide, or 404 (also for anyone who may
    not decide at all, and for a suggestion that was withdrawn)."""
    try:
        return suggestions_for_user(user).select_related("debtor").get(public_id=public_id)
    except (TypeSuggestion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def suggestions_get_for_user(user: User, public_ids: Iterable) -> list[TypeSuggestion]:
    """Several suggestions the user may decide; 404 when any one of them is
    not (so a bulk decision changes nothing unless all of it is allowed)."""
    wanted = {str(pk) for pk in public_ids}
    if not wanted:
        return []
    try:
        found = list(
            suggestions_for_user(user).select_related("debtor").filter(public_id__in=wanted)
        )
    except ValueError as exc:  # not a UUID
        raise Http404 from exc
    if len(found) != len(wanted):
        raise Http404
    return found


def _require_decider(actor: User, suggestions: list[TypeSuggestion]) -> None:
    allowed = set(
        suggestions_for_user(actor)
        .filter(pk__in=[s.pk for s in suggestions])
        .values_list("pk", flat=True)
    )
    if any(s.pk not in allowed for s in suggestions):
        raise PermissionDenied


def _audit(actor: User, suggestion: TypeSuggestion, now: dt.datetime) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action=f"type_suggestion.{suggestion.status}",
        target_type=TypeSuggestion._meta.label_lower,
        target_id=suggestion.public_id,
        before={"status": TypeSuggestion.Status.PENDING},
        after={
            "status": suggestion.status,
            "debtor": str(suggestion.debtor.public_id),
            "current_type": suggestion.current_type,
            "suggested_type": suggestion.suggested_type,
            "reason": suggestion.reason,
        },
    )


@transaction.atomic
def suggestions_confirm(*, actor: User, suggestions: Iterable[TypeSuggestion]) -> int:
    """Confirm these suggestions: each debtor gets the suggested type through
    ``debtors.services.debtor_set_type`` (audited, and the follow-ups replan
    as for any change of type), with the reason in words. Suggestions no
    longer pending are skipped. Returns how many were confirmed."""
    chosen = list(suggestions)
    _require_decider(actor, chosen)
    now = timezone.now()
    locked = list(
        TypeSuggestion.objects.select_for_update(of=("self",))
        .select_related("debtor")
        .filter(pk__in=[s.pk for s in chosen], status=TypeSuggestion.Status.PENDING)
        .order_by("pk")
    )
    for suggestion in locked:
        debtor = suggestion.debtor
        if debtor.debtor_type != suggestion.suggested_type:
            reason = _("Type review: %(reason)s") % {"reason": suggestion_text(suggestion)}
            debtor_set_type(
                actor=actor, debtor=debtor, debtor_type=suggestion.suggested_type, reason=reason
            )
        suggestion.status = TypeSuggestion.Status.CONFIRMED
        suggestion.decided_by, suggestion.decided_at = actor, now
    TypeSuggestion.objects.bulk_update(locked, ["status", "decided_by", "decided_at"])
    AuditEvent.objects.bulk_create([_audit(actor, s, now) for s in locked])
    return len(locked)


@transaction.atomic
def suggestions_dismiss(*, actor: User, suggestions: Iterable[TypeSuggestion]) -> int:
    """Dismiss these suggestions: the debtor keeps its type, and the same
    signal is not raised again for ``DISMISSED_QUIET_DAYS``. Suggestions no
    longer pending are skipped. Returns how many were dismissed."""
    chosen = list(suggestions)
    _require_decider(actor, chosen)
    now = timezone.now()
    locked = list(
        TypeSuggestion.objects.select_for_update(of=("self",))
        .select_related("debtor")
        .filter(pk__in=[s.pk for s in chosen], status=TypeSuggestion.Status.PENDING)
        .order_by("pk")
    )
    for suggestion in locked:
        suggestion.status = TypeSuggestion.Status.DISMISSED
        suggestion.decided_by, suggestion.decided_at = actor, now
    TypeSuggestion.objects.bulk_update(locked, ["status", "decided_by", "decided_at"])
    AuditEvent.objects.bulk_create([_audit(actor, s, now) for s in locked])
    return len(locked)


def _one(done: int) -> None:
    if not done:
        raise ApplicationError(_("This suggestion was already decided."))


def suggestion_confirm(*, actor: User, suggestion: TypeSuggestion) -> TypeSuggestion:
    """Confirm one pending suggestion (see :func:`suggestions_confirm`)."""
    _one(suggestions_confirm(actor=actor, suggestions=[suggestion]))
    suggestion.refresh_from_db()
    return suggestion


def suggestion_dismiss(*, actor: User, suggestion: TypeSuggestion) -> TypeSuggestion:
    """Dismiss one pending suggestion (see :func:`suggestions_dismiss`)."""
    _one(suggestions_dismiss(actor=actor, suggestions=[suggestion]))
    suggestion.refresh_from_db()
    return suggestion

"""Field visits (上门催收): plan one at a good moment.

A visit is a follow-up with reason VISIT and action "visit". The timing engine
picks the moment as for a call (their first 15 minutes on a good weekday,
within the contact policy); the outcome is logged like a call and completes
the follow-up (``followups.planning.followup_complete``). Planning one
cancels the scheduled cadence step it replaces. The pack a collector prints
for the visit is ``desk.visit_pack``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from debtors.models import Channel, Debtor

from . import policy, timing
from .events import followups_supersede
from .models import FollowUp
from .planning import CLOSED_STATUSES, next_action_refresh

VISIT_WINDOW = dt.timedelta(days=7)
# A planned visit replaces the cadence's scheduled step (a call, a message):
# the planner adds no other step while the visit is open. Callbacks, promise
# reminders and the rest stay.
VISIT_SUPERSEDES = (FollowUp.Reason.DUNNING_STEP,)


# --------------------------------------------------------------------- planning


def _refusal(debtor: Debtor, limits: timing.Limits) -> str | None:
    """Why no visit may be planned at all (translated), or None."""
    if debtor.status in CLOSED_STATUSES:
        return _("No visit can be planned: the debtor's status is “%(status)s”.") % {
            "status": debtor.get_status_display()
        }
    if limits.no_contact:
        reasons = {
            "do_not_contact": _("the debtor asked not to be contacted"),
            "cease": _("a cease-communication request is on file"),
            "dispute_pause": _("contact is paused while a dispute covers the whole balance"),
        }
        why = reasons.get(limits.no_contact_reason, _("contact with this debtor is paused"))
        return _("No visit can be planned: %(why)s.") % {"why": why}
    if Channel.VISIT in limits.blocked_channels:
        return _("No visit can be planned: they opted out of visits.")
    return None


@transaction.atomic
def visit_plan(
    *,
    actor: User,
    debtor: Debtor,
    earliest: dt.datetime | None = None,
    assignee: User | None = None,
) -> FollowUp:
    """Plan a field visit at the best allowed moment within 7 days from
    ``earliest`` (now). Returns the open visit when one is already planned.
    ValidationError with a translated message when the debtor may not be
    contacted or the contact policy leaves no moment in the window."""
    earliest = earliest or timezone.now()
    if timezone.is_naive(earliest):
        raise ValueError("earliest must be an aware datetime")
    # One planner at a time per debtor: a double click returns the same visit.
    debtor = Debtor.objects.select_for_update().get(pk=debtor.pk)
    contact = debtor.contacts.order_by("-is_primary", "name").first()
    limits = policy.limits_for(
        debtor,
        override=policy.override_for(debtor),
        contact=contact,
        reason=FollowUp.Reason.VISIT,
    )
    # Refuse first: an old visit does not make a do-not-contact debtor visitable.
    refusal = _refusal(debtor, limits)
    if refusal:
        raise ValidationError(refusal, code="no_contact")
    existing = (
        FollowUp.objects.filter(
            debtor=debtor, reason=FollowUp.Reason.VISIT, status__in=FollowUp.OPEN_STATUSES
        )
        .order_by("due_at")
        .first()
    )
    if existing is not None:
        return existing
    deadline = earliest + VISIT_WINDOW
    slot = timing.best_slot(
        policy.calendar_for(debtor),
        limits,
        policy.histories([debtor.pk], now=earliest)[debtor.pk],
        timing.Action.VISIT,
        now=earliest,
        deadline=deadline,
        horizon_days=VISIT_WINDOW.days + 1,
    )
    if slot is None or any(code == "deadline_missed" for code, _params in slot.reasons):
        raise ValidationError(
            _(
                "No visit can be planned: their working calendar and the contact limits "
                "leave no allowed moment in the next 7 days."
            ),
            code="no_slot",
        )
    followup = FollowUp(
        debtor=debtor,
        action=Channel.VISIT,
        reason=FollowUp.Reason.VISIT,
        due_at=slot.at,
        slot_explain=[list(r) for r in slot.reasons],
        assigned_to=assignee or debtor.assigned_collector or actor,
    )
    followup.full_clean()
    followup.save()
    # The visit is the debtor's next step: the cadence step it replaces goes.
    replaced = followups_supersede(debtor, VISIT_SUPERSEDES, now=timezone.now())
    next_action_refresh([debtor.pk])
    audit_record(
        actor=actor,
        action="followup.visit_plan",
        target=followup,
        after={
            "debtor": str(debtor.public_id),
            "due_at": followup.due_at.isoformat(),
            "assigned_to": str(followup.assigned_to.public_id) if followup.assigned_to else None,
            "cancelled": replaced,
        },
    )
    return followup


def visit_local_text(followup: FollowUp, debtor: Debtor) -> str:
    """The visit's local date and reason in the active language, e.g.
    "2026-11-27 Fri 09:05 their time — first 15 minutes of their day, …"."""
    local = followup.due_at.astimezone(policy.calendar_zone(debtor))
    why = timing.explain(followup.slot_explain)
    return f"{local:%Y-%m-%d} {why}"

"""Reminders due the moment the demo starts, so the worker has something to
send whatever the hour."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from debtors.models import Debtor
from followups.models import DebtorPolicyOverride, FollowUp


def reminders_due_now(*, today: dt.date) -> None:
    """So that the demo worker has something to send at once, whatever the hour:
    one forgetful debtor who agreed to messages at any hour, with an SMS and an
    email reminder due since the start of the day."""
    debtor = (
        Debtor.objects.filter(
            debtor_type="forgetful",
            open_balance__gt=0,
            do_not_contact=False,
            cease_contact=False,
            contacts__is_primary=True,
        )
        .exclude(contacts__mobile="")
        .exclude(contacts__email="")
        .order_by("id")
        .first()
    )
    if debtor is None:
        return
    all_day = {
        "business_hours_start": dt.time(0),
        "business_hours_end": dt.time(23, 59),
        "lunch_start": None,
        "lunch_end": None,
        "working_days": list(range(7)),
    }
    Debtor.objects.filter(pk=debtor.pk).update(**all_day)
    DebtorPolicyOverride.objects.create(
        debtor=debtor,
        allowed_from_local=dt.time(0),
        allowed_until_local=dt.time(23, 59),
        quiet_weekdays=[],
        reason="Asked in writing for payment reminders at any hour (demo: the worker sends "
        "these as soon as it starts).",
    )
    due = dt.datetime.combine(today, dt.time(0), tzinfo=dt.UTC)
    for minute, action in enumerate(("sms", "email")):
        FollowUp.objects.create(
            debtor=debtor,
            action=action,
            reason=FollowUp.Reason.DUNNING_STEP,
            due_at=due + dt.timedelta(minutes=minute),
            assigned_to=debtor.assigned_collector,
        )
    Debtor.objects.filter(
        Q(next_action_at__isnull=True) | Q(next_action_at__gt=due), pk=debtor.pk
    ).update(next_action_at=due)

"""What the follow-up engine ships with: the three contact policy packs and a
cadence per debtor type. The data migration installs them; managers edit the
rows afterwards. Code falls back to these values when a row is missing.

Step names are stored as written here and shown through gettext, so a shipped
name reads in the viewer's language and a name a manager typed reads as typed.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop

# pack -> limits for every debtor type (a row with a blank debtor type).
# Hours after a conversation: Regulation F counts the day of the conversation
# as day one of seven; 168 hours is the conservative reading.
POLICY_PACKS: dict[str, dict] = {
    "b2b": {
        "max_attempts_7d": 5,
        "max_calls_7d": 3,
        "max_messages_7d": 3,
        "max_connected_calls_per_day": 1,
        "min_gap_after_conversation_hours": 48,
        "allowed_from_local": dt.time(8, 30),
        "allowed_until_local": dt.time(18, 30),
        "quiet_weekdays": [5, 6],
    },
    # Regulation F (12 CFR 1006.14(b)(2), 1006.6(b)(1)(i)): at most 7 calls in
    # 7 days, none for 7 days after a conversation, 08:00-21:00 local.
    "us_consumer": {
        "max_attempts_7d": 10,
        "max_calls_7d": 7,
        "max_messages_7d": 5,
        "max_connected_calls_per_day": 1,
        "min_gap_after_conversation_hours": 168,
        "allowed_from_local": dt.time(8, 0),
        "allowed_until_local": dt.time(21, 0),
        "quiet_weekdays": [],
    },
    # China consumer norms (GB/T 45251-2025, the 2026 banking guideline): no
    # contact 22:00-08:00, at most 3 connected calls a day.
    "cn_consumer": {
        "max_attempts_7d": 21,
        "max_calls_7d": 14,
        "max_messages_7d": 7,
        "max_connected_calls_per_day": 3,
        "min_gap_after_conversation_hours": 8,
        "allowed_from_local": dt.time(8, 0),
        "allowed_until_local": dt.time(22, 0),
        "quiet_weekdays": [],
    },
}

# debtor type -> (description, steps). A step: name, action, days past the
# oldest due date, days after the previous step, days to find a good moment,
# negotiation call, done by, repeat every n days (last step), status it sets.
CADENCES: dict[str, tuple[str, list[dict]]] = {
    "forgetful": (
        gettext_noop(
            "They pay once reminded: friendly written reminders with the payment link, then a call."
        ),
        [
            {
                "name": gettext_noop("Friendly SMS before the due date"),
                "action": "sms",
                "day_offset": -3,
            },
            {
                "name": gettext_noop("Email with statement and payment link"),
                "action": "email",
                "day_offset": 1,
                "min_gap_days": 2,
            },
            {
                "name": gettext_noop("Reminder call"),
                "action": "call",
                "day_offset": 5,
                "min_gap_days": 2,
            },
            {
                "name": gettext_noop("Second SMS reminder"),
                "action": "sms",
                "day_offset": 10,
                "min_gap_days": 3,
            },
            {
                "name": gettext_noop("Follow-up call"),
                "action": "call",
                "day_offset": 15,
                "min_gap_days": 3,
                "repeat_every_days": 7,
            },
        ],
    ),
    "hardship": (
        gettext_noop("They want to pay but cannot now: call early and offer a plan."),
        [
            {
                "name": gettext_noop("Early call offering a payment plan"),
                "action": "call",
                "day_offset": 1,
                "negotiation": True,
            },
            {
                "name": gettext_noop("Email with plan options"),
                "action": "email",
                "day_offset": 4,
                "min_gap_days": 2,
            },
            {
                "name": gettext_noop("Call to agree the plan"),
                "action": "call",
                "day_offset": 10,
                "min_gap_days": 4,
                "negotiation": True,
            },
            {
                "name": gettext_noop("Manager call"),
                "action": "call",
                "day_offset": 30,
                "min_gap_days": 7,
                "negotiation": True,
                "owner": "manager",
            },
            {
                "name": gettext_noop("Check-in call"),
                "action": "call",
                "day_offset": 45,
                "min_gap_days": 7,
                "repeat_every_days": 14,
            },
        ],
    ),
    "dispute": (
        gettext_noop(
            "They contest part of the bill: route it to the dispute owner and ask for the "
            "undisputed part."
        ),
        [
            {
                "name": gettext_noop("Dispute owner reviews the claim"),
                "action": "call",
                "day_offset": 0,
                "window_days": 2,
                "owner": "dispute_owner",
            },
            {
                "name": gettext_noop("Call asking for the undisputed part"),
                "action": "call",
                "day_offset": 3,
                "min_gap_days": 2,
                "negotiation": True,
            },
            {
                "name": gettext_noop("Email statement of the undisputed amount"),
                "action": "email",
                "day_offset": 7,
                "min_gap_days": 3,
            },
            {
                "name": gettext_noop("Follow-up call"),
                "action": "call",
                "day_offset": 14,
                "min_gap_days": 5,
                "repeat_every_days": 10,
            },
        ],
    ),
    "stalling": (
        gettext_noop(
            "They can pay but delay: tight, steady calls, then a visit, a manager call, a "
            "formal letter and legal referral."
        ),
        [
            {
                "name": gettext_noop("First call"),
                "action": "call",
                "day_offset": 1,
                "window_days": 2,
            },
            {
                "name": gettext_noop("Second call"),
                "action": "call",
                "day_offset": 4,
                "min_gap_days": 2,
                "window_days": 2,
            },
            {
                "name": gettext_noop("Negotiation call"),
                "action": "call",
                "day_offset": 8,
                "min_gap_days": 3,
                "negotiation": True,
            },
            {
                "name": gettext_noop("Field visit"),
                "action": "visit",
                "day_offset": 15,
                "min_gap_days": 4,
                "window_days": 5,
            },
            {
                "name": gettext_noop("Manager call"),
                "action": "call",
                "day_offset": 25,
                "min_gap_days": 5,
                "negotiation": True,
                "owner": "manager",
                "escalate_to": "escalated",
            },
            {
                "name": gettext_noop("Formal demand letter"),
                "action": "letter",
                "day_offset": 35,
                "min_gap_days": 7,
                "owner": "manager",
            },
            {
                "name": gettext_noop("Legal referral"),
                "action": "letter",
                "day_offset": 50,
                "min_gap_days": 10,
                "owner": "manager",
                "escalate_to": "legal",
            },
        ],
    ),
    "unknown": (
        gettext_noop("Not typed yet: a first call to learn which type they are."),
        [
            {
                "name": gettext_noop("First call to learn their situation"),
                "action": "call",
                "day_offset": 1,
            },
            {
                "name": gettext_noop("Email with statement and payment link"),
                "action": "email",
                "day_offset": 5,
                "min_gap_days": 3,
            },
            {
                "name": gettext_noop("Follow-up call"),
                "action": "call",
                "day_offset": 10,
                "min_gap_days": 3,
                "repeat_every_days": 7,
            },
        ],
    ),
}

STEP_DEFAULTS = {
    "min_gap_days": 0,
    "window_days": 3,
    "negotiation": False,
    "owner": "collector",
    "repeat_every_days": None,
    "escalate_to": "",
}


def cadence_steps(debtor_type: str) -> list[dict]:
    """The shipped steps of a type's cadence, each with every field, numbered."""
    _, steps = CADENCES.get(debtor_type, CADENCES["unknown"])
    return [{**STEP_DEFAULTS, **step, "sequence": n} for n, step in enumerate(steps, start=1)]


def defaults_install(apps=None) -> dict[str, int]:
    """Create the packs and cadences that are missing; never touches rows that
    exist (a manager may have edited them). Usable from a migration."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    ContactPolicy = apps.get_model("followups", "ContactPolicy")
    Cadence = apps.get_model("followups", "Cadence")
    CadenceStep = apps.get_model("followups", "CadenceStep")
    created = {"policies": 0, "cadences": 0}
    for pack, values in POLICY_PACKS.items():
        _, was_created = ContactPolicy.objects.get_or_create(
            pack=pack, debtor_type="", defaults=values
        )
        created["policies"] += was_created
    for debtor_type, (description, _) in CADENCES.items():
        cadence, was_created = Cadence.objects.get_or_create(
            debtor_type=debtor_type, defaults={"description": description}
        )
        if was_created:
            CadenceStep.objects.bulk_create(
                CadenceStep(cadence=cadence, **step) for step in cadence_steps(debtor_type)
            )
            created["cadences"] += 1
    return created

"""Writes behind the engine's settings pages: a debtor type's cadence, the
company's contact policy pack, and a debtor's working calendar.

Each service takes plain, already parsed data, checks it, writes inside one
transaction and records who changed what (before and after). Bad input raises
``ValidationError`` and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import audit_record
from debtors.models import Debtor, DebtorType
from debtors.services import debtor_update

from .models import Cadence, CadenceStep, EngineSettings
from .planning import plan_debtors
from .policy import policy_cache_clear
from .timing import calendar_problems

# What a manager sets on each step of a cadence.
STEP_FIELDS = (
    "sequence",
    "name",
    "action",
    "day_offset",
    "min_gap_days",
    "window_days",
    "negotiation",
    "owner",
    "repeat_every_days",
    "escalate_to",
)


class _Named:
    """For the audit: a row without a public id, named by a stable key."""

    def __init__(self, instance, key: str):
        self._meta = instance._meta
        self.public_id = uuid.uuid5(uuid.NAMESPACE_URL, key)


def cadence_steps_problems(steps: Iterable[dict]) -> list[str]:
    """What is wrong with a cadence made of these steps (dicts with at least
    ``sequence`` and ``repeat_every_days``); empty when it can be saved."""
    steps = sorted(steps, key=lambda d: d["sequence"])
    if not steps:
        return [_("A cadence needs at least one step.")]
    sequences = [d["sequence"] for d in steps]
    if len(set(sequences)) != len(sequences):
        return [_("Two steps have the same order number.")]
    if any(d.get("repeat_every_days") for d in steps[:-1]):
        return [_("Only the last step can repeat.")]
    return []


def _steps_snapshot(cadence: Cadence) -> list[list]:
    return [
        [s.sequence, s.name, s.action, s.day_offset] for s in cadence.steps.order_by("sequence")
    ]


def _cadence_snapshot(cadence: Cadence) -> dict:
    return {
        "description": cadence.description,
        "is_active": cadence.is_active,
        "steps": _steps_snapshot(cadence),
    }


def _steps_write(cadence: Cadence, steps: list[dict], deleted: set[int]) -> None:
    """Delete, then change, then add steps; each checked before it is saved
    (a clash of order numbers with a row still there is refused)."""
    cadence.steps.filter(pk__in=deleted).delete()
    existing = {s.pk: s for s in cadence.steps.all()}
    for data in steps:
        pk = data.get("id")
        if pk is None:
            step = CadenceStep(cadence=cadence)
        elif pk in existing:
            step = existing[pk]
        else:
            raise ValidationError(_("A step of another cadence cannot be changed here."))
        values = {name: data[name] for name in STEP_FIELDS if name in data}
        if step.pk and all(getattr(step, k) == v for k, v in values.items()):
            continue  # unchanged rows are not written again
        for name, value in values.items():
            setattr(step, name, value)
        step.full_clean()
        step.save()


@transaction.atomic
def cadence_update(
    *,
    actor,
    debtor_type: str,
    description: str,
    is_active: bool,
    steps: list[dict],
    deleted: Iterable[int] = (),
) -> Cadence:
    """Save the cadence of one debtor type. ``steps`` are the steps to keep or
    add: dicts of ``STEP_FIELDS`` plus ``id`` (None for a new step); the steps
    with a primary key in ``deleted`` go. Steps named in neither stay."""
    if debtor_type not in DebtorType.values:
        raise ValidationError(_("Unknown debtor type."))
    cadence, _created = Cadence.objects.select_for_update().get_or_create(debtor_type=debtor_type)
    deleted = set(deleted)
    submitted = {d["id"] for d in steps if d.get("id") is not None}
    untouched = cadence.steps.exclude(pk__in=deleted | submitted).values(
        "sequence", "repeat_every_days"
    )
    problems = cadence_steps_problems([*steps, *untouched])
    if problems:
        raise ValidationError(problems)
    before = _cadence_snapshot(cadence)
    cadence.description = description
    cadence.is_active = is_active
    cadence.updated_by = actor
    cadence.full_clean()
    cadence.save()
    _steps_write(cadence, steps, deleted)
    audit_record(
        actor=actor,
        action="cadence.update",
        target=_Named(cadence, f"cadence:{cadence.debtor_type}"),
        before=before,
        after=_cadence_snapshot(cadence),
    )
    return cadence


def engine_settings_update(*, actor, policy_pack: str) -> EngineSettings:
    """Choose the company's contact policy pack. The limits cache is emptied
    once the choice is saved, so planning and the queue follow it at once."""
    with transaction.atomic():
        row, _created = EngineSettings.objects.select_for_update().get_or_create(pk=1)
        before = {"policy_pack": row.policy_pack}
        row.policy_pack = policy_pack
        row.updated_by = actor
        row.full_clean()
        row.save()
        audit_record(
            actor=actor,
            action="engine.settings",
            target=_Named(row, "engine-settings"),
            before=before,
            after={"policy_pack": row.policy_pack},
        )
        transaction.on_commit(policy_cache_clear)  # when called inside a longer transaction
    policy_cache_clear()
    return row


def debtor_calendar_problems(data: dict) -> list[str]:
    """What is wrong with a debtor's calendar given as the Debtor's field
    names (money days a list of days); empty when it can be saved."""
    return calendar_problems(
        timezone=data["timezone"],
        country=data["country"],
        opens=data["business_hours_start"],
        closes=data["business_hours_end"],
        lunch_start=data.get("lunch_start"),
        lunch_end=data.get("lunch_end"),
        working_days=data["working_days"],
        money_days=data["money_days"],
    )


@transaction.atomic
def debtor_calendar_update(*, actor, debtor: Debtor, data: dict) -> Debtor:
    """Save the debtor's working calendar and plan their next step again for
    it. ``data`` holds the calendar fields, money days as a list of days."""
    problems = debtor_calendar_problems(data)
    if problems:
        raise ValidationError(problems)
    debtor = debtor_update(actor=actor, debtor=debtor, data=data)
    plan_debtors([debtor.pk], replan=True)
    return debtor

"""The writes behind the engine's settings pages: each saves, records who
changed what (before and after), and refuses bad input without changing
anything."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from debtors.services import debtor_refresh_summary
from followups.engine_services import (
    STEP_FIELDS,
    cadence_steps_problems,
    cadence_update,
    debtor_calendar_update,
    engine_settings_update,
)
from followups.models import Cadence, CadenceStep, EngineSettings, FollowUp
from followups.policy import base_limits
from tests.debtors.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _steps(cadence):
    return [
        {"id": s.pk, **{name: getattr(s, name) for name in STEP_FIELDS}}
        for s in cadence.steps.order_by("sequence")
    ]


def _state(cadence):
    cadence.refresh_from_db()
    return (
        cadence.description,
        cadence.is_active,
        [tuple(row) for row in cadence.steps.order_by("sequence").values_list()],
    )


def test_a_cadence_is_saved_and_audited_with_before_and_after(personas):
    cadence = Cadence.objects.get(debtor_type="stalling")
    steps = _steps(cadence)
    before_steps = [[s["sequence"], s["name"], s["action"], s["day_offset"]] for s in steps]
    steps[1]["day_offset"] = 3
    new = {**steps[-1], "id": None, "sequence": steps[-1]["sequence"] + 1, "name": "Visit"}
    steps[-1]["repeat_every_days"] = None
    new["action"] = "visit"

    cadence_update(
        actor=personas.manager,
        debtor_type="stalling",
        description="Tighter",
        is_active=True,
        steps=[*steps[1:], new],
        deleted=[steps[0]["id"]],
    )

    cadence.refresh_from_db()
    assert cadence.description == "Tighter" and cadence.updated_by == personas.manager
    saved = list(cadence.steps.order_by("sequence"))
    assert [s.pk for s in saved[:-1]] == [s["id"] for s in steps[1:]]
    assert saved[0].day_offset == 3 and saved[-1].name == "Visit"
    assert not CadenceStep.objects.filter(pk=steps[0]["id"]).exists()
    audit = AuditEvent.objects.get(action="cadence.update")
    assert audit.actor == personas.manager
    assert audit.before["steps"] == before_steps
    assert audit.after["description"] == "Tighter"
    assert audit.after["steps"] == [[s.sequence, s.name, s.action, s.day_offset] for s in saved]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda steps: [], "at least one step"),
        (lambda steps: [steps[0], {**steps[1], "sequence": steps[0]["sequence"]}], "same order"),
        (lambda steps: [{**steps[0], "repeat_every_days": 3}, *steps[1:]], "last step can repeat"),
        (lambda steps: [*steps[:-1], {**steps[-1], "window_days": 0}], "cadence_window_positive"),
        (lambda steps: [{**steps[0], "action": "pigeon"}, *steps[1:]], "pigeon"),
    ],
)
def test_a_bad_cadence_changes_nothing(personas, change, message):
    cadence = Cadence.objects.get(debtor_type="stalling")
    unchanged = _state(cadence)
    steps = _steps(cadence)
    kept = change(steps)
    kept_ids = {s["id"] for s in kept}
    with pytest.raises(ValidationError) as caught:
        cadence_update(
            actor=personas.manager,
            debtor_type="stalling",
            description="Should not stick",
            is_active=False,
            steps=kept,
            deleted=[s["id"] for s in steps if s["id"] not in kept_ids],
        )
    assert message in " ".join(caught.value.messages)
    assert _state(cadence) == unchanged
    assert not AuditEvent.objects.filter(action="cadence.update").exists()


def test_a_step_of_another_cadence_is_refused(personas):
    other = Cadence.objects.get(debtor_type="forgetful").steps.first()
    cadence = Cadence.objects.get(debtor_type="stalling")
    unchanged = _state(cadence)
    foreign = {"id": other.pk, **{name: getattr(other, name) for name in STEP_FIELDS}}
    foreign["sequence"] = 99
    with pytest.raises(ValidationError):
        cadence_update(
            actor=personas.manager,
            debtor_type="stalling",
            description="",
            is_active=True,
            steps=[*_steps(cadence), foreign],
        )
    assert _state(cadence) == unchanged
    assert CadenceStep.objects.get(pk=other.pk).sequence == other.sequence


def test_an_unknown_debtor_type_is_refused(personas):
    with pytest.raises(ValidationError):
        cadence_update(
            actor=personas.manager, debtor_type="martian", description="", is_active=True, steps=[]
        )
    assert not Cadence.objects.filter(debtor_type="martian").exists()


def test_the_step_rules_are_the_forms_rules():
    assert cadence_steps_problems([]) == ["A cadence needs at least one step."]
    step = {"sequence": 1, "repeat_every_days": None}
    assert cadence_steps_problems([step, {"sequence": 2, "repeat_every_days": 7}]) == []
    assert cadence_steps_problems([step, step]) == ["Two steps have the same order number."]


def test_the_policy_pack_is_saved_audited_and_used_at_once(personas):
    assert base_limits("forgetful").max_calls_7d == 3  # B2B, now cached
    engine_settings_update(actor=personas.manager, policy_pack="us_consumer")
    row = EngineSettings.objects.get(pk=1)
    assert row.policy_pack == "us_consumer" and row.updated_by == personas.manager
    assert base_limits("forgetful").max_calls_7d == 7
    audit = AuditEvent.objects.get(action="engine.settings")
    assert audit.actor == personas.manager
    assert (audit.before, audit.after) == ({"policy_pack": "b2b"}, {"policy_pack": "us_consumer"})


def test_an_unknown_policy_pack_changes_nothing(personas):
    engine_settings_update(actor=personas.manager, policy_pack="cn_consumer")
    with pytest.raises(ValidationError):
        engine_settings_update(actor=personas.manager, policy_pack="nonsense")
    assert EngineSettings.objects.get(pk=1).policy_pack == "cn_consumer"
    assert AuditEvent.objects.filter(action="engine.settings").count() == 1


CALENDAR = {
    "timezone": "Europe/Berlin",
    "country": "DE",
    "business_hours_start": dt.time(9),
    "business_hours_end": dt.time(18),
    "lunch_start": dt.time(12),
    "lunch_end": dt.time(13),
    "working_days": [0, 1, 2, 3, 4],
    "money_days": [10, 25],
}


def test_a_calendar_is_saved_audited_and_the_debtor_replanned(personas):
    debtor = personas.debtor_a
    InvoiceFactory(debtor=debtor, due_date=dt.date(2026, 10, 1), amount=Decimal("500.00"))
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=NOW.date())
    debtor.refresh_from_db()
    debtor_calendar_update(actor=personas.collector_a, debtor=debtor, data=CALENDAR)
    debtor.refresh_from_db()
    assert (debtor.timezone, debtor.country, debtor.money_days) == ("Europe/Berlin", "DE", [10, 25])
    audit = AuditEvent.objects.get(action="debtor.update")
    assert audit.actor == personas.collector_a
    assert audit.before["timezone"] == "Asia/Shanghai"
    assert audit.after["timezone"] == "Europe/Berlin"
    assert FollowUp.objects.filter(debtor=debtor, status=FollowUp.Status.SCHEDULED).exists()


def test_a_bad_calendar_changes_nothing(personas):
    debtor = personas.debtor_a
    with pytest.raises(ValidationError) as caught:
        debtor_calendar_update(
            actor=personas.collector_a,
            debtor=debtor,
            data={**CALENDAR, "timezone": "Mars/Olympus"},
        )
    assert "Unknown time zone" in " ".join(caught.value.messages)
    debtor.refresh_from_db()
    assert debtor.timezone == "Asia/Shanghai"
    assert not AuditEvent.objects.filter(action="debtor.update").exists()
    assert not FollowUp.objects.filter(debtor=debtor).exists()

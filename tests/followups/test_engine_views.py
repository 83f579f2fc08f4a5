"""The engine's pages: planned steps on the debtor page, today's sends, cadences,
the policy pack, and the one-attempt override. Scoped by role and team."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from followups import timing
from followups.models import Cadence, CadenceStep, EngineSettings, FollowUp
from followups.policy import base_limits
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


def _planned(debtor, **fields):
    slot = timing.slot_at(
        timing.Calendar(), dt.datetime(2026, 11, 27, 1, 5, tzinfo=dt.UTC)
    )  # Fri 09:05 Shanghai
    return FollowUpFactory(
        debtor=debtor,
        due_at=slot.at,
        slot_explain=[list(r) for r in slot.reasons],
        **fields,
    )


def test_the_debtor_page_shows_planned_steps_with_reasons_in_the_readers_language(client, personas):
    _planned(personas.debtor_a)
    client.force_login(personas.collector_a)
    url = reverse("desk:debtor", args=[personas.debtor_a.public_id])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Planned next steps" in page and "first 15 minutes" in page
    assert "Lift the contact limits" not in page  # collectors cannot override

    personas.collector_a.language = "zh-hans"
    personas.collector_a.save()
    client.cookies.load({"django_language": "zh-hans"})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "first 15 minutes" not in page
    assert "当地周五 09:05" in page


def test_a_manager_lifts_the_limits_once_with_a_reason(client, personas):
    followup = _planned(personas.debtor_a)
    client.force_login(personas.manager)
    page = client.get(reverse("desk:debtor", args=[personas.debtor_a.public_id]))
    assert b"Lift the contact limits" in page.content
    url = reverse("followups:override", args=[followup.public_id])
    client.post(url, {"reason": ""})
    followup.refresh_from_db()
    assert followup.policy_override_reason == ""
    client.post(url, {"reason": "Customer asked for a call today"})
    followup.refresh_from_db()
    assert followup.policy_override_reason == "Customer asked for a call today"
    assert followup.policy_override_by == personas.manager
    assert AuditEvent.objects.filter(action="followup.override_policy").count() == 1


def test_override_and_retry_are_404_for_collectors_and_other_teams(client, personas):
    followup = _planned(personas.debtor_a, status=FollowUp.Status.FAILED, action="sms")
    for user in (personas.collector_a, personas.other_manager, personas.finance):
        client.force_login(user)
        for name in ("followups:override", "followups:retry"):
            response = client.post(reverse(name, args=[followup.public_id]), {"reason": "x"})
            assert response.status_code == 404, (user, name)
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.FAILED and not followup.policy_override_reason


def test_the_sends_page_lists_failed_and_due_reminders_of_the_managers_team(client, personas):
    now = timezone.now()
    failed = FollowUpFactory(
        debtor=personas.debtor_a,
        action="sms",
        status=FollowUp.Status.FAILED,
        last_error="number does not exist",
        due_at=now,
    )
    FollowUpFactory(
        debtor=personas.debtor_other_team,
        action="email",
        status=FollowUp.Status.FAILED,
        last_error="other team's failure",
        due_at=now,
    )
    client.force_login(personas.manager)
    page = client.get(reverse("followups:sends")).content.decode()
    assert "number does not exist" in page and "other team&#x27;s failure" not in page
    assert "other team's failure" not in page

    client.post(reverse("followups:retry", args=[failed.public_id]))
    failed.refresh_from_db()
    assert failed.status == FollowUp.Status.SCHEDULED and failed.attempts == 0

    client.force_login(personas.collector_a)
    assert client.get(reverse("followups:sends")).status_code == 404


def test_a_manager_edits_a_cadence_and_bad_input_changes_nothing(client, personas):
    client.force_login(personas.manager)
    url = reverse("followups:cadence-edit", args=["stalling"])
    page = client.get(url)
    assert page.status_code == 200
    cadence = Cadence.objects.get(debtor_type="stalling")
    steps = list(cadence.steps.order_by("sequence"))
    data = {
        "description": "Tighter",
        "is_active": "on",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for n, step in enumerate(steps):
        data.update(
            {
                f"steps-{n}-id": str(step.pk),
                f"steps-{n}-cadence": str(cadence.pk),
                f"steps-{n}-sequence": str(step.sequence),
                f"steps-{n}-name": step.name,
                f"steps-{n}-action": step.action,
                f"steps-{n}-day_offset": str(step.day_offset),
                f"steps-{n}-min_gap_days": str(step.min_gap_days),
                f"steps-{n}-window_days": str(step.window_days),
                f"steps-{n}-owner": step.owner,
                f"steps-{n}-repeat_every_days": str(step.repeat_every_days or ""),
                f"steps-{n}-escalate_to": step.escalate_to,
            }
        )
    bad = {**data, "steps-0-repeat_every_days": "3"}  # only the last step repeats
    response = client.post(url, bad)
    assert (
        response.status_code == 200 and "Only the last step can repeat" in response.content.decode()
    )
    assert CadenceStep.objects.get(pk=steps[0].pk).repeat_every_days is None

    good = {**data, "steps-1-day_offset": "3"}
    assert client.post(url, good).status_code == 302
    assert CadenceStep.objects.get(pk=steps[1].pk).day_offset == 3
    assert Cadence.objects.get(pk=cadence.pk).description == "Tighter"
    assert AuditEvent.objects.filter(action="cadence.update").exists()

    client.force_login(personas.collector_a)
    assert client.get(url).status_code == 404
    assert client.get(reverse("followups:cadences")).status_code == 404


def test_the_chosen_policy_pack_drives_the_limits(client, personas):
    assert base_limits("forgetful").max_calls_7d == 3  # B2B
    client.force_login(personas.manager)
    page = client.get(reverse("followups:settings")).content.decode()
    assert "US consumer" in page and "China consumer" in page
    client.post(reverse("followups:settings"), {"policy_pack": "us_consumer"})
    assert EngineSettings.objects.get(pk=1).policy_pack == "us_consumer"
    limits = base_limits("forgetful")
    assert limits.max_calls_7d == 7 and limits.allowed_until == dt.time(21)
    client.post(reverse("followups:settings"), {"policy_pack": "nonsense"})
    assert EngineSettings.objects.get(pk=1).policy_pack == "us_consumer"

    client.force_login(personas.collector_a)
    assert client.get(reverse("followups:settings")).status_code == 404


def _calendar_post(**changes):
    data = {
        "timezone": "Asia/Shanghai",
        "country": "CN",
        "business_hours_start": "09:00",
        "business_hours_end": "18:00",
        "lunch_start": "12:00",
        "lunch_end": "13:30",
        "working_days": ["0", "1", "2", "3", "4"],
        "money_days": "10, 25",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
        ({"country": "ZZ"}, "No public holidays known"),
        ({"business_hours_start": "19:00"}, "must be before closing time"),
        ({"lunch_start": "08:00", "lunch_end": "08:30"}, "inside the opening hours"),
        ({"lunch_end": ""}, "both the start and the end"),
        ({"money_days": "10, 40"}, "not between 1 and 31"),
        ({"money_days": "tenth"}, "is not a day of the month"),
    ],
)
def test_a_bad_calendar_gets_a_clear_message_and_changes_nothing(
    client, personas, changes, message
):
    client.force_login(personas.collector_a)
    url = reverse("followups:calendar", args=[personas.debtor_a.public_id])
    response = client.post(url, _calendar_post(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    personas.debtor_a.refresh_from_db()
    assert personas.debtor_a.timezone == "Asia/Shanghai" and personas.debtor_a.money_days == []


def test_a_good_calendar_is_saved_and_the_debtor_replanned(client, personas):
    client.force_login(personas.collector_a)
    url = reverse("followups:calendar", args=[personas.debtor_a.public_id])
    data = _calendar_post(timezone="Europe/Berlin", country="de", money_days="25，10")
    assert client.post(url, data).status_code == 302
    personas.debtor_a.refresh_from_db()
    assert personas.debtor_a.timezone == "Europe/Berlin" and personas.debtor_a.country == "DE"
    assert personas.debtor_a.money_days == [10, 25]
    # Someone else's debtor: 404, nothing changed.
    other = reverse("followups:calendar", args=[personas.debtor_b.public_id])
    assert client.post(other, data).status_code == 404
    personas.debtor_b.refresh_from_db()
    assert personas.debtor_b.timezone == "Asia/Shanghai"


def test_the_admin_refuses_a_policy_that_never_allows_contact(client, personas):
    from followups.models import ContactPolicy

    client.force_login(personas.admin)
    policy = ContactPolicy.objects.get(pack="b2b", debtor_type="")
    url = reverse("admin:followups_contactpolicy_change", args=[policy.pk])
    data = {
        "pack": "b2b",
        "debtor_type": "",
        "max_attempts_7d": "5",
        "max_calls_7d": "3",
        "max_messages_7d": "3",
        "max_connected_calls_per_day": "1",
        "min_gap_after_conversation_hours": "48",
        "allowed_from_local": "08:30",
        "allowed_until_local": "18:30",
        "quiet_weekdays": "[0, 1, 2, 3, 4, 5, 6]",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "contact is never allowed" in response.content.decode()
    policy.refresh_from_db()
    assert policy.quiet_weekdays == [5, 6]

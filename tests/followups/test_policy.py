"""Contact policy: packs, per-type rows, overrides, hard stops and the checks
against the recorded interactions (Regulation F, the China consumer rules)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from accounts.models import AuditEvent
from debtors.models import Debtor
from followups import policy
from followups.models import ContactPolicy, EngineSettings, FollowUp, Interaction
from followups.services import followup_override_policy
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.followups.factories import (
    ContactPolicyFactory,
    DebtorPolicyOverrideFactory,
    FollowUpFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

T = datetime.time
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 10 November 2026, 15:00 in New York (no US holiday, inside 09:00-18:00).
US_AT = datetime.datetime(2026, 11, 10, 15, 0, tzinfo=NEW_YORK)
# Wednesday 4 November 2026 in Shanghai.
CN_DAY = datetime.date(2026, 11, 4)


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    policy.policy_cache_clear()
    yield
    policy.policy_cache_clear()


def choose_pack(pack: str) -> None:
    EngineSettings.objects.update_or_create(pk=1, defaults={"policy_pack": pack})
    policy.policy_cache_clear()


def us_debtor(**fields) -> Debtor:
    return DebtorFactory(country="US", timezone="America/New_York", **fields)


def cn_debtor(**fields) -> Debtor:
    """Open 08:00-23:00 without lunch, so only the contact policy limits the hours."""
    return DebtorFactory(
        business_hours_start=T(8, 0),
        business_hours_end=T(23, 0),
        lunch_start=None,
        lunch_end=None,
        **fields,
    )


def call(debtor, at, outcome=Interaction.Outcome.NO_ANSWER, **fields):
    return InteractionFactory(
        debtor=debtor, channel="call", started_at=at, outcome=outcome, **fields
    )


def codes(violations) -> list[str]:
    return [v.code for v in violations]


def whole_dispute(debtor: Debtor) -> Debtor:
    InvoiceFactory(debtor=debtor, amount=Decimal("800.00"), disputed_amount=Decimal("800.00"))
    Debtor.objects.filter(pk=debtor.pk).update(
        open_balance=Decimal("800.00"), disputed_balance=Decimal("800.00")
    )
    debtor.refresh_from_db()
    return debtor


class TestPacks:
    def test_the_migration_installs_the_three_packs(self):
        rows = {
            row.pack: row for row in ContactPolicy.objects.filter(debtor_type="", is_active=True)
        }
        assert set(rows) == {"b2b", "us_consumer", "cn_consumer"}
        us, cn = rows["us_consumer"], rows["cn_consumer"]
        assert (us.max_calls_7d, us.min_gap_after_conversation_hours) == (7, 168)
        assert (us.allowed_from_local, us.allowed_until_local) == (T(8, 0), T(21, 0))
        assert (cn.allowed_from_local, cn.allowed_until_local) == (T(8, 0), T(22, 0))
        assert cn.max_connected_calls_per_day == 3
        assert rows["b2b"].quiet_weekdays == [5, 6]

    def test_it_reads_the_pack_chosen_in_the_engine_settings(self):
        choose_pack("us_consumer")
        limits = policy.limits_for(DebtorFactory())
        assert limits.max_calls_7d == 7
        assert limits.min_gap_after_conversation == datetime.timedelta(hours=168)
        assert (limits.allowed_from, limits.allowed_until) == (T(8, 0), T(21, 0))

    @override_settings(CONTACT_POLICY_PACK="cn_consumer")
    def test_without_a_settings_row_it_uses_the_setting(self):
        EngineSettings.objects.filter(pk=1).delete()
        policy.policy_cache_clear()
        assert policy.active_pack() == "cn_consumer"
        limits = policy.limits_for(DebtorFactory())
        assert limits.allowed_until == T(22, 0)
        assert limits.max_connected_calls_per_day == 3

    def test_the_settings_row_wins_over_the_setting(self):
        choose_pack("b2b")
        with override_settings(CONTACT_POLICY_PACK="cn_consumer"):
            assert policy.active_pack() == "b2b"
            assert policy.limits_for(DebtorFactory()).allowed_until == T(18, 30)

    def test_a_row_for_the_debtor_type_replaces_the_pack_default(self):
        choose_pack("b2b")
        ContactPolicyFactory(
            pack="b2b",
            debtor_type="hardship",
            max_calls_7d=1,
            allowed_from_local=T(10, 0),
            allowed_until_local=T(16, 0),
        )
        policy.policy_cache_clear()
        hardship = policy.limits_for(DebtorFactory(debtor_type="hardship"))
        forgetful = policy.limits_for(DebtorFactory(debtor_type="forgetful"))
        assert (hardship.max_calls_7d, hardship.allowed_from) == (1, T(10, 0))
        assert (forgetful.max_calls_7d, forgetful.allowed_from) == (3, T(8, 30))

    def test_an_inactive_type_row_is_ignored(self):
        choose_pack("b2b")
        ContactPolicyFactory(pack="b2b", debtor_type="hardship", max_calls_7d=1, is_active=False)
        policy.policy_cache_clear()
        assert policy.limits_for(DebtorFactory(debtor_type="hardship")).max_calls_7d == 3

    def test_a_missing_pack_row_falls_back_to_the_shipped_values(self):
        choose_pack("us_consumer")
        ContactPolicy.objects.filter(pack="us_consumer").delete()
        policy.policy_cache_clear()
        assert policy.limits_for(DebtorFactory()).max_calls_7d == 7

    def test_the_debtors_override_replaces_only_the_fields_it_sets(self):
        choose_pack("b2b")
        debtor = DebtorFactory()
        override = DebtorPolicyOverrideFactory(
            debtor=debtor,
            max_calls_7d=1,
            min_gap_after_conversation_hours=0,
            allowed_from_local=T(14, 0),
            blocked_channels=["sms"],
        )
        limits = policy.limits_for(debtor, override=override)
        assert limits.max_calls_7d == 1
        assert limits.min_gap_after_conversation == datetime.timedelta(0)
        assert limits.allowed_from == T(14, 0)
        assert limits.allowed_until == T(18, 30)  # the pack's
        assert limits.max_attempts_7d == 5  # the pack's
        assert limits.blocked_channels == frozenset({"sms"})
        assert not limits.no_contact


class TestHardStops:
    def test_do_not_contact_stops_everything(self):
        limits = policy.limits_for(DebtorFactory(do_not_contact=True))
        assert (limits.no_contact, limits.no_contact_reason) == (True, "do_not_contact")

    def test_cease_contact_is_reported_as_cease(self):
        limits = policy.limits_for(DebtorFactory(cease_contact=True, do_not_contact=True))
        assert (limits.no_contact, limits.no_contact_reason) == (True, "cease")

    def test_a_dispute_over_the_whole_balance_pauses_contact_but_not_its_review(self):
        debtor = whole_dispute(DebtorFactory())
        paused = policy.limits_for(debtor)
        assert (paused.no_contact, paused.no_contact_reason) == (True, "dispute_pause")
        review = policy.limits_for(debtor, reason=FollowUp.Reason.DISPUTE_REVIEW)
        assert not review.no_contact

    def test_a_partial_dispute_does_not_pause_contact(self):
        debtor = DebtorFactory()
        Debtor.objects.filter(pk=debtor.pk).update(
            open_balance=Decimal("800.00"), disputed_balance=Decimal("799.99")
        )
        debtor.refresh_from_db()
        assert not policy.limits_for(debtor).no_contact

    def test_a_contacts_opt_out_blocks_that_channel(self):
        debtor = cn_debtor()
        contact = ContactFactory(debtor=debtor, opted_out_channels=["sms"])
        at = datetime.datetime.combine(CN_DAY, T(10, 0), tzinfo=SHANGHAI)
        assert "sms" in policy.limits_for(debtor, contact=contact).blocked_channels
        assert codes(policy.contact_check(debtor, "sms", at=at, contact=contact)) == [
            "channel_blocked"
        ]
        assert policy.contact_check(debtor, "email", at=at, contact=contact) == []

    def test_the_check_reports_do_not_contact_in_words(self):
        debtor = cn_debtor(do_not_contact=True)
        at = datetime.datetime.combine(CN_DAY, T(10, 0), tzinfo=SHANGHAI)
        [violation] = policy.contact_check(debtor, "call", at=at)
        assert violation.code == "no_contact"
        assert "asked not to be contacted" in violation.message
        assert policy.is_hard_stop([violation])


class TestRegulationF:
    @pytest.fixture(autouse=True)
    def pack(self):
        choose_pack("us_consumer")

    def test_seven_calls_in_seven_days_block_the_eighth(self):
        debtor = us_debtor()
        for days in range(6):
            call(debtor, US_AT - datetime.timedelta(days=days, hours=1))
        assert policy.contact_check(debtor, "call", at=US_AT) == []
        call(debtor, US_AT - datetime.timedelta(days=6, hours=23))
        violations = policy.contact_check(debtor, "call", at=US_AT)
        assert codes(violations) == ["cap_calls"]
        assert "7 calls and visits in 7 days" in violations[0].message
        # Written messages have their own cap.
        assert policy.contact_check(debtor, "email", at=US_AT) == []

    def test_a_call_older_than_seven_days_no_longer_counts(self):
        debtor = us_debtor()
        for days in range(6):
            call(debtor, US_AT - datetime.timedelta(days=days, hours=1))
        call(debtor, US_AT - datetime.timedelta(days=7, minutes=1))
        assert policy.contact_check(debtor, "call", at=US_AT) == []

    def test_a_conversation_blocks_calls_for_seven_days(self):
        debtor = us_debtor()
        spoke = US_AT - datetime.timedelta(days=6, hours=23)
        call(debtor, spoke, outcome=Interaction.Outcome.RIGHT_PARTY, right_party_contact=True)
        violations = policy.contact_check(debtor, "call", at=US_AT)
        assert codes(violations) == ["conversation_gap"]
        assert policy.contact_check(debtor, "visit", at=US_AT) != []
        assert policy.contact_check(debtor, "email", at=US_AT) == []
        later = spoke + datetime.timedelta(hours=168, minutes=5)
        assert policy.contact_check(debtor, "call", at=later) == []

    def test_inbound_calls_do_not_count_toward_the_caps(self):
        debtor = us_debtor()
        for hours in range(1, 10):
            call(debtor, US_AT - datetime.timedelta(hours=hours * 12), direction="inbound")
        assert policy.contact_check(debtor, "call", at=US_AT) == []

    def test_a_conversation_the_debtor_started_still_starts_the_pause(self):
        debtor = us_debtor()
        call(
            debtor,
            US_AT - datetime.timedelta(days=1),
            outcome=Interaction.Outcome.PROMISE,
            direction="inbound",
        )
        assert codes(policy.contact_check(debtor, "call", at=US_AT)) == ["conversation_gap"]

    def test_outside_eight_to_nine_is_refused(self):
        debtor = us_debtor(business_hours_start=T(7, 0), business_hours_end=T(23, 0))
        late = US_AT.replace(hour=21, minute=0)
        assert codes(policy.contact_check(debtor, "call", at=late)) == ["quiet_hours"]
        assert policy.contact_check(debtor, "call", at=late.replace(hour=20, minute=59)) == []


class TestChinaConsumer:
    @pytest.fixture(autouse=True)
    def pack(self):
        choose_pack("cn_consumer")

    def at(self, hour, minute=0, day=CN_DAY):
        return datetime.datetime.combine(day, T(hour, minute), tzinfo=SHANGHAI)

    def test_three_connected_calls_today_block_a_fourth(self):
        debtor = cn_debtor()
        yesterday = CN_DAY - datetime.timedelta(days=1)
        for hour in (9, 10, 11):
            call(debtor, self.at(hour, day=yesterday), outcome=Interaction.Outcome.WRONG_NUMBER)
        for hour in (8, 9):
            call(debtor, self.at(hour, 10), outcome=Interaction.Outcome.WRONG_NUMBER)
        call(debtor, self.at(9, 30))  # not answered: not connected
        assert policy.contact_check(debtor, "call", at=self.at(17, 30)) == []
        call(debtor, self.at(10, 10), outcome=Interaction.Outcome.WRONG_NUMBER)
        violations = policy.contact_check(debtor, "call", at=self.at(17, 30))
        assert codes(violations) == ["cap_connected_day"]
        assert "3 connected calls a day" in violations[0].message
        tomorrow = self.at(9, 0, day=CN_DAY + datetime.timedelta(days=1))
        assert policy.contact_check(debtor, "call", at=tomorrow) == []

    def test_half_past_ten_at_night_is_refused(self):
        debtor = cn_debtor()
        assert policy.contact_check(debtor, "sms", at=self.at(21, 30)) == []
        violations = policy.contact_check(debtor, "sms", at=self.at(22, 30))
        assert codes(violations) == ["quiet_hours"]
        assert "08:00–22:00" in violations[0].message

    def test_the_check_uses_the_debtors_local_time(self):
        debtor = cn_debtor()
        # 14:30 UTC is 22:30 in Shanghai.
        at = datetime.datetime(2026, 11, 4, 14, 30, tzinfo=datetime.UTC)
        assert codes(policy.contact_check(debtor, "call", at=at)) == ["quiet_hours"]


class TestManagersOverride:
    @pytest.fixture(autouse=True)
    def pack(self):
        choose_pack("us_consumer")

    def capped(self, **fields):
        debtor = us_debtor(**fields)
        for days in range(7):
            call(debtor, US_AT - datetime.timedelta(days=days, hours=1))
        return debtor

    def test_it_lifts_the_caps(self):
        violations = policy.contact_check(self.capped(), "call", at=US_AT)
        assert codes(violations) == ["cap_calls"]
        assert codes(policy.blocking(violations, overridden=False)) == ["cap_calls"]
        assert policy.blocking(violations, overridden=True) == []

    def test_it_does_not_lift_do_not_contact(self):
        violations = policy.contact_check(self.capped(do_not_contact=True), "call", at=US_AT)
        assert codes(policy.blocking(violations, overridden=True)) == ["no_contact"]

    def test_it_does_not_lift_an_opt_out(self):
        debtor = self.capped()
        contact = ContactFactory(debtor=debtor, opted_out_channels=["call"])
        violations = policy.contact_check(debtor, "call", at=US_AT, contact=contact)
        assert set(codes(violations)) == {"channel_blocked", "cap_calls"}
        assert codes(policy.blocking(violations, overridden=True)) == ["channel_blocked"]

    def test_it_does_not_lift_the_lawful_hours(self):
        debtor = self.capped()
        late = US_AT.replace(hour=21, minute=30)
        violations = policy.contact_check(debtor, "call", at=late)
        assert {"quiet_hours", "outside_hours"} <= set(codes(violations))
        assert codes(policy.blocking(violations, overridden=True)) == ["quiet_hours"]

    def test_the_service_records_who_lifted_the_limits_and_why(self, personas):
        followup = FollowUpFactory(debtor=personas.debtor_a)
        followup_override_policy(
            actor=personas.manager, followup=followup, reason=" Debtor asked us to call today "
        )
        followup.refresh_from_db()
        assert followup.policy_override_by == personas.manager
        assert followup.policy_override_reason == "Debtor asked us to call today"
        event = AuditEvent.objects.get(action="followup.override_policy")
        assert event.target_id == followup.public_id
        assert event.actor == personas.manager

    def test_the_service_wants_a_reason_and_an_open_follow_up(self, personas):
        followup = FollowUpFactory(debtor=personas.debtor_a)
        with pytest.raises(ValidationError):
            followup_override_policy(actor=personas.manager, followup=followup, reason="  ")
        done = FollowUpFactory(debtor=personas.debtor_a, status=FollowUp.Status.DONE)
        with pytest.raises(ValidationError):
            followup_override_policy(actor=personas.manager, followup=done, reason="Urgent")
        assert not FollowUp.objects.exclude(policy_override_by=None).exists()
        assert not AuditEvent.objects.filter(action="followup.override_policy").exists()

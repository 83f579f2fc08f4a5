"""Planning: each debtor walks their type's cadence, one step at a time, each
step at a moment the contact policy allows."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from debtors.models import Debtor, Dispute, Invoice
from debtors.services import debtor_refresh_summary, debtor_set_type, dispute_open
from followups import planning, policy, timing
from followups.models import (
    Cadence,
    CadenceState,
    CadenceStep,
    ContactRate,
    EngineSettings,
    FollowUp,
    Interaction,
)
from tests.accounts.factories import TeamFactory
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.followups.factories import CadenceStepFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2 November 2026, 09:00 in Shanghai.
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()
DUE = datetime.date(2026, 10, 20)
MOBILE = "+8613912345678"


@pytest.fixture(autouse=True)
def b2b_pack():
    EngineSettings.objects.update_or_create(pk=1, defaults={"policy_pack": "b2b"})
    policy.policy_cache_clear()
    yield
    policy.policy_cache_clear()


def owing(debtor: Debtor, amount="1000.00", due=DUE) -> Debtor:
    InvoiceFactory(debtor=debtor, amount=Decimal(amount), due_date=due)
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
    debtor.refresh_from_db()
    return debtor


def debtor_owing(debtor_type="unknown", *, mobile=MOBILE, **fields) -> Debtor:
    debtor = DebtorFactory(debtor_type=debtor_type, **fields)
    ContactFactory(debtor=debtor, mobile=mobile, is_primary=True)
    return owing(debtor)


def step(debtor_type: str, sequence: int) -> CadenceStep:
    return CadenceStep.objects.get(cadence__debtor_type=debtor_type, sequence=sequence)


def plan(debtor, now=NOW, **kwargs):
    return planning.plan_debtors([debtor.pk], now=now, **kwargs)


def scheduled(debtor, reason=FollowUp.Reason.DUNNING_STEP):
    return list(debtor.followups.filter(status="scheduled", reason=reason))


def the_step(debtor) -> FollowUp:
    [followup] = scheduled(debtor)
    return followup


def allowed(debtor, followup, **kwargs) -> list:
    contact = debtor.contacts.order_by("-is_primary", "name").first()
    return policy.contact_check(
        debtor, followup.action, at=followup.due_at, contact=contact, **kwargs
    )


def local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(SHANGHAI)


class TestFirstStep:
    @pytest.mark.parametrize(
        ("debtor_type", "action"),
        [
            ("forgetful", "sms"),
            ("hardship", "call"),
            ("dispute", "call"),
            ("stalling", "call"),
            ("unknown", "call"),
        ],
    )
    def test_it_plans_the_first_step_of_the_type_at_an_allowed_moment(self, debtor_type, action):
        debtor = debtor_owing(debtor_type)
        counts = plan(debtor)
        assert counts["planned"] == 1
        followup = the_step(debtor)
        first = step(debtor_type, 1)
        assert followup.cadence_step == first
        assert followup.action == action
        assert NOW < followup.due_at <= NOW + datetime.timedelta(days=first.window_days)
        assert allowed(debtor, followup) == []
        assert followup.assigned_to == debtor.assigned_collector
        # The reason is stored as codes, worded when shown.
        assert followup.slot_explain[0][0] == "at"
        assert "their time" in timing.explain(followup.slot_explain)
        debtor.refresh_from_db()
        assert debtor.next_action_at == followup.due_at
        state = CadenceState.objects.get(debtor=debtor)
        assert (state.debtor_type, state.next_sequence) == (debtor_type, 1)

    def test_a_step_waits_for_its_days_past_due(self):
        # Hardship starts one day after the oldest due date, forgetful three days before.
        due = datetime.date(2026, 11, 5)
        hardship = owing(DebtorFactory(debtor_type="hardship"), due=due)
        forgetful = owing(DebtorFactory(debtor_type="forgetful"), due=due)
        plan(hardship)
        plan(forgetful)
        assert local(the_step(hardship).due_at).date() >= datetime.date(2026, 11, 6)
        assert local(the_step(forgetful).due_at).date() < due

    def test_an_open_step_is_kept(self):
        debtor = debtor_owing()
        plan(debtor)
        first = the_step(debtor)
        counts = plan(debtor, now=NOW + datetime.timedelta(hours=1))
        assert counts == {"kept": 1}
        assert list(debtor.followups.all()) == [first]

    def test_an_open_step_claimed_by_a_collector_is_kept_too(self):
        debtor = debtor_owing()
        plan(debtor)
        FollowUp.objects.filter(debtor=debtor).update(status="in_progress")
        assert plan(debtor)["kept"] == 1
        assert debtor.followups.count() == 1


class TestWalkingTheCadence:
    def test_a_done_step_moves_to_the_next_not_before_its_gap(self):
        debtor = debtor_owing("forgetful")
        plan(debtor)
        first = the_step(debtor)
        done_at = first.due_at
        planning.followup_complete(first, now=done_at)
        state = CadenceState.objects.get(debtor=debtor)
        assert (state.next_sequence, state.last_step_done_at) == (2, done_at)
        plan(debtor, now=done_at + datetime.timedelta(minutes=5))
        second = the_step(debtor)
        assert second.cadence_step == step("forgetful", 2)
        assert second.action == "email"
        assert second.due_at >= done_at + datetime.timedelta(days=2)
        assert allowed(debtor, second) == []

    def test_the_last_step_repeats(self):
        debtor = debtor_owing("forgetful")
        CadenceState.objects.create(debtor=debtor, debtor_type="forgetful", next_sequence=5)
        plan(debtor)
        last = the_step(debtor)
        assert last.cadence_step == step("forgetful", 5)
        planning.followup_complete(last, now=last.due_at)
        plan(debtor, now=last.due_at + datetime.timedelta(hours=1))
        again = the_step(debtor)
        assert again.cadence_step == step("forgetful", 5)
        assert again.due_at >= last.due_at + datetime.timedelta(days=7)

    def test_a_cadence_that_does_not_repeat_ends(self):
        CadenceStep.objects.filter(cadence__debtor_type="forgetful", sequence=5).update(
            repeat_every_days=None
        )
        debtor = debtor_owing("forgetful")
        CadenceState.objects.create(debtor=debtor, debtor_type="forgetful", next_sequence=6)
        assert plan(debtor)["cadence_done"] == 1
        assert scheduled(debtor) == []

    def test_a_step_that_escalates_sets_the_debtors_status(self, personas):
        debtor = owing(personas.debtor_a)
        Debtor.objects.filter(pk=debtor.pk).update(debtor_type="stalling")
        debtor.refresh_from_db()
        CadenceState.objects.create(debtor=debtor, debtor_type="stalling", next_sequence=5)
        plan(debtor)
        manager_call = the_step(debtor)
        assert manager_call.cadence_step == step("stalling", 5)
        assert manager_call.assigned_to == personas.manager
        assert manager_call.action == "call"
        planning.followup_complete(manager_call, now=manager_call.due_at)
        debtor.refresh_from_db()
        assert debtor.status == Debtor.Status.ESCALATED

    def test_a_broken_promise_or_callback_counts_as_the_next_step(self):
        debtor = debtor_owing()
        FollowUp.objects.create(
            debtor=debtor,
            action="call",
            reason=FollowUp.Reason.CALLBACK,
            due_at=NOW + datetime.timedelta(days=1),
        )
        assert plan(debtor)["kept"] == 1
        assert scheduled(debtor) == []


class TestChannels:
    @pytest.mark.parametrize(
        ("mobile", "email", "opted_out", "action"),
        [
            (MOBILE, "ap@example.cn", [], "sms"),
            ("", "ap@example.cn", [], "email"),
            ("", "", [], "call"),
            (MOBILE, "ap@example.cn", ["sms"], "email"),
            (MOBILE, "", ["sms"], "call"),
        ],
    )
    def test_a_written_step_falls_back_when_it_cannot_reach_them(
        self, mobile, email, opted_out, action
    ):
        debtor = owing(DebtorFactory(debtor_type="forgetful"))
        ContactFactory(
            debtor=debtor, mobile=mobile, email=email, opted_out_channels=opted_out, is_primary=True
        )
        plan(debtor)
        followup = the_step(debtor)
        assert followup.action == action
        assert allowed(debtor, followup) == []

    def test_without_any_contact_it_calls(self):
        debtor = owing(DebtorFactory(debtor_type="forgetful"))
        plan(debtor)
        assert the_step(debtor).action == "call"


class TestStops:
    def test_a_settled_debtor_has_its_scheduled_follow_ups_cancelled(self):
        debtor = debtor_owing()
        plan(debtor)
        followup = the_step(debtor)
        Invoice.objects.filter(debtor=debtor).update(open_amount=0, status="paid")
        debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
        counts = plan(debtor, now=NOW + datetime.timedelta(hours=1))
        assert counts["closed"] == 1
        followup.refresh_from_db()
        assert followup.status == FollowUp.Status.CANCELLED
        debtor.refresh_from_db()
        assert debtor.next_action_at is None

    def test_a_do_not_contact_debtor_gets_nothing(self):
        debtor = debtor_owing(do_not_contact=True)
        counts = plan(debtor)
        assert counts["no_contact"] == 1
        assert not debtor.followups.exists()
        debtor.refresh_from_db()
        assert debtor.next_action_at is None

    def test_a_dispute_over_the_whole_balance_pauses_the_cadence_for_a_review(self, personas):
        debtor = owing(personas.debtor_a)
        plan(debtor)
        dunning = the_step(debtor)
        dispute_open(
            actor=personas.collector_a,
            debtor=debtor,
            invoices=debtor.invoices.all(),
            category=Dispute.Category.INVOICE_ERROR,
            disputed_amount=Decimal("1000.00"),
            description="Goods never arrived.",
            owner=personas.collector_b,
        )
        counts = plan(debtor, now=NOW + datetime.timedelta(hours=1))
        assert counts["dispute_paused"] == 1
        dunning.refresh_from_db()
        assert dunning.status == FollowUp.Status.CANCELLED
        [review] = scheduled(debtor, FollowUp.Reason.DISPUTE_REVIEW)
        assert review.assigned_to == personas.collector_b
        assert review.action == "call"
        assert allowed(debtor, review, reason=FollowUp.Reason.DISPUTE_REVIEW) == []
        plan(debtor, now=NOW + datetime.timedelta(hours=2))
        assert debtor.followups.filter(status="scheduled").count() == 1
        assert scheduled(debtor) == []

    def test_the_review_goes_to_the_manager_when_the_dispute_has_no_owner(self, personas):
        debtor = owing(personas.debtor_a)
        dispute_open(
            actor=personas.collector_a,
            debtor=debtor,
            invoices=debtor.invoices.all(),
            category=Dispute.Category.INVOICE_ERROR,
            disputed_amount=Decimal("1000.00"),
            description="Goods never arrived.",
        )
        Dispute.objects.update(owner=None)
        plan(debtor)
        [review] = scheduled(debtor, FollowUp.Reason.DISPUTE_REVIEW)
        assert review.assigned_to == personas.manager


class TestManagersCadence:
    def test_planning_follows_the_steps_in_the_database(self):
        CadenceStep.objects.filter(cadence__debtor_type="unknown", sequence=1).update(
            name="Visit them first", action="visit", window_days=5
        )
        debtor = debtor_owing()
        plan(debtor)
        followup = the_step(debtor)
        assert followup.action == "visit"
        assert followup.cadence_step.name == "Visit them first"

    def test_a_new_cadence_replaces_the_shipped_one(self):
        CadenceStep.objects.filter(cadence__debtor_type="unknown").delete()
        added = CadenceStepFactory(sequence=1, action="letter", day_offset=0)
        debtor = debtor_owing()
        plan(debtor)
        followup = the_step(debtor)
        assert (followup.cadence_step, followup.action) == (added, "letter")

    def test_an_inactive_cadence_plans_nothing(self):
        Cadence.objects.filter(debtor_type="unknown").update(is_active=False)
        debtor = debtor_owing()
        assert plan(debtor)["no_cadence"] == 1
        assert not debtor.followups.exists()


class TestReplan:
    def test_re_planning_an_unchanged_debtor_leaves_them_a_step(self):
        # An event (payment, dispute) asks to plan again; the best moment is
        # the same as before, so the new step lands on the cancelled one's slot.
        debtor = debtor_owing()
        plan(debtor)
        before = the_step(debtor)
        counts = plan(debtor, now=NOW + datetime.timedelta(minutes=1), replan=True)
        assert counts["planned"] == 1
        after = the_step(debtor)
        assert after.due_at == before.due_at
        debtor.refresh_from_db()
        assert debtor.next_action_at == after.due_at


class TestTypeChange:
    def test_a_new_type_starts_its_cadence_from_the_first_step(
        self, personas, django_capture_on_commit_callbacks
    ):
        debtor = owing(personas.debtor_a)
        ContactFactory(debtor=debtor, mobile=MOBILE, is_primary=True)
        CadenceState.objects.create(debtor=debtor, debtor_type="unknown", next_sequence=2)
        plan(debtor)
        old = the_step(debtor)
        assert old.cadence_step == step("unknown", 2)
        with (
            time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            debtor_set_type(
                actor=personas.manager,
                debtor=debtor,
                debtor_type="forgetful",
                reason="Pays as soon as reminded",
            )
        old.refresh_from_db()
        assert old.status == FollowUp.Status.CANCELLED
        new = the_step(debtor)
        assert new.cadence_step == step("forgetful", 1)
        assert new.action == "sms"
        state = CadenceState.objects.get(debtor=debtor)
        assert (state.debtor_type, state.next_sequence) == ("forgetful", 1)
        debtor.refresh_from_db()
        assert debtor.next_action_at == new.due_at

    def test_setting_the_same_type_again_plans_nothing_new(
        self, personas, django_capture_on_commit_callbacks
    ):
        debtor = owing(personas.debtor_a)
        plan(debtor)
        before = the_step(debtor)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            debtor_set_type(
                actor=personas.manager, debtor=debtor, debtor_type="unknown", reason="Still unsure"
            )
        assert callbacks == []
        assert the_step(debtor) == before


class TestNightlyRun:
    def test_plan_all_counts_what_it_did(self):
        planned = [debtor_owing(), debtor_owing("hardship")]
        blocked = debtor_owing(do_not_contact=True)
        DebtorFactory()  # owes nothing
        counts = planning.plan_all(now=NOW)
        assert counts["debtors"] == 3
        assert counts["planned"] == 2
        assert counts["no_contact"] == 1
        assert {f.debtor_id for f in FollowUp.objects.all()} == {d.pk for d in planned}
        assert not blocked.followups.exists()
        assert planning.plan_all(now=NOW)["kept"] == 2


def outbound_calls(debtor, local_moments, *, successes, channel="call", direction="outbound"):
    Interaction.objects.bulk_create(
        Interaction(
            debtor=debtor,
            channel=channel,
            direction=direction,
            started_at=moment,
            outcome="right_party" if n < successes else "no_answer",
            right_party_contact=n < successes,
        )
        for n, moment in enumerate(local_moments)
    )


class TestLearning:
    def test_contact_rates_are_counted_in_the_debtors_local_time(self):
        team = TeamFactory(name="Rates")
        shanghai = DebtorFactory(team=team)
        new_york = DebtorFactory(team=team, country="US", timezone="America/New_York")
        at = datetime.datetime(2026, 10, 27, 7, 30, tzinfo=datetime.UTC)  # Tue 15:30 Shanghai
        outbound_calls(shanghai, [at, at + datetime.timedelta(minutes=15)], successes=1)
        outbound_calls(new_york, [at + datetime.timedelta(hours=13)], successes=0)  # Tue 16:30
        outbound_calls(shanghai, [at], successes=1, direction="inbound")
        outbound_calls(shanghai, [at], successes=1, channel="sms")
        outbound_calls(shanghai, [at - datetime.timedelta(days=200)], successes=1)
        planning.contact_rates_refresh(now=NOW)
        cells = {
            (r.team_id, r.weekday, r.hour): (r.trials, r.successes)
            for r in ContactRate.objects.all()
        }
        assert cells == {(team.pk, 1, 15): (2, 1), (team.pk, 1, 16): (1, 0)}

    def test_a_refresh_replaces_the_old_cells(self):
        ContactRate.objects.create(team=None, weekday=0, hour=9, trials=5, successes=1)
        planning.contact_rates_refresh(now=NOW)
        assert not ContactRate.objects.exists()

    @pytest.mark.parametrize(("calls", "moves"), [(3, False), (60, True)])
    def test_strong_team_data_moves_the_slot(self, calls, moves):
        team = TeamFactory(name="Learners")
        debtor = debtor_owing(team=team)
        plan(debtor)
        baseline = the_step(debtor)
        assert local(baseline.due_at).strftime("%a %H:%M") == "Tue 09:05"
        FollowUp.objects.filter(pk=baseline.pk).delete()

        colleague = DebtorFactory(team=team)
        wednesday_4pm = datetime.datetime(2026, 10, 21, 16, 0, tzinfo=SHANGHAI)
        moments = [wednesday_4pm + datetime.timedelta(seconds=n) for n in range(calls)]
        outbound_calls(colleague, moments, successes=calls)
        planning.contact_rates_refresh(now=NOW)
        plan(debtor)
        learned = the_step(debtor)
        if moves:
            assert local(learned.due_at).strftime("%a %H:%M") == "Wed 16:00"
            assert "team data" in timing.explain(learned.slot_explain)
        else:
            assert learned.due_at == baseline.due_at
        assert allowed(debtor, learned) == []

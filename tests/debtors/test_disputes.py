"""Disputes: opening one holds the disputed amount on the invoices, escalating
hands it to the manager, resolving releases or credits what it held."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from collections_crm.exceptions import ApplicationError
from debtors import services
from debtors.models import Debtor, Dispute
from debtors.signals import debtors_changed
from followups import planning, policy
from followups.models import EngineSettings, FollowUp
from tests.accounts.factories import TeamFactory, UserFactory
from tests.debtors.factories import DebtorFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday


@pytest.fixture
def books(personas):
    """Alice's debtor owes 300.00 (older) and 500.00 (newer)."""
    debtor = personas.debtor_a
    older = InvoiceFactory(debtor=debtor, amount=Decimal("300.00"), due_date=D(2026, 10, 1))
    newer = InvoiceFactory(debtor=debtor, amount=Decimal("500.00"), due_date=D(2026, 10, 15))
    services.debtor_refresh_summary(debtor_ids=[debtor.pk], today=D(2026, 11, 2))
    debtor.refresh_from_db()
    return debtor, older, newer


def open_dispute(actor, debtor, invoices, amount, **kwargs):
    kwargs.setdefault("category", Dispute.Category.INVOICE_ERROR)
    kwargs.setdefault("description", "Unit price differs from the contract.")
    return services.dispute_open(
        actor=actor, debtor=debtor, invoices=invoices, disputed_amount=Decimal(amount), **kwargs
    )


def amounts(*invoices):
    for invoice in invoices:
        invoice.refresh_from_db()
    return [(i.open_amount, i.disputed_amount, i.status) for i in invoices]


class TestOpenValidation:
    @pytest.mark.parametrize(
        ("case", "field"),
        [
            ("no_invoice", "invoices"),
            ("foreign_invoice", "invoices"),
            ("zero", "disputed_amount"),
            ("negative", "disputed_amount"),
            ("above_open", "disputed_amount"),
            ("no_description", "description"),
            ("bad_category", "category"),
        ],
    )
    def test_it_refuses_and_changes_nothing(
        self, personas, books, case, field, django_capture_on_commit_callbacks
    ):
        debtor, older, newer = books
        foreign = InvoiceFactory(debtor=personas.debtor_b)
        kwargs = {"invoices": [older, newer], "amount": "100"}
        if case == "no_invoice":
            kwargs["invoices"] = []
        elif case == "foreign_invoice":
            kwargs["invoices"] = [older, foreign]
        elif case == "zero":
            kwargs["amount"] = "0"
        elif case == "negative":
            kwargs["amount"] = "-10"
        elif case == "above_open":
            kwargs["amount"] = "800.01"
        elif case == "no_description":
            kwargs["description"] = "   "
        elif case == "bad_category":
            kwargs["category"] = "not_a_category"
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            pytest.raises(ValidationError) as error,
        ):
            open_dispute(personas.collector_a, debtor, **kwargs)
        assert field in error.value.message_dict
        assert callbacks == []
        assert not Dispute.objects.exists()
        assert amounts(older, newer, foreign) == [
            (Decimal("300.00"), Decimal("0.00"), "open"),
            (Decimal("500.00"), Decimal("0.00"), "open"),
            (Decimal("1000.00"), Decimal("0.00"), "open"),
        ]
        debtor.refresh_from_db()
        assert (debtor.disputed_balance, debtor.status) == (Decimal("0.00"), "active")
        assert not AuditEvent.objects.filter(action="dispute.open").exists()

    def test_the_error_names_the_undisputed_open_amount(self, personas, books):
        debtor, older, newer = books
        open_dispute(personas.collector_a, debtor, [older, newer], "400")
        with pytest.raises(ValidationError) as error:
            open_dispute(personas.collector_a, debtor, [older, newer], "400.01")
        assert "(400.00)" in error.value.message_dict["disputed_amount"][0]
        assert Dispute.objects.count() == 1


class TestOpen:
    def test_a_partial_dispute_holds_the_amount_on_the_oldest_invoice_first(self, personas, books):
        debtor, older, newer = books
        dispute = open_dispute(personas.collector_a, debtor, [newer, older], "400")
        assert amounts(older, newer) == [
            (Decimal("300.00"), Decimal("300.00"), "disputed"),
            (Decimal("500.00"), Decimal("100.00"), "open"),
        ]
        assert dispute.allocations == {str(older.pk): "300.00", str(newer.pk): "100.00"}
        assert set(dispute.invoices.all()) == {older, newer}
        assert (dispute.status, dispute.disputed_amount) == ("open", Decimal("400.00"))
        assert dispute.raised_by == personas.collector_a
        debtor.refresh_from_db()
        assert (debtor.open_balance, debtor.disputed_balance) == (
            Decimal("800.00"),
            Decimal("400.00"),
        )
        assert debtor.status == Debtor.Status.ACTIVE
        event = AuditEvent.objects.get(action="dispute.open")
        assert event.target_id == dispute.public_id
        assert event.after["amount"] == "400.00"

    def test_a_dispute_over_the_whole_balance_marks_the_debtor_disputed(self, personas, books):
        debtor, older, newer = books
        open_dispute(personas.collector_a, debtor, [older, newer], "800")
        assert [status for *_amounts, status in amounts(older, newer)] == ["disputed", "disputed"]
        debtor.refresh_from_db()
        assert debtor.disputed_balance == Decimal("800.00")
        assert debtor.status == Debtor.Status.DISPUTED

    def test_the_teams_manager_owns_it_unless_somebody_is_named(self, personas, books):
        debtor, older, newer = books
        by_default = open_dispute(personas.collector_a, debtor, [older], "10")
        named = open_dispute(personas.collector_a, debtor, [older], "10", owner=personas.finance)
        assert by_default.owner == personas.manager
        assert named.owner == personas.finance

    def test_without_a_manager_the_person_who_opens_it_owns_it(self):
        collector = UserFactory(role="collector", team=TeamFactory(name="Lonely"))
        debtor = DebtorFactory(assigned_collector=collector, team=collector.team)
        invoice = InvoiceFactory(debtor=debtor)
        dispute = open_dispute(collector, debtor, [invoice], "100")
        assert dispute.owner == collector


class TestEscalate:
    def test_it_hands_the_dispute_to_the_manager(self, personas, books):
        debtor, older, _newer = books
        dispute = open_dispute(personas.collector_a, debtor, [older], "100", owner=personas.finance)
        with time_machine.travel(NOW, tick=False):
            escalated = services.dispute_escalate(actor=personas.collector_a, dispute=dispute)
        assert escalated.status == Dispute.Status.ESCALATED
        assert escalated.escalated_at == NOW
        assert escalated.owner == personas.manager
        event = AuditEvent.objects.get(action="dispute.escalate")
        assert (event.before, event.after) == ({"status": "open"}, {"status": "escalated"})
        with pytest.raises(ApplicationError):
            services.dispute_escalate(actor=personas.collector_a, dispute=dispute)


class TestResolve:
    def test_rejected_releases_the_held_amount(self, personas, books):
        debtor, older, newer = books
        dispute = open_dispute(personas.collector_a, debtor, [older, newer], "800")
        resolved = services.dispute_resolve(
            actor=personas.manager, dispute=dispute, resolution=" Contract price confirmed "
        )
        assert (resolved.status, resolved.resolution) == ("rejected", "Contract price confirmed")
        assert resolved.resolved_at is not None
        assert amounts(older, newer) == [
            (Decimal("300.00"), Decimal("0.00"), "open"),
            (Decimal("500.00"), Decimal("0.00"), "open"),
        ]
        debtor.refresh_from_db()
        assert (debtor.open_balance, debtor.disputed_balance) == (Decimal("800.00"), Decimal(0))
        assert debtor.status == Debtor.Status.ACTIVE
        event = AuditEvent.objects.get(action="dispute.resolve")
        assert event.after["status"] == "rejected"

    def test_accepted_credits_the_held_amount(self, personas, books):
        debtor, older, newer = books
        dispute = open_dispute(personas.collector_a, debtor, [older, newer], "400")
        services.dispute_resolve(
            actor=personas.manager, dispute=dispute, resolution="Credit note", accepted=True
        )
        assert amounts(older, newer) == [
            (Decimal("0.00"), Decimal("0.00"), "paid"),
            (Decimal("400.00"), Decimal("0.00"), "partially_paid"),
        ]
        dispute.refresh_from_db()
        assert dispute.status == Dispute.Status.RESOLVED
        debtor.refresh_from_db()
        assert (debtor.open_balance, debtor.disputed_balance) == (Decimal("400.00"), Decimal(0))

    def test_it_releases_only_what_this_dispute_held(self, personas, books):
        debtor, older, newer = books
        first = open_dispute(personas.collector_a, debtor, [older, newer], "400")
        open_dispute(personas.collector_a, debtor, [newer], "250")
        services.dispute_resolve(actor=personas.manager, dispute=first, resolution="Wrong")
        assert amounts(older, newer) == [
            (Decimal("300.00"), Decimal("0.00"), "open"),
            (Decimal("500.00"), Decimal("250.00"), "open"),
        ]
        debtor.refresh_from_db()
        assert debtor.disputed_balance == Decimal("250.00")

    def test_the_debtor_stays_disputed_while_another_dispute_covers_the_balance(
        self, personas, books
    ):
        debtor, older, newer = books
        credited = open_dispute(personas.collector_a, debtor, [older], "300")
        open_dispute(personas.collector_a, debtor, [newer], "500")
        debtor.refresh_from_db()
        assert debtor.status == Debtor.Status.DISPUTED
        services.dispute_resolve(
            actor=personas.manager, dispute=credited, resolution="Credit note", accepted=True
        )
        debtor.refresh_from_db()
        # 500.00 open, all of it still disputed.
        assert (debtor.open_balance, debtor.disputed_balance) == (
            Decimal("500.00"),
            Decimal("500.00"),
        )
        assert debtor.status == Debtor.Status.DISPUTED

    def test_it_wants_a_resolution_and_an_open_dispute(self, personas, books):
        debtor, older, _newer = books
        dispute = open_dispute(personas.collector_a, debtor, [older], "100")
        with pytest.raises(ValidationError):
            services.dispute_resolve(actor=personas.manager, dispute=dispute, resolution=" ")
        assert amounts(older) == [(Decimal("300.00"), Decimal("100.00"), "open")]
        services.dispute_resolve(actor=personas.manager, dispute=dispute, resolution="Fine")
        with pytest.raises(ApplicationError):
            services.dispute_resolve(actor=personas.manager, dispute=dispute, resolution="Again")
        assert AuditEvent.objects.filter(action="dispute.resolve").count() == 1


class TestSignal:
    @pytest.fixture
    def received(self):
        seen = []

        def listener(sender, debtor_ids, what, **kwargs):
            seen.append((debtor_ids, what))

        debtors_changed.connect(listener)
        yield seen
        debtors_changed.disconnect(listener)

    def test_each_dispute_change_is_sent_after_commit(
        self, personas, books, received, django_capture_on_commit_callbacks
    ):
        debtor, older, _newer = books
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            dispute = open_dispute(personas.collector_a, debtor, [older], "100")
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert received == [([debtor.pk], "dispute")]
        with django_capture_on_commit_callbacks(execute=True):
            services.dispute_escalate(actor=personas.collector_a, dispute=dispute)
            services.dispute_resolve(actor=personas.manager, dispute=dispute, resolution="Ok")
        assert received == [([debtor.pk], "dispute")] * 3


class TestFollowUpsReact:
    """Through the signal, the follow-up plan follows the dispute."""

    @pytest.fixture(autouse=True)
    def clock(self):
        EngineSettings.objects.update_or_create(pk=1, defaults={"policy_pack": "b2b"})
        policy.policy_cache_clear()
        with time_machine.travel(NOW, tick=False) as traveller:
            yield traveller
        policy.policy_cache_clear()

    def scheduled(self, debtor, reason):
        return list(debtor.followups.filter(status="scheduled", reason=reason))

    def test_a_whole_balance_dispute_pauses_dunning_for_a_review(
        self, personas, books, django_capture_on_commit_callbacks
    ):
        debtor, older, newer = books
        planning.plan_debtors([debtor.pk])
        [step] = self.scheduled(debtor, FollowUp.Reason.DUNNING_STEP)
        with django_capture_on_commit_callbacks(execute=True):
            open_dispute(personas.collector_a, debtor, [older, newer], "800")
        step.refresh_from_db()
        assert step.status == FollowUp.Status.CANCELLED
        [review] = self.scheduled(debtor, FollowUp.Reason.DISPUTE_REVIEW)
        assert review.assigned_to == personas.manager

    def test_a_partial_dispute_keeps_a_next_step(
        self, personas, books, django_capture_on_commit_callbacks
    ):
        debtor, older, _newer = books
        planning.plan_debtors([debtor.pk])
        with django_capture_on_commit_callbacks(execute=True):
            open_dispute(personas.collector_a, debtor, [older], "100")
        assert len(self.scheduled(debtor, FollowUp.Reason.DUNNING_STEP)) == 1
        debtor.refresh_from_db()
        assert debtor.next_action_at is not None

    def test_once_the_dispute_is_settled_dunning_resumes(
        self, personas, books, clock, django_capture_on_commit_callbacks
    ):
        debtor, older, newer = books
        with django_capture_on_commit_callbacks(execute=True):
            dispute = open_dispute(personas.collector_a, debtor, [older, newer], "800")
        assert len(self.scheduled(debtor, FollowUp.Reason.DISPUTE_REVIEW)) == 1
        clock.shift(datetime.timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=True):
            services.dispute_resolve(actor=personas.manager, dispute=dispute, resolution="Owed")
        assert self.scheduled(debtor, FollowUp.Reason.DISPUTE_REVIEW) == []
        assert len(self.scheduled(debtor, FollowUp.Reason.DUNNING_STEP)) == 1

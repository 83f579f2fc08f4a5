import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, User
from collections_crm.exceptions import ApplicationError
from debtors import services
from debtors.models import Debtor, Invoice
from tests.accounts.factories import TeamFactory, UserFactory
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class TestDebtorCreateAndUpdate:
    def test_it_creates_a_debtor_in_the_collectors_team_and_audits_it(self):
        collector = UserFactory(role=User.Role.COLLECTOR)
        debtor = services.debtor_create(
            actor=collector, code=" C-9 ", name="Nine Ltd", assigned_collector=collector
        )
        assert debtor.code == "C-9"
        assert debtor.team == collector.team
        event = AuditEvent.objects.get(target_id=debtor.public_id)
        assert event.action == "debtor.create"
        assert event.after["name"] == "Nine Ltd"

    def test_it_refuses_an_unknown_time_zone_and_writes_nothing(self):
        with pytest.raises(ValidationError):
            services.debtor_create(actor=None, code="X", name="X", timezone="Mars/Olympus")
        assert not Debtor.objects.filter(code="X").exists()
        assert not AuditEvent.objects.exists()

    def test_it_refuses_fields_it_does_not_know(self):
        with pytest.raises(ApplicationError):
            services.debtor_create(actor=None, code="X", name="X", open_balance=5)

    def test_it_audits_only_what_changed(self):
        debtor = DebtorFactory(name="Old name")
        services.debtor_update(
            actor=None, debtor=debtor, data={"name": "New name", "country": debtor.country}
        )
        event = AuditEvent.objects.get(action="debtor.update")
        assert event.before == {"name": "Old name"}
        assert event.after == {"name": "New name"}

    def test_it_records_who_set_the_type_and_why(self):
        debtor = DebtorFactory()
        manager = UserFactory(role=User.Role.MANAGER)
        services.debtor_set_type(
            actor=manager,
            debtor=debtor,
            debtor_type="hardship",
            reason="Asked for time, pays in parts",
        )
        debtor.refresh_from_db()
        assert (debtor.debtor_type, debtor.type_set_by) == ("hardship", manager)
        assert debtor.type_set_at is not None
        with pytest.raises(ValidationError):
            services.debtor_set_type(
                actor=manager, debtor=debtor, debtor_type="stalling", reason="  "
            )
        debtor.refresh_from_db()
        assert debtor.debtor_type == "hardship"

    def test_it_assigns_only_to_collectors(self):
        debtor = DebtorFactory()
        finance = UserFactory(role=User.Role.FINANCE)
        with pytest.raises(ApplicationError):
            services.debtor_assign(actor=None, debtors=[debtor], collector=finance)
        collector = UserFactory(role=User.Role.COLLECTOR, team=TeamFactory(name="North"))
        assert services.debtor_assign(actor=None, debtors=[debtor], collector=collector) == 1
        debtor.refresh_from_db()
        assert debtor.assigned_collector == collector
        assert debtor.team == collector.team


class TestContacts:
    def test_it_stores_phones_in_e164(self):
        debtor = DebtorFactory(country="CN")
        contact = services.contact_create(
            actor=None,
            debtor=debtor,
            name="Li Wei",
            phone="138 1234 5678",
            mobile="(021) 6234 5678",
        )
        assert contact.phone == "+8613812345678"
        assert contact.mobile == "+862162345678"
        assert contact.is_primary  # the first contact becomes the primary one

    def test_it_refuses_an_invalid_phone_and_says_which(self):
        debtor = DebtorFactory(country="US")
        with pytest.raises(ValidationError) as exc:
            services.contact_create(actor=None, debtor=debtor, name="Bad", phone="12345")
        assert "phone" in exc.value.message_dict
        assert not debtor.contacts.exists()

    def test_a_new_primary_contact_replaces_the_old_one(self):
        old = ContactFactory(is_primary=True)
        new = services.contact_create(
            actor=None, debtor=old.debtor, name="New boss", is_primary=True
        )
        old.refresh_from_db()
        assert new.is_primary and not old.is_primary


class TestPaymentRecord:
    @pytest.fixture
    def debtor(self):
        debtor = DebtorFactory()
        InvoiceFactory(
            debtor=debtor,
            number="OLD",
            issue_date=d("2026-07-01"),
            due_date=d("2026-08-01"),
            amount=Decimal("300.00"),
        )
        InvoiceFactory(
            debtor=debtor,
            number="MID",
            issue_date=d("2026-08-01"),
            due_date=d("2026-09-01"),
            amount=Decimal("200.00"),
        )
        InvoiceFactory(
            debtor=debtor,
            number="NEW",
            issue_date=d("2026-10-01"),
            due_date=d("2026-12-01"),
            amount=Decimal("500.00"),
        )
        return debtor

    def open_amounts(self, debtor):
        return dict(debtor.invoices.values_list("number", "open_amount"))

    def test_it_allocates_oldest_due_first(self, debtor):
        payment = services.payment_record(
            actor=None, debtor=debtor, amount=Decimal("350.00"), received_on=TODAY
        )
        assert self.open_amounts(debtor) == {
            "OLD": Decimal("0.00"),
            "MID": Decimal("150.00"),
            "NEW": Decimal("500.00"),
        }
        assert payment.unallocated_amount == Decimal("0.00")
        assert Invoice.objects.get(number="OLD").status == Invoice.Status.PAID
        assert Invoice.objects.get(number="MID").status == Invoice.Status.PARTIALLY_PAID
        assert sorted(payment.allocations.values_list("amount", flat=True)) == [
            Decimal("50.00"),
            Decimal("300.00"),
        ]

    def test_it_pays_named_invoices_first(self, debtor):
        services.payment_record(
            actor=None,
            debtor=debtor,
            amount=Decimal("500.00"),
            received_on=TODAY,
            invoice_numbers=["NEW"],
        )
        assert self.open_amounts(debtor)["NEW"] == Decimal("0.00")
        assert self.open_amounts(debtor)["OLD"] == Decimal("300.00")

    def test_it_refuses_an_unknown_invoice_and_records_nothing(self, debtor):
        with pytest.raises(ValidationError):
            services.payment_record(
                actor=None,
                debtor=debtor,
                amount=Decimal("10.00"),
                received_on=TODAY,
                invoice_numbers=["NOPE"],
            )
        assert not debtor.payments.exists()
        assert self.open_amounts(debtor)["OLD"] == Decimal("300.00")

    def test_it_keeps_an_overpayment_unallocated(self, debtor):
        payment = services.payment_record(
            actor=None, debtor=debtor, amount=Decimal("1200.00"), received_on=TODAY
        )
        assert payment.unallocated_amount == Decimal("200.00")
        debtor.refresh_from_db()
        assert debtor.open_balance == Decimal("0.00")

    def test_it_does_not_collect_the_disputed_part(self, debtor):
        Invoice.objects.filter(number="OLD").update(disputed_amount=Decimal("300.00"))
        services.payment_record(
            actor=None, debtor=debtor, amount=Decimal("100.00"), received_on=TODAY
        )
        assert self.open_amounts(debtor)["OLD"] == Decimal("300.00")
        assert self.open_amounts(debtor)["MID"] == Decimal("100.00")

    def test_it_records_an_imported_payment_once(self, debtor):
        first = services.payment_record(
            actor=None,
            debtor=debtor,
            amount=Decimal("100.00"),
            received_on=TODAY,
            import_reference="BANK-77",
        )
        again = services.payment_record(
            actor=None,
            debtor=debtor,
            amount=Decimal("100.00"),
            received_on=TODAY,
            import_reference="BANK-77",
        )
        assert first.pk == again.pk
        assert self.open_amounts(debtor)["OLD"] == Decimal("200.00")

    def test_it_refuses_money_from_floats(self, debtor):
        with pytest.raises(TypeError):
            services.payment_record(actor=None, debtor=debtor, amount=10.5, received_on=TODAY)


class TestRefreshSummary:
    def test_it_computes_balances_age_and_priority(self):
        debtor = DebtorFactory()
        InvoiceFactory(
            debtor=debtor,
            due_date=d("2026-10-01"),
            amount=Decimal("400.00"),
            open_amount=Decimal("300.00"),
        )
        InvoiceFactory(debtor=debtor, due_date=d("2026-11-10"), amount=Decimal("100.00"))
        InvoiceFactory(debtor=debtor, due_date=d("2026-12-31"), amount=Decimal("900.00"))
        InvoiceFactory(
            debtor=debtor,
            due_date=d("2026-09-01"),
            amount=Decimal("50.00"),
            open_amount=Decimal("0.00"),
        )  # paid: ignored
        InvoiceFactory(
            debtor=debtor,
            issue_date=d("2026-01-01"),
            due_date=d("2026-01-01"),
            amount=Decimal("-80.00"),
        )  # credit note: lowers the balance, not the age
        assert services.debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY) == 1
        debtor.refresh_from_db()
        assert debtor.open_balance == Decimal("1220.00")
        assert debtor.overdue_balance == Decimal("400.00")
        assert debtor.open_invoice_count == 4
        assert debtor.oldest_due_date == d("2026-10-01")
        assert debtor.max_days_past_due == 50
        assert debtor.priority_score > 0

    def test_it_zeroes_a_debtor_with_nothing_open(self):
        debtor = DebtorFactory()
        Debtor.objects.filter(pk=debtor.pk).update(
            open_balance=Decimal("9.00"), max_days_past_due=9, priority_score=9
        )
        services.debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
        debtor.refresh_from_db()
        assert (debtor.open_balance, debtor.max_days_past_due, debtor.priority_score) == (
            Decimal("0.00"),
            0,
            0,
        )

    def test_older_larger_debts_rank_higher(self):
        small = DebtorFactory()
        big_old = DebtorFactory()
        InvoiceFactory(debtor=small, due_date=d("2026-11-01"), amount=Decimal("100.00"))
        InvoiceFactory(debtor=big_old, due_date=d("2026-08-01"), amount=Decimal("5000.00"))
        services.debtor_refresh_summary(today=TODAY)
        small.refresh_from_db()
        big_old.refresh_from_db()
        assert big_old.priority_score > small.priority_score > 0

    def test_its_query_count_does_not_grow_with_debtors(self, django_assert_max_num_queries):
        debtors = [DebtorFactory() for _ in range(30)]
        for debtor in debtors:
            InvoiceFactory(debtor=debtor, due_date=d("2026-10-01"))
        with CaptureQueriesContext(connection) as one_debtor:
            services.debtor_refresh_summary(debtor_ids=[x.pk for x in debtors[:1]], today=TODAY)
        with django_assert_max_num_queries(len(one_debtor.captured_queries)):
            services.debtor_refresh_summary(debtor_ids=[x.pk for x in debtors], today=TODAY)
        assert Debtor.objects.filter(overdue_balance=Decimal("1000.00")).count() == 30

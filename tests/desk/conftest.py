"""The desk's pages are tested at one frozen moment (``helpers.NOW``), with
a debtor owing three invoices (one overdue 56 days, one 16, one not yet due)
and a primary contact; a module may override any of these fixtures."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from debtors.models import Debtor
from debtors.services import debtor_refresh_summary
from tests.debtors.factories import ContactFactory, InvoiceFactory

from .helpers import NOW, TODAY


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def debtor(personas) -> Debtor:
    debtor = personas.debtor_a
    InvoiceFactory(debtor=debtor, number="INV-1", due_date=dt.date(2026, 10, 1))
    InvoiceFactory(
        debtor=debtor, number="INV-2", due_date=dt.date(2026, 11, 10), amount=Decimal("500.00")
    )
    InvoiceFactory(debtor=debtor, number="INV-3", due_date=dt.date(2026, 12, 20))
    ContactFactory(debtor=debtor, name="Li Na", is_primary=True, phone="+8613812345678")
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
    debtor.refresh_from_db()
    return debtor


@pytest.fixture
def alice(client, personas):
    client.force_login(personas.collector_a)
    return client

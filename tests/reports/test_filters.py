"""The report filters: presets, the period compared against, the default
currency and bad input."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from debtors.permissions import DebtorScope
from reports.filters import Filters
from reports.forms import ReportFilterForm, preset_range
from reports.rollups import rebuild
from tests.debtors.factories import InvoiceFactory

from .books import NOW

D = dt.date
EVERYONE = DebtorScope(everyone=True)


def period(start, end):
    return Filters(start, end, currency="CNY", scope=EVERYONE)


@pytest.mark.parametrize(
    ("start", "end", "before"),
    [
        (D(2026, 11, 1), D(2026, 11, 30), (D(2026, 10, 1), D(2026, 10, 31))),  # a month
        (D(2026, 3, 1), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),
        (D(2025, 12, 1), D(2026, 11, 30), (D(2024, 12, 1), D(2025, 11, 30))),  # 12 months
        (D(2026, 12, 1), D(2026, 12, 3), (D(2026, 11, 1), D(2026, 11, 3))),  # month to date
        (D(2026, 3, 1), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),
        (D(2026, 11, 10), D(2026, 11, 19), (D(2026, 10, 31), D(2026, 11, 9))),  # any range
    ],
)
def test_the_period_compared_against(start, end, before):
    previous = period(start, end).previous()
    assert (previous.date_from, previous.date_to) == before


def test_month_to_date_on_the_31st_compares_with_a_shorter_month():
    previous = period(D(2026, 3, 1), D(2026, 3, 31)).previous()
    assert previous.date_to == D(2026, 2, 28)
    mtd = period(D(2026, 3, 1), D(2026, 3, 30)).previous()
    assert (mtd.date_from, mtd.date_to) == (D(2026, 2, 1), D(2026, 2, 28))


def test_presets_are_whole_months_before_this_one():
    today = D(2026, 12, 3)
    assert preset_range("this_month", today) == (D(2026, 12, 1), today)
    assert preset_range("last_month", today) == (D(2026, 11, 1), D(2026, 11, 30))
    assert preset_range("last_3_months", today) == (D(2026, 9, 1), D(2026, 11, 30))
    assert preset_range("last_12_months", today) == (D(2025, 12, 1), D(2026, 11, 30))
    assert preset_range("year_to_date", today) == (D(2026, 1, 1), today)


@pytest.mark.django_db
def test_the_default_currency_is_the_one_the_scope_holds_most(personas):
    with time_machine.travel(NOW, tick=False):
        InvoiceFactory(
            debtor=personas.debtor_other_team,
            amount=Decimal("900"),
            currency="USD",
            issue_date=D(2026, 11, 1),
            due_date=D(2026, 11, 30),
        )
        InvoiceFactory(
            debtor=personas.debtor_a,
            amount=Decimal("500"),
            currency="CNY",
            issue_date=D(2026, 11, 1),
            due_date=D(2026, 11, 30),
        )
        rebuild()
        west = ReportFilterForm({"period": "last_month"}, user=personas.other_manager)
        assert west.is_valid(), west.errors
        assert west.filters().currency == "USD"
        east = ReportFilterForm({"period": "last_month"}, user=personas.manager)
        assert east.is_valid() and east.filters().currency == "CNY"
        asked = ReportFilterForm({"period": "last_month", "currency": "usd"}, user=personas.manager)
        assert asked.is_valid() and asked.filters().currency == "USD"
        unknown = ReportFilterForm(
            {"period": "last_month", "currency": "ZZZ"}, user=personas.manager
        )
        assert not unknown.is_valid()
        assert "no amounts in ZZZ" in str(unknown.errors["currency"])

"""Issue #12: one debtor owing CNY 1,000 and USD 1,000, overdue by different
ages, shows the same per-currency aging buckets on the debtor page, the visit
pack (HTML and PDF) and the debtor API, and no page adds the two currencies."""

import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from collections_crm.lib.money import money_text
from debtors.aging import BUCKETS
from debtors.services import debtor_refresh_summary
from tests.debtors.factories import InvoiceFactory
from tests.desk.helpers import TODAY

pytestmark = pytest.mark.django_db

# The clock is frozen at helpers.NOW (conftest): 10:00 in Shanghai, the debtor's zone.
# currency → (days past due, its bucket); each owes 1,000.00.
OWED = {"CNY": (45, "d31_60"), "USD": (100, "d91_180")}
# A cross-currency sum of the two, however it is written ("2000", "2,000.00", …).
CROSS_SUM = re.compile(r"(?<![\w.,-])2,?000(?:\.00)?(?![\w-])")


@pytest.fixture
def debtor(personas):
    debtor = personas.debtor_a
    for currency, (days, _bucket) in OWED.items():
        InvoiceFactory(
            debtor=debtor,
            number=f"INV-{currency}",
            currency=currency,
            due_date=TODAY - dt.timedelta(days=days),
            amount=Decimal("1000.00"),
        )
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
    debtor.refresh_from_db()
    return debtor


def _expected_row(currency: str) -> str:
    """The currency's statement row as text: the currency, the six buckets in
    order, then the total open (whitespace removed)."""
    _days, owed_bucket = OWED[currency]
    one_thousand = money_text(Decimal("1000.00"), currency)
    cells = [one_thousand if b.key == owed_bucket else money_text(0, currency) for b in BUCKETS]
    return currency + "".join(cells) + one_thousand


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _page_text(body: str) -> str:
    """An HTML page's text, tags and scripts removed."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _assert_per_currency_and_never_summed(text: str) -> None:
    for currency in OWED:
        assert _expected_row(currency) in _squash(text), currency
    assert not CROSS_SUM.search(text), CROSS_SUM.search(text)


def test_the_debtor_page_shows_the_aging_per_currency(alice, debtor):
    body = alice.get(reverse("desk:debtor", args=[debtor.public_id])).content.decode()

    aging = body[body.index('data-testid="aging"') :]
    _assert_per_currency_and_never_summed(_page_text(aging[: aging.index("</section>")]))
    for currency, (_days, bucket) in OWED.items():
        cell = re.search(
            rf'data-currency="{currency}">.*?data-bucket="{bucket}">([^<]+)<', aging, re.S
        )
        assert cell.group(1) == money_text(Decimal("1000.00"), currency)
    # The header's open and overdue: per currency, not the summary column.
    balances = body[body.index('data-testid="balances"') :]
    balances = balances[: balances.index("</section>")]
    assert balances.count(money_text(Decimal("1000.00"), "CNY")) == 2  # overdue, open
    assert balances.count(money_text(Decimal("1000.00"), "USD")) == 2
    assert debtor.open_balance == Decimal("2000.00")  # the column the page must not show
    assert not CROSS_SUM.search(_page_text(body))


def test_the_visit_pack_page_shows_the_same_aging(alice, debtor):
    body = alice.get(reverse("desk:visit-pack-preview", args=[debtor.public_id]))
    assert body.status_code == 200

    _assert_per_currency_and_never_summed(_page_text(body.content.decode()))


def test_the_visit_pack_pdf_shows_the_same_aging(alice, debtor):
    response = alice.get(reverse("desk:visit-pack", args=[debtor.public_id]))
    assert response["Content-Type"] == "application/pdf"

    _assert_per_currency_and_never_summed(_pdf_text(response.content))


def test_the_debtor_api_gives_the_same_aging(alice, debtor):
    data = alice.get(f"/api/debtors/{debtor.public_id}/").json()

    by_currency = {a["currency"]: a for a in data["aging"]}
    assert sorted(by_currency) == ["CNY", "USD"]
    for currency, (_days, owed_bucket) in OWED.items():
        aging = by_currency[currency]
        assert [b["key"] for b in aging["buckets"]] == [b.key for b in BUCKETS]
        assert {b["key"]: b["amount"] for b in aging["buckets"]} == {
            b.key: "1000.00" if b.key == owed_bucket else "0.00" for b in BUCKETS
        }
        assert aging["open_total"] == aging["overdue_total"] == "1000.00"
    assert "2000.00" not in str(data["aging"])

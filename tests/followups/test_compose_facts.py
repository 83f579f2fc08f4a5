"""Issue #14: a reminder says only what is true for this debtor now, and an
SMS always ends with its call to action and the opt-out."""

import datetime
import itertools
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from followups.channels import compose
from followups.optout import opt_out_url
from scripts_library.content import DEBTOR_TYPES
from scripts_library.linter import lint_text
from scripts_library.selectors import render_context_for_debtor
from scripts_library.sms import SMS_MAX_CHARS, sms_ending
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 3, 16, 3, tzinfo=SHANGHAI)
TODAY = NOW.date()
PURPOSES = ("dunning", "promise_reminder", "promise_thanks", "broken_promise")
LINK = "https://pay.example.com/{code}"


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.COMPANY_NAME = "Northwind Supply Co."
    settings.SITE_URL = "https://crm.example.com"
    settings.PAYMENT_LINK_TEMPLATE = ""
    with time_machine.travel(NOW, tick=False):
        yield


def _contact(*, debtor_type="stalling", language="en", overdue=True, name="Li Wei", **extra):
    debtor = DebtorFactory(
        name="Alpha Trading Co.",
        debtor_type=debtor_type,
        language=language,
        timezone="Asia/Shanghai",
        open_balance=Decimal("12345.60"),
        overdue_balance=Decimal("12345.60") if overdue else Decimal("0"),
        oldest_due_date=TODAY - datetime.timedelta(days=20 if overdue else -26),
        max_days_past_due=20 if overdue else 0,
        **extra,
    )
    for n in range(7):
        number = f"INV-2026-{10480 + n}"
        InvoiceFactory(debtor=debtor, number=number, due_date=debtor.oldest_due_date)
    return ContactFactory(debtor=debtor, name=name, mobile="+8613812345678")


def _compose(contact, channel, purpose, promise_date=None, **kwargs):
    return compose(
        debtor=contact.debtor,
        contact=contact,
        channel=channel,
        purpose=purpose,
        promise_amount=Decimal("1000.00") if promise_date else None,
        promise_date=promise_date,
        opt_out_url=opt_out_url(contact, channel),
        now=NOW,
        **kwargs,
    )


def test_a_stalling_debtor_without_a_promise_is_not_told_of_one():
    contact = _contact()
    for channel in ("sms", "email"):
        text = _compose(contact, channel, "dunning").text
        assert not re.search(r"promis|agreed|last call", text, re.IGNORECASE), text


def test_a_broken_promise_is_named_only_once_its_date_has_passed():
    contact = _contact()
    broken = _compose(contact, "sms", "broken_promise", TODAY - datetime.timedelta(days=3))
    pending = _compose(contact, "sms", "dunning", TODAY + datetime.timedelta(days=3))
    assert "has not reached us" in broken.text and "CNY 1,000.00" in broken.text
    assert "not reached" not in pending.text and "not received" not in pending.text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_hardship_debtor_without_a_plan_hears_of_no_instalment(language):
    contact = _contact(debtor_type="hardship", language=language)
    for channel in ("sms", "email"):
        text = _compose(contact, channel, "dunning").text
        # an offer ("we can offer monthly instalments") is fine; a claim is not
        assert not re.search(r"your instalment|instalment of|本期|约定的", text), text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_without_a_payment_link_no_text_points_to_one(language):
    for debtor_type in DEBTOR_TYPES:
        contact = _contact(debtor_type=debtor_type, language=language)
        for channel in ("sms", "email"):
            text = _compose(contact, channel, "dunning").text
            assert not re.search(r"Pay in a minute|Pay here|付款链接|对账单上的付款账户", text)
            assert "https://pay." not in text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_email_claims_an_attachment_it_does_not_carry(language):
    for debtor_type, purpose in itertools.product(DEBTOR_TYPES, PURPOSES):
        contact = _contact(debtor_type=debtor_type, language=language)
        composed = _compose(contact, "email", purpose, TODAY - datetime.timedelta(days=2))
        assert composed.attachments == ()
        assert not re.search(r"attach|enclos|附件|附上|随函", composed.text, re.IGNORECASE)
    carried = _compose(contact, "email", "dunning", attachments=("statement.pdf",))
    assert carried.attachments == ("statement.pdf",)


def test_no_stand_in_phrases_for_missing_names():
    contact = _contact(debtor_type="unknown", name="")
    contact.debtor.assigned_collector = None
    contact.debtor.save()
    for channel, purpose in itertools.product(("sms", "email"), PURPOSES):
        text = _compose(contact, channel, purpose).text
        assert "Sir or Madam" not in text and "the accounts team" not in text
        assert "Co.." not in text
        assert "the agreed" not in text and "the amount in question" not in text


def test_an_invoice_not_yet_due_is_not_called_overdue():
    contact = _contact(debtor_type="unknown", overdue=False)
    for channel in ("sms", "email"):
        text = _compose(contact, channel, "dunning").text
        assert "due on 29 Dec 2026" in text
        assert not re.search(r"overdue|were due|was due|fell due|past due", text), text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("with_link", [False, True])
def test_every_sms_keeps_its_ending_within_the_limit(settings, language, with_link):
    if with_link:
        settings.PAYMENT_LINK_TEMPLATE = LINK
    for debtor_type in DEBTOR_TYPES:
        contact = _contact(debtor_type=debtor_type, language=language)
        contact.debtor.name = "A very long company name for a debtor, Trading and Logistics Co."
        contact.debtor.save()
        for purpose in ("dunning", "broken_promise"):
            text = _compose(contact, "sms", purpose, TODAY - datetime.timedelta(days=4)).text
            link = LINK.format(code=contact.debtor.code) if with_link else None
            with translation.override(language):
                ending = sms_ending(link=link, opt_out_url=opt_out_url(contact, "sms"))
            assert len(text) <= SMS_MAX_CHARS, text
            assert text.endswith(ending), text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_composed_message_passes_the_linter(settings, language):
    """Each type, purpose, channel, with and without a link, and a promise
    that is absent, pending or broken: the finished text, checked against the
    facts it was composed from."""
    dates = (None, TODAY + datetime.timedelta(days=5), TODAY - datetime.timedelta(days=5))
    for debtor_type, with_link in itertools.product(DEBTOR_TYPES, (False, True)):
        settings.PAYMENT_LINK_TEMPLATE = LINK if with_link else ""
        contact = _contact(debtor_type=debtor_type, language=language)
        for purpose, channel, date in itertools.product(PURPOSES, ("sms", "email"), dates):
            composed = _compose(contact, channel, purpose, date)
            facts = render_context_for_debtor(
                debtor=contact.debtor,
                collector=contact.debtor.assigned_collector,
                contact=contact,
                promise_amount=Decimal("1000.00") if date else None,
                promise_date=date,
                now=NOW,
            ).facts
            checked = "sms" if channel == "sms" and purpose != "promise_thanks" else None
            text = composed.text
            if checked:  # the linter's own sample opt-out is not this one
                text = text.rsplit("\n", 1)[0]
                checked = None
                assert len(composed.text) <= SMS_MAX_CHARS
            failures = lint_text(text, facts, language, channel=checked)
            assert failures == [], (debtor_type, purpose, channel, date, failures)

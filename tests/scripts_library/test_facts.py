"""The facts of a debtor at a moment, and what they let a text say (issue #14)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from scripts_library.facts import (
    AFTERNOON,
    ATTACHMENT,
    BROKEN,
    BROKEN_PROMISE,
    EVENING,
    INSTALMENT_PLAN,
    MORNING,
    NAMED_CONTACT,
    NO_PROMISE,
    OVERDUE,
    PENDING,
    PROMISE,
    Facts,
    part_of_day,
)
from scripts_library.rendering import RenderContext, body_needs, render_text, track_render
from scripts_library.selectors import render_context_for_debtor, track_select
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("hour", "part"), [(5, MORNING), (11, MORNING), (12, AFTERNOON), (16, AFTERNOON), (18, EVENING)]
)
def test_the_part_of_the_day_follows_the_hour(hour, part):
    assert part_of_day(hour) == part


@pytest.mark.parametrize(
    ("body", "needs"),
    [
        ("Pay {promise_amount} by {promise_date}.", {PROMISE}),
        ("Dear {contact_name},", {NAMED_CONTACT}),
        ("{overdue_amount} is {days_overdue} past due", {OVERDUE}),
        ("I have attached the statement.", {ATTACHMENT}),
        ("Please find attached your current statement.", {ATTACHMENT}),
        ("相关资料已附上：签收的送货单", {ATTACHMENT}),
        ("On our last call you agreed to pay.", {PROMISE}),
        ("We have not received {promise_amount} promised for {promise_date}.", None),
        ("your instalment of {promise_amount} is due on {promise_date}", None),
        ("提醒您本期{promise_amount}将于{promise_date}到期。", None),
        ("Good morning {addressee}", {MORNING}),
        ("下午好，我是{collector_name}", {AFTERNOON, "collector"}),
        ("Would it help to split it into monthly instalments?", set()),
        ("Could we agree a date?", set()),
        ("{greeting}, {addressee}: {amount_due}, {due_status}.", set()),
    ],
)
def test_a_text_needs_what_its_placeholders_and_wording_claim(body, needs):
    found = body_needs(body)
    if needs is None:  # a broken promise or an instalment: a promise too
        assert PROMISE in found and found & {BROKEN_PROMISE, INSTALMENT_PLAN}
    else:
        assert found == needs


@pytest.mark.django_db
def test_an_english_debtor_called_at_four_in_the_afternoon_hears_good_afternoon(personas):
    debtor = DebtorFactory(
        language="en",
        debtor_type="forgetful",
        timezone="Europe/London",
        open_balance=Decimal("900.00"),
        oldest_due_date=datetime.date(2026, 12, 29),
    )
    InvoiceFactory(debtor=debtor, number="E-1", due_date=datetime.date(2026, 12, 29))
    now = datetime.datetime(2026, 12, 3, 16, 3, tzinfo=LONDON)
    context = render_context_for_debtor(debtor=debtor, collector=personas.collector_a, now=now)
    track = track_select(
        debtor_type="forgetful", stage="opening", channel="call", language="en", context=context
    )
    text = track_render(track=track, context=context).text
    assert context.facts.part_of_day == AFTERNOON
    assert text.startswith("Good afternoon, this is")
    assert "Good morning" not in text
    assert "due on 29 Dec 2026" in text  # not yet due: not "were due"


@pytest.mark.django_db
def test_a_chinese_debtor_in_the_morning_hears_shangwu_hao(personas):
    debtor = DebtorFactory(language="zh-hans", timezone="Asia/Shanghai")
    now = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=SHANGHAI)
    context = render_context_for_debtor(debtor=debtor, collector=personas.collector_a, now=now)
    assert render_text("{greeting}，", context).text == "上午好，"


@pytest.mark.django_db
def test_a_promise_is_broken_once_its_date_has_passed_where_the_debtor_is(personas):
    debtor = DebtorFactory(timezone="Asia/Shanghai")
    ContactFactory(debtor=debtor, name="")
    date = datetime.date(2026, 12, 3)
    # 23:30 UTC on the 3rd is already the 4th in Shanghai.
    late = datetime.datetime(2026, 12, 3, 23, 30, tzinfo=datetime.UTC)
    early = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)

    def facts(now, **kwargs):
        return render_context_for_debtor(
            debtor=debtor, collector=None, promise_amount=Decimal("5"), now=now, **kwargs
        ).facts

    assert facts(late, promise_date=date).promise == BROKEN
    assert facts(early, promise_date=date).promise == PENDING
    assert facts(early).promise == NO_PROMISE  # an amount without a date is no promise
    assert facts(early, promise_date=date, instalment_plan=True).instalment_plan
    assert not facts(early, promise_date=date).attachment
    assert facts(early, promise_date=date, attachments=("statement.pdf",)).attachment
    assert not facts(early).named_contact and not facts(early).collector


def test_a_name_ending_in_a_full_stop_gets_one_full_stop():
    context = RenderContext(company_name="Northwind Supply Co.", debtor_name="Alpha Co.")
    assert render_text("Thanks, {company_name}.", context).text == "Thanks, Northwind Supply Co."
    assert render_text("Hi {addressee}.", context).text == "Hi Alpha Co."


def test_due_wording_only_calls_an_overdue_invoice_overdue():
    date = datetime.date(2026, 12, 29)
    due = RenderContext(oldest_due_date=date, facts=Facts(overdue=False))
    late = RenderContext(oldest_due_date=date, facts=Facts(overdue=True), language="zh-hans")
    assert render_text("{due_status}", due).text == "due on 29 Dec 2026"
    assert render_text("{due_status}", late).text == "已于2026年12月29日到期"


def test_the_addressee_is_the_person_or_else_the_company():
    assert render_text("{addressee}", RenderContext(debtor_name="Alpha")).text == "Alpha"
    named = RenderContext(debtor_name="Alpha", contact_name="Wei Ling Kelly")
    assert render_text("{addressee}", named).text == "Wei Ling Kelly"

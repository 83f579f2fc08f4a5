import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts_library.loader import shipped_objection_responses, shipped_tracks
from scripts_library.rendering import (
    PLACEHOLDERS,
    RenderContext,
    format_date,
    format_invoice_numbers,
    format_money,
    render_text,
    text_fits,
    track_placeholders_validate,
)
from scripts_library.selectors import render_context_for_debtor
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory

RAW_PLACEHOLDER = r"\{[a-z_]+\}"


def test_it_lists_the_placeholders_a_body_uses():
    assert track_placeholders_validate("Hi {contact_name}, {amount_due} {{literal}}") == {
        "contact_name",
        "amount_due",
    }


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("Hello {contact_nmae}", "{contact_nmae}"),
        ("Pay {amount_due} by {deadline}", "{deadline}"),
    ],
)
def test_it_names_unknown_placeholders(body, fragment):
    with pytest.raises(ValidationError) as exc:
        track_placeholders_validate(body)
    assert fragment in " ".join(exc.value.messages)
    assert "Unknown placeholders" in " ".join(exc.value.messages)


@pytest.mark.parametrize(
    "body", ["Hello {contact_name", "Hello contact_name}", "Pay {amount due}", "{}", "a { b"]
)
def test_it_rejects_malformed_braces(body):
    with pytest.raises(ValidationError) as exc:
        track_placeholders_validate(body)
    assert "braces" in " ".join(exc.value.messages)


def test_it_formats_money_per_language():
    assert format_money(Decimal("12345.6"), "CNY", "en") == "CNY 12,345.60"
    assert format_money(Decimal("12345.6"), "CNY", "zh-hans") == "12,345.60元"
    assert format_money(Decimal("99"), "USD", "zh-hans") == "USD 99.00"


def test_it_formats_dates_per_language():
    day = datetime.date(2026, 11, 21)
    assert format_date(day, "en") == "21 Nov 2026"
    assert format_date(day, "zh-hans") == "2026年11月21日"


def test_it_shortens_long_invoice_lists():
    numbers = [f"INV-{i}" for i in range(1, 8)]
    assert format_invoice_numbers(numbers[:2], "en") == "INV-1 and INV-2"
    assert format_invoice_numbers(numbers, "en").endswith("and 2 more")
    assert format_invoice_numbers(numbers, "zh-hans").endswith("等7张")


def test_it_fills_every_placeholder():
    context = RenderContext(
        language="zh-hans",
        currency="CNY",
        contact_name="王经理",
        collector_name="李娜",
        company_name="北风供应",
        amount_due=Decimal("8800.00"),
        oldest_due_date=datetime.date(2026, 10, 1),
        invoice_numbers=("INV-1", "INV-2"),
        days_overdue=52,
    )
    rendered = render_text(
        "{contact_name}您好,我是{company_name}的{collector_name}。发票{invoice_numbers}共"
        "{amount_due},{oldest_due_date}到期,已逾期{days_overdue}。",
        context,
    )
    assert rendered.text == (
        "王经理您好,我是北风供应的李娜。发票INV-1、INV-2共8,800.00元,2026年10月1日到期,已逾期52天。"
    )
    assert rendered.missing == ()


def test_a_missing_value_is_never_replaced_by_a_stand_in_phrase():
    """Issue #14: "Pay the agreed amount by the agreed date at the payment
    details on your statement" was printed where the values belonged."""
    body = "Pay {promise_amount} by {promise_date} at {payment_link}."
    context = RenderContext()
    rendered = render_text(body, context)
    assert "agreed" not in rendered.text and "statement" not in rendered.text
    assert rendered.missing == ("promise_amount", "promise_date", "payment_link")
    assert not text_fits(body, context)  # so no selector chooses it


def test_it_never_shows_a_raw_brace_from_a_broken_body_or_value():
    context = RenderContext(contact_name="{debtor_name}")
    text = render_text("Hi {contact_name}, {unknown} and { stray", context).text
    assert "{" not in text and "}" not in text


@pytest.mark.django_db
def test_it_builds_the_context_from_the_debtors_summary_and_invoices(personas):
    debtor = personas.debtor_a
    debtor.open_balance = Decimal("1500.00")
    debtor.overdue_balance = Decimal("1500.00")
    debtor.disputed_balance = Decimal("500.00")
    debtor.max_days_past_due = 30
    debtor.oldest_due_date = datetime.date(2026, 10, 1)
    debtor.language = "en"
    debtor.save()
    InvoiceFactory(debtor=debtor, number="A-100", due_date=datetime.date(2026, 10, 1))
    InvoiceFactory(debtor=debtor, number="A-101", due_date=datetime.date(2026, 10, 5))
    InvoiceFactory(debtor=debtor, number="A-PAID", open_amount=Decimal("0"))
    ContactFactory(debtor=debtor, name="Ms Chen", is_primary=True)
    context = render_context_for_debtor(
        debtor=debtor,
        collector=personas.collector_a,
        promise_amount=Decimal("700.00"),
        promise_date=datetime.date(2026, 12, 4),
    )
    assert context.invoice_numbers == ("A-100", "A-101")
    assert context.undisputed_amount == Decimal("1000.00")
    assert context.contact_name == "Ms Chen"
    text = render_text(
        "{contact_name}: {undisputed_amount} of {amount_due} on {invoice_numbers}; "
        "{promise_amount} by {promise_date}; {days_overdue}.",
        context,
    ).text
    assert text == (
        "Ms Chen: CNY 1,000.00 of CNY 1,500.00 on A-100 and A-101; "
        "CNY 700.00 by 4 Dec 2026; 30 days."
    )


ALL_BODIES = [row["body"] for row in shipped_tracks()] + [
    row["body"] for row in shipped_objection_responses()
]
optional_money = st.none() | st.decimals(
    min_value=Decimal("-99999999.99"), max_value=Decimal("999999999.99"), places=2
)
optional_text = st.none() | st.text(max_size=40)
optional_date = st.none() | st.dates()

contexts = st.builds(
    RenderContext,
    language=st.sampled_from(["en", "zh-hans", "fr", ""]),
    currency=st.sampled_from(["CNY", "USD", "EUR", ""]),
    debtor_name=optional_text,
    contact_name=optional_text,
    collector_name=optional_text,
    company_name=optional_text,
    amount_due=optional_money,
    overdue_amount=optional_money,
    undisputed_amount=optional_money,
    disputed_amount=optional_money,
    promise_amount=optional_money,
    promise_date=optional_date,
    oldest_due_date=optional_date,
    days_overdue=st.none() | st.integers(min_value=-5, max_value=5000),
    invoice_numbers=st.lists(st.text(max_size=12), max_size=12).map(tuple),
    payment_link=optional_text,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.sampled_from(ALL_BODIES), context=contexts)
def test_it_never_raises_or_shows_a_raw_placeholder(body, context):
    text = render_text(body, context).text
    assert not re.search(RAW_PLACEHOLDER, text)
    for name in PLACEHOLDERS:
        assert "{" + name + "}" not in text


@pytest.mark.django_db
def test_it_renders_for_a_debtor_with_no_data_at_all():
    debtor = DebtorFactory(language="zh-hans", assigned_collector=None)
    context = render_context_for_debtor(debtor=debtor, collector=None)
    for body in ALL_BODIES:
        text = render_text(body, context).text
        assert "{" not in text


safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("999999999.99"), places=2)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=safe_text,
    language=st.sampled_from(["en", "zh-hans"]),
    currency=st.sampled_from(["CNY", "USD", "EUR", "HKD"]),
    open_balance=money,
    disputed_balance=money,
    days=st.integers(min_value=0, max_value=3000),
    oldest=st.none() | st.dates(min_value=datetime.date(2000, 1, 1)),
    contact=st.none() | safe_text.filter(str.strip),
    numbers=st.sets(st.text(alphabet="ABC-0123456789{}", min_size=1, max_size=10), max_size=8),
    promise=st.none() | money,
    with_collector=st.booleans(),
)
def test_it_renders_every_shipped_text_for_random_debtors(
    personas,
    name,
    language,
    currency,
    open_balance,
    disputed_balance,
    days,
    oldest,
    contact,
    numbers,
    promise,
    with_collector,
):
    debtor = DebtorFactory(
        name=name,
        language=language,
        currency=currency,
        open_balance=open_balance,
        overdue_balance=open_balance,
        disputed_balance=disputed_balance,
        max_days_past_due=days,
        oldest_due_date=oldest,
        assigned_collector=personas.collector_a if with_collector else None,
    )
    if contact:
        ContactFactory(debtor=debtor, name=contact)
    for number in numbers:
        InvoiceFactory(debtor=debtor, number=number, currency=currency)
    context = render_context_for_debtor(
        debtor=debtor,
        collector=debtor.assigned_collector,
        promise_amount=promise,
        promise_date=oldest,
    )
    for body in ALL_BODIES:
        text = render_text(body, context).text
        assert not re.search(RAW_PLACEHOLDER, text)

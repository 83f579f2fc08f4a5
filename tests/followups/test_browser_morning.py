"""A collector's morning in the browser: the queue with its reasons, Next, the
script, a no-answer by its key and Enter, a promise in two instalments, a dispute with the
undisputed-part prompt, another collector's debtor refused, and two sessions
pressing Next together landing on different debtors.

Nothing is frozen in the browser: the debtors here are callable at any hour
(open 00:00-23:59 every day, no lunch, no holidays, a policy override allowing
every hour and day with generous caps), so the queue is the same whatever the
wall clock says.
"""

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from debtors.models import Invoice
from debtors.services import debtor_refresh_summary
from followups.models import DebtorClaim, DebtorPolicyOverride, FollowUp, Interaction
from scripts_library.loader import load_content
from tests.browser import login
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.followups.factories import FollowUpFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_DAY = {
    "country": "",
    "business_hours_start": dt.time(0, 0),
    "business_hours_end": dt.time(23, 59),
    "lunch_start": None,
    "lunch_end": None,
    "working_days": list(range(7)),
}
DEBTOR_URL = re.compile(r"/debtors/[0-9a-f-]{36}/$")


def _callable_debtor(collector, name, amounts, *, reason, minutes_ago=30, days_overdue=40):
    """A debtor of ``collector`` with open invoices, a contact with E.164
    numbers, a call due ``minutes_ago`` for ``reason``, and callable now."""
    debtor = DebtorFactory(
        name=name,
        assigned_collector=collector,
        team=collector.team,
        language="en",
        **ALL_DAY,
    )
    ContactFactory(
        debtor=debtor,
        name=f"{name} AP",
        is_primary=True,
        is_decision_maker=True,
        phone="+862161234567",
        mobile="+8613812345678",
    )
    today = timezone.localdate()
    for n, amount in enumerate(amounts):
        due = today - dt.timedelta(days=days_overdue + n)
        InvoiceFactory(
            debtor=debtor,
            number=f"{debtor.code}-{n + 1}",
            amount=Decimal(amount),
            due_date=due,
            issue_date=due - dt.timedelta(days=30),
        )
    DebtorPolicyOverride.objects.create(
        debtor=debtor,
        allowed_from_local=dt.time(0, 0),
        allowed_until_local=dt.time(23, 59),
        quiet_weekdays=[],
        max_attempts_7d=50,
        max_calls_7d=50,
        max_messages_7d=50,
        min_gap_after_conversation_hours=0,
        reason="Browser test: callable at any hour.",
    )
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=today)
    FollowUpFactory(
        debtor=debtor,
        action="call",
        reason=reason,
        assigned_to=collector,
        due_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )
    debtor.refresh_from_db()
    return debtor


def _queue_names(page) -> list[str]:
    return page.locator("[data-testid=queue-items] li.queue-item strong").all_inner_texts()


def _chips(page, debtor) -> list[str]:
    return page.locator(f"li.queue-item[data-debtor='{debtor.public_id}'] .chip").all_inner_texts()


def _workspace_of(page, debtor) -> None:
    page.wait_for_url(f"**/debtors/{debtor.public_id}/")
    expect(page.get_by_role("heading", name=debtor.name)).to_be_visible()


def test_a_collectors_morning_from_the_queue(page, live_server, personas, browser):
    started = time.monotonic()
    load_content()  # the shipped scripts; a transactional test elsewhere may have flushed them
    alice = personas.collector_a
    broken = _callable_debtor(
        alice, "Broken Promise Co", ["1800.00"], reason=FollowUp.Reason.BROKEN_PROMISE
    )
    # Asked for a callback this morning (long enough ago not to be "call now").
    callback = _callable_debtor(
        alice, "Callback Co", ["2000.00"], reason=FollowUp.Reason.CALLBACK, minutes_ago=45
    )
    escalated = _callable_debtor(
        alice,
        "Escalated Co",
        ["30000.00", "20000.00"],
        reason=FollowUp.Reason.ESCALATION,
        days_overdue=70,
    )
    spare = [
        _callable_debtor(alice, f"Spare {n} Co", ["500.00"], reason=FollowUp.Reason.DUNNING_STEP)
        for n in (1, 2, 3)
    ]

    # 1. The queue, ordered by reason, with the reasons shown.
    login(page, live_server, "alice")
    expect(page.get_by_test_id("queue-items")).to_be_visible()
    names = _queue_names(page)
    assert names[:3] == ["Broken Promise Co", "Callback Co", "Escalated Co"]
    assert sorted(names[3:]) == ["Spare 1 Co", "Spare 2 Co", "Spare 3 Co"]
    assert "Alpha Trading" not in names  # alice's debtor with nothing due
    assert page.get_by_test_id("left").inner_text() == "6"
    expect(
        page.locator(f"li.queue-item[data-debtor='{broken.public_id}'] .chip").first
    ).to_be_visible()
    assert "Promise broken" in _chips(page, broken)
    assert "Callback requested" in _chips(page, callback)
    assert "Escalation" in _chips(page, escalated)
    assert any(re.fullmatch(r"\d+ days overdue", c) for c in _chips(page, broken))
    expect(page.locator("li.queue-item.not-now")).to_have_count(0)

    # 2. N claims the first debtor and opens the workspace with the script.
    page.keyboard.press("n")
    _workspace_of(page, broken)
    assert DebtorClaim.objects.get(debtor=broken).user == alice
    script = page.get_by_test_id("panel-text")
    expect(script).to_be_visible()
    assert script.inner_text().strip() and "{" not in script.inner_text()

    # 3. No answer chosen with its key ("1"), saved with Enter.
    page.keyboard.press("1")
    expect(page.locator("#ws-log-form input[name=outcome][value=no_answer]")).to_be_checked()
    page.keyboard.press("Enter")
    result = page.get_by_test_id("ws-log-result")
    expect(result).to_contain_text("Logged: No answer.")
    expect(page.get_by_test_id("ws-completed")).to_contain_text("Promise broken")
    expect(page.get_by_test_id("timeline")).to_contain_text("No answer")
    next_step = page.get_by_test_id("ws-next-step")
    expect(next_step).to_contain_text("Next step:")
    assert page.get_by_test_id("ws-next-reason").inner_text().strip()
    planned = page.get_by_test_id("planned-followups")
    expect(planned.locator("li").first).not_to_have_class("empty")
    assert planned.get_by_test_id("slot-reason").first.inner_text().strip()
    assert Interaction.objects.filter(debtor=broken, outcome="no_answer").count() == 1

    # 4. Next (j on the workspace): the callback.
    page.keyboard.press("j")
    _workspace_of(page, callback)
    assert not DebtorClaim.objects.filter(debtor=broken).exists()  # Next gave it back

    # 5. A promise in two instalments, split by the suggest button.
    page.keyboard.press("Shift+P")
    promise = page.get_by_test_id("ws-promise")
    expect(promise.locator("input[name=total]")).to_be_focused()
    assert Decimal(promise.locator("input[name=total]").input_value()) == Decimal("2000.00")
    promise.locator("input[name=count]").fill("2")
    promise.locator("select[name=frequency]").select_option("monthly")
    first_date = promise.locator("input[name=first_date]").input_value()
    promise.get_by_role("button", name="Suggest instalments (split evenly)").click()
    expect(promise.locator("input[name=amount_1]")).to_have_value("1000.00")
    assert promise.locator("input[name=amount_0]").input_value() == "1000.00"
    assert promise.locator("input[name=date_0]").input_value() == first_date
    second_date = promise.locator("input[name=date_1]").input_value()
    assert second_date > first_date
    promise.get_by_role("button", name="Record the promise").click()
    confirmation = page.get_by_test_id("ws-promise-result")
    expect(confirmation).to_contain_text("Promise recorded")
    expect(confirmation.locator("li")).to_have_count(2)
    expect(confirmation).to_contain_text(first_date)
    expect(confirmation).to_contain_text(second_date)
    # The timeline and the plan follow at once (swapped out of band), and stay on reload.
    for _ in range(2):
        timeline = page.get_by_test_id("timeline")
        expect(timeline).to_contain_text("Promise to pay")
        expect(timeline).to_contain_text(f"{first_date} ¥1,000.00, {second_date} ¥1,000.00")
        expect(page.get_by_test_id("planned-followups")).to_contain_text(
            "Reminder before a promised payment"
        )
        page.reload()

    # 6. Next: the escalated debtor; a dispute over one of its two invoices.
    page.keyboard.press("j")
    _workspace_of(page, escalated)
    page.keyboard.press("Shift+D")
    dispute = page.get_by_test_id("ws-dispute")
    expect(dispute.locator("select[name=category]")).to_be_focused()
    dispute.locator("select[name=category]").select_option("invoice_error")
    dispute.locator("label.ws-check", has_text=f"{escalated.code}-1 ·").locator("input").check()
    dispute.locator("input[name=disputed_amount]").fill("5000.00")
    dispute.locator("textarea[name=description]").fill("Line 3 is priced above the contract.")
    dispute.get_by_role("button", name="Open the dispute").click()
    expect(page.get_by_test_id("ws-dispute-result")).to_contain_text("Dispute opened")
    expect(page.get_by_test_id("ws-undisputed")).to_contain_text(
        "Now ask them to pay the undisputed part"
    )
    expect(page.get_by_test_id("timeline")).to_contain_text("Line 3 is priced above the contract.")
    escalated.refresh_from_db()
    assert escalated.disputed_balance == Decimal("5000.00")
    assert Invoice.objects.get(number=f"{escalated.code}-1").disputed_amount == Decimal("5000.00")

    # 7. Another collector's debtor is simply not there.
    response = page.goto(f"{live_server.url}/debtors/{personas.debtor_b.public_id}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    # 8. Two sessions press Next at the same moment: two different debtors.
    contexts = [
        browser.new_context(locale="en-US", viewport={"width": 1366, "height": 800})
        for _ in range(2)
    ]
    try:
        pages = []
        for context in contexts:
            context.set_default_timeout(10_000)
            other = context.new_page()
            login(other, live_server, "alice")
            other.goto(f"{live_server.url}/followups/queue/")
            expect(other.get_by_test_id("queue-next")).to_be_visible()
            pages.append(other)
        for other in pages:  # both requests leave before either answers
            other.evaluate("document.getElementById('queue-next-form').requestSubmit()")
        for other in pages:
            other.wait_for_url(DEBTOR_URL)
        landed = [other.url.rstrip("/").rsplit("/", 1)[1] for other in pages]
        claims = DebtorClaim.objects.filter(debtor__public_id__in=landed)
        assert len({claim.holder for claim in claims}) == 2  # one claim per session
        # Shift+1 there: no answer, then straight on to Next.
        with pages[0].expect_navigation(url=DEBTOR_URL):
            pages[0].keyboard.press("Shift+1")
        assert Interaction.objects.filter(
            debtor__public_id=landed[0], outcome=Interaction.Outcome.NO_ANSWER
        ).exists()
    finally:
        for context in contexts:
            context.close()
    assert landed[0] != landed[1]
    spare_ids = {str(d.public_id) for d in spare} | {str(broken.public_id)}
    assert set(landed) <= spare_ids  # not the escalated debtor this session still holds

    assert time.monotonic() - started < 60

"""Keyboard traps on the debtor workspace (issue 11): N goes on to the next
debtor as it does on the queue and logs nothing; the prefilled promise amount
is replaced by what the collector types; a refused promise keeps the rows the
collector typed, with the error next to them; after "Suggest instalments" the
focus is on the first instalment and Enter there logs no call.

Nothing is frozen in the browser: the debtors are callable at any hour (see
test_browser_morning), and the promise dates are the server's own suggestions.
"""

import pytest
from playwright.sync_api import expect

from followups.models import FollowUp, Interaction, PromiseToPay
from tests.browser import login
from tests.followups.test_browser_morning import _callable_debtor, _workspace_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_first(page, live_server, alice):
    """Two debtors due; N on the queue opens the first."""
    first = _callable_debtor(alice, "First Co", ["3000.00"], reason=FollowUp.Reason.CALLBACK)
    second = _callable_debtor(
        alice, "Second Co", ["500.00"], reason=FollowUp.Reason.DUNNING_STEP, minutes_ago=10
    )
    login(page, live_server, "alice")
    expect(page.get_by_test_id("queue-items")).to_be_visible()
    page.keyboard.press("n")
    _workspace_of(page, first)
    return first, second


def _open_promise(page):
    page.keyboard.press("Shift+P")
    promise = page.get_by_test_id("ws-promise")
    expect(promise.locator("input[name=total]")).to_be_focused()
    return promise


def _nothing_sent(page, posts: list) -> None:
    """Give a request the key might have started the time to leave."""
    page.wait_for_timeout(400)
    assert posts == []


def test_n_on_the_workspace_goes_to_the_next_debtor_and_logs_nothing(page, live_server, personas):
    first, second = _open_first(page, live_server, personas.collector_a)
    expect(page.get_by_test_id("ws-outcome-hint")).to_contain_text(
        "N goes to the next debtor without logging"
    )
    page.goto(f"{live_server.url}/debtors/{second.public_id}/")
    page.keyboard.press("n")
    _workspace_of(page, first)  # the queue's best
    assert Interaction.objects.count() == 0
    with page.expect_navigation():  # capital N too: the first again, as nothing was logged
        page.keyboard.press("Shift+N")
    _workspace_of(page, first)
    assert Interaction.objects.count() == 0

    # Typed into a field, or with a modifier, the keys stay put.
    notes = page.locator("#ws-log-form textarea[name=notes]")
    notes.click()
    page.keyboard.type("no news")
    page.keyboard.press("Alt+n")
    expect(notes).to_have_value("no news")
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+1")
    expect(page.locator("#ws-log-form input[name=outcome]:checked")).to_have_count(0)

    # An outcome key chooses and focuses the outcome; Enter then saves it.
    page.keyboard.press("1")
    no_answer = page.locator("#ws-log-form input[name=outcome][value=no_answer]")
    expect(no_answer).to_be_checked()
    expect(no_answer).to_be_focused()
    assert Interaction.objects.count() == 0
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ws-log-result")).to_contain_text("Logged: No answer.")
    assert Interaction.objects.get().notes == "no news"
    help_text = page.get_by_test_id("ws-help")
    page.keyboard.press("?")
    expect(help_text).to_contain_text("Next debtor from the queue (nothing is logged)")
    expect(help_text).to_contain_text("No answer, then straight to the next debtor")
    expect(help_text).not_to_contain_text("Shift+1 / N")


def test_the_prefilled_promise_amount_is_replaced_by_what_is_typed(page, live_server, personas):
    _open_first(page, live_server, personas.collector_a)
    promise = _open_promise(page)
    total = promise.locator("input[name=total]")
    assert total.input_value() == "3000.00"
    page.keyboard.type("2000")
    expect(total).to_have_value("2000")
    # A click into a prefilled amount selects it as well.
    amount = promise.locator("input[name=amount_0]")
    amount.click()
    page.keyboard.type("2000")
    expect(amount).to_have_value("2000")


def test_a_refused_promise_keeps_the_rows_typed_with_the_error_beside_them(
    page, live_server, personas
):
    _open_first(page, live_server, personas.collector_a)
    promise = _open_promise(page)
    promise.locator("input[name=count]").fill("2")
    promise.get_by_role("button", name="Suggest instalments (split evenly)").click()
    expect(promise.locator("input[name=amount_1]")).to_have_value("1500.00")
    dates = [promise.locator(f"input[name=date_{n}]").input_value() for n in (0, 1)]
    promise.locator("input[name=amount_0]").fill("1000")
    promise.locator("input[name=amount_1]").fill("1200")
    promise.locator("input[name=amount_2]").fill("abc")
    record = promise.get_by_role("button", name="Record the promise")
    record.click()

    # A row that does not parse: its error beside it, the focus in it.
    expect(promise.get_by_test_id("ws-instalment-row-error")).to_have_text("abc is not an amount.")
    bad = promise.locator("input[name=amount_2]")
    expect(bad).to_have_attribute("aria-invalid", "true")
    expect(bad).to_be_focused()
    for n, (day, amount) in enumerate(zip([*dates, ""], ["1000", "1200", "abc"], strict=True)):
        expect(promise.locator(f"input[name=amount_{n}]")).to_have_value(amount)
        expect(promise.locator(f"input[name=date_{n}]")).to_have_value(day)

    # A plan that does not add up: said above the rows, which stay as typed.
    page.keyboard.press("Delete")  # the focus selected "abc"
    record.click()
    errors = promise.get_by_test_id("ws-instalment-errors")
    expect(errors).to_contain_text("add up to 2200.00, not the promised 3000.00")
    expect(promise.get_by_test_id("ws-instalment-row-error")).to_have_count(0)
    expect(promise.locator("input[name=date_0]")).to_be_focused()
    assert promise.locator("input[name=amount_0]").input_value() == "1000"
    assert promise.locator("input[name=amount_1]").input_value() == "1200"
    assert promise.locator("input[name=date_1]").input_value() == dates[1]
    assert PromiseToPay.objects.count() == 0 and Interaction.objects.count() == 0

    # A rule the service checks (a date in the past) keeps the rows as well.
    promise.locator("input[name=total]").fill("2200")
    promise.locator("input[name=date_0]").fill("2001-01-05")
    promise.get_by_role("button", name="Record the promise").click()
    expect(promise.get_by_test_id("ws-instalment-errors")).to_contain_text(
        "2001-01-05 is in the past"
    )
    expect(promise.locator("input[name=date_0]")).to_have_value("2001-01-05")
    expect(promise.locator("input[name=amount_1]")).to_have_value("1200")
    assert PromiseToPay.objects.count() == 0


def test_the_refusal_speaks_the_collectors_language(page, live_server, personas):
    personas.collector_a.language = "zh-hans"
    personas.collector_a.save(update_fields=["language"])
    _open_first(page, live_server, personas.collector_a)
    promise = _open_promise(page)
    promise.locator("input[name=amount_0]").fill("1000")
    promise.locator("button[data-ws-submit]").click()
    expect(promise.get_by_test_id("ws-instalment-errors")).to_contain_text("各期合计为 1000.00")
    expect(promise.locator("input[name=amount_0]")).to_have_value("1000")


def test_after_suggest_the_focus_is_on_the_plan_and_enter_logs_no_call(page, live_server, personas):
    first, _second = _open_first(page, live_server, personas.collector_a)
    page.keyboard.press("5")  # right party: the outcome the call will get
    expect(page.locator("input[name=outcome][value=right_party]")).to_be_checked()
    promise = _open_promise(page)
    promise.locator("input[name=count]").fill("3")
    promise.get_by_role("button", name="Suggest instalments (split evenly)").click()
    expect(promise.locator("input[name=amount_2]")).to_have_value("1000.00")
    # The focus moves once the swapped plan has settled: wait for it, do not sample.
    expect(promise.locator("input[name=date_0]")).to_be_focused()

    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.keyboard.press("Enter")  # in a row: nothing, not the call form
    promise.locator("input[name=amount_0]").focus()
    page.keyboard.type("900")  # the suggested amount was selected
    page.keyboard.press("Enter")  # nor a new split over the amount typed
    _nothing_sent(page, posts)
    expect(promise.locator("input[name=amount_0]")).to_have_value("900")
    page.locator("body").click(position={"x": 5, "y": 5})  # focus nowhere in particular
    page.keyboard.press("Enter")
    _nothing_sent(page, posts)
    assert Interaction.objects.count() == 0 and PromiseToPay.objects.count() == 0
    expect(page.get_by_test_id("ws-log-result")).to_have_count(0)

    # Enter in the amount above the plan acts on the promise form: it splits again.
    total = promise.locator("input[name=total]")
    total.click()
    page.keyboard.type("2400")
    page.keyboard.press("Enter")
    expect(promise.locator("input[name=amount_2]")).to_have_value("800.00")
    # The focus moves once the swapped plan has settled: wait for it, do not sample.
    expect(promise.locator("input[name=date_0]")).to_be_focused()
    assert Interaction.objects.count() == 0
    assert first.interactions.count() == 0

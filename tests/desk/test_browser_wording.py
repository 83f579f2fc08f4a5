"""A collector types a threat into a call note: the workspace refuses to save
it, says why and what to write instead; the collector rewrites it and saves.
The threat is caught by the built-in tone guard (no rule of the manager's)."""

import pytest
from playwright.sync_api import expect

from followups.models import FollowUp, Interaction
from tests.browser import login
from tests.followups.test_browser_morning import _callable_debtor, _workspace_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THREAT = "Told him we know where his kids go to school, so he had better pay."
REWRITTEN = "He refused to pay today; I explained the account goes to our legal team on the 15th."


def test_a_threat_in_a_note_is_blocked_with_the_reason_then_the_rewrite_saves(
    page, live_server, personas
):
    alice = personas.collector_a
    debtor = _callable_debtor(alice, "Harbour Tiles", ["2400.00"], reason=FollowUp.Reason.CALLBACK)
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/debtors/{debtor.public_id}/")
    _workspace_of(page, debtor)

    form = page.locator("#ws-log-form")
    form.locator("input[name=outcome][value=refused]").check()
    form.locator("textarea[name=notes]").fill(THREAT)
    form.get_by_test_id("ws-save").click()

    blocked = page.get_by_test_id("tone-warnings")
    expect(page.get_by_test_id("tone-blocked")).to_be_visible()
    expect(blocked).to_contain_text("kids")  # the matched words, quoted
    expect(page.get_by_test_id("ws-save-anyway")).to_have_count(0)
    assert Interaction.objects.count() == 0

    notes = page.locator("#ws-log-form textarea[name=notes]")
    expect(notes).to_have_value(THREAT)  # kept for rewriting, not lost
    page.locator("#ws-log-form input[name=outcome][value=refused]").check()
    notes.fill(REWRITTEN)
    page.locator("#ws-log-form").get_by_test_id("ws-save").click()
    expect(page.get_by_test_id("ws-log-result")).to_be_visible()
    expect(page.get_by_test_id("tone-warnings")).to_have_count(0)
    assert Interaction.objects.get().notes == REWRITTEN

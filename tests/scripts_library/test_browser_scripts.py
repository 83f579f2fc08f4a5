"""A manager edits a track, sees a forbidden phrase blocked, publishes, and the
collector's script panel shows the new version."""

import pytest
from playwright.sync_api import expect

from scripts_library.models import TalkTrack
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_edits_and_publishes_and_the_collector_sees_it(page, live_server, personas):
    track = TalkTrack.objects.get(key="unknown-opening", language="zh-hans", version=1)
    debtor = personas.debtor_a  # untyped, Chinese-speaking: the neutral zh-hans track

    login(page, live_server, "mona")
    page.get_by_role("link", name="Script library").click()
    page.wait_for_url(f"{live_server.url}/scripts/")
    page.select_option("select[name=debtor_type]", "unknown")
    page.select_option("select[name=language]", "zh-hans")
    page.select_option("select[name=stage]", "opening")
    expect(page.locator("[data-track]")).to_have_count(1)
    page.get_by_role("link", name=track.title).click()
    assert page.get_by_test_id("track-version").inner_text() == "v1"

    # Typing a forbidden phrase lights up the live preview.
    editor = page.locator("#id_body")
    editor.fill("{contact_name}您好,再不付款就要坐牢。")
    highlight = page.locator("#preview mark.tone-forbidden")
    highlight.wait_for()
    assert highlight.inner_text() == "坐牢"

    # Saving it is refused, and nothing new is stored.
    page.get_by_role("button", name="Save").click()
    assert page.get_by_test_id("body-errors").is_visible()
    assert TalkTrack.objects.filter(key=track.key, language="zh-hans").count() == 1

    # {addressee}: the debtor has no contact person, so {contact_name} would keep
    # this version from being shown for them.
    page.locator("#id_body").fill("{addressee}您好,我是{collector_name},今天换了新的开场白。")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("[data-testid=track-version]:has-text('v2')")
    page.get_by_test_id("publish").click()
    page.wait_for_selector("[data-testid=track-status]:has-text('Published')")

    # The collector's panel now shows version 2, filled in for the debtor.
    page.context.clear_cookies()
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/scripts/panel/{debtor.public_id}/")
    text = page.get_by_test_id("panel-text").inner_text()
    assert "今天换了新的开场白" in text and "{" not in text
    assert "v2" in page.get_by_test_id("panel-title").inner_text()

    # Objection answers are one click (or Enter) away.
    page.locator("[data-objection=no_money_now] summary").click()
    assert page.locator("[data-objection=no_money_now] .script-text").is_visible()
    page.get_by_role("link", name="Closing").click()
    page.wait_for_selector("[data-testid=panel-title]:has-text('结束')")

"""A collector signs in, sees only their own debtors, and switches to Chinese."""

import pytest

from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_collector_sees_only_own_debtors_and_can_switch_to_chinese(page, live_server, personas):
    login(page, live_server, "alice")

    table = page.get_by_test_id("debtor-table")
    assert table.get_by_text("Alpha Trading").is_visible()
    assert page.get_by_role("heading", name="My queue").is_visible()
    body = page.content()
    assert "Beta Metals" not in body and "Westwind Foods" not in body

    page.get_by_role("link", name="My debtors", exact=True).click()
    page.wait_for_url(f"{live_server.url}/debtors/")
    assert page.locator("[data-debtor]").count() == 1
    page.get_by_role("link", name="Alpha Trading").click()
    assert page.get_by_role("heading", name="Alpha Trading").is_visible()

    # Another collector's debtor is simply not there.
    response = page.goto(f"{live_server.url}/debtors/{personas.debtor_b.public_id}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="简体中文").first.click()
    assert page.get_by_role("heading", name="我的待办").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("link", name="我的客户", exact=True).is_visible()
    assert "My queue" not in page.content()

    # The choice sticks for this user on the next visit.
    page.reload()
    assert page.get_by_role("heading", name="我的待办").is_visible()

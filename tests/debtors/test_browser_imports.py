"""Finance uploads an aging report, fixes an error row, commits and watches it land."""

import pytest

from tests.browser import login
from tests.debtors.test_import_workflow import FIRST, HEADER

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def upload(page, live_server, content: str):
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "aging.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    page.fill("input[name=as_of]", "2026-11-20")
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()


def test_upload_fix_commit_with_progress_and_see_the_debtors(
    page, live_server, personas, start_worker
):
    login(page, live_server, "fay")
    assert page.url.endswith("/imports/")

    # A duplicated invoice number: the preview names the row and offers no Import.
    broken = HEADER + "\n".join([*FIRST, FIRST[0]]) + "\n"
    upload(page, live_server, broken)
    problems = page.get_by_test_id("problems")
    assert problems.is_visible()
    assert "5" in problems.locator("tbody tr").first.inner_text()
    assert page.get_by_test_id("commit").count() == 0

    # The fixed file previews cleanly with what it will do.
    upload(page, live_server, HEADER + "\n".join(FIRST) + "\n")
    planned = page.get_by_test_id("planned-counts")
    assert "3 new invoices" in planned.inner_text()
    assert "2 new debtors" in planned.inner_text()
    assert "INV-1" in page.get_by_test_id("preview").inner_text()

    # Commit while no worker runs yet: the page shows the import as queued with
    # its progress bar, then follows it to the end once a worker picks it up.
    page.get_by_test_id("commit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("progress").is_visible()
    start_worker()
    page.get_by_test_id("applied-counts").wait_for(timeout=30_000)
    assert "3 new invoices" in page.get_by_test_id("applied-counts").inner_text()

    page.get_by_role("link", name="See the debtors").click()
    page.wait_for_url(f"{live_server.url}/debtors/")
    assert "Acme Trading" in page.locator("[data-debtor=C001]").inner_text()
    assert "Beta Metals" in page.locator("[data-debtor=C002]").inner_text()

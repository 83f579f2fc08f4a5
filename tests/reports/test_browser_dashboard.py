"""A manager's month on the reports pages, in a real browser, in English and
in Chinese: open the overview from the navigation, change the period, see
the charts and the figures, drill from the broken promises to the debtors,
export the team table as XLSX and read it back, and download the monthly
review PDF and read its text.

The clock is frozen at books.NOW (1 December 2026, 10:00 in Shanghai) before
the November book is made; the live server runs in this process and reads
the same clock. Set REPORT_SCREENSHOTS to a folder to keep a picture of each
page.
"""

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "reports": "Reports",
        "heading": "Recovery overview",
        "show": "Show",
        "last_month": "Last month",
        "team": "Team",
        "drill_title": "Debtors who broke a promise",
        "review": "Monthly review (PDF)",
        "pdf_title": "Monthly review",
        "collector_header": "Collector",
    },
    "zh-hans": {
        "reports": "报表",
        "heading": "回收总览",
        "show": "显示",
        "last_month": "上个月",
        "team": "团队",
        "drill_title": "违背承诺的债务人",
        "review": "月度回顾（PDF）",
        "pdf_title": "月度回顾",
        "collector_header": "催收员",
    },
}


def _shot(page, name: str) -> None:
    folder = os.environ.get("REPORT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _overview(page, words, language):
    page.locator("nav.mainnav").get_by_role("link", name=words["reports"], exact=True).click()
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    page.locator("select[name=period]").select_option("last_month")
    page.get_by_role("button", name=words["show"], exact=True).click()
    page.wait_for_url("**period=last_month**")
    expect(page.locator("select[name=period]")).to_have_value("last_month")
    expect(page.get_by_test_id("value-collected")).to_have_text("¥700.00")
    expect(page.get_by_test_id("value-recovered")).to_have_text("¥600.00")
    expect(page.get_by_test_id("value-cei")).to_have_text("53.85")
    # Six charts, each an SVG image the browser decoded (the page's CSP lets it in).
    charts = page.locator("img[data-chart]")
    expect(charts).to_have_count(6)
    for i in range(6):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        assert chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
        )
    _shot(page, f"overview-{language}")


def _drill_to_broken_promises(page, words, book, language):
    page.get_by_test_id("broken-promises-link").click()
    page.wait_for_url("**/reports/drill/broken_promise_debtors/?period=last_month**")
    expect(page.get_by_role("heading", name=words["drill_title"])).to_be_visible()
    table = page.get_by_test_id("drill-table")
    expect(table.get_by_role("link", name="Alpha Trading")).to_be_visible()
    expect(table).not_to_contain_text("Beta Metals")
    expect(table).not_to_contain_text("Westwind Foods")
    _shot(page, f"drill-{language}")
    table.get_by_role("link", name="Alpha Trading").click()
    page.wait_for_url(f"**{book.debtor_a.get_absolute_url()}")
    page.go_back()


def _team_xlsx(page, words, book):
    page.locator(".report-tabs").get_by_role("link", name=words["team"], exact=True).click()
    page.wait_for_url("**/reports/team/?period=last_month**")
    with page.expect_download() as info:
        page.get_by_test_id("export-collectors").get_by_role("link", name="XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert words["collector_header"] in rows[0]
    alice = book.collector_a.get_full_name()
    by_name = {r[rows[0].index(words["collector_header"])]: r for r in rows[1:]}
    assert set(by_name) == {alice, book.collector_b.get_full_name()}
    assert 700 in by_name[alice]


def _monthly_review_pdf(page, live_server, words):
    page.goto(page.url.replace("/reports/team/", "/reports/"))
    link = page.get_by_role("link", name=words["review"])
    href = link.get_attribute("href")
    assert "month=2026-11" in href
    # WeasyPrint lays out the CJK fonts on first use: give it more than a click's time.
    response = page.request.get(f"{live_server.url}{href}", timeout=60_000)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert words["pdf_title"] in text
    for figure in ("700.00", "600.00", "53.85"):
        assert figure in text, figure


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_manager_reads_the_month(page, live_server, book, language):
    words = WORDS[language]
    login(page, live_server, "mona")
    if language != "en":
        page.get_by_role("button", name="简体中文").first.click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _overview(page, words, language)
    _drill_to_broken_promises(page, words, book, language)
    _team_xlsx(page, words, book)
    _monthly_review_pdf(page, live_server, words)

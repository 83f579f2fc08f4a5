"""The collector's queue looks like the product, in English and in Chinese
(issue 11): the counters are stat tiles in a row, each debtor is one dense
row (not a numbered list item), the reasons are coloured pills, Next is a
primary button with its key, and an empty queue is a message, not "1. Nothing
to call right now."

The checks read the computed styles, so each fails when the stylesheet's rule
is missing. The clock is frozen (Tuesday 10:05 in Shanghai) before any data is
made; the live server runs in this process and reads the same frozen clock.

Set QUEUE_SCREENSHOTS to a folder to keep a full-page picture of each page.
"""

import datetime as dt
import os
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Language
from debtors.services import debtor_refresh_summary
from followups.models import FollowUp
from tests.browser import login
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.followups.factories import InstalmentFactory, InteractionFactory, PromiseToPayFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY_10_05 = dt.datetime(2026, 11, 24, 2, 5, tzinfo=dt.UTC)  # 10:05 in Shanghai
R = FollowUp.Reason
# A name for each debtor in the reader's language, so the pictures read as real.
NAMES = {
    "en": {
        "broken": "Harbour Logistics Ltd",
        "callback": "Greenfield Foods Co",
        "promise": "Summit Hardware Trading",
        "early": "Lotus Textiles (Bangkok)",
        "escalation": "Northwind Components",
        "visit": "Pearl River Ceramics",
        "dunning": "Bright Star Electronics",
        "lunch": "Jade Garden Catering",
    },
    "zh-hans": {
        "broken": "海港物流有限公司",
        "callback": "绿野食品有限公司",
        "promise": "峰顶五金贸易公司",
        "early": "莲花纺织（曼谷）",
        "escalation": "北风零部件有限公司",
        "visit": "珠江陶瓷厂",
        "dunning": "明星电子有限公司",
        "lunch": "翡翠园餐饮管理公司",
    },
}


@pytest.fixture
def clock():
    with time_machine.travel(TUESDAY_10_05, tick=False) as traveller:
        yield traveller


def _debtor(collector, name, amount, *, days_overdue=40, currency="CNY", **fields):
    debtor = DebtorFactory(
        name=name,
        assigned_collector=collector,
        team=collector.team,
        currency=currency,
        **fields,
    )
    ContactFactory(debtor=debtor, is_primary=True)
    today = timezone.localdate()
    InvoiceFactory(
        debtor=debtor,
        amount=Decimal(amount),
        currency=currency,
        due_date=today - dt.timedelta(days=days_overdue),
    )
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=today)
    return debtor


def _due(debtor, reason, *, action="call", minutes_ago=30):
    return FollowUp.objects.create(
        debtor=debtor,
        action=action,
        reason=reason,
        assigned_to=debtor.assigned_collector,
        due_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def _a_busy_morning(collector, names):
    """Eight items with every kind of reason, two currencies, one office at
    lunch, one whose day has just begun; a call made and a promise taken today."""
    broken = _debtor(collector, names["broken"], "18400.00", days_overdue=75)
    _due(broken, R.BROKEN_PROMISE)
    _due(_debtor(collector, names["callback"], "6250.50"), R.CALLBACK, minutes_ago=5)
    promised = _debtor(collector, names["promise"], "3200.00", debtor_type="forgetful")
    _due(promised, R.PROMISE_REMINDER)
    InstalmentFactory(
        promise=PromiseToPayFactory(debtor=promised, total_amount=Decimal("3200.00")),
        due_date=timezone.localdate(),
        amount=Decimal("3200.00"),
    )
    early = _debtor(
        collector,
        names["early"],
        "12900.00",
        currency="USD",
        timezone="Asia/Bangkok",  # 09:05 there: the first minutes of their day
        debtor_type="hardship",
    )
    _due(early, R.DUNNING_STEP)
    _due(
        _debtor(
            collector, names["escalation"], "96000.00", days_overdue=120, debtor_type="stalling"
        ),
        R.ESCALATION,
    )
    _due(
        _debtor(collector, names["visit"], "41000.00", days_overdue=95),
        R.VISIT,
        action="visit",
    )
    _due(_debtor(collector, names["dunning"], "2750.00", days_overdue=12), R.DUNNING_STEP)
    lunch = _debtor(
        collector,
        names["lunch"],
        "8800.00",
        lunch_start=dt.time(10, 0),
        lunch_end=dt.time(11, 0),
        debtor_type="dispute",
    )
    _due(lunch, R.DUNNING_STEP)
    InteractionFactory(debtor=broken, user=collector, started_at=timezone.now())
    PromiseToPayFactory(debtor=broken, made_by=collector, total_amount=Decimal("5000.00"))


def _style(page, selector: str, *props: str) -> list[dict]:
    """The computed ``props`` of every element matching ``selector``."""
    return page.evaluate(
        """([selector, props]) => [...document.querySelectorAll(selector)].map(el => {
            const style = getComputedStyle(el);
            return Object.fromEntries(props.map(p => [p, style.getPropertyValue(p)]));
        })""",
        [selector, list(props)],
    )


def _boxes(page, selector: str) -> list[dict]:
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(el => {
            const r = el.getBoundingClientRect();
            return {x: r.x, y: r.y, width: r.width, height: r.height};
        })""",
        selector,
    )


def _bare_button_background(page) -> str:
    """What a <button> with no class looks like in this browser."""
    return page.evaluate(
        """() => {
            const b = document.createElement("button");
            document.body.appendChild(b);
            const bg = getComputedStyle(b).backgroundColor;
            b.remove();
            return bg;
        }"""
    )


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("QUEUE_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


TRANSPARENT = "rgba(0, 0, 0, 0)"


def _counters_are_tiles_in_a_row(page):
    (counters,) = _style(page, "[data-testid=queue-counters]", "display")
    assert counters["display"] in ("flex", "grid")
    tiles = _boxes(page, "[data-testid=queue-counters] > div")
    assert len(tiles) == 3
    assert len({round(t["y"]) for t in tiles}) == 1  # side by side, not stacked
    assert tiles[0]["x"] < tiles[1]["x"] < tiles[2]["x"]
    for tile in _style(
        page, "[data-testid=queue-counters] > div", "background-color", "border-top-left-radius"
    ):
        assert tile["background-color"] != TRANSPARENT and tile["border-top-left-radius"] != "0px"
    for dd in _style(page, "[data-testid=queue-counters] dd", "margin-left"):
        assert dd["margin-left"] == "0px"  # not the browser's indented definition


def _next_is_a_primary_button_with_its_key(page):
    bare = _bare_button_background(page)
    (button,) = _style(page, "[data-testid=queue-next]", "background-color", "color", "display")
    assert button["background-color"] not in (bare, TRANSPARENT)
    assert button["color"] != "rgb(0, 0, 0)"
    key = page.get_by_test_id("queue-next").locator("kbd")
    expect(key).to_have_text("N")
    (kbd,) = _style(
        page, "[data-testid=queue-next] kbd", "border-top-style", "border-top-left-radius"
    )
    assert kbd["border-top-style"] == "solid" and kbd["border-top-left-radius"] != "0px"


def _filters_are_a_toolbar(page):
    (filters,) = _style(page, "[data-testid=queue-filters]", "display", "align-items")
    assert filters["display"] == "flex"
    labels = _boxes(page, "[data-testid=queue-filters] label")
    assert len({round(b["y"] + b["height"] / 2) for b in labels}) == 1  # one line
    bare = _bare_button_background(page)
    for button in _style(
        page, "[data-testid=queue-filters] button", "background-color", "border-top-left-radius"
    ):
        assert button["background-color"] != bare and button["border-top-left-radius"] != "0px"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_queue_is_tiles_rows_and_pills(clock, page, live_server, personas, language):
    alice = personas.collector_a
    alice.language = language
    alice.save(update_fields=["language"])
    _a_busy_morning(alice, NAMES[language])

    login(page, live_server, "alice")  # the collector's home is the queue
    items = page.locator("[data-testid=queue-items] li.queue-item")
    expect(items).to_have_count(8)
    assert page.locator("html").get_attribute("lang") == language
    expect(page.get_by_test_id("promised-today")).to_contain_text("¥8,200.00")
    _screenshot(page, f"queue_{'en' if language == Language.EN else 'zh'}")

    _counters_are_tiles_in_a_row(page)
    _next_is_a_primary_button_with_its_key(page)
    _filters_are_a_toolbar(page)

    # Rows, not a numbered list: no list item, no marker, one line of chips.
    (ol,) = _style(page, "[data-testid=queue-items]", "list-style-type", "padding-left")
    assert ol["list-style-type"] == "none" and ol["padding-left"] == "0px"
    rows = _style(page, "li.queue-item", "display", "list-style-type", "border-bottom-style")
    for row in rows:
        assert row["display"] in ("grid", "flex") and row["list-style-type"] == "none"
        assert row["border-bottom-style"] == "solid" or row is rows[-1]
    for box in _boxes(page, "li.queue-item"):
        assert box["height"] < 90  # dense: name, chips and amount side by side
    name, chips, amount = _boxes(page, "li.queue-item:first-child > *")
    assert name["x"] < chips["x"] < amount["x"]

    # Why now: pills, coloured by what they ask.
    expect(page.locator(".chip-broken_promise")).to_have_count(1)
    expect(page.locator(".chip-good_now")).to_have_count(1)
    expect(page.locator(".chip-not_now")).to_have_count(1)
    for chip in _style(
        page, ".chip", "display", "border-top-left-radius", "background-color", "list-style-type"
    ):
        assert chip["display"] in ("inline-block", "inline-flex", "flex")
        assert float(chip["border-top-left-radius"].removesuffix("px")) >= 8
        assert chip["background-color"] != TRANSPARENT
    for ul in _style(page, "ul.chips", "display", "list-style-type", "padding-left"):
        assert ul == {"display": "flex", "list-style-type": "none", "padding-left": "0px"}
    colour = {
        code: _style(page, f".chip-{code}", "background-color")[0]["background-color"]
        for code in ("broken_promise", "callback_now", "good_now", "type")
    }
    assert len(set(colour.values())) == 4  # red, amber, green, neutral
    first_chips = _boxes(page, "li.queue-item:first-child .chip")
    assert len({round(b["y"]) for b in first_chips}) == 1  # side by side

    # The office at lunch is shown, dimmed, last.
    expect(items.last).to_have_class("queue-item not-now")
    (dim,) = _style(page, "li.not-now .queue-main", "opacity")
    assert float(dim["opacity"]) < 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_empty_queue_is_a_message_not_a_list_item(clock, page, live_server, personas, language):
    bob = personas.collector_b  # one debtor, nothing due
    bob.language = language
    bob.save(update_fields=["language"])
    login(page, live_server, "bob")

    empty = page.get_by_test_id("queue-empty")
    expect(empty).to_be_visible()
    expect(page.get_by_test_id("queue-items")).to_have_count(0)
    text = empty.inner_text().strip()
    assert text and not text[0].isdigit()
    expect(empty).to_contain_text(
        "Nothing to call right now." if language == Language.EN else "现在没有要打的电话。"
    )
    (box,) = _style(page, "[data-testid=queue-empty]", "display", "text-align", "padding-top")
    assert box["display"] != "list-item" and box["text-align"] == "center"
    assert float(box["padding-top"].removesuffix("px")) >= 16
    _counters_are_tiles_in_a_row(page)
    _next_is_a_primary_button_with_its_key(page)
    _screenshot(page, f"queue_empty_{'en' if language == Language.EN else 'zh'}")

    # Filtered to nothing: says so, and offers the whole queue back.
    page.get_by_test_id("queue-filters").locator("select[name=type]").select_option("stalling")
    page.get_by_test_id("queue-filters").locator("button").click()
    expect(page.get_by_test_id("queue-empty").locator("a")).to_be_visible()

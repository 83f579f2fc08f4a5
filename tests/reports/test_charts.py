"""The charts are plain SVG documents: parseable, scriptless, translated, and
a missing figure is a gap rather than a zero."""

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from reports import charts

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"


def _trend() -> list[dict]:
    return [
        {
            "month": dt.date(2026, m, 1),
            "collected": D(100 * m),
            "recovered": D(60 * m),
            "dso": None if m == 3 else D("40.5"),
            "best_possible_dso": None if m == 3 else D("12.0"),
            "average_days_delinquent": None if m == 3 else D("28.5"),
            "cei": None if m == 3 else D("53.85"),
            "over_90_share": None if m == 3 else D("0.125"),
        }
        for m in range(1, 13)
    ]


def _aging() -> list[dict]:
    keys = ("current", "d1_30", "d31_60", "d61_90", "d91_180", "d181")
    return [
        {"day": dt.date(2026, m, 28), **{k: D(i * 10) for i, k in enumerate(keys)}}
        for m in range(1, 13)
    ]


def _rolls() -> list[dict]:
    return [
        {"bucket": "current", "opening": D(100), "rolled_rate": D("0.2"), "paid_rate": D("0.7")},
        {"bucket": "d1_30", "opening": D(0), "rolled_rate": None, "paid_rate": None},
    ]


def _forecast() -> dict:
    weeks = [
        {
            "week": dt.date(2026, 12, 7) + dt.timedelta(weeks=i),
            "promised_expected": D("50.00"),
            "falling_due_expected": D("25.00"),
        }
        for i in range(12)
    ]
    return {"weeks": weeks}


CASES = [
    (charts.collected_recovered_chart, _trend, "Collected and recovered", "回款与追回"),
    (charts.dso_chart, _trend, "Days sales outstanding", "应收账款周转天数"),
    (charts.cei_chart, _trend, "Collection effectiveness index", "催收有效性指数"),
    (charts.over_90_chart, _trend, "Share over 90 days past due", "逾期超过 90 天的占比"),
    (
        charts.aging_stack_chart,
        _aging,
        "Receivable by age at each month's end",
        "各月末按账龄划分的应收账款",
    ),
    (charts.roll_rate_chart, _rolls, "Roll rates", "迁移率"),
    (charts.forecast_chart, _forecast, "Expected receipts by week", "按周预计收款"),
]


@pytest.mark.parametrize(("chart", "data", "english", "chinese"), CASES)
def test_each_chart_is_scriptless_svg_titled_in_the_active_language(chart, data, english, chinese):
    with translation.override("en"):
        svg = chart(data())
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert not svg.startswith("<?xml")
    assert "<script" not in svg
    assert not re.search(r"src=[\"']https?:", svg)
    assert english in svg
    assert "Noto Sans CJK SC" in svg

    with translation.override("zh-hans"):
        chinese_svg = chart(data())
    ET.fromstring(chinese_svg)
    assert chinese in chinese_svg
    assert english not in chinese_svg


def _points(svg: str, series: int) -> list:
    """The plotted values of one line series (pygal's ``serie-N`` group)."""
    root = ET.fromstring(svg)
    groups = [
        g for g in root.iter(f"{SVG}g") if f"serie-{series}" in (g.get("class") or "").split()
    ]
    return [d.get("cy") for g in groups for d in g.iter(f"{SVG}circle")]


def test_a_missing_figure_is_a_gap_not_a_zero():
    svg = charts.dso_chart(_trend())
    # Eleven months have a DSO; the third is missing, so it has no dot at all
    # (a zero would be drawn as a twelfth dot on the axis).
    assert len(_points(svg, 0)) == 11


def test_data_uri_round_trips_the_svg():
    svg = charts.cei_chart(_trend())
    uri = charts.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg


def test_a_chart_drawn_from_the_same_rows_comes_from_the_cache(monkeypatch):
    drawn = []
    real = charts._render
    monkeypatch.setattr(charts, "_render", lambda chart: drawn.append(1) or real(chart))
    charts.cache.clear()
    rows = _trend()
    with translation.override("en"):
        first = charts.cei_chart(rows)
        assert charts.cei_chart(_trend()) == first
        assert len(drawn) == 1
        rows[0]["cei"] = D("99.5")  # new figures: a new drawing
        assert charts.cei_chart(rows) != first
        assert len(drawn) == 2
    with translation.override("zh-hans"):
        assert "催收有效性指数" in charts.cei_chart(_trend())  # another language
    assert len(drawn) == 3


def test_a_cache_that_does_not_answer_only_costs_the_drawing(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(charts.cache, "get", down)
    monkeypatch.setattr(charts.cache, "set", down)
    rows = _rolls()
    rows[0]["opening"] = D(123)  # not drawn before in this run
    assert charts.roll_rate_chart(rows).startswith("<svg")

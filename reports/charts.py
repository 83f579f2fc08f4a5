"""The reports' charts: one definition each, rendered on the server to SVG.

Each function takes the plain rows of ``reports.tables`` (or the forecast)
and returns an SVG document as a string, the same for the pages and for the
monthly review PDF (WeasyPrint runs no JavaScript, so nothing here needs
any). Titles, series names and labels are translated when the chart is
drawn, in the active language; the font list puts a CJK font first so
Chinese reads in both. A missing figure (None) is a gap in the line, never 0.

Drawing is the slow part of a page (pygal builds each chart's whole tree), so
a chart is kept in the cache under a digest of what it is drawn from: the
function, its rows, the language and this module's code. The same rows give
the same drawing; new figures are a new key, never a stale chart.

pygal writes a small inline <script> with its tooltip configuration even
when asked for no scripts; it is removed, so the SVG holds no script at all.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pygal
from django.core.cache import cache
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from debtors.aging import BUCKETS

FONT_FAMILY = '"Noto Sans CJK SC", "WenQuanYi Zen Hei", "Noto Sans", sans-serif'
STYLE = Style(
    font_family=FONT_FAMILY,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2d3d",
    foreground_strong="#1f2d3d",
    foreground_subtle="#5b6b7b",
    colors=("#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#64748b"),
    title_font_size=18,
    legend_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=12,
)
# Aging from "not yet due" (green) to "over 180 days" (dark red).
AGING_STYLE = Style(
    font_family=FONT_FAMILY,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2d3d",
    foreground_strong="#1f2d3d",
    foreground_subtle="#5b6b7b",
    colors=("#16a34a", "#facc15", "#f59e0b", "#ea580c", "#dc2626", "#7f1d1d"),
    title_font_size=18,
    legend_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
CACHE_SECONDS = 24 * 3600
log = logging.getLogger(__name__)


def cached(draw: Callable[..., str]) -> Callable[..., str]:
    """``draw`` answered from the cache when it was drawn from the same rows
    in the same language by the same code; a cache that does not answer
    only costs the drawing."""

    @functools.wraps(draw)
    def wrapper(rows) -> str:
        seed = repr((draw.__name__, get_language(), _CODE, rows))
        key = "reports:chart:" + hashlib.sha256(seed.encode()).hexdigest()
        try:
            svg = cache.get(key)
        except Exception:  # the cache is down: draw
            log.warning("chart cache unavailable", exc_info=True)
            return draw(rows)
        if svg is None:
            svg = draw(rows)
            try:
                cache.set(key, svg, CACHE_SECONDS)
            except Exception:
                log.warning("chart cache unavailable", exc_info=True)
        return svg

    return wrapper


def _config(title: str, **extra) -> dict:
    return {
        "title": title,
        "js": [],
        "disable_xml_declaration": True,
        "style": STYLE,
        "width": 800,
        "height": 400,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "x_label_rotation": 30,
        "print_values": False,
        "show_dots": True,
        "dots_size": 3,
        "truncate_legend": -1,
        **extra,
    }


def _render(chart) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def _number(value) -> float | None:
    return None if value is None else float(value)


def _percent(value) -> float | None:
    """A share (0..1) as a percentage, None kept."""
    return None if value is None else float(Decimal(value) * 100)


def _money(value: float) -> str:
    """Whole units grouped by thousands, as ``money_text`` writes them in both
    languages (Django's Chinese number format does not group)."""
    return f"{value:,.0f}"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def month_label(day) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def _line(title: str, labels: list[str], series: Iterable[tuple[str, list]], formatter) -> str:
    chart = pygal.Line(**_config(title, value_formatter=formatter, allow_interruptions=True))
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return _render(chart)


@cached
def collected_recovered_chart(trend: list[dict]) -> str:
    """Money collected and recovered per month."""
    labels = [month_label(r["month"]) for r in trend]
    chart = pygal.Bar(**_config(_("Collected and recovered"), value_formatter=_money))
    chart.x_labels = labels
    chart.add(_("Collected"), [_number(r["collected"]) for r in trend])
    chart.add(_("Recovered"), [_number(r["recovered"]) for r in trend])
    return _render(chart)


@cached
def dso_chart(trend: list[dict]) -> str:
    """DSO, best possible DSO and average days delinquent per month."""
    return _line(
        _("Days sales outstanding"),
        [month_label(r["month"]) for r in trend],
        [
            (_("DSO"), [_number(r["dso"]) for r in trend]),
            (_("Best possible DSO"), [_number(r["best_possible_dso"]) for r in trend]),
            (_("Average days delinquent"), [_number(r["average_days_delinquent"]) for r in trend]),
        ],
        lambda v: f"{v:.1f}",
    )


@cached
def cei_chart(trend: list[dict]) -> str:
    """Collection effectiveness index (0–100) per month."""
    return _line(
        _("Collection effectiveness index"),
        [month_label(r["month"]) for r in trend],
        [(_("CEI"), [_number(r["cei"]) for r in trend])],
        lambda v: f"{v:.1f}",
    )


@cached
def over_90_chart(trend: list[dict]) -> str:
    """Share of the closing receivable over 90 days past due, per month."""
    return _line(
        _("Share over 90 days past due"),
        [month_label(r["month"]) for r in trend],
        [(_("Over 90 days"), [_percent(r["over_90_share"]) for r in trend])],
        _pct,
    )


@cached
def aging_stack_chart(aging_over_time: list[dict]) -> str:
    """The receivable at each month's end, stacked by aging bucket."""
    chart = pygal.StackedBar(
        **_config(
            _("Receivable by age at each month's end"), value_formatter=_money, style=AGING_STYLE
        ),
    )
    chart.x_labels = [month_label(r["day"]) for r in aging_over_time]
    for bucket in BUCKETS:
        chart.add(str(bucket.label), [_number(r.get(bucket.key)) for r in aging_over_time])
    return _render(chart)


@cached
def roll_rate_chart(roll_rates: list[dict]) -> str:
    """Per bucket: the share of its money that rolled into the next bucket
    and the share paid or closed a month on."""
    labels = {b.key: str(b.label) for b in BUCKETS}
    chart = pygal.Bar(**_config(_("Roll rates"), value_formatter=_pct, x_label_rotation=0))
    chart.x_labels = [labels.get(r["bucket"], r["bucket"]) for r in roll_rates]
    chart.add(_("Rolled to the next bucket"), [_percent(r["rolled_rate"]) for r in roll_rates])
    chart.add(_("Paid or closed"), [_percent(r["paid_rate"]) for r in roll_rates])
    return _render(chart)


@cached
def forecast_chart(forecast: dict) -> str:
    """Expected receipts per week: promised and falling-due streams stacked."""
    weeks = forecast["weeks"]
    chart = pygal.StackedBar(**_config(_("Expected receipts by week"), value_formatter=_money))
    chart.x_labels = [formats.date_format(w["week"], "SHORT_DATE_FORMAT") for w in weeks]
    chart.add(_("From promises"), [_number(w["promised_expected"]) for w in weeks])
    chart.add(_("From invoices falling due"), [_number(w["falling_due_expected"]) for w in weeks])
    return _render(chart)


def data_uri(svg: str) -> str:
    """The SVG as a data: URI for an <img>: the page's content security
    policy allows no inline <style>, but an image keeps its own styles."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

"""The report tables as :class:`reports.exports.Table`: columns with their
translated labels and kinds, and rows read from ``reports.tables``,
``reports.kpis``, ``reports.forecast`` and ``reports.drilldown``. Money is
always in the filter's one currency; the drill-down rows are read lazily so
a big one streams (``reports.export_drills``)."""

from __future__ import annotations

import datetime as dt

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from debtors.aging import BUCKETS, BUCKETS_BY_KEY

from .export_drills import drill_table
from .exports import (
    BOOL,
    DATE,
    INT,
    KPI_LABELS,
    MONEY,
    RATE,
    TEXT,
    Column,
    Table,
    Typed,
    kpi_kind,
)
from .filters import Filters
from .forecast import forecast
from .kpis import KEYS, kpis, previous_kpis
from .tables import aging_over_time, heatmap, per_collector, per_type, roll_rates, trend

TABLES = (
    "kpis",
    "trend",
    "aging",
    "roll_rates",
    "collectors",
    "types",
    "heatmap",
    "forecast",
    "drill",
)
TABLE_TITLES = {
    "kpis": _("Figures"),
    "trend": _("Trend"),
    "aging": _("Aging over time"),
    "roll_rates": _("Roll rates"),
    "collectors": _("Collectors"),
    "types": _("Debtor types"),
    "heatmap": _("Timing"),
    "forecast": _("Cash forecast"),
    "drill": _("Details"),
}


def change(key: str, now, before):
    """The figure now less the figure for the previous period (for a rate:
    the difference of the two shares); None when either is undefined."""
    if now is None or before is None:
        return None
    return now - before


def kpi_rows(figures: dict, previous: dict) -> list[list]:
    rows = []
    for key in KEYS:
        kind = kpi_kind(key)
        rows.append(
            [
                key,
                KPI_LABELS[key],
                Typed(figures[key], kind),
                Typed(previous[key], kind),
                Typed(change(key, figures[key], previous[key]), kind),
            ]
        )
    return rows


def kpis_table(filters: Filters, today: dt.date) -> Table:
    columns = [
        Column(_("Key")),
        Column(_("Figure")),
        Column(_("Value")),
        Column(_("Previous period")),
        Column(_("Difference")),
    ]
    figures = kpis(filters, today=today)
    previous = previous_kpis(filters, today=today)
    return Table("kpis", columns, kpi_rows(figures, previous))


def trend_table(filters: Filters, today: dt.date) -> Table:
    columns = [Column(_("Month"), DATE), *(Column(KPI_LABELS[k], kpi_kind(k)) for k in KEYS)]
    rows = [[r["month"], *(r[k] for k in KEYS)] for r in trend(filters)]
    return Table("trend", columns, rows)


def aging_table(filters: Filters, today: dt.date) -> Table:
    columns = [
        Column(_("Day"), DATE),
        *(Column(b.label, MONEY) for b in BUCKETS),
        Column(_("Total"), MONEY),
    ]
    rows = [[r["day"], *(r[b.key] for b in BUCKETS), r["total"]] for r in aging_over_time(filters)]
    return Table("aging", columns, rows)


def roll_rates_table(filters: Filters, today: dt.date) -> Table:
    columns = [
        Column(_("Bucket")),
        Column(_("Held at the month ends, summed over the months"), MONEY),
        Column(_("Rolled to the next bucket"), RATE),
        Column(_("Paid or closed"), RATE),
    ]
    rows = [
        [BUCKETS_BY_KEY[r["bucket"]].label, r["opening"], r["rolled_rate"], r["paid_rate"]]
        for r in roll_rates(filters)
    ]
    return Table("roll_rates", columns, rows)


PERFORMANCE_COLUMNS = (
    ("calls", _("Call attempts"), INT),
    ("connect_rate", _("Connect rate"), RATE),
    ("right_party_rate", _("Right-party rate"), RATE),
    ("promises", _("Promises made"), INT),
    ("promise_rate", _("Promise rate"), RATE),
    ("promises_kept", _("Kept promises"), INT),
    ("promises_partly_kept", _("Promises partly kept"), INT),
    ("promises_broken", _("Promises broken"), INT),
    ("promise_kept_rate", _("Promise-kept rate"), RATE),
    ("collected", _("Collected"), MONEY),
    ("recovered", _("Recovered"), MONEY),
    ("complaints", _("Complaints"), INT),
    ("complaint_rate", _("Complaint rate"), RATE),
    ("overdue_end", _("Overdue at the end"), MONEY),
)


def _performance(row: dict) -> list:
    return [row[key] for key, _label, _kind in PERFORMANCE_COLUMNS]


def _performance_columns() -> list[Column]:
    return [Column(label, kind) for _key, label, kind in PERFORMANCE_COLUMNS]


def collectors_table(filters: Filters, today: dt.date) -> Table:
    columns = [Column(_("Collector")), *_performance_columns()]
    rows = [[r["collector"], *_performance(r)] for r in per_collector(filters)]
    return Table("collectors", columns, rows)


def types_table(filters: Filters, today: dt.date) -> Table:
    columns = [
        Column(_("Debtor type")),
        *_performance_columns(),
        Column(_("Most overdue money"), BOOL),
        Column(_("Most broken promises"), BOOL),
    ]
    rows = [
        [r["label"], *_performance(r), r["most_overdue"], r["most_broken"]]
        for r in per_type(filters)
    ]
    return Table("types", columns, rows)


def heatmap_table(filters: Filters, today: dt.date) -> Table:
    columns = [
        Column(_("Weekday")),
        Column(_("Hour (debtor's clock)"), INT),
        Column(_("Call attempts"), INT),
        Column(_("Right-party calls"), INT),
        Column(_("Right-party rate"), RATE),
        Column(_("Prior"), RATE),
    ]
    rows = [
        [WEEKDAYS[c["weekday"]], c["hour"], c["calls"], c["right_party"], c["rate"], c["prior"]]
        for c in heatmap(filters)["cells"]
    ]
    return Table("heatmap", columns, rows)


def forecast_table(filters: Filters, today: dt.date) -> Table:
    columns = [
        Column(_("Week from"), DATE),
        Column(_("Promised"), MONEY),
        Column(_("Expected from promises"), MONEY),
        Column(_("Falling due"), MONEY),
        Column(_("Expected from invoices falling due"), MONEY),
        Column(_("Expected in total"), MONEY),
    ]
    keys = (
        "week",
        "promised",
        "promised_expected",
        "falling_due",
        "falling_due_expected",
        "expected",
    )
    rows = [[w[k] for k in keys] for w in forecast(filters, today=today)["weeks"]]
    return Table("forecast", columns, rows)


BUILDERS = {
    "kpis": kpis_table,
    "trend": trend_table,
    "aging": aging_table,
    "roll_rates": roll_rates_table,
    "collectors": collectors_table,
    "types": types_table,
    "heatmap": heatmap_table,
    "forecast": forecast_table,
}


def build_table(
    name: str, filters: Filters, *, today: dt.date, drill_key: str = ""
) -> Table | None:
    """Table ``name`` for the filters; None for an unknown table or drill key."""
    if name == "drill":
        return drill_table(filters, drill_key)
    builder = BUILDERS.get(name)
    return builder(filters, today) if builder else None


__all__ = ["TABLES", "TABLE_TITLES", "TEXT", "build_table", "change", "kpi_rows"]

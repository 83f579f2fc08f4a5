"""How the report pages show a figure: its label, its words (the
"how is this computed" note from ``reports.kpis.DEFINITIONS``), its value as
text ("—" when undefined), the change against the previous period, and the
drill-down behind it. Pure functions over the dicts of ``reports.kpis`` and
``reports.tables``; no queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_crm.lib.money import money_text

from .exports import INT, KPI_LABELS, MONEY, NUM1, NUM2, RATE, kpi_kind
from .kpis import DEFINITIONS

DASH = "—"

HIGHER_IS_BETTER = frozenset(
    {
        "collected",
        "recovered",
        "recovery_rate",
        "cei",
        "connect_rate",
        "right_party_rate",
        "promise_rate",
        "promise_kept_rate",
        "kept_amount",
        "disputes_resolved",
    }
)
LOWER_IS_BETTER = frozenset(
    {"dso", "average_days_delinquent", "over_90_share", "complaint_rate", "dispute_resolution_days"}
)
# A figure → the drill-down (reports.drilldown.DRILL_KEYS) listing the rows behind it.
DRILLS = {
    "ar_end": "ar_end",
    "ar_current_end": "ar_current_end",
    "credit_sales": "credit_sales",
    "collected": "collected",
    "recovered": "recovered",
    "over_90_share": "over_90",
    "calls": "calls",
    "connect_rate": "connected",
    "right_party_rate": "right_party",
    "promise_rate": "promises",
    "promise_kept_rate": "promises_kept",
    "complaint_rate": "complaints",
    "disputes_opened": "disputes_opened",
    "disputes_resolved": "disputes_resolved",
    "dispute_resolution_days": "disputes_resolved",
}
# The overview's groups of figures, in order.
GROUPS = (
    (
        gettext_lazy("Receivable"),
        ("ar_start", "ar_end", "ar_current_end", "credit_sales", "over_90_share"),
    ),
    (
        gettext_lazy("Collection"),
        (
            "collected",
            "recovered",
            "recovery_rate",
            "cei",
            "dso",
            "best_possible_dso",
            "average_days_delinquent",
        ),
    ),
    (
        gettext_lazy("Contact"),
        ("calls", "connect_rate", "right_party_rate", "complaint_rate"),
    ),
    (
        gettext_lazy("Promises"),
        ("promise_rate", "promise_kept_rate", "promised_amount", "kept_amount"),
    ),
    (
        gettext_lazy("Disputes"),
        ("disputes_opened", "disputes_resolved", "dispute_resolution_days"),
    ),
)


def percent_text(value) -> str:
    """A share (0..1) as "12.5%"; None as "—"."""
    if value is None:
        return DASH
    return f"{Decimal(value) * 100:.1f}%"


def count_text(value) -> str:
    return DASH if value is None else f"{int(value):,}"


def days_text(value) -> str:
    if value is None:
        return DASH
    return _("%(days)s days") % {"days": f"{Decimal(value):.1f}"}


def value_text(key: str, value, currency: str) -> str:
    """A figure's value as the page shows it; "—" when it is undefined."""
    if value is None:
        return DASH
    kind = kpi_kind(key)
    if kind == MONEY:
        return money_text(value, currency)
    if kind == RATE:
        return percent_text(value)
    if kind == NUM1:
        return days_text(value)
    if kind == NUM2:
        return f"{Decimal(value):.2f}"
    return count_text(value)


def _signed(number: Decimal, places: int) -> str:
    sign = "+" if number > 0 else ("−" if number < 0 else "±")
    return f"{sign}{abs(number):,.{places}f}"


def change_text(key: str, value, previous, currency: str) -> str:
    """The change from the previous period: money and counts as a difference,
    rates in percentage points, days and the index as a difference; "—" when
    either side is undefined."""
    if value is None or previous is None:
        return DASH
    delta = Decimal(value) - Decimal(previous)
    kind = kpi_kind(key)
    if kind == MONEY:
        text = money_text(abs(delta), currency)
        return ("+" if delta > 0 else "−" if delta < 0 else "±") + text
    if kind == RATE:
        return _("%(points)s pts") % {"points": _signed(delta * 100, 1)}
    if kind == NUM1:
        return _("%(days)s days") % {"days": _signed(delta, 1)}
    if kind == NUM2:
        return _signed(delta, 2)
    return _signed(delta, 0 if kind == INT else 2)


def change_tone(key: str, value, previous) -> str:
    """ "better", "worse" or "" (no change, undefined, or no better side)."""
    if value is None or previous is None or value == previous:
        return ""
    up = value > previous
    if key in HIGHER_IS_BETTER:
        return "better" if up else "worse"
    if key in LOWER_IS_BETTER:
        return "worse" if up else "better"
    return ""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    value: object
    text: str
    previous_text: str
    change: str
    tone: str
    drill: str | None


def figure(key: str, figures: dict, previous: dict | None, currency: str) -> Figure:
    value = figures[key]
    before = previous.get(key) if previous is not None else None
    return Figure(
        key=key,
        label=str(KPI_LABELS[key]),
        definition=str(DEFINITIONS[key]),
        value=value,
        text=value_text(key, value, currency),
        previous_text=value_text(key, before, currency) if previous is not None else DASH,
        change=change_text(key, value, before, currency) if previous is not None else DASH,
        tone=change_tone(key, value, before) if previous is not None else "",
        drill=DRILLS.get(key),
    )


def figure_groups(figures: dict, previous: dict | None, currency: str) -> list[dict]:
    """The overview's figures in their groups, each ready to show."""
    return [
        {"title": str(title), "figures": [figure(k, figures, previous, currency) for k in keys]}
        for title, keys in GROUPS
    ]


def sort_rows(rows: list[dict], sort: str, allowed: tuple[str, ...], default: str) -> tuple:
    """Rows sorted by ``sort`` ("field" ascending, "-field" descending);
    undefined values (None) always last. Returns (rows, the sort applied)."""
    field = sort.lstrip("-")
    if field not in allowed:
        sort, field = default, default.lstrip("-")
    descending = sort.startswith("-")

    def key(row):
        value = row.get(field)
        if isinstance(value, str):
            value = value.lower()
        return value

    present = [r for r in rows if r.get(field) is not None]
    missing = [r for r in rows if r.get(field) is None]
    return sorted(present, key=key, reverse=descending) + missing, sort

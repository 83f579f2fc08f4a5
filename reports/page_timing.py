"""The timing page's grid and its verdict: the team's measured right-party
rate per weekday × hour beside the timing engine's prior, as two tables of
the same shape, and a few sentences on where they agree. Pure functions over
``reports.tables.heatmap``; no queries."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from .page_figures import percent_text

# Below this many calls a weekday, hour or cell is too thin to judge.
MIN_CALLS = 20
BANDS = 6  # heat-0 … heat-5: 0–10 %, 10–20 %, …, 50 % and over


def band(rate) -> str:
    """The cell's colour class from its rate; "heat-none" without one."""
    if rate is None:
        return "heat-none"
    return f"heat-{min(int(Decimal(rate) * 10), BANDS - 1)}"


def grid(heatmap: dict) -> dict:
    """Rows per weekday (Monday first), one cell per hour, for both tables."""
    cells = {(c["weekday"], c["hour"]): c for c in heatmap["cells"]}
    rows = []
    for weekday in range(7):
        row = []
        for hour in heatmap["hours"]:
            cell = cells[(weekday, hour)]
            row.append(
                {
                    **cell,
                    "rate_text": percent_text(cell["rate"]),
                    "prior_text": percent_text(cell["prior"]),
                    "band": band(cell["rate"]),
                    "prior_band": band(cell["prior"]),
                }
            )
        rows.append({"weekday": weekday, "name": str(WEEKDAYS[weekday]), "cells": row})
    return {"hours": heatmap["hours"], "rows": rows}


def _pooled(cells: list[dict], field: str) -> dict:
    """Measured rate and mean prior per value of ``field`` (weekday or hour),
    over the values with at least MIN_CALLS calls."""
    out: dict = {}
    for cell in cells:
        acc = out.setdefault(cell[field], {"calls": 0, "rp": 0, "prior": [], "prior_calls": 0})
        acc["calls"] += cell["calls"]
        acc["rp"] += cell["right_party"]
        acc["prior"].append(float(cell["prior"]))
    return {
        k: {"rate": v["rp"] / v["calls"], "prior": sum(v["prior"]) / len(v["prior"])}
        for k, v in out.items()
        if v["calls"] >= MIN_CALLS
    }


def correlation(pairs: list[tuple[float, float]]) -> float | None:
    """Pearson's r of the pairs; None with fewer than three or no spread."""
    if len(pairs) < 3:
        return None
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if not sxx or not syy:
        return None
    return sxy / math.sqrt(sxx * syy)


def _best(pooled: dict, what: str):
    return max(pooled, key=lambda k: pooled[k][what])


def _compare(pooled: dict, name, kind: str) -> str:
    ours, prior = _best(pooled, "rate"), _best(pooled, "prior")
    words = {"ours": name(ours), "prior": name(prior)}
    if kind == "day":
        if ours == prior:
            return _("The best day measured is %(ours)s, as the prior expects.") % words
        return _("The best day measured is %(ours)s; the prior expects %(prior)s.") % words
    if ours == prior:
        return _("The best hour measured starts at %(ours)s, as the prior expects.") % words
    return _("The best hour measured starts at %(ours)s; the prior expects %(prior)s.") % words


def verdict(heatmap: dict) -> list[str]:
    """Sentences on where the team's data agrees with the prior or not."""
    cells = [c for c in heatmap["cells"] if c["calls"]]
    if sum(c["calls"] for c in cells) < MIN_CALLS:
        return [
            _("Too few calls in this period to compare with the prior: at least %(n)s are needed.")
            % {"n": MIN_CALLS}
        ]
    out = []
    days = _pooled(cells, "weekday")
    if len(days) >= 2:
        out.append(_compare(days, lambda d: str(WEEKDAYS[d]), "day"))
    hours = _pooled(cells, "hour")
    if len(hours) >= 2:
        out.append(_compare(hours, lambda h: f"{h:02d}:00", "hour"))
    thick = [(float(c["rate"]), float(c["prior"])) for c in cells if c["calls"] >= MIN_CALLS]
    r = correlation(thick)
    if r is None:
        out.append(_("Too few hours with enough calls to compare the pattern hour by hour."))
    else:
        words = {"r": f"{r:.2f}", "n": len(thick)}
        if r >= 0.5:
            text = _(
                "Hour by hour the measured rates follow the prior (r = %(r)s over %(n)s cells)."
            )
        elif r > 0:
            text = _(
                "Hour by hour the measured rates follow the prior only loosely "
                "(r = %(r)s over %(n)s cells)."
            )
        else:
            text = _(
                "Hour by hour the measured rates do not follow the prior "
                "(r = %(r)s over %(n)s cells)."
            )
        out.append(text % words)
    return out

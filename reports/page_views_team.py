"""The collection-performance pages (managers and admins only; finance and
collectors get 404): one row per collector, one row per debtor type, the
scripts' effectiveness and the timing heatmap; and the cash forecast, which
finance sees too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import charts
from .effectiveness import LOW_SAMPLE, PAY_WINDOW_DAYS
from .forecast import forecast
from .page_common import filter_query, page_context, read_filters
from .page_figures import sort_rows
from .page_scripts import script_families
from .page_timing import MIN_CALLS, grid, verdict
from .permissions import can_see_performance, can_see_receivables, require
from .tables import heatmap, per_collector, per_type

# Sortable columns of the per-collector and per-type tables, in order.
PERFORMANCE_COLUMNS = (
    "calls",
    "connect_rate",
    "right_party_rate",
    "promises",
    "promise_kept_rate",
    "collected",
    "recovered",
    "complaints",
)


def sort_links(report, current: str, columns: tuple[str, ...]) -> dict:
    """For each column, the link that sorts by it (descending first, then
    ascending when it is already the descending sort)."""
    base = f"{report.query}&" if report.query else ""
    return {c: f"?{base}sort={c if current == f'-{c}' else f'-{c}'}" for c in columns}


@require_GET
@login_required
def team_view(request):
    require(can_see_performance(request.user))
    report = read_filters(request)
    extra: dict = {}
    if report.filters is not None:
        columns = ("collector", *PERFORMANCE_COLUMNS)
        rows, sort = sort_rows(
            per_collector(report.filters), request.GET.get("sort", ""), columns, "collector"
        )
        overview = reverse("reports:overview")
        for row in rows:
            row["url"] = f"{overview}?{filter_query(report.form, collector=row['collector_id'])}"
        extra = {"rows": rows, "sort": sort, "sort_links": sort_links(report, sort, columns)}
    return render(
        request, "reports/team.html", page_context(request, report, "reports:team", **extra)
    )


@require_GET
@login_required
def types_view(request):
    require(can_see_performance(request.user))
    report = read_filters(request)
    extra: dict = {}
    if report.filters is not None:
        rows = per_type(report.filters)
        overview = reverse("reports:overview")
        for row in rows:
            row["query"] = filter_query(report.form, debtor_type=row["debtor_type"])
            row["url"] = f"{overview}?{row['query']}"
        extra = {"rows": rows}
    return render(
        request, "reports/types.html", page_context(request, report, "reports:types", **extra)
    )


@require_GET
@login_required
def scripts_view(request):
    require(can_see_performance(request.user))
    report = read_filters(request)
    extra: dict = {"low_sample": LOW_SAMPLE, "pay_window": PAY_WINDOW_DAYS}
    if report.filters is not None:
        extra["families"] = script_families(report.filters)
    return render(
        request, "reports/scripts.html", page_context(request, report, "reports:scripts", **extra)
    )


@require_GET
@login_required
def timing_view(request):
    require(can_see_performance(request.user))
    report = read_filters(request)
    extra: dict = {"min_calls": MIN_CALLS}
    if report.filters is not None:
        data = heatmap(report.filters)
        extra.update(grid=grid(data), verdict=verdict(data))
    return render(
        request, "reports/timing.html", page_context(request, report, "reports:timing", **extra)
    )


@require_GET
@login_required
def forecast_view(request):
    require(can_see_receivables(request.user))
    report = read_filters(request)
    extra: dict = {}
    if report.filters is not None:
        data = forecast(report.filters, today=report.today)
        extra = {
            "forecast": data,
            "forecast_chart": charts.data_uri(charts.forecast_chart(data)),
        }
    return render(
        request,
        "reports/forecast.html",
        page_context(request, report, "reports:forecast", **extra),
    )

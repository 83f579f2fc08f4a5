"""The receivable report pages: the overview (managers, admins, finance),
a collector's own month, and the drill-down behind a figure. Each view reads
the filters, calls the selectors and renders; a role that may not see a
page gets 404, as if it did not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from debtors.aging import BUCKETS

from . import charts
from .drilldown import AS_OF_END, drill, open_at, overdue_at_end
from .filters import Filters
from .fx import converted_total
from .kpis import ZERO, figures_from_sums, flow_sums, in_window, kpis, previous_kpis
from .models import DailyAging
from .page_common import Report, drillable, page_context, read_filters
from .page_figures import figure_groups
from .permissions import can_see_own_month, can_see_receivables, require
from .rollup_aging import BUCKET_KEYS
from .tables import aging_over_time, period_sums, read_months, roll_rates, trend

DRILL_PAGE_SIZE = 50
OUTCOMES = ("promises_kept", "promises_partly_kept", "promises_broken")
# How each kind of drill-down row is read without a query per row.
DRILL_RELATED = {
    "invoices": ("debtor",),
    "payments": ("debtor",),
    "allocations": ("invoice__debtor", "payment"),
    "interactions": ("debtor", "user"),
    "promises": ("debtor",),
    "disputes": ("debtor",),
    "debtors": ("assigned_collector",),
}
DRILL_ORDER = {
    "invoices": ("due_date", "pk"),
    "payments": ("-received_on", "pk"),
    "allocations": ("-payment__received_on", "pk"),
    "interactions": ("-started_at", "pk"),
    "promises": ("-created_at", "pk"),
    "disputes": ("-opened_at", "pk"),
    "debtors": ("name", "pk"),
}


def promise_outcomes(filters: Filters, today) -> dict:
    """Promises kept, partly kept and broken in the period: from the rollups
    when they hold the period, else counted from the drill-downs' rows."""
    if in_window(filters, today):
        sums = flow_sums(filters)
        return {k: sums[k] for k in OUTCOMES}
    return {k: drill(filters, k).queryset.count() for k in OUTCOMES}


def receivable_by_currency(filters: Filters) -> dict:
    """The closing receivable in every currency (the period's last day, same
    scope and filters), for the converted total; from the rollups."""
    rows = (
        DailyAging.objects.filter(filters.rows(), day=filters.date_to)
        .values("currency")
        .annotate(**{k: Sum(k) for k in BUCKET_KEYS})
        .order_by("currency")
    )
    return {r["currency"]: sum((r[k] or ZERO for k in BUCKET_KEYS), ZERO) for r in rows}


def trend_charts(trend_rows: list[dict]) -> list[dict]:
    """The four trend charts as images, each with its title for the alt text."""
    return [
        {"name": name, "title": title, "uri": charts.data_uri(draw(trend_rows))}
        for name, title, draw in (
            ("collected", _("Collected and recovered"), charts.collected_recovered_chart),
            ("dso", _("Days sales outstanding"), charts.dso_chart),
            ("cei", _("Collection effectiveness index"), charts.cei_chart),
            ("over_90", _("Share over 90 days past due"), charts.over_90_chart),
        )
    ]


def figures_context(report: Report) -> dict:
    """The headline figures against the previous period, the 13-month trend
    with its charts, aging over time and roll rates. The period's figures are
    added up from the trend's months when they cover it (one read, not two)."""
    filters, today = report.filters, report.today
    read = read_months(filters)
    sums = period_sums(filters, read) if in_window(filters, today) else None
    if sums is None:
        figures, outcomes = kpis(filters, today=today), promise_outcomes(filters, today)
    else:
        figures = figures_from_sums(sums, filters.days)
        outcomes = {k: sums[k] for k in OUTCOMES}
    previous_filters = filters.previous()
    previous = previous_kpis(filters, today=today)
    trend_rows = trend(filters, read=read)
    aging_rows = aging_over_time(filters, read=read)
    rolls = roll_rates(filters)
    return {
        "groups": figure_groups(figures, previous, filters.currency),
        "figures": figures,
        "previous_filters": previous_filters,
        "outcomes": outcomes,
        "trend_rows": trend_rows,
        "trend_charts": trend_charts(trend_rows),
        "aging_rows": aging_rows,
        "aging_chart": charts.data_uri(charts.aging_stack_chart(aging_rows)),
        "rolls": rolls,
        "roll_chart": charts.data_uri(charts.roll_rate_chart(rolls)),
        "buckets": BUCKETS,
    }


@require_GET
@login_required
def overview_view(request):
    require(can_see_receivables(request.user))
    report = read_filters(request)
    extra = {}
    if report.filters is not None:
        extra = figures_context(report)
        by_currency = receivable_by_currency(report.filters)
        extra["receivable_by_currency"] = by_currency
        extra["converted"] = converted_total(by_currency, report.filters.date_to)
    context = page_context(request, report, "reports:overview", **extra)
    return render(request, "reports/overview.html", context)


@require_GET
@login_required
def my_month_view(request):
    """A collector's own figures: the overview's, for their own debtors."""
    require(can_see_own_month(request.user))
    report = read_filters(request, own_month=True)
    extra = figures_context(report) if report.filters is not None else {}
    context = page_context(request, report, "reports:me", **extra)
    return render(request, "reports/me.html", context)


@require_GET
@login_required
def drill_view(request, key: str):
    """The rows behind a figure, paginated, with the page's filters and scope."""
    require(key in drillable(request.user))
    report = read_filters(request)
    extra: dict = {"key": key}
    if report.filters is not None:
        found = drill(report.filters, key)
        rows = found.queryset.select_related(*DRILL_RELATED[found.kind]).order_by(
            *DRILL_ORDER[found.kind]
        )
        page = Paginator(rows, DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
        if key in AS_OF_END:
            page.object_list = list(page.object_list)
            then = open_at(page.object_list, report.filters.date_to)
            for invoice in page.object_list:
                invoice.open_then = then[invoice.pk]
        if key == "overdue_debtors":
            page.object_list = list(page.object_list)
            then = overdue_at_end(report.filters, page.object_list)
            for debtor in page.object_list:
                debtor.overdue_then = then[debtor.pk]
        extra.update(drill=found, page=page, kind=found.kind, as_of_end=key in AS_OF_END)
    context = page_context(request, report, "reports:drill", **extra)
    return render(request, "reports/drill.html", context)

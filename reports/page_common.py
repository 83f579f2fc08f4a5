"""What every report page shares: reading the filters from the URL (the
lead's ``ReportFilterForm``, narrowed per role), the filters as a query
string for links that keep them, the "as of" time of the rollups, and the
tabs a role may open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .drilldown import DRILL_KEYS
from .export_drills import PERFORMANCE_DRILLS
from .export_rows import TABLES
from .export_views import may_export
from .filters import Filters
from .forms import ReportFilterForm
from .fx_services import user_can_view_rates
from .models import DailyAging, RollupState
from .permissions import can_see_performance, can_see_receivables, is_manager_or_admin
from .rollups import company_today

FILTER_FIELDS = ("period", "date_from", "date_to", "currency", "team", "collector", "debtor_type")

# (url name, label, who may open it)
TABS = (
    ("reports:overview", _("Overview"), can_see_receivables),
    ("reports:team", _("Team"), can_see_performance),
    ("reports:types", _("Debtor types"), can_see_performance),
    ("reports:scripts", _("Scripts"), can_see_performance),
    ("reports:timing", _("Timing"), can_see_performance),
    ("reports:forecast", _("Cash forecast"), can_see_receivables),
    ("reports:fx-rates", _("Exchange rates"), user_can_view_rates),
)


@dataclass
class Report:
    """The parsed request: the form (with its errors), the filters when they
    are valid (None otherwise: the page then shows the errors and no
    figures), the query string that keeps them, and the company's today."""

    form: ReportFilterForm
    filters: Filters | None
    query: str
    today: dt.date


def read_filters(request, *, own_month: bool = False) -> Report:
    """The report filters from the URL. Finance gets no collector filter and a
    collector's own month neither team nor collector; anything outside the
    viewer's scope is a form error, never widened."""
    today = company_today()
    form = ReportFilterForm(request.GET, user=request.user, today=today)
    if own_month or request.user.role == User.Role.COLLECTOR:
        del form.fields["team"], form.fields["collector"]
    elif not can_see_performance(request.user):
        del form.fields["collector"]
    for name in ("date_from", "date_to"):
        widget = form.fields[name].widget
        widget.input_type, widget.format = "date", "%Y-%m-%d"
    if "team" in form.fields:
        form.fields["team"].empty_label = _("All teams")
    if "collector" in form.fields:
        form.fields["collector"].empty_label = _("All collectors")
    if not form.is_valid():
        return Report(form=form, filters=None, query="", today=today)
    return Report(form=form, filters=form.filters(), query=filter_query(form), today=today)


def filter_query(form: ReportFilterForm, **override) -> str:
    """The valid filters as a query string (only what differs from "all")."""
    data = form.cleaned_data
    params: dict = {"period": data["period"]}
    if data["period"] == "custom":
        params["date_from"] = data["date_from"].isoformat()
        params["date_to"] = data["date_to"].isoformat()
    params["currency"] = data["currency"]
    for name in ("team", "collector"):
        if data.get(name):
            params[name] = data[name].pk
    if data.get("debtor_type"):
        params["debtor_type"] = data["debtor_type"]
    params.update(override)
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def rollups_as_of() -> dt.datetime | None:
    """When the rollups were last brought up to date (None: never built)."""
    state = RollupState.objects.order_by("pk").first()
    if state is None:
        return None
    times = [t for t in (state.updated_at, state.rebuilt_at) if t is not None]
    return max(times) if times else None


def tabs(user, current: str) -> list[dict]:
    return [
        {"url": reverse(name), "label": label, "current": name == current}
        for name, label, allowed in TABS
        if allowed(user)
    ]


def currency_options(day: dt.date, picked: str) -> list[tuple[str, str]]:
    """The currencies the rollups hold on ``day`` (one index range), the base
    currency and the one asked for: the filter's choices. (The whole table's
    distinct currencies would cost a full scan on a large book.)"""
    codes = set(
        DailyAging.objects.filter(day=day).values_list("currency", flat=True).distinct().order_by()
    )
    codes |= {settings.BASE_CURRENCY} | (
        {picked} if len(picked) == 3 and picked.isalpha() else set()
    )
    return [(c, c) for c in sorted(codes)]


def chosen(form: ReportFilterForm) -> dict:
    """The period preset and currency the filter form shows as selected."""
    data = getattr(form, "cleaned_data", {})
    return {
        "period": data.get("period") or form.data.get("period", ""),
        "currency": data.get("currency") or form.data.get("currency", "").upper(),
    }


def select_options(form: ReportFilterForm) -> dict[str, list[tuple[str, str, bool]]]:
    """(value, label, selected) of the team, collector and debtor type menus,
    looped over in the template: a widget renders a template per option,
    which for a company of collectors cost more than the figures."""
    out = {}
    for name in ("team", "collector", "debtor_type"):
        if name not in form.fields:
            continue
        current = str(form[name].value() or "")
        out[name] = [
            (str(value), str(label), str(value) == current)
            for value, label in form.fields[name].choices
        ]
    return out


def drillable(user) -> frozenset[str]:
    """The drill-downs the user may open (reports:drill): none for a
    collector, no collector-performance ones for finance."""
    if can_see_performance(user):
        return frozenset(DRILL_KEYS)
    if can_see_receivables(user):
        return frozenset(DRILL_KEYS) - PERFORMANCE_DRILLS
    return frozenset()


def page_context(request, report: Report, current: str, **extra) -> dict:
    """The context every report page's frame needs, plus ``extra``."""
    user = request.user
    picked = chosen(report.form)
    day = report.filters.date_to if report.filters is not None else report.today
    currencies = currency_options(day, picked["currency"])
    return {
        "report": report,
        "form": report.form,
        "filters": report.filters,
        "query": report.query,
        "currencies": currencies,
        "chosen": picked,
        "options": select_options(report.form),
        "as_of": rollups_as_of(),
        "tabs": tabs(user, current),
        "current": current,
        "drillable": drillable(user),
        "exportable": frozenset(t for t in TABLES if may_export(user, t)),
        "is_manager_or_admin": is_manager_or_admin(user),
        **extra,
    }

"""Report exports and the monthly review on demand.

``GET /reports/export/?table=<name>&format=csv|xlsx&<the pages' filters>``
(``table=drill&key=<figure>`` for the rows behind a figure) and
``GET /reports/monthly-review/?month=YYYY-MM&currency=…``. Who may export
what follows the pages (``reports.permissions``); anything else is a 404, as
if it did not exist. A bad filter is a 400 with the form's message and no file.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .export_drills import PERFORMANCE_DRILLS
from .export_rows import TABLE_TITLES, TABLES, build_table
from .exports import Table, csv_lines, xlsx_file
from .forms import ReportFilterForm
from .monthly_review import last_complete_month, review_filename, review_filters, review_pdf
from .permissions import (
    can_see_own_month,
    can_see_performance,
    can_see_receivables,
    is_manager_or_admin,
    require,
)
from .rollups import company_today

PERFORMANCE_TABLES = frozenset({"collectors", "types", "heatmap"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_export(user, table: str, key: str = "") -> bool:
    """The pages' rules: performance tables (and the drill-downs behind
    calls, contacts and promises) for managers and admins; the receivable
    tables for finance too; a collector only their own month's figures."""
    if table in PERFORMANCE_TABLES or (table == "drill" and key in PERFORMANCE_DRILLS):
        return can_see_performance(user)
    if table == "kpis":
        return can_see_receivables(user) or can_see_own_month(user)
    return can_see_receivables(user)


def _bad_request(form: forms.Form) -> HttpResponse:
    messages = [str(m) for errors in form.errors.values() for m in errors]
    return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")


def _private(response):
    # Exports hold debtors' business information: never cached.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _in_language(lines, language: str):
    """Streamed rows are written after the view returns: keep its language."""
    with translation.override(language):
        yield from lines


def export_response(table: Table, fmt: str, filename: str):
    title = str(TABLE_TITLES.get(table.name, table.name))
    if fmt == "xlsx":
        response = FileResponse(
            xlsx_file(table, title=title), as_attachment=True, filename=filename, content_type=XLSX
        )
    elif table.name.startswith("drill_"):
        response = StreamingHttpResponse(
            _in_language(csv_lines(table), translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse("".join(csv_lines(table)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return _private(response)


@require_GET
@login_required
def export_view(request):
    name = request.GET.get("table", "")
    key = request.GET.get("key", "")
    fmt = request.GET.get("format", "csv")
    require(name in TABLES and may_export(request.user, name, key))
    if request.GET.get("collector") and not can_see_performance(request.user):
        raise Http404
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(
            _("The format is csv or xlsx."), status=400, content_type="text/plain; charset=utf-8"
        )
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return _bad_request(form)
    filters = form.filters()
    table = build_table(name, filters, today=form.today, drill_key=key)
    if table is None:
        raise Http404
    period = f"{filters.date_from:%Y-%m-%d}_{filters.date_to:%Y-%m-%d}"
    filename = f"{table.name}_{filters.currency}_{period}.{fmt}"
    return export_response(table, fmt, filename)


class MonthlyReviewForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("Month"), required=False)
    currency = forms.CharField(label=gettext_lazy("Currency"), required=False, max_length=3)
    team = forms.IntegerField(label=gettext_lazy("Team"), required=False)

    def __init__(self, data, *, user, today: dt.date):
        super().__init__(data)
        self.user = user
        self.today = today

    def clean_month(self) -> dt.date:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return last_complete_month(self.today)
        year, _dash, number = raw.partition("-")
        try:
            month = dt.date(int(year), int(number), 1)
        except ValueError:
            raise forms.ValidationError(
                _("Give the month as YYYY-MM, for example 2026-11.")
            ) from None
        if month > self.today.replace(day=1):
            raise forms.ValidationError(_("That month has not started yet."))
        return month

    def clean(self):
        data = super().clean()
        if "month" not in data:
            return data
        # The team and currency rules are the report filters' own.
        first = data["month"]
        check = ReportFilterForm(
            {
                "period": "custom",
                "date_from": first.isoformat(),
                "date_to": first.isoformat(),
                "currency": data.get("currency") or "",
                "team": data.get("team") or "",
            },
            user=self.user,
            today=self.today,
        )
        if not check.is_valid():
            for errors in check.errors.values():
                for error in errors:
                    self.add_error(None, error)
            return data
        data["currency"] = check.cleaned_data["currency"]
        data["team"] = check.cleaned_data["team"].pk if check.cleaned_data.get("team") else None
        return data


@require_GET
@login_required
def monthly_review_view(request):
    """The month's review as a PDF for a manager's team (admins: everyone,
    or one team), in the reader's language; by default last month."""
    require(is_manager_or_admin(request.user))
    today = company_today()
    form = MonthlyReviewForm(request.GET, user=request.user, today=today)
    if not form.is_valid():
        return _bad_request(form)
    data = form.cleaned_data
    filters = review_filters(
        request.user,
        data["month"],
        data["currency"] or settings.BASE_CURRENCY,
        today=today,
        team_id=data["team"],
    )
    pdf = review_pdf(filters, today=today, language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=review_filename(filters)
    )
    return _private(response)

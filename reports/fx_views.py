"""The exchange-rate pages: the table (managers read it; finance and admins
also add, change, delete and import), a CSV upload that lists every bad line,
and a CSV download in the upload's own format. Anyone else gets 404. The
writes are the services of ``fx_services``."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from collections_crm.lib.zones import local_today

from .fx import base_currency, rate_text, rates_on
from .fx_services import (
    CURRENCY_CODE,
    MAX_IMPORT_BYTES,
    rate_create,
    rate_delete,
    rate_update,
    rates_csv_rows,
    rates_import_csv,
    user_can_edit_rates,
    user_can_view_rates,
)
from .models import ExchangeRate

PAGE_SIZE = 100


class RateForm(forms.Form):
    """Text in, checked by the services (one rule per value)."""

    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=8,
        help_text=gettext_lazy("Three letters, such as USD."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 6}),
    )
    valid_from = forms.CharField(
        label=gettext_lazy("Valid from"),
        max_length=10,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rate = forms.CharField(
        label=gettext_lazy("Rate"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].help_text = _(
            "How many %(base)s one unit of the currency is worth."
        ) % {"base": base_currency()}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _said(text: str, row: ExchangeRate) -> str:
    """'Rate saved: 1 USD = 7.1 CNY from 2026-11-30.' and the like."""
    return text % {
        "currency": row.currency,
        "rate": rate_text(row.rate),
        "base": base_currency(),
        "day": row.valid_from.isoformat(),
    }


def _require_viewer(user) -> None:
    if not user_can_view_rates(user):
        raise Http404


def _require_editor(user) -> None:
    if not user_can_edit_rates(user):
        raise Http404


def _currency_filter(request) -> str:
    code = (request.GET.get("currency") or "").strip().upper()
    return code if CURRENCY_CODE.fullmatch(code) else ""


def _rates(currency: str):
    rates = ExchangeRate.objects.select_related("entered_by")
    return rates.filter(currency=currency) if currency else rates


@require_GET
@login_required
def rates_view(request):
    """The rates, newest first per currency, optionally of one currency;
    with the rate in force today for each currency."""
    _require_viewer(request.user)
    currency = _currency_filter(request)
    currencies = list(
        ExchangeRate.objects.order_by("currency").values_list("currency", flat=True).distinct()
    )
    today = local_today(request.user)
    in_force = rates_on(currencies, today)
    page = Paginator(_rates(currency), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.rate_text = rate_text(row.rate)
    context = {
        "page": page,
        "currency": currency,
        "currencies": currencies,
        "in_force": [in_force[c] for c in currencies if c in in_force],
        "today": today,
        "base": base_currency(),
        "can_edit": user_can_edit_rates(request.user),
        "import_form": ImportForm(),
    }
    return render(request, "reports/fx/list.html", context)


def _form_page(request, form, row=None, status=200):
    context = {"form": form, "row": row, "base": base_currency()}
    return render(request, "reports/fx/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def rate_add_view(request):
    _require_editor(request.user)
    form = RateForm(request.POST or None, initial={"currency": request.GET.get("currency", "")})
    if request.method == "POST" and form.is_valid():
        try:
            row = rate_create(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _said(_("Rate saved: 1 %(currency)s = %(rate)s %(base)s from %(day)s."), row),
            )
            return redirect("reports:fx-rates")
    return _form_page(request, form, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def rate_edit_view(request, pk):
    _require_editor(request.user)
    row = get_object_or_404(ExchangeRate, pk=pk)
    initial = {
        "currency": row.currency,
        "valid_from": row.valid_from.isoformat(),
        "rate": rate_text(row.rate),
    }
    form = RateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = rate_update(request.user, row, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _said(_("Rate saved: 1 %(currency)s = %(rate)s %(base)s from %(day)s."), row),
            )
            return redirect("reports:fx-rates")
    return _form_page(request, form, row=row, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def rate_delete_view(request, pk):
    _require_editor(request.user)
    row = get_object_or_404(ExchangeRate, pk=pk)
    if request.method == "POST":
        rate_delete(request.user, row)
        messages.success(
            request,
            _said(_("Rate deleted: 1 %(currency)s = %(rate)s %(base)s from %(day)s."), row),
        )
        return redirect("reports:fx-rates")
    row.rate_text = rate_text(row.rate)
    return render(request, "reports/fx/delete.html", {"row": row, "base": base_currency()})


@require_http_methods(["GET", "POST"])
@login_required
def rates_import_view(request):
    """Upload a CSV file of rates: all saved, or nothing and every bad line
    listed."""
    _require_editor(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = rates_import_csv(request.user, form.cleaned_data["file"])
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                _("Rates imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("reports:fx-rates")
    context = {
        "form": form,
        "problems": problems,
        "base": base_currency(),
        "limit_kb": MAX_IMPORT_BYTES // 1024,
    }
    status = 400 if problems or form.errors else 200
    return render(request, "reports/fx/import.html", context, status=status)


@require_GET
@login_required
def rates_csv_view(request):
    """The table (or one currency's rates) as CSV, in the import's format."""
    _require_viewer(request.user)
    currency = _currency_filter(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"exchange-rates-{currency.lower()}.csv" if currency else "exchange-rates.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly; the import accepts it
    csv.writer(response).writerows(rates_csv_rows(_rates(currency)))
    return response

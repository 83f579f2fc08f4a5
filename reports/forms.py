"""The report filters as a form: period (a month, a preset or a custom
range of company days), currency, team, collector and debtor type. The URL
carries them, so a filtered page can be shared; a filter outside the viewer's
scope is refused, never widened."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from debtors.models import DebtorType
from debtors.permissions import debtor_scope

from .filters import Filters
from .rollups import company_today

MAX_DAYS = 3 * 366
PRESETS = (
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("last_3_months", _("Last 3 months")),
    ("last_12_months", _("Last 12 months")),
    ("year_to_date", _("Year to date")),
    ("custom", _("Custom range")),
)


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    month_start = today.replace(day=1)
    if preset == "last_month":
        end = month_start - dt.timedelta(days=1)
        return end.replace(day=1), end
    if preset in ("last_3_months", "last_12_months"):
        # Whole months before this one: a comparison of like with like.
        months = 3 if preset == "last_3_months" else 12
        index = today.year * 12 + today.month - 1 - months
        return dt.date(index // 12, index % 12 + 1, 1), month_start - dt.timedelta(days=1)
    if preset == "year_to_date":
        return dt.date(today.year, 1, 1), today
    return month_start, today


def known_currencies(day: dt.date) -> set[str]:
    """Currencies a report can be asked for: those the rollups hold on ``day``
    or the day before (one index range), the base currency and any with an
    exchange rate."""
    from .models import DailyAging, ExchangeRate

    held = DailyAging.objects.filter(day__range=(day - dt.timedelta(days=1), day))
    codes = set(held.values_list("currency", flat=True).distinct().order_by())
    codes |= set(ExchangeRate.objects.values_list("currency", flat=True).distinct().order_by())
    return codes | {settings.BASE_CURRENCY}


def main_currency(filters: Filters) -> str:
    """The currency holding most of the scope's receivable at the period's
    end (the base currency when there is none): the default, so a team that
    bills in USD does not land on a page of zeros in CNY."""
    from django.db.models import F, Sum

    from .models import DailyAging

    end = filters.date_to
    rows = (
        DailyAging.objects.filter(filters.rows(), day__range=(end - dt.timedelta(days=1), end))
        .values("currency")
        .annotate(
            total=Sum(
                F("current") + F("d1_30") + F("d31_60") + F("d61_90") + F("d91_180") + F("d181")
            )
        )
        .order_by("-total", "currency")
        .first()
    )
    return rows["currency"] if rows else settings.BASE_CURRENCY


class CollectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    collector = CollectorChoiceField(
        label=_("Collector"), queryset=User.objects.none(), required=False
    )
    debtor_type = forms.ChoiceField(
        label=_("Debtor type"), choices=[("", _("All types")), *DebtorType.choices], required=False
    )

    def __init__(self, data, *, user: User, today: dt.date | None = None):
        super().__init__(data)
        self.user = user
        self.today = today or company_today()
        self.scope = debtor_scope(user)
        teams = Team.objects.order_by("name")
        collectors = User.objects.filter(role=User.Role.COLLECTOR).order_by("username")
        if not self.scope.everyone:
            teams = teams.filter(pk=self.scope.team_id) if self.scope.team_id else teams.none()
            if self.scope.team_id:
                collectors = collectors.filter(team_id=self.scope.team_id)
            else:
                collectors = collectors.filter(pk=self.scope.collector_id)
        self.fields["team"].queryset = teams
        self.fields["collector"].queryset = collectors

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code and (len(code) != 3 or not code.isalpha()):
            raise forms.ValidationError(_("A currency is a three-letter code such as CNY."))
        if code and code not in known_currencies(self.today):
            raise forms.ValidationError(
                _("There are no amounts in %(code)s to report.") % {"code": code}
            )
        return code

    def clean(self):
        data = super().clean()
        preset = data.get("period") or ("custom" if data.get("date_from") else "this_month")
        if preset == "custom":
            start, end = data.get("date_from"), data.get("date_to") or self.today
            if start is None:
                raise forms.ValidationError(_("Give the first day of the period."))
        else:
            start, end = preset_range(preset, self.today)
        if end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if end > self.today:
            end = self.today
            if end < start:
                raise forms.ValidationError(_("The period has not started yet."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("A period can be at most three years long."))
        data.update(period=preset, date_from=start, date_to=end)
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        filters = Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            currency=data["currency"] or settings.BASE_CURRENCY,
            scope=self.scope,
            team_id=data["team"].pk if data.get("team") else None,
            collector_id=data["collector"].pk if data.get("collector") else None,
            debtor_type=data.get("debtor_type") or None,
        )
        if not data["currency"]:
            data["currency"] = main_currency(filters)
            filters = replace(filters, currency=data["currency"])
        return filters

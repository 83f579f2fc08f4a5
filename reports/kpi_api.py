"""The manager's figures over the API, scoped like the pages.

``GET /api/reports/kpis/?from=YYYY-MM-DD&to=YYYY-MM-DD&currency=CNY`` (and
optionally ``team``, ``collector``, ``debtor_type``) returns one object
with exactly the keys of ``reports.kpis.KEYS``: amounts as
strings of decimals, rates as fractions (strings), counts as numbers, null
where a figure is undefined (a division by zero). The per-collector, per-type,
heatmap and forecast tables take the same parameters.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from .forecast import forecast
from .forms import ReportFilterForm
from .kpis import DEFINITIONS, KEYS, MONEY_KEYS, kpis
from .permissions import can_see_own_month, can_see_performance, can_see_receivables
from .rollups import company_today
from .tables import heatmap, per_collector, per_type

PARAMETERS = [
    OpenApiParameter(
        "from", str, description="First day, YYYY-MM-DD (company time).", required=True
    ),
    OpenApiParameter("to", str, description="Last day, YYYY-MM-DD (company time).", required=True),
    OpenApiParameter(
        "currency", str, description="ISO 4217 code; amounts are in this currency only."
    ),
    OpenApiParameter("team", int, description="Narrow to a team (within your scope)."),
    OpenApiParameter("collector", int, description="Narrow to a collector's debtors."),
    OpenApiParameter("debtor_type", str, description="forgetful, hardship, dispute, stalling…"),
]


def _decimal(value):
    return None if value is None else str(value)


KpiSerializer = inline_serializer(
    "Kpis",
    {
        key: (
            serializers.IntegerField(help_text=str(DEFINITIONS[key]))
            if key in ("calls", "disputes_opened", "disputes_resolved")
            else serializers.CharField(allow_null=True, help_text=str(DEFINITIONS[key]))
        )
        for key in KEYS
    },
)


class ReportApi(APIView):
    """Shared parsing: the query string as the report filter form."""

    performance = False

    def allowed(self, user) -> bool:
        if self.performance:
            return can_see_performance(user)
        return can_see_receivables(user) or can_see_own_month(user)

    def filters(self, request):
        if not self.allowed(request.user):
            raise NotFound
        query = request.query_params
        data = {
            "period": "custom",
            "date_from": query.get("from"),
            "date_to": query.get("to"),
            "currency": query.get("currency", ""),
            "team": query.get("team", ""),
            "collector": query.get("collector", ""),
            "debtor_type": query.get("debtor_type", ""),
        }
        if data["collector"] and not can_see_performance(request.user):
            raise NotFound
        form = ReportFilterForm(data, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("from" if k == "date_from" else "to" if k == "date_to" else k): v
                    for k, v in form.errors.items()
                }
            )
        return form.filters()


def _plain(row: dict) -> dict:
    return {
        k: (str(v) if v is not None and not isinstance(v, (int, bool, str)) else v)
        for k, v in row.items()
    }


class KpiApi(ReportApi):
    @extend_schema(parameters=PARAMETERS, responses=KpiSerializer)
    def get(self, request):
        filters = self.filters(request)
        figures = kpis(filters, today=company_today())
        return Response(
            {
                k: (v if k not in MONEY_KEYS and isinstance(v, int) else _decimal(v))
                for k, v in figures.items()
            }
        )


TableSerializer = inline_serializer(
    "ReportTable", {"rows": serializers.ListField(child=serializers.DictField())}
)


class CollectorTableApi(ReportApi):
    performance = True

    @extend_schema(parameters=PARAMETERS, responses=TableSerializer)
    def get(self, request):
        return Response({"rows": [_plain(r) for r in per_collector(self.filters(request))]})


class TypeTableApi(ReportApi):
    performance = True

    @extend_schema(parameters=PARAMETERS, responses=TableSerializer)
    def get(self, request):
        return Response({"rows": [_plain(r) for r in per_type(self.filters(request))]})


class HeatmapApi(ReportApi):
    performance = True

    @extend_schema(
        parameters=PARAMETERS,
        responses=inline_serializer(
            "Heatmap",
            {
                "hours": serializers.ListField(child=serializers.IntegerField()),
                "cells": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        data = heatmap(self.filters(request))
        return Response({"hours": data["hours"], "cells": [_plain(c) for c in data["cells"]]})


class ForecastApi(ReportApi):
    @extend_schema(
        parameters=PARAMETERS,
        responses=inline_serializer(
            "Forecast",
            {
                "weeks": serializers.ListField(child=serializers.DictField()),
                "kept_rate_overall": serializers.CharField(allow_null=True),
                "on_time_share": serializers.CharField(allow_null=True),
                "unweighted_promises": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        data = forecast(self.filters(request), today=company_today())
        return Response(
            {
                "weeks": [_plain(w) for w in data["weeks"]],
                "kept_rate_by_type": _plain(data["kept_rate_by_type"]),
                "kept_rate_overall": _decimal(data["kept_rate_overall"]),
                "on_time_share": _decimal(data["on_time_share"]),
                "unweighted_promises": data["unweighted_promises"],
            }
        )

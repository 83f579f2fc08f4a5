"""The reports' API, included under /api/reports/ (names in the ``api`` namespace)."""

from django.urls import path

from . import fx_api, kpi_api, type_review_api

urlpatterns = [
    path("kpis/", kpi_api.KpiApi.as_view(), name="report-kpis"),
    path("collectors/", kpi_api.CollectorTableApi.as_view(), name="report-collectors"),
    path("types/", kpi_api.TypeTableApi.as_view(), name="report-types"),
    path("heatmap/", kpi_api.HeatmapApi.as_view(), name="report-heatmap"),
    path("forecast/", kpi_api.ForecastApi.as_view(), name="report-forecast"),
    *fx_api.urlpatterns,
    *type_review_api.urlpatterns,
]

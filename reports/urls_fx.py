"""The exchange-rate pages. No ``app_name``: included in ``reports.urls``,
the names are ``reports:fx-…``."""

from django.urls import path

from . import fx_views

urlpatterns = [
    path("exchange-rates/", fx_views.rates_view, name="fx-rates"),
    path("exchange-rates/add/", fx_views.rate_add_view, name="fx-rate-add"),
    path("exchange-rates/<int:pk>/edit/", fx_views.rate_edit_view, name="fx-rate-edit"),
    path("exchange-rates/<int:pk>/delete/", fx_views.rate_delete_view, name="fx-rate-delete"),
    path("exchange-rates/import/", fx_views.rates_import_view, name="fx-rates-import"),
    path("exchange-rates/rates.csv", fx_views.rates_csv_view, name="fx-rates-csv"),
]

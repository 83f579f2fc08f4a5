"""Report exports and the monthly review PDF. No ``app_name``: included in
``reports.urls`` at the site's root, so the URLs are /reports/export/ and
/reports/monthly-review/ and the names ``reports:export`` and
``reports:monthly-review``."""

from django.urls import path

from . import export_views

urlpatterns = [
    path("reports/export/", export_views.export_view, name="export"),
    path("reports/monthly-review/", export_views.monthly_review_view, name="monthly-review"),
]

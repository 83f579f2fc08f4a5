from django.urls import include, path

from . import page_views, page_views_team, views

app_name = "reports"

pages = [
    path("", page_views.overview_view, name="overview"),
    path("me/", page_views.my_month_view, name="me"),
    path("drill/<slug:key>/", page_views.drill_view, name="drill"),
    path("team/", page_views_team.team_view, name="team"),
    path("types/", page_views_team.types_view, name="types"),
    path("scripts/", page_views_team.scripts_view, name="scripts"),
    path("timing/", page_views_team.timing_view, name="timing"),
    path("forecast/", page_views_team.forecast_view, name="forecast"),
    # Other engineers' pages, named in this namespace (reports:fx-…, reports:type-review…).
    path("", include("reports.urls_fx")),
    path("", include("reports.urls_type_review")),
]

urlpatterns = [
    path(
        "scripts/<uuid:public_id>/effectiveness/",
        views.track_effectiveness_fragment,
        name="track-effectiveness",
    ),
    path("reports/", include(pages)),
    # /reports/export/ and /reports/monthly-review/ (reports:export, reports:monthly-review).
    path("", include("reports.urls_exports")),
]

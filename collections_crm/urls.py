from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.api import MeApi
from debtors.api import DebtorDetailApi, DebtorListApi
from debtors.imports.api import (
    ImportBatchCommitApi,
    ImportBatchCreateApi,
    ImportBatchDetailApi,
    ImportBatchUndoApi,
)
from desk import queue_api
from reports import api as reports_api
from scripts_library import api as scripts_api

from . import views

api_patterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("debtors/", DebtorListApi.as_view(), name="debtor-list"),
    path("debtors/<uuid:public_id>/", DebtorDetailApi.as_view(), name="debtor-detail"),
    path("imports/", ImportBatchCreateApi.as_view(), name="import-create"),
    path("imports/<uuid:public_id>/", ImportBatchDetailApi.as_view(), name="import-detail"),
    path("imports/<uuid:public_id>/commit/", ImportBatchCommitApi.as_view(), name="import-commit"),
    path("imports/<uuid:public_id>/undo/", ImportBatchUndoApi.as_view(), name="import-undo"),
    path("scripts/tracks/", scripts_api.TrackListApi.as_view(), name="script-track-list"),
    path(
        "scripts/tracks/create/",
        scripts_api.TrackCreateApi.as_view(),
        name="script-track-create",
    ),
    path(
        "scripts/tracks/<uuid:public_id>/",
        scripts_api.TrackDetailApi.as_view(),
        name="script-track-detail",
    ),
    path(
        "scripts/tracks/<uuid:public_id>/update/",
        scripts_api.TrackUpdateApi.as_view(),
        name="script-track-update",
    ),
    path(
        "scripts/tracks/<uuid:public_id>/publish/",
        scripts_api.TrackPublishApi.as_view(),
        name="script-track-publish",
    ),
    path(
        "scripts/tracks/<uuid:public_id>/retire/",
        scripts_api.TrackRetireApi.as_view(),
        name="script-track-retire",
    ),
    path(
        "scripts/tracks/<uuid:public_id>/diff/",
        scripts_api.TrackDiffApi.as_view(),
        name="script-track-diff",
    ),
    path(
        "scripts/tracks/<uuid:public_id>/render/",
        scripts_api.TrackRenderApi.as_view(),
        name="script-track-render",
    ),
    path(
        "scripts/tracks/<uuid:public_id>/stats/",
        reports_api.TrackStatsApi.as_view(),
        name="script-track-stats",
    ),
    path("scripts/for-debtor/", scripts_api.ScriptForDebtorApi.as_view(), name="script-for-debtor"),
    path("scripts/objections/", scripts_api.ObjectionListApi.as_view(), name="script-objections"),
    path("scripts/tone-check/", scripts_api.ToneCheckApi.as_view(), name="script-tone-check"),
    path("reports/", include("reports.urls_api")),
    path("queue/", queue_api.QueueApi.as_view(), name="queue"),
    path("queue/next/", queue_api.QueueNextApi.as_view(), name="queue-next"),
    path("queue/release/", queue_api.QueueReleaseApi.as_view(), name="queue-release"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("desk.urls")),
    path("imports/", include("debtors.imports.urls")),
    path("", include("reports.urls")),
    path("scripts/", include("scripts_library.urls")),
    path("followups/", include("followups.urls")),
    path("", include("followups.urls_optout")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]

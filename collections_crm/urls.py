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

from . import views

api_patterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("debtors/", DebtorListApi.as_view(), name="debtor-list"),
    path("debtors/<uuid:public_id>/", DebtorDetailApi.as_view(), name="debtor-detail"),
    path("imports/", ImportBatchCreateApi.as_view(), name="import-create"),
    path("imports/<uuid:public_id>/", ImportBatchDetailApi.as_view(), name="import-detail"),
    path("imports/<uuid:public_id>/commit/", ImportBatchCommitApi.as_view(), name="import-commit"),
    path("imports/<uuid:public_id>/undo/", ImportBatchUndoApi.as_view(), name="import-undo"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("debtors/", include("debtors.urls")),
    path("imports/", include("debtors.imports.urls")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]

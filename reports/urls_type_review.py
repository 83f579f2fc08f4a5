"""The type review's pages (/reports/type-review/). No ``app_name``: included
in ``reports.urls``, the names are ``reports:type-review…``."""

from django.urls import path

from . import type_review_views as views

urlpatterns = [
    path("type-review/", views.type_review_view, name="type-review"),
    path("type-review/decide/", views.type_review_decide_view, name="type-review-decide"),
]

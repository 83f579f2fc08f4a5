from django.urls import path

from . import views

app_name = "scripts"
urlpatterns = [
    path("", views.track_list_view, name="list"),
    path("new/", views.track_create_view, name="create"),
    path("<uuid:public_id>/", views.track_detail_view, name="detail"),
    path("<uuid:public_id>/preview/", views.track_preview_view, name="preview"),
    path("<uuid:public_id>/publish/", views.track_publish_view, name="publish"),
    path("<uuid:public_id>/retire/", views.track_retire_view, name="retire"),
    path("panel/<uuid:debtor_id>/", views.script_panel_view, name="panel"),
]

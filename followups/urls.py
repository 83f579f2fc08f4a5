from django.urls import path

from . import views

app_name = "followups"

urlpatterns = [
    path("sends/", views.sends_view, name="sends"),
    path("cadences/", views.cadence_list_view, name="cadences"),
    path("cadences/<str:debtor_type>/", views.cadence_edit_view, name="cadence-edit"),
    path("settings/", views.engine_settings_view, name="settings"),
    path("debtor/<uuid:public_id>/calendar/", views.debtor_calendar_view, name="calendar"),
    path("<uuid:public_id>/retry/", views.followup_retry_view, name="retry"),
    path("<uuid:public_id>/override/", views.followup_override_view, name="override"),
]

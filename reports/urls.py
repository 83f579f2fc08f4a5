from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path(
        "scripts/<uuid:public_id>/effectiveness/",
        views.track_effectiveness_fragment,
        name="track-effectiveness",
    ),
]

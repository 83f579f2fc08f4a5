from django.urls import path

from .optout import opt_out_view

app_name = "optout"

urlpatterns = [path("o/<str:token>/", opt_out_view, name="opt_out")]

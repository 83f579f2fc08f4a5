from django.urls import path

from . import views

app_name = "debtors"
urlpatterns = [
    path("", views.debtor_list_view, name="list"),
    path("<uuid:public_id>/", views.debtor_detail_view, name="detail"),
]

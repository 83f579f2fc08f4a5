from django.urls import path

from . import payment_views, views

app_name = "imports"
urlpatterns = [
    path("", views.import_list_view, name="list"),
    path("payments/", payment_views.payment_upload_view, name="payments_upload"),
    path("payments/<uuid:public_id>/", payment_views.payment_detail_view, name="payments_detail"),
    path(
        "payments/<uuid:public_id>/commit/",
        payment_views.payment_commit_view,
        name="payments_commit",
    ),
    path("<uuid:public_id>/", views.import_detail_view, name="detail"),
    path("<uuid:public_id>/commit/", views.import_commit_view, name="commit"),
    path("<uuid:public_id>/undo/", views.import_undo_view, name="undo"),
    path("<uuid:public_id>/map/", views.import_mapping_view, name="map"),
    path("<uuid:public_id>/problems.csv", views.import_problems_csv_view, name="problems"),
]

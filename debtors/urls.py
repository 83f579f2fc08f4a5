from django.urls import path

from . import views

app_name = "debtors"
# The detail page is added by the project's urls.py: it is served by followups,
# which may read debtors but not the other way round.
urlpatterns = [
    path("", views.debtor_list_view, name="list"),
]

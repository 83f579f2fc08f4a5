"""The collector's pages over debtors: the list and the debtor's page (the
workspace: timeline, invoices, planned steps, script panel and the forms)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from debtors.forms import DebtorFilterForm
from debtors.permissions import debtor_get_for_user
from debtors.selectors import DebtorFilters, debtor_list

from .workspace_views import workspace_context

PAGE_SIZE = 50


@require_GET
@login_required
def debtor_list_view(request):
    form = DebtorFilterForm(request.GET or None)
    filters = DebtorFilters(**form.cleaned_data) if form.is_valid() else DebtorFilters()
    page = Paginator(debtor_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "desk/debtors.html#results" if request.htmx else "desk/debtors.html"
    response = render(request, template, {"form": form, "page": page})
    response["Vary"] = "HX-Request"
    return response


@require_GET
@login_required
def debtor_detail_view(request, public_id):
    """The debtor's page: contacts, invoices, timeline, planned steps, aging,
    local time, checklist, script panel and the outcome form."""
    debtor = debtor_get_for_user(request.user, public_id)
    # Contacts, invoices, timeline, planned steps, aging, local time, checklist,
    # script panel and the outcome form, in a fixed number of queries.
    return render(request, "desk/debtor.html", workspace_context(request, debtor))

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import DebtorFilterForm
from .selectors import DebtorFilters, debtor_list

PAGE_SIZE = 50


@require_GET
@login_required
def debtor_list_view(request):
    form = DebtorFilterForm(request.GET or None)
    filters = DebtorFilters(**form.cleaned_data) if form.is_valid() else DebtorFilters()
    page = Paginator(debtor_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "debtors/list.html#results" if request.htmx else "debtors/list.html"
    response = render(request, template, {"form": form, "page": page})
    response["Vary"] = "HX-Request"
    return response

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from debtors.permissions import debtor_get_for_user
from debtors.selectors import debtor_invoices

from .selectors import debtor_timeline


@require_GET
@login_required
def debtor_detail_view(request, public_id):
    """The debtor's page: lives here because its timeline reads interactions,
    promises and disputes together (followups sits above debtors)."""
    debtor = debtor_get_for_user(request.user, public_id)
    context = {
        "debtor": debtor,
        "contacts": list(debtor.contacts.all()),
        "invoices": list(debtor_invoices(debtor=debtor)),
        "timeline": debtor_timeline(debtor=debtor, limit=30),
    }
    return render(request, "debtors/detail.html", context)

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import Debtor, Invoice
from .permissions import debtor_queryset_for_user


@dataclass(frozen=True)
class DebtorFilters:
    search: str = ""
    debtor_type: str = ""
    status: str = ""


def debtor_list(*, user: User, filters: DebtorFilters | None = None) -> QuerySet[Debtor]:
    """The user's debtors, highest priority first; reads summary columns only."""
    filters = filters or DebtorFilters()
    qs = debtor_queryset_for_user(user).select_related("assigned_collector")
    if filters.search:
        qs = qs.filter(Q(name__icontains=filters.search) | Q(code__icontains=filters.search))
    if filters.debtor_type:
        qs = qs.filter(debtor_type=filters.debtor_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-priority_score", "name", "id")


def debtor_invoices(*, debtor: Debtor) -> QuerySet[Invoice]:
    return debtor.invoices.order_by("due_date", "number")

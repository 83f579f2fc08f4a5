from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

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


@dataclass(frozen=True)
class PortfolioTotals:
    debtors: int
    open_balance: Decimal
    overdue_balance: Decimal


def portfolio_totals(*, debtors: QuerySet[Debtor]) -> PortfolioTotals:
    row = debtors.aggregate(
        n=Count("id"), open=Sum("open_balance"), overdue=Sum("overdue_balance")
    )
    return PortfolioTotals(
        debtors=row["n"] or 0,
        open_balance=row["open"] or Decimal("0"),
        overdue_balance=row["overdue"] or Decimal("0"),
    )


def team_overview(*, manager: User) -> list[dict]:
    """One row per collector in the manager's team (or every collector for admins)."""
    collectors = User.objects.filter(role=User.Role.COLLECTOR, is_active=True)
    if not manager.is_admin_role:
        collectors = collectors.filter(team_id=manager.team_id) if manager.team_id else (
            collectors.none())
    rows = (
        collectors.annotate(
            debtor_count=Count("portfolio"),
            open_total=Sum("portfolio__open_balance"),
            overdue_total=Sum("portfolio__overdue_balance"),
        )
        .order_by("-overdue_total", "username")
    )
    return [
        {
            "collector": c,
            "debtors": c.debtor_count,
            "open_balance": c.open_total or Decimal("0"),
            "overdue_balance": c.overdue_total or Decimal("0"),
        }
        for c in rows
    ]

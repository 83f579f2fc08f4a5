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
class CurrencyTotal:
    currency: str
    open_balance: Decimal
    overdue_balance: Decimal


@dataclass(frozen=True)
class PortfolioTotals:
    debtors: int
    by_currency: list[CurrencyTotal]


def portfolio_totals(*, debtors: QuerySet[Debtor]) -> PortfolioTotals:
    """Counts and balances; money is summed per currency, never across."""
    rows = (
        debtors.order_by()
        .values("currency")
        .annotate(n=Count("id"), open=Sum("open_balance"), overdue=Sum("overdue_balance"))
        .order_by("-overdue")
    )
    rows = list(rows)
    return PortfolioTotals(
        debtors=sum(r["n"] for r in rows),
        by_currency=[
            CurrencyTotal(r["currency"], r["open"] or Decimal("0"), r["overdue"] or Decimal("0"))
            for r in rows
        ],
    )


def team_overview(*, manager: User) -> list[dict]:
    """One row per collector in the manager's team (every collector for admins),
    with debtor counts and balances per currency."""
    collectors = User.objects.filter(role=User.Role.COLLECTOR, is_active=True)
    if not manager.is_admin_role:
        collectors = (
            collectors.filter(team_id=manager.team_id) if manager.team_id else collectors.none()
        )
    collectors = list(collectors.order_by("username"))
    sums = (
        Debtor.objects.filter(assigned_collector__in=collectors)
        .order_by()
        .values("assigned_collector_id", "currency")
        .annotate(n=Count("id"), open=Sum("open_balance"), overdue=Sum("overdue_balance"))
    )
    per_collector: dict[int, dict] = {
        c.pk: {"collector": c, "debtors": 0, "balances": []} for c in collectors
    }
    for r in sums:
        row = per_collector[r["assigned_collector_id"]]
        row["debtors"] += r["n"]
        row["balances"].append(
            CurrencyTotal(r["currency"], r["open"] or Decimal("0"), r["overdue"] or Decimal("0"))
        )
    return sorted(per_collector.values(), key=lambda row: -row["debtors"])

"""Figures for the start pages of managers and admins: the portfolio's
counts and balances, and one row per collector. Money is summed per currency,
never across."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from accounts.models import User
from debtors.models import Debtor


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

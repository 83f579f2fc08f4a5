"""Who sees which report. Figures are always scoped by
``debtors.permissions.debtor_scope``; these functions say which pages a role
gets at all.

- Managers (with a team) and admins: everything, for their scope.
- Finance: the receivable figures (overview, aging, forecast, exports of
  those), never the collector-performance pages (team, types, scripts,
  timing) or a collector filter.
- Collectors: their own month only.
"""

from django.http import Http404

from accounts.models import User


def is_manager_or_admin(user: User) -> bool:
    return user.is_authenticated and (
        user.is_admin_role or (user.role == User.Role.MANAGER and user.team_id is not None)
    )


def can_see_receivables(user: User) -> bool:
    return is_manager_or_admin(user) or (user.is_authenticated and user.role == User.Role.FINANCE)


def can_see_performance(user: User) -> bool:
    return is_manager_or_admin(user)


def can_see_own_month(user: User) -> bool:
    return user.is_authenticated and user.role == User.Role.COLLECTOR


def require(allowed: bool) -> None:
    """404 for a report the user may not see, as if it did not exist."""
    if not allowed:
        raise Http404

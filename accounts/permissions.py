from django.core.exceptions import PermissionDenied

from .models import User


def user_can_write_debtors(user: User) -> bool:
    """Finance reads every debtor but changes them only through imports."""
    return user.is_authenticated and (
        user.is_admin_role or user.role in (User.Role.COLLECTOR, User.Role.MANAGER)
    )


def require_role(user: User, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of the roles (admins hold all)."""
    if not user.is_authenticated or not (user.is_admin_role or user.role in roles):
        raise PermissionDenied

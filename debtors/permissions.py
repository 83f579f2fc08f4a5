"""Who may see and change which debtor. Every view, API and task that acts for a
user gets debtors through these functions."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import user_can_write_debtors

from .models import Debtor


def debtor_queryset_for_user(user: User) -> QuerySet[Debtor]:
    """Collectors: their own portfolio. Managers: their team's. Finance, admins: all."""
    qs = Debtor.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_admin_role or user.role == User.Role.FINANCE:
        return qs
    if user.role == User.Role.MANAGER:
        return qs.filter(team_id=user.team_id) if user.team_id else qs.none()
    if user.role == User.Role.COLLECTOR:
        return qs.filter(assigned_collector=user)
    return qs.none()


def debtor_get_for_user(user: User, public_id, *, write: bool = False) -> Debtor:
    """The debtor, or 404 when the user may not see it; 403 when they may see
    but not change it."""
    try:
        debtor = (
            debtor_queryset_for_user(user)
            .select_related("assigned_collector", "team", "type_set_by")
            .get(public_id=public_id)
        )
    except (Debtor.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write and not user_can_write_debtors(user):
        raise PermissionDenied
    return debtor


def user_can_import(user: User) -> bool:
    """Finance and admins import aging reports and payment files."""
    return user.is_authenticated and (user.is_admin_role or user.role == User.Role.FINANCE)


def import_batch_get_for_user(user: User, public_id, *, kind: str):
    """An import batch of this kind, or 404 for anyone who may not import."""
    from .models import ImportBatch

    if not user_can_import(user):
        raise Http404
    try:
        return ImportBatch.objects.select_related("created_by").get(public_id=public_id, kind=kind)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc

"""Who may see and change follow-ups and the engine's settings, and who works the queue."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from debtors.permissions import debtor_queryset_for_user

from .models import FollowUp


def user_manages_engine(user: User) -> bool:
    """Managers and admins edit cadences, choose the policy pack, see all sends
    of their debtors and lift a limit for one attempt."""
    return user.is_authenticated and (user.is_admin_role or user.role == User.Role.MANAGER)


def user_works_queue(user: User) -> bool:
    """Collectors work the call queue; managers have one for the steps assigned to them."""
    return user.is_authenticated and user.role in (User.Role.COLLECTOR, User.Role.MANAGER)


def followup_queryset_for_user(user: User) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(debtor__in=debtor_queryset_for_user(user))


def followup_get_for_user(user: User, public_id) -> FollowUp:
    try:
        return followup_queryset_for_user(user).select_related("debtor").get(public_id=public_id)
    except (FollowUp.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc

"""Who may see and change which debtor. Every view, API and task that acts for a
user gets debtors through these functions."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import user_can_write_debtors

from .models import Debtor


@dataclass(frozen=True)
class DebtorScope:
    """The debtors a user may see, as one condition on the debtor: all of them,
    none, one team's (``team_id``) or one collector's (``collector_id``). The
    ORM reads it as :meth:`q`, hand-written SQL as :meth:`sql`; the test in
    tests/debtors/test_scope_parity.py holds the two equal for every persona."""

    everyone: bool = False
    team_id: int | None = None
    collector_id: int | None = None

    def q(self) -> Q:
        """The scope as a filter on ``Debtor``."""
        if self.everyone:
            return Q()
        if self.team_id is not None:
            return Q(team_id=self.team_id)
        if self.collector_id is not None:
            return Q(assigned_collector_id=self.collector_id)
        return Q(pk__in=[])

    def sql(self, alias: str) -> tuple[str, dict]:
        """The scope as a condition on the debtor table aliased ``alias``, with
        its named parameters (``%(scope_…)s``, for a dict of parameters)."""
        if self.everyone:
            return "1 = 1", {}
        if self.team_id is not None:
            return f"{alias}.team_id = %(scope_team)s", {"scope_team": self.team_id}
        if self.collector_id is not None:
            return (
                f"{alias}.assigned_collector_id = %(scope_collector)s",
                {"scope_collector": self.collector_id},
            )
        return "1 = 0", {}


NOBODY = DebtorScope()


def debtor_scope(user: User | AnonymousUser) -> DebtorScope:
    """Collectors: their own portfolio. Managers: their team's (none without a
    team). Finance, admins and superusers: all. Inactive or anonymous users and
    any other role: none."""
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    if user.is_admin_role or user.role == User.Role.FINANCE:
        return DebtorScope(everyone=True)
    if user.role == User.Role.MANAGER:
        return DebtorScope(team_id=user.team_id) if user.team_id else NOBODY
    if user.role == User.Role.COLLECTOR:
        return DebtorScope(collector_id=user.pk)
    return NOBODY


def debtor_queryset_for_user(user: User) -> QuerySet[Debtor]:
    """The debtors the user may see (:func:`debtor_scope`)."""
    return Debtor.objects.filter(debtor_scope(user).q())


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

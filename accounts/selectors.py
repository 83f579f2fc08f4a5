"""Reads of users and teams that other apps rely on."""

from django.db.models import QuerySet

from .models import User


def team_managers() -> QuerySet[User]:
    """Active managers who lead a team, the team's manager first in each team."""
    return User.objects.filter(
        role=User.Role.MANAGER, is_active=True, team__isnull=False
    ).order_by("team_id", "id")


def team_manager(team_id: int | None) -> User | None:
    """The team's manager: its longest-standing active manager (lowest id).
    None for no team or a team without an active manager."""
    if not team_id:
        return None
    return team_managers().filter(team_id=team_id).first()


def team_manager_ids() -> dict[int, int]:
    """team id -> the id of ``team_manager(team id)``, for every team at once."""
    chosen: dict[int, int] = {}
    for team_id, user_id in team_managers().values_list("team_id", "id"):
        chosen.setdefault(team_id, user_id)
    return chosen

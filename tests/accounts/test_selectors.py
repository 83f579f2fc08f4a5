"""The team's manager: one rule, used by escalation, disputes and planning."""

import pytest

from accounts.models import User
from accounts.selectors import team_manager, team_manager_ids
from tests.accounts.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_longest_standing_active_manager_leads_the_team():
    team, other = TeamFactory(), TeamFactory()
    first = UserFactory(role=User.Role.MANAGER, team=team)
    UserFactory(role=User.Role.MANAGER, team=team)  # a second manager, joined later
    UserFactory(role=User.Role.COLLECTOR, team=team)
    gone = UserFactory(role=User.Role.MANAGER, team=other, is_active=False)
    assert team_manager(team.pk) == first
    assert team_manager(other.pk) is None and gone.pk not in team_manager_ids().values()
    assert team_manager(None) is None


def test_the_bulk_lookup_agrees_with_the_single_one():
    teams = [TeamFactory() for _ in range(3)]
    for team in teams[:2]:
        UserFactory(role=User.Role.MANAGER, team=team)
        UserFactory(role=User.Role.MANAGER, team=team)
    ids = team_manager_ids()
    for team in teams:
        single = team_manager(team.pk)
        assert ids.get(team.pk) == (single.pk if single else None)

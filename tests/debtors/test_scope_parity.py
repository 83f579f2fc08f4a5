"""The access scope as the ORM reads it (debtor_queryset_for_user) and as the
hand-written SQL reads it (the call queue) gives the same debtors to everyone."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts.models import User
from debtors.models import Debtor
from debtors.permissions import debtor_queryset_for_user, debtor_scope
from tests.accounts.factories import TeamFactory, UserFactory
from tests.debtors.factories import DebtorFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def people():
    """Personas by name, and the debtors each may see by code."""
    with time_machine.travel(MONDAY, tick=False):
        east, west = TeamFactory(name="East"), TeamFactory(name="West")
        alice = UserFactory(username="alice", role=User.Role.COLLECTOR, team=east)
        walt = UserFactory(username="walt", role=User.Role.COLLECTOR, team=west)
        ivy = UserFactory(username="ivy", role=User.Role.COLLECTOR, team=east, is_active=False)
        people = {
            "collector_a": alice,
            "collector_b_other_team": walt,
            "manager": UserFactory(username="mona", role=User.Role.MANAGER, team=east),
            "manager_without_team": UserFactory(username="nina", role=User.Role.MANAGER, team=None),
            "finance": UserFactory(username="fay", role=User.Role.FINANCE, team=None),
            "admin_role": UserFactory(username="ada", role=User.Role.ADMIN, team=None),
            "superuser": UserFactory(
                username="sue", role=User.Role.COLLECTOR, team=west, is_superuser=True
            ),
            "inactive_collector": ivy,
            "anonymous": AnonymousUser(),
        }
        DebtorFactory(code="E-ALICE", assigned_collector=alice, team=east)
        DebtorFactory(code="E-ALICE-2", assigned_collector=alice, team=east)
        DebtorFactory(code="E-IVY", assigned_collector=ivy, team=east)
        DebtorFactory(code="E-NOBODY", assigned_collector=None, team=east)
        DebtorFactory(code="W-WALT", assigned_collector=walt, team=west)
        DebtorFactory(code="X-NO-TEAM", assigned_collector=None, team=None)
    everyone = {"E-ALICE", "E-ALICE-2", "E-IVY", "E-NOBODY", "W-WALT", "X-NO-TEAM"}
    visible = {
        "collector_a": {"E-ALICE", "E-ALICE-2"},
        "collector_b_other_team": {"W-WALT"},
        "manager": {"E-ALICE", "E-ALICE-2", "E-IVY", "E-NOBODY"},
        "manager_without_team": set(),
        "finance": everyone,
        "admin_role": everyone,
        "superuser": everyone,
        "inactive_collector": set(),
        "anonymous": set(),
    }
    return people, visible


PERSONAS = [
    "collector_a",
    "collector_b_other_team",
    "manager",
    "manager_without_team",
    "finance",
    "admin_role",
    "superuser",
    "inactive_collector",
    "anonymous",
]


def _ids_in_sql(user) -> set[int]:
    condition, params = debtor_scope(user).sql("d")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.id FROM {Debtor._meta.db_table} d WHERE {condition}", params)
        return {pk for (pk,) in cursor.fetchall()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queryset_and_the_sql_condition_give_the_same_debtors(people, persona):
    users, visible = people
    user = users[persona]
    from_queryset = set(debtor_queryset_for_user(user).values_list("id", flat=True))
    assert from_queryset == _ids_in_sql(user)
    codes = set(Debtor.objects.filter(id__in=from_queryset).values_list("code", flat=True))
    assert codes == visible[persona]

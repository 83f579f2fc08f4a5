"""The people and settings a demo book needs before its rows: the demo users
and their teams, the contact policy packs, and the check that the database has
no book yet."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError

from accounts.models import Language, Team, User
from debtors.models import Debtor
from followups.defaults import POLICY_PACKS
from followups.models import ContactPolicy

from .state import Staff

DEMO_PASSWORD = "demo12345"
# Team names are data, shown as typed in every language. Demo users read
# English or Chinese, so the demo teams are named in both, as a bilingual
# company would name them.
EAST, NORTH_AMERICA = "华东 East China", "北美 North America"
# username: role, team, language, time zone, first name, last name
DEMO_USERS: dict[str, tuple[str, str | None, str, str, str, str]] = {
    "admin": (User.Role.ADMIN, None, Language.EN, "Asia/Shanghai", "Alex", "Admin"),
    "manager": (User.Role.MANAGER, EAST, Language.EN, "Asia/Shanghai", "Jing", "Chen"),
    "collector": (User.Role.COLLECTOR, EAST, Language.EN, "Asia/Shanghai", "Yang", "Liu"),
    "collector2": (User.Role.COLLECTOR, EAST, Language.ZH_HANS, "Asia/Shanghai", "伟", "张"),
    "finance": (User.Role.FINANCE, None, Language.EN, "Asia/Shanghai", "Min", "Zhou"),
    "manager2": (
        User.Role.MANAGER,
        NORTH_AMERICA,
        Language.EN,
        "America/New_York",
        "Sarah",
        "Mitchell",
    ),
    "collector3": (
        User.Role.COLLECTOR,
        NORTH_AMERICA,
        Language.EN,
        "America/New_York",
        "David",
        "Ortiz",
    ),
}

POLICIES = POLICY_PACKS


def refuse_if_seeded() -> None:
    taken = list(User.objects.filter(username__in=DEMO_USERS).values_list("username", flat=True))
    if taken or Debtor.objects.exists():
        found = f"users {', '.join(sorted(taken))}" if taken else "debtors"
        raise CommandError(
            f"The database already has {found}; seed_demo only loads into a database without "
            "debtors or demo users. Use --if-empty to skip quietly."
        )


def create_staff(*, today: dt.date) -> Staff:
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in (EAST, NORTH_AMERICA)}
    password = make_password(DEMO_PASSWORD)  # hashed once for every demo user
    joined = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=400)
    users = {}
    for username, (role, team, language, tz, first, last) in DEMO_USERS.items():
        users[username] = User(
            username=username,
            password=password,
            role=role,
            team=teams[team] if team else None,
            language=language,
            timezone=tz,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            is_staff=role == User.Role.ADMIN,
            is_superuser=role == User.Role.ADMIN,
            date_joined=joined,
        )
    User.objects.bulk_create(users.values())
    ids = dict(User.objects.filter(username__in=DEMO_USERS).values_list("username", "id"))
    return Staff(
        team_east=teams[EAST].pk,
        team_na=teams[NORTH_AMERICA].pk,
        collector=ids["collector"],
        collector2=ids["collector2"],
        collector3=ids["collector3"],
        manager=ids["manager"],
        manager2=ids["manager2"],
        finance=ids["finance"],
    )


def create_policies() -> int:
    created = 0
    for pack, values in POLICIES.items():
        _, was_created = ContactPolicy.objects.get_or_create(
            pack=pack, debtor_type="", defaults=values
        )
        created += was_created
    return created

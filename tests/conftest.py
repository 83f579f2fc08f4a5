import datetime as dt
import os
from dataclasses import dataclass

import pytest
import time_machine

from accounts.models import Team, User
from debtors.models import Debtor

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.accounts.factories import TeamFactory, UserFactory  # noqa: E402
from tests.debtors.factories import DebtorFactory  # noqa: E402

# A date bomb (data made at the real "now" and read at a fixed date, a fixed date
# that was "the future" when written) fails today, not next month: with
# CRM_TEST_CLOCK_AHEAD_DAYS set, the whole session runs that many days ahead, the
# clock still ticking. Tests that freeze their own clock are unaffected; scripts/
# test.sh runs the time-sensitive tests a second time this way.
CLOCK_AHEAD_DAYS = int(os.environ.get("CRM_TEST_CLOCK_AHEAD_DAYS") or 0)


@pytest.fixture(autouse=True, scope="session")
def _clock_ahead():
    if not CLOCK_AHEAD_DAYS:
        yield
        return
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(days=CLOCK_AHEAD_DAYS)
    with time_machine.travel(ahead, tick=True):
        yield


@dataclass
class Personas:
    team: Team
    other_team: Team
    collector_a: User
    collector_b: User
    manager: User
    other_manager: User
    finance: User
    admin: User
    debtor_a: Debtor
    debtor_b: Debtor
    debtor_other_team: Debtor

    def all_users(self) -> dict[str, User]:
        return {
            "collector_a": self.collector_a,
            "collector_b": self.collector_b,
            "manager": self.manager,
            "other_manager": self.other_manager,
            "finance": self.finance,
            "admin": self.admin,
        }


@pytest.fixture
def personas(db) -> Personas:
    """Collector A and B and their manager in one team, a manager of another
    team, finance and an admin; one debtor for each collector and one in the
    other team."""
    team = TeamFactory(name="East")
    other_team = TeamFactory(name="West")
    collector_a = UserFactory(username="alice", role=User.Role.COLLECTOR, team=team)
    collector_b = UserFactory(username="bob", role=User.Role.COLLECTOR, team=team)
    collector_c = UserFactory(username="carol", role=User.Role.COLLECTOR, team=other_team)
    return Personas(
        team=team,
        other_team=other_team,
        collector_a=collector_a,
        collector_b=collector_b,
        manager=UserFactory(username="mona", role=User.Role.MANAGER, team=team),
        other_manager=UserFactory(username="walt", role=User.Role.MANAGER, team=other_team),
        finance=UserFactory(username="fay", role=User.Role.FINANCE),
        admin=UserFactory(username="ada", role=User.Role.ADMIN, is_staff=True, is_superuser=True),
        debtor_a=DebtorFactory(
            code="A-1", name="Alpha Trading", assigned_collector=collector_a, team=team
        ),
        debtor_b=DebtorFactory(
            code="B-1", name="Beta Metals", assigned_collector=collector_b, team=team
        ),
        debtor_other_team=DebtorFactory(
            code="W-1", name="Westwind Foods", assigned_collector=collector_c, team=other_team
        ),
    )


from tests.browser import browser, page  # noqa: E402,F401  (fixtures for browser tests)
from tests.worker import start_worker  # noqa: E402,F401  (a real Celery worker)


@pytest.fixture(autouse=True)
def _fresh_followup_state():
    """Each test starts with an empty SMS outbox, re-reads the contact policy
    (cached for 30 s per process) and speaks the default language."""
    from django.conf import settings
    from django.utils import translation

    from followups.channels import sms
    from followups.policy import policy_cache_clear

    sms.outbox.clear()
    policy_cache_clear()
    # A request through the test client leaves its language active in this
    # thread; each test starts in the site's default.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    sms.outbox.clear()
    translation.activate(settings.LANGUAGE_CODE)

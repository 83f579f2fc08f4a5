import pytest
import time_machine
from django.db import transaction

from .helpers import NOW, seed


@pytest.fixture(autouse=True)
def _frozen():
    """The book is aged against `helpers.TODAY` and seeded at `helpers.NOW`."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def book(django_db_setup, django_db_blocker):
    """A small book, seeded the portable way (every database), once per module:
    the module's tests read it inside a transaction that is rolled back at the
    end (each test in a savepoint of its own). A module that uses it seeds
    nothing else."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        output = seed(debtors=80, seed=7, method="insert")
        yield output
        transaction.set_rollback(True)

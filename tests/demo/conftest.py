import pytest

from .helpers import seed


@pytest.fixture
def book(db):
    """A small book, seeded the portable way (every database)."""
    output = seed(debtors=80, seed=7, method="insert")
    return output

import pytest
import time_machine

from reports.rollups import rebuild

from .books import NOW, november_book


@pytest.fixture
def book(personas):
    """The November book with its rollups built, the clock at NOW."""
    with time_machine.travel(NOW, tick=False):
        november_book(personas)
        rebuild()
        yield personas

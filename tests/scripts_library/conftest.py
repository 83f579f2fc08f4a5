import pytest

from scripts_library.loader import load_content


@pytest.fixture(scope="session", autouse=True)
def _shipped_content_committed(django_db_setup, django_db_blocker):
    """Load the library once per session, committed: a transactional test
    elsewhere may have flushed a reused test database."""
    with django_db_blocker.unblock():
        load_content()


@pytest.fixture(autouse=True)
def shipped_content(request):
    """The shipped library, as the data migration leaves it. Checked again per
    test (a few queries) because transactional tests flush every table."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    load_content()

"""Fixtures for the follow-up tests."""

import pytest


@pytest.fixture(autouse=True)
def _engine_defaults(request, _django_db_marker):
    """The contact policy packs, cadences and talk tracks the migrations install. A test
    with a real transaction flushes the tables afterwards, so put them back
    for every test that uses the database."""
    names = set(request.fixturenames)
    if not (request.node.get_closest_marker("django_db") or names & {"db", "transactional_db"}):
        return
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    from django.db import connection

    from followups.defaults import CADENCES, POLICY_PACKS, defaults_install
    from scripts_library.loader import load_content

    with connection.cursor() as cursor:  # one look; most tests find it all there
        cursor.execute(
            "SELECT (SELECT count(*) FROM followups_contactpolicy WHERE debtor_type = ''),"
            " (SELECT count(*) FROM followups_cadence),"
            " EXISTS (SELECT 1 FROM scripts_library_talktrack)"
        )
        policies, cadences, tracks = cursor.fetchone()
    if policies < len(POLICY_PACKS) or cadences < len(CADENCES):
        defaults_install()
    if not tracks:
        load_content()

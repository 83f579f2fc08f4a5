"""The queue API and the Idempotency-Key layer every logging POST uses."""


import pytest
import time_machine
from rest_framework.test import APIClient

from followups.models import DebtorClaim
from tests.followups.test_queue import TUESDAY_10, _call, _debtor

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    client = APIClient()
    client.force_authenticate(personas.collector_a)
    return client


def test_the_queue_api_lists_claims_and_releases(api, personas):
    with time_machine.travel(TUESDAY_10, tick=False):
        debtor = _debtor(personas.collector_a, name="Api Co")
        _call(debtor)
        body = api.get("/api/queue/").json()
        assert body["left"] == 1 and body["items"][0]["debtor_name"] == "Api Co"
        assert {c["code"] for c in body["items"][0]["chips"]} >= {"dunning_step", "overdue"}

        taken = api.post("/api/queue/next/", HTTP_X_CLAIM_HOLDER="phone")
        assert taken.status_code == 200 and taken.json()["debtor"] == str(debtor.public_id)
        # Another device of the same user does not get the same debtor.
        assert api.post("/api/queue/next/", HTTP_X_CLAIM_HOLDER="tablet").status_code == 204
        assert api.post("/api/queue/release/", HTTP_X_CLAIM_HOLDER="phone").json() == {
            "released": 1
        }
        assert not DebtorClaim.objects.exists()


def test_the_queue_api_is_closed_to_finance_and_anonymous(personas):
    client = APIClient()
    assert client.get("/api/queue/").status_code in (401, 403)
    client.force_authenticate(personas.finance)
    assert client.get("/api/queue/").status_code == 404
    assert client.post("/api/queue/next/").status_code == 404

"""The queue API and the Idempotency-Key layer every logging POST uses."""

import threading

import pytest
import time_machine
from django.db import connections
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import AuditEvent
from followups.idempotency import idempotent
from followups.models import DebtorClaim, IdempotentRequest
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


# ------------------------------------------------------------------ idempotency


class _Echo(APIView):
    """Writes one audit row per request that gets through."""

    @idempotent
    def post(self, request):
        if request.data.get("fail"):
            return Response({"detail": "bad"}, status=400)
        AuditEvent.objects.create(
            actor=request.user,
            action="test.echo",
            target_type="test",
            target_id="00000000-0000-0000-0000-000000000000",
        )
        return Response({"n": AuditEvent.objects.filter(action="test.echo").count()}, status=201)


urlpatterns = [path("echo/", _Echo.as_view())]


@pytest.mark.urls(__name__)
def test_a_retried_post_acts_once_and_replays_the_answer(api):
    first = api.post("/echo/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/echo/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {"n": 1}
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="test.echo").count() == 1
    # Without a key every POST acts.
    api.post("/echo/", {"x": 1}, format="json")
    assert AuditEvent.objects.filter(action="test.echo").count() == 2


@pytest.mark.urls(__name__)
def test_a_key_reused_for_another_body_is_refused(api):
    api.post("/echo/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = api.post("/echo/", {"x": 2}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 422
    assert AuditEvent.objects.filter(action="test.echo").count() == 1


@pytest.mark.urls(__name__)
def test_a_refused_request_leaves_the_key_free(api):
    bad = api.post("/echo/", {"fail": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == 400 and not IdempotentRequest.objects.exists()
    good = api.post("/echo/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert good.status_code == 201


@pytest.mark.urls(__name__)
def test_keys_belong_to_one_user(api, personas):
    api.post("/echo/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    bob = APIClient()
    bob.force_authenticate(personas.collector_b)
    assert bob.post("/echo/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-4").json() == {
        "n": 2
    }


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_two_retries_racing_act_once(personas):
    barrier = threading.Barrier(2)
    codes = []

    def send():
        client = APIClient()
        client.force_authenticate(personas.collector_a)
        try:
            barrier.wait()
            response = client.post("/echo/", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="race")
            codes.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEvent.objects.filter(action="test.echo").count() == 1
    assert sorted(codes) in ([201, 201], [201, 409])

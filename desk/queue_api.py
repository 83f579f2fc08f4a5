"""The queue over the API: list, next (claim), release. Same rules as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from followups.permissions import user_works_queue
from followups.queue import QueueItem, claim_release, queue_for, queue_next

from .queue_views import queue_filters

HOLDER_HEADER = "X-Claim-Holder"


def api_holder(request) -> str:
    """A client names its claim holder (one per device or tab) in a header;
    without it, one holder per user."""
    raw = request.headers.get(HOLDER_HEADER, "").strip()[:40]
    return f"api:{request.user.pk}:{raw}"


class ChipSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()


class QueueItemSerializer(serializers.Serializer):
    debtor = serializers.UUIDField(source="debtor.public_id")
    debtor_code = serializers.CharField(source="debtor.code")
    debtor_name = serializers.CharField(source="debtor.name")
    debtor_type = serializers.CharField(source="debtor.debtor_type")
    overdue_balance = serializers.DecimalField(
        source="debtor.overdue_balance", max_digits=16, decimal_places=2
    )
    currency = serializers.CharField(source="debtor.currency")
    followup = serializers.UUIDField(source="followup.public_id")
    action = serializers.CharField(source="followup.action")
    reason = serializers.CharField(source="followup.reason")
    due_at = serializers.DateTimeField(source="followup.due_at")
    local_time = serializers.DateTimeField()
    score = serializers.IntegerField()
    callable_now = serializers.BooleanField()
    good_now = serializers.BooleanField()
    claimed_by_me = serializers.BooleanField()
    chips = ChipSerializer(many=True)


class QueueSerializer(serializers.Serializer):
    left = serializers.IntegerField()
    done_today = serializers.IntegerField()
    promised_today = serializers.IntegerField()
    items = QueueItemSerializer(many=True)


def _require_queue(user) -> None:
    if not user_works_queue(user):
        raise NotFound


class QueueApi(APIView):
    @extend_schema(responses=QueueSerializer)
    def get(self, request):
        _require_queue(request.user)
        queue = queue_for(
            request.user, filters=queue_filters(request.query_params), holder=api_holder(request)
        )
        return Response(QueueSerializer(queue).data)


class QueueNextApi(APIView):
    @extend_schema(request=None, responses={200: QueueItemSerializer, 204: None})
    def post(self, request):
        _require_queue(request.user)
        item: QueueItem | None = queue_next(
            user=request.user, holder=api_holder(request), filters=queue_filters(request.data)
        )
        if item is None:
            return Response(status=204)
        return Response(QueueItemSerializer(item).data)


class QueueReleaseApi(APIView):
    @extend_schema(request=None, responses={200: None})
    def post(self, request):
        _require_queue(request.user)
        released = claim_release(user=request.user, holder=api_holder(request))
        return Response({"released": released})

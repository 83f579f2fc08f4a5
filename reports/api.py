"""Follow-up figures over the API. For now: talk-track effectiveness per
version (managers and admins; same access rule as editing scripts)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from debtors.permissions import debtor_queryset_for_user
from scripts_library.permissions import track_get_for_user

from .effectiveness import (
    LOW_SAMPLE,
    PAY_WINDOW_DAYS,
    period_ending_today,
    track_family_comparison,
)


class RateSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    ci_low = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    ci_high = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    successes = serializers.IntegerField()
    n = serializers.IntegerField()
    low_sample = serializers.BooleanField()


class AmountsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    promised_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    kept_amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class VersionStatsSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="track.public_id")
    version = serializers.IntegerField(source="track.version")
    status = serializers.CharField(source="track.status")
    n = serializers.IntegerField()
    low_sample = serializers.BooleanField()
    uses = serializers.IntegerField()
    right_party_contacts = serializers.IntegerField()
    right_party_rate = RateSerializer()
    uses_with_promise = serializers.IntegerField()
    promises_made = serializers.IntegerField()
    promise_rate = RateSerializer()
    promises_kept = serializers.IntegerField()
    promises_partly_kept = serializers.IntegerField()
    promises_broken = serializers.IntegerField()
    promises_pending = serializers.IntegerField()
    kept_rate = RateSerializer()
    amounts = AmountsSerializer(many=True)
    paid_after_use = serializers.IntegerField()
    avg_days_to_pay = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


class VerdictSerializer(serializers.Serializer):
    metric = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["clear", "no_clear_difference", "not_enough_data"])
    leader = serializers.UUIDField(source="leader.public_id", allow_null=True, default=None)


class TrackStatsSerializer(serializers.Serializer):
    track = serializers.UUIDField()
    key = serializers.CharField()
    language = serializers.CharField()
    days = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    low_sample_below = serializers.IntegerField()
    pay_window_days = serializers.IntegerField()
    versions = VersionStatsSerializer(many=True)
    comparison = VerdictSerializer(many=True)


class TrackStatsApi(APIView):
    """Effectiveness of every version of a track's family over the last
    ``days`` days, for the caller's debtors. Rates are fractions with a 95 %
    Wilson interval; amounts are strings, per currency. Collectors and
    finance get 403, an unknown track 404."""

    class FilterSerializer(serializers.Serializer):
        days = serializers.IntegerField(min_value=1, max_value=3660, default=90)

    @extend_schema(parameters=[FilterSerializer], responses=TrackStatsSerializer)
    def get(self, request, public_id):
        # write=True: the editing rule (managers, admins); others 403, unknown 404.
        track = track_get_for_user(request.user, public_id, write=True)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        days = params.validated_data["days"]
        date_from, date_to = period_ending_today(days)
        comparison = track_family_comparison(
            track=track,
            debtors=debtor_queryset_for_user(request.user),
            date_from=date_from,
            date_to=date_to,
        )
        data = {
            "track": track.public_id,
            "key": track.key,
            "language": track.language,
            "days": days,
            "date_from": date_from,
            "date_to": date_to,
            "low_sample_below": LOW_SAMPLE,
            "pay_window_days": PAY_WINDOW_DAYS,
            "versions": comparison.rows,
            "comparison": comparison.verdicts,
        }
        return Response(TrackStatsSerializer(data).data)

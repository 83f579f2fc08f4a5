from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import debtor_get_for_user
from .selectors import DebtorFilters, debtor_list


class DebtorOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField()
    name = serializers.CharField()
    debtor_type = serializers.CharField()
    status = serializers.CharField()
    currency = serializers.CharField()
    open_balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    overdue_balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    max_days_past_due = serializers.IntegerField()
    oldest_due_date = serializers.DateField()
    priority_score = serializers.IntegerField()
    assigned_collector = serializers.CharField(
        source="assigned_collector.username", default=None, allow_null=True
    )


class DebtorListApi(ListAPIView):
    """The caller's debtors, highest priority first."""

    serializer_class = DebtorOutputSerializer

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, default="", max_length=100)
        debtor_type = serializers.CharField(required=False, default="", max_length=16)
        status = serializers.CharField(required=False, default="", max_length=16)

    def get_queryset(self):
        params = self.FilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return debtor_list(user=self.request.user, filters=DebtorFilters(**params.validated_data))


class DebtorDetailApi(APIView):
    serializer_class = DebtorOutputSerializer

    def get(self, request, public_id):
        debtor = debtor_get_for_user(request.user, public_id)
        return Response(DebtorOutputSerializer(debtor).data)

from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .aging import debtor_aging
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


class BucketAmountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    low = serializers.IntegerField(allow_null=True, help_text="Lowest days past due.")
    high = serializers.IntegerField(allow_null=True, help_text="Highest days past due.")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class CurrencyAgingSerializer(serializers.Serializer):
    """One currency's open invoices by days past due (``debtors.aging``)."""

    currency = serializers.CharField()
    buckets = BucketAmountSerializer(many=True)
    open_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    overdue_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    disputed_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    invoice_count = serializers.IntegerField()


class DebtorDetailOutputSerializer(DebtorOutputSerializer):
    """A debtor with the aging of its open invoices, per currency: ``aging``
    never adds currencies. (``open_balance`` and ``overdue_balance`` are the
    debtor's stored summary, labelled with ``currency``; they are only right
    when every invoice is in that currency: use ``aging`` for the figures.)"""

    aging = CurrencyAgingSerializer(many=True)


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
    serializer_class = DebtorDetailOutputSerializer

    def get(self, request, public_id):
        debtor = debtor_get_for_user(request.user, public_id)
        aging = CurrencyAgingSerializer(debtor_aging(debtor), many=True).data
        return Response({**DebtorOutputSerializer(debtor).data, "aging": aging})

"""Exchange rates over the API: the table (GET; managers, finance, admins)
and a new rate (POST; finance and admins). Others get 404, as on the pages;
a manager's POST gets 403 (they see the table but do not change it).
Included under ``/api/``: the names are ``api:exchange-rate-…``."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from .fx import base_currency
from .fx_services import CURRENCY_CODE, rate_create, user_can_edit_rates, user_can_view_rates
from .models import ExchangeRate


class ExchangeRateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    currency = serializers.CharField(help_text="ISO 4217 code.")
    valid_from = serializers.DateField(help_text="First day the rate applies.")
    rate = serializers.DecimalField(
        max_digits=18,
        decimal_places=8,
        help_text="Units of the base currency one unit of `currency` is worth.",
    )
    base_currency = serializers.SerializerMethodField()
    entered_by = serializers.CharField(source="entered_by.username", default=None, allow_null=True)
    created_at = serializers.DateTimeField()

    def get_base_currency(self, obj) -> str:
        return base_currency()


class ExchangeRateInputSerializer(serializers.Serializer):
    """Text in: the service checks every value (same rules as the pages)."""

    currency = serializers.CharField(max_length=8)
    valid_from = serializers.CharField(max_length=10, help_text="YYYY-MM-DD.")
    rate = serializers.CharField(max_length=32, help_text="A decimal number greater than 0.")


class ExchangeRateListApi(ListAPIView):
    """The rates, by currency and newest first; ``?currency=USD`` for one
    currency. A rate applies from ``valid_from`` until the same currency's
    next rate. POST adds a rate (finance and admins)."""

    serializer_class = ExchangeRateSerializer

    def get_queryset(self):
        if not user_can_view_rates(self.request.user):
            raise Http404
        rates = ExchangeRate.objects.select_related("entered_by")
        code = (self.request.query_params.get("currency") or "").strip().upper()
        if code:
            rates = rates.filter(currency=code if CURRENCY_CODE.fullmatch(code) else "")
        return rates

    @extend_schema(
        parameters=[OpenApiParameter("currency", str, description="Only this currency's rates.")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ExchangeRateInputSerializer, responses={201: ExchangeRateSerializer})
    def post(self, request):
        if not user_can_view_rates(request.user):
            raise Http404
        if not user_can_edit_rates(request.user):
            raise PermissionDenied
        data = ExchangeRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = rate_create(request.user, **data.validated_data)
        return Response(ExchangeRateSerializer(row).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("exchange-rates/", ExchangeRateListApi.as_view(), name="exchange-rate-list"),
]

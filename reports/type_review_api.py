"""The type review over the API: the pending type suggestions in the
caller's scope (GET), and confirming or dismissing several at once (POST).
Managers (their team) and admins only; collectors and finance get 404, as on
the page, and so does a list of ids with any suggestion outside the caller's
scope (nothing is decided then). Included under ``/api/reports/``
(reports.urls_api): the names are ``api:type-suggestion-…``."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from debtors.models import DebtorType
from followups.models import TypeSuggestion
from followups.type_review import (
    pending_suggestions,
    suggestions_confirm,
    suggestions_dismiss,
    suggestions_get_for_user,
    user_may_decide,
)
from followups.type_review_words import suggestion_text


def _require_decider(user) -> None:
    if not user_may_decide(user):
        raise Http404


class TypeSuggestionDebtorSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField()
    name = serializers.CharField()


class TypeSuggestionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    debtor = TypeSuggestionDebtorSerializer()
    current_type = serializers.ChoiceField(choices=DebtorType.choices)
    suggested_type = serializers.ChoiceField(choices=DebtorType.choices)
    reason = serializers.ChoiceField(choices=TypeSuggestion.Reason.choices)
    reason_text = serializers.SerializerMethodField(
        help_text="The reason in words, in the caller's language."
    )
    evidence = serializers.DictField(help_text="The facts the reason is told from.")
    created_at = serializers.DateTimeField()

    def get_reason_text(self, obj) -> str:
        return suggestion_text(obj)


class DecideInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=500, help_text="Suggestion ids."
    )


class DecideOutputSerializer(serializers.Serializer):
    decided = serializers.IntegerField(
        help_text="How many were decided; one already decided is skipped."
    )


class TypeSuggestionListApi(ListAPIView):
    """Pending suggestions in the caller's scope, newest first;
    ``?suggested_type=stalling`` for one type."""

    serializer_class = TypeSuggestionSerializer

    def get_queryset(self):
        _require_decider(self.request.user)
        chosen = self.request.query_params.get("suggested_type") or None
        return pending_suggestions(self.request.user, suggested_type=chosen)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "suggested_type",
                str,
                enum=[v for v in DebtorType.values if v != DebtorType.UNKNOWN],
                description="Only suggestions of this type.",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _decide(request, decide) -> Response:
    _require_decider(request.user)
    data = DecideInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    suggestions = suggestions_get_for_user(request.user, data.validated_data["ids"])
    n = decide(actor=request.user, suggestions=suggestions)
    return Response(DecideOutputSerializer({"decided": n}).data)


class TypeSuggestionConfirmApi(APIView):
    """Confirm these suggestions: each debtor takes the suggested type (as if
    a person changed it, audited)."""

    @extend_schema(request=DecideInputSerializer, responses=DecideOutputSerializer)
    def post(self, request):
        return _decide(request, suggestions_confirm)


class TypeSuggestionDismissApi(APIView):
    """Dismiss these suggestions: the debtors keep their type; the same
    signal is not suggested again for 90 days."""

    @extend_schema(request=DecideInputSerializer, responses=DecideOutputSerializer)
    def post(self, request):
        return _decide(request, suggestions_dismiss)


urlpatterns = [
    path("type-suggestions/", TypeSuggestionListApi.as_view(), name="type-suggestion-list"),
    path(
        "type-suggestions/confirm/",
        TypeSuggestionConfirmApi.as_view(),
        name="type-suggestion-confirm",
    ),
    path(
        "type-suggestions/dismiss/",
        TypeSuggestionDismissApi.as_view(),
        name="type-suggestion-dismiss",
    ),
]

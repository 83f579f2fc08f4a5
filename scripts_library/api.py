"""Script library API: one APIView per operation. Everyone signed in reads;
managers and admins write (through the same services as the pages)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Language
from debtors.models import Channel, DebtorType
from debtors.permissions import debtor_get_for_user

from .models import PublicationStatus, Stage
from .permissions import track_get_for_user, user_can_edit_scripts
from .rendering import track_render
from .selectors import (
    TrackFilters,
    objection_responses_for,
    render_context_for_debtor,
    track_list,
    track_select,
    track_version_diff,
    track_versions,
)
from .services import track_create, track_publish, track_retire, track_update
from .tone import tone_check


class TrackOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    key = serializers.CharField()
    debtor_type = serializers.CharField()
    stage = serializers.CharField()
    channel = serializers.CharField()
    language = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    guidance = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class MatchSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    severity = serializers.CharField()
    category = serializers.CharField()
    reason = serializers.CharField()
    suggestion = serializers.CharField()


class SavedTrackSerializer(TrackOutputSerializer):
    tone_warnings = MatchSerializer(many=True)


class VersionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    status = serializers.CharField()


class TrackDetailSerializer(TrackOutputSerializer):
    versions = VersionSerializer(many=True)


class RenderedSerializer(serializers.Serializer):
    track = serializers.UUIDField()
    text = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


class ObjectionAnswerSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    response = serializers.CharField(allow_null=True)
    response_type = serializers.CharField(allow_null=True)
    response_language = serializers.CharField(allow_null=True)


class PanelObjectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    response = serializers.CharField(allow_null=True)


class ScriptForDebtorSerializer(serializers.Serializer):
    track = TrackOutputSerializer(allow_null=True)
    text = serializers.CharField(allow_null=True)
    objections = PanelObjectionSerializer(many=True)


class ToneCheckSerializer(serializers.Serializer):
    matches = MatchSerializer(many=True)
    blocked = serializers.BooleanField()


def _require_editor(user) -> None:
    if not user_can_edit_scripts(user):
        raise PermissionDenied


def _saved(track) -> dict:
    data = TrackOutputSerializer(track).data
    data["tone_warnings"] = MatchSerializer(getattr(track, "tone_warnings", []), many=True).data
    return data


class TrackListApi(ListAPIView):
    """Tracks, filtered by type, stage, channel, language, status or text."""

    serializer_class = TrackOutputSerializer

    class FilterSerializer(serializers.Serializer):
        debtor_type = serializers.ChoiceField(choices=DebtorType.choices, required=False)
        stage = serializers.ChoiceField(choices=Stage.choices, required=False)
        channel = serializers.ChoiceField(choices=Channel.choices, required=False)
        language = serializers.ChoiceField(choices=Language.choices, required=False)
        status = serializers.ChoiceField(choices=PublicationStatus.choices, required=False)
        search = serializers.CharField(required=False, max_length=100)

    def get_queryset(self):
        params = self.FilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return track_list(filters=TrackFilters(**params.validated_data))


class TrackCreateApi(APIView):
    @extend_schema_serializer(component_name="TrackCreateInput")
    class InputSerializer(serializers.Serializer):
        key = serializers.SlugField(max_length=100)
        debtor_type = serializers.CharField(max_length=16)
        stage = serializers.CharField(max_length=16)
        channel = serializers.CharField(max_length=8)
        language = serializers.CharField(max_length=10)
        title = serializers.CharField(max_length=200)
        body = serializers.CharField(trim_whitespace=False)
        guidance = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: SavedTrackSerializer})
    def post(self, request):
        _require_editor(request.user)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        track = track_create(actor=request.user, **params.validated_data)
        return Response(_saved(track), status=201)


class TrackDetailApi(APIView):
    @extend_schema(responses=TrackDetailSerializer)
    def get(self, request, public_id):
        track = track_get_for_user(request.user, public_id)
        data = TrackOutputSerializer(track).data
        data["versions"] = [
            {"id": str(v.public_id), "version": v.version, "status": v.status}
            for v in track_versions(track=track)
        ]
        return Response(data)


class TrackUpdateApi(APIView):
    """Edit a track. A published version is kept; the answer is the new draft."""

    @extend_schema_serializer(component_name="TrackUpdateInput")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        body = serializers.CharField(required=False, trim_whitespace=False)
        guidance = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(
        request=InputSerializer, responses={200: SavedTrackSerializer, 201: SavedTrackSerializer}
    )
    def post(self, request, public_id):
        track = track_get_for_user(request.user, public_id, write=True)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        saved = track_update(actor=request.user, track=track, data=params.validated_data)
        return Response(_saved(saved), status=201 if saved.pk != track.pk else 200)


class TrackPublishApi(APIView):
    @extend_schema_serializer(component_name="TrackPublishInput")
    class InputSerializer(serializers.Serializer):
        ab_test = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses=TrackOutputSerializer)
    def post(self, request, public_id):
        track = track_get_for_user(request.user, public_id, write=True)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        track = track_publish(actor=request.user, track=track, **params.validated_data)
        return Response(TrackOutputSerializer(track).data)


class TrackRetireApi(APIView):
    @extend_schema(request=None, responses=TrackOutputSerializer)
    def post(self, request, public_id):
        track = track_get_for_user(request.user, public_id, write=True)
        track = track_retire(actor=request.user, track=track)
        return Response(TrackOutputSerializer(track).data)


class TrackDiffApi(APIView):
    """Unified diff from another version of the same family to this one."""

    class FilterSerializer(serializers.Serializer):
        against = serializers.UUIDField()

    @extend_schema(
        parameters=[FilterSerializer],
        responses=inline_serializer(
            "TrackDiff", {"diff": serializers.ListField(child=serializers.CharField())}
        ),
    )
    def get(self, request, public_id):
        track = track_get_for_user(request.user, public_id)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        other = track_get_for_user(request.user, params.validated_data["against"])
        if (other.key, other.language) != (track.key, track.language):
            raise serializers.ValidationError({"against": [_("Not a version of this track.")]})
        return Response({"diff": track_version_diff(old=other, new=track)})


class PromiseInputMixin(serializers.Serializer):
    debtor = serializers.UUIDField()
    promise_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    promise_date = serializers.DateField(required=False, allow_null=True)


class TrackRenderApi(APIView):
    """The track filled in for one debtor the caller may see (404 otherwise)."""

    class FilterSerializer(PromiseInputMixin):
        pass

    @extend_schema(parameters=[FilterSerializer], responses=RenderedSerializer)
    def get(self, request, public_id):
        track = track_get_for_user(request.user, public_id)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        debtor = debtor_get_for_user(request.user, params.validated_data["debtor"])
        context = render_context_for_debtor(
            debtor=debtor,
            collector=debtor.assigned_collector or request.user,
            promise_amount=params.validated_data.get("promise_amount"),
            promise_date=params.validated_data.get("promise_date"),
            language=track.language,
        )
        rendered = track_render(track=track, context=context)
        return Response(
            {"track": str(track.public_id), "text": rendered.text, "missing": rendered.missing}
        )


class ScriptForDebtorApi(APIView):
    """The track to use now for a debtor and stage, filled in, with the
    objection answers for the debtor's type."""

    class FilterSerializer(PromiseInputMixin):
        stage = serializers.ChoiceField(choices=Stage.choices, default=Stage.OPENING)
        channel = serializers.ChoiceField(choices=Channel.choices, required=False)

    @extend_schema(parameters=[FilterSerializer], responses=ScriptForDebtorSerializer)
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        debtor = debtor_get_for_user(request.user, data["debtor"])
        context = render_context_for_debtor(
            debtor=debtor,
            collector=debtor.assigned_collector or request.user,
            promise_amount=data.get("promise_amount"),
            promise_date=data.get("promise_date"),
        )
        track = track_select(
            debtor_type=debtor.debtor_type,
            stage=data["stage"],
            channel=data.get("channel"),
            language=debtor.language,
            ab_subject=str(debtor.public_id),
            context=context,  # only a track whose claims are true for this debtor now
            strict=False,
        )
        objections = [
            {
                "code": answer.objection.code,
                "title": answer.title,
                "response": track_render(track=answer.response, context=context).text
                if answer.response
                else None,
            }
            for answer in objection_responses_for(
                debtor_type=debtor.debtor_type, language=debtor.language
            )
        ]
        return Response(
            {
                "track": TrackOutputSerializer(track).data if track else None,
                "text": track_render(track=track, context=context).text if track else None,
                "objections": objections,
            }
        )


class ObjectionListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        debtor_type = serializers.ChoiceField(
            choices=DebtorType.choices, default=DebtorType.UNKNOWN
        )
        language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)

    @extend_schema(parameters=[FilterSerializer], responses=ObjectionAnswerSerializer(many=True))
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        answers = objection_responses_for(**params.validated_data)
        return Response(
            [
                {
                    "code": a.objection.code,
                    "title": a.title,
                    "response": a.response.body if a.response else None,
                    "response_type": a.response.debtor_type if a.response else None,
                    "response_language": a.response.language if a.response else None,
                }
                for a in answers
            ]
        )


class ToneCheckApi(APIView):
    """Check any text (a note, a message, a draft track) against the phrase rules."""

    @extend_schema_serializer(component_name="ToneCheckInput")
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20000, trim_whitespace=False)
        language = serializers.ChoiceField(choices=Language.choices)

    @extend_schema(request=InputSerializer, responses=ToneCheckSerializer)
    def post(self, request):
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        matches = tone_check(params.validated_data["text"], params.validated_data["language"])
        return Response(
            {
                "matches": MatchSerializer(matches, many=True).data,
                "blocked": any(m.is_forbidden for m in matches),
            }
        )

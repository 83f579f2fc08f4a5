from django.http import Http404
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ImportBatch
from ..permissions import import_batch_get_for_user, user_can_import
from .forms import AgingUploadForm
from .services import (
    import_batch_preview,
    import_batch_queue,
    import_batch_undo,
    in_language,
    progress_get,
)


def _batch_for(request, public_id) -> ImportBatch:
    return import_batch_get_for_user(request.user, public_id, kind=ImportBatch.Kind.AGING)


class ImportBatchOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    preset = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    counts = serializers.DictField()
    progress = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    preview = serializers.SerializerMethodField()
    reconciliation = serializers.SerializerMethodField()

    def get_progress(self, batch) -> int:
        return progress_get(batch)

    def _problems(self, problems):
        return [
            {
                "row": p["row"],
                "column": p["column"],
                "code": p["code"],
                "message": in_language(p["message"]),
            }
            for p in problems
        ]

    def get_errors(self, batch) -> list[dict]:
        return self._problems(batch.errors)

    def get_warnings(self, batch) -> list[dict]:
        return self._problems(batch.warnings)

    def get_preview(self, batch) -> list[dict]:
        return (batch.report or {}).get("preview", [])

    def get_reconciliation(self, batch) -> dict | None:
        return (batch.report or {}).get("reconciliation")


class ImportBatchCreateApi(APIView):
    """Upload an aging report: parsed and previewed, nothing applied yet."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportBatchOutputSerializer

    def post(self, request):
        if not user_can_import(request.user):
            raise Http404
        form = AgingUploadForm(request.data, request.FILES)
        if not form.is_valid():
            return Response(
                {"message": "invalid upload", "extra": form.errors.get_json_data()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = form.cleaned_data
        batch = import_batch_preview(
            actor=request.user,
            upload=data["file"],
            preset=data["preset"],
            as_of=data["as_of"],
            currency=data["currency"],
            mode=data["mode"],
        )
        return Response(ImportBatchOutputSerializer(batch).data, status=status.HTTP_201_CREATED)


class ImportBatchDetailApi(APIView):
    serializer_class = ImportBatchOutputSerializer

    def get(self, request, public_id):
        return Response(ImportBatchOutputSerializer(_batch_for(request, public_id)).data)


class ImportBatchCommitApi(APIView):
    """Queue the commit; poll the batch for progress."""

    serializer_class = ImportBatchOutputSerializer

    def post(self, request, public_id):
        batch = import_batch_queue(actor=request.user, batch=_batch_for(request, public_id))
        batch.refresh_from_db()
        return Response(ImportBatchOutputSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


class ImportBatchUndoApi(APIView):
    serializer_class = ImportBatchOutputSerializer

    def post(self, request, public_id):
        batch = _batch_for(request, public_id)
        import_batch_undo(actor=request.user, batch=batch)
        batch.refresh_from_db()
        return Response(ImportBatchOutputSerializer(batch).data)

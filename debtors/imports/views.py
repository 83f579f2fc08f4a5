import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collections_crm.exceptions import ApplicationError

from ..models import ImportBatch
from ..permissions import user_can_import
from .forms import AgingUploadForm
from .services import (
    committed_twin,
    import_batch_can_commit,
    import_batch_preview,
    import_batch_queue,
    import_batch_undo,
    progress_get,
)


def _batch_for(request, public_id) -> ImportBatch:
    if not user_can_import(request.user):
        raise Http404
    return get_object_or_404(ImportBatch.objects.select_related("created_by"), public_id=public_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_list_view(request):
    if not user_can_import(request.user):
        raise Http404
    form = AgingUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = import_batch_preview(
            actor=request.user,
            upload=data["file"],
            preset=data["preset"],
            as_of=data["as_of"],
            currency=data["currency"],
            mode=data["mode"],
        )
        return redirect("imports:detail", public_id=batch.public_id)
    batches = ImportBatch.objects.select_related("created_by")[:30]
    return render(
        request,
        "imports/list.html",
        {"form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def import_detail_view(request, public_id):
    batch = _batch_for(request, public_id)
    language = get_language().replace("-", "_")
    context = {
        "batch": batch,
        "report": batch.report or {},
        "can_commit": import_batch_can_commit(batch),
        "errors": _localized(batch.errors, language),
        "warnings": _localized(batch.warnings, language),
        "progress": progress_get(batch),
        "twin": committed_twin(kind=batch.kind, sha256=batch.file_sha256)
        if batch.status == ImportBatch.Status.DUPLICATE
        else None,
    }
    template = "imports/detail.html#progress" if request.htmx else "imports/detail.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def _localized(problems, language):
    return [{**p, "text": p["message"].get(language) or p["message"].get("en")} for p in problems]


@login_required
@require_POST
def import_commit_view(request, public_id):
    batch = _batch_for(request, public_id)
    try:
        import_batch_queue(actor=request.user, batch=batch)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Import queued. You can follow it here."))
    return redirect("imports:detail", public_id=batch.public_id)


@login_required
@require_POST
def import_undo_view(request, public_id):
    batch = _batch_for(request, public_id)
    try:
        result = import_batch_undo(actor=request.user, batch=batch)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Import undone: %(n)s invoices restored, %(m)s removed.")
            % {"n": result["invoices_restored"], "m": result["invoices_removed"]},
        )
    return redirect("imports:detail", public_id=batch.public_id)


def spreadsheet_safe(value) -> str:
    """Neutralise formula injection in exported cells (=, +, -, @, tab, CR)."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@login_required
@require_GET
def import_problems_csv_view(request, public_id):
    batch = _batch_for(request, public_id)
    language = get_language().replace("-", "_")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="import-{batch.public_id}-problems.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Severity"), _("Problem")])
    for p in _localized(batch.errors + batch.warnings, language):
        writer.writerow(
            [
                spreadsheet_safe(p["row"]),
                spreadsheet_safe(p["column"]),
                spreadsheet_safe(p["severity"]),
                spreadsheet_safe(p["text"]),
            ]
        )
    return response

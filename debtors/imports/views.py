import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collections_crm.exceptions import ApplicationError

from ..models import ImportBatch
from ..permissions import import_batch_get_for_user, user_can_import
from .forms import AgingUploadForm, ColumnMappingForm, column_letter
from .services import (
    committed_twin,
    file_head_rows,
    import_batch_can_commit,
    import_batch_needs_mapping,
    import_batch_preview,
    import_batch_queue,
    import_batch_remap,
    import_batch_undo,
    in_language,
    progress_get,
)


def _batch_for(request, public_id) -> ImportBatch:
    return import_batch_get_for_user(request.user, public_id, kind=ImportBatch.Kind.AGING)


@login_required
@require_http_methods(["GET", "POST"])
def import_list_view(request):
    if not user_can_import(request.user):
        raise Http404
    form = AgingUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = data.get("saved_mapping")
        batch = import_batch_preview(
            actor=request.user,
            upload=data["file"],
            preset=data["preset"] or (saved.preset if saved else ""),
            mapping=saved.mapping if saved else None,
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
    report = batch.report or {}
    context = {
        "batch": batch,
        "report": report,
        "can_commit": import_batch_can_commit(batch),
        "needs_mapping": import_batch_needs_mapping(batch),
        "preset_label": in_language(report.get("preset_label")),
        "refused_text": in_language((report.get("refused") or {}).get("message")),
        "errors": _localized(batch.errors),
        "warnings": _localized(batch.warnings),
        "progress": progress_get(batch),
        "twin": committed_twin(kind=batch.kind, sha256=batch.file_sha256)
        if batch.status == ImportBatch.Status.DUPLICATE
        else None,
    }
    template = "imports/detail.html#progress" if request.htmx else "imports/detail.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def _localized(problems):
    return [{**p, "text": in_language(p["message"])} for p in problems]


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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="import-{batch.public_id}-problems.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Severity"), _("Problem")])
    for p in _localized(batch.errors + batch.warnings):
        writer.writerow(
            [
                spreadsheet_safe(p["row"]),
                spreadsheet_safe(p["column"]),
                spreadsheet_safe(p["severity"]),
                spreadsheet_safe(p["text"]),
            ]
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping_view(request, public_id):
    """Map the file's columns by hand when they were not recognised."""
    batch = _batch_for(request, public_id)
    rows = file_head_rows(batch)
    header_index = _guess_header(rows)
    width = max((len(r) for r in rows), default=0)
    labels = rows[header_index] + [""] * (width - len(rows[header_index])) if rows else []
    initial = {"header_row": header_index + 1}
    for name, index in (batch.mapping or {}).items():
        if name != "header_row":
            initial[f"col_{name}"] = str(index)
    form = ColumnMappingForm(request.POST or None, columns=labels, initial=initial)
    if request.method == "POST" and form.is_valid():
        new_batch = import_batch_remap(
            actor=request.user,
            batch=batch,
            mapping=form.mapping(),
            save_as=form.cleaned_data["save_as"],
        )
        return redirect("imports:detail", public_id=new_batch.public_id)
    context = {
        "batch": batch,
        "form": form,
        "rows": rows,
        "letters": [column_letter(i) for i in range(width)],
        "header_index": header_index,
    }
    return render(request, "imports/map.html", context, status=400 if form.errors else 200)


def _guess_header(rows: list[list[str]]) -> int:
    """The first row with the most non-empty text cells."""
    best, best_count = 0, -1
    for i, row in enumerate(rows):
        count = sum(1 for c in row if c.strip() and not c.replace(".", "").isdigit())
        if count > best_count:
            best, best_count = i, count
    return best

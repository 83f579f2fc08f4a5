"""Pages for payment files: upload → preview with matches → commit. Finance and
admins only; everyone else gets 404."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collections_crm.exceptions import ApplicationError

from ..models import ImportBatch
from ..permissions import debtor_queryset_for_user, import_batch_get_for_user, user_can_import
from .forms import ALLOWED_EXTENSIONS
from .payment_services import (
    payment_import_can_commit,
    payment_import_commit,
    payment_import_preview,
)
from .services import committed_twin, in_language

# Above this many debtors the manual-match select becomes a customer-code box.
DEBTOR_SELECT_MAX = 2000
MATCHED_SHOWN = 500


class PaymentUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Payment file"),
        help_text=gettext_lazy(
            "A bank statement or ledger export of received payments: CSV, TSV or Excel (.xlsx)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(
                gettext_lazy("Upload a CSV, TSV, TXT or XLSX file; %(name)s is none of these."),
                params={"name": upload.name},
            )
        if upload.size == 0:
            raise forms.ValidationError(gettext_lazy("The file is empty."))
        return upload


def _payment_batch_for(request, public_id) -> ImportBatch:
    return import_batch_get_for_user(request.user, public_id, kind=ImportBatch.Kind.PAYMENTS)


@login_required
@require_http_methods(["GET", "POST"])
def payment_upload_view(request):
    if not user_can_import(request.user):
        raise Http404
    form = PaymentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = payment_import_preview(actor=request.user, upload=form.cleaned_data["file"])
        return redirect("imports:payments_detail", public_id=batch.public_id)
    return render(
        request,
        "imports/payments_upload.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def payment_detail_view(request, public_id):
    batch = _payment_batch_for(request, public_id)
    lines = [
        {
            **line,
            "how_text": in_language(line.get("how_label")),
            "reason_text": in_language(line.get("reason")),
        }
        for line in (batch.report or {}).get("lines", [])
    ]
    unmatched = [line for line in lines if not line["matched"] and not line.get("recorded")]
    matched = [line for line in lines if line["matched"]]
    # Once committed, only lines still unmatched are left to record.
    can_commit = payment_import_can_commit(batch) and (
        batch.status == ImportBatch.Status.PREVIEWED or bool(unmatched)
    )
    debtors = None
    if can_commit and unmatched:
        qs = debtor_queryset_for_user(request.user).order_by("name", "code")
        rows = list(qs.values_list("public_id", "code", "name")[: DEBTOR_SELECT_MAX + 1])
        debtors = rows if len(rows) <= DEBTOR_SELECT_MAX else None
    refused = (batch.report or {}).get("refused")
    context = {
        "batch": batch,
        "matched": matched[:MATCHED_SHOWN],
        "matched_hidden": max(len(matched) - MATCHED_SHOWN, 0),
        "unmatched": unmatched,
        "debtors": debtors,
        "can_commit": can_commit,
        "refused_text": in_language(refused["message"]) if refused else "",
        "warnings": [{**w, "text": in_language(w["message"])} for w in (batch.warnings or [])],
        "applied": (batch.counts or {}).get("applied"),
        "twin": committed_twin(kind=batch.kind, sha256=batch.file_sha256)
        if batch.status == ImportBatch.Status.DUPLICATE
        else None,
    }
    return render(request, "imports/payments_detail.html", context)


def _manual_from_post(request, batch: ImportBatch) -> dict:
    """row -> (debtor public id, invoice numbers), from the select or a customer
    code typed in, limited to the debtors this user may see."""
    manual, codes = {}, {}
    for line in (batch.report or {}).get("lines", []):
        row = line["row"]
        public_id = request.POST.get(f"debtor-{row}", "").strip()
        code = request.POST.get(f"code-{row}", "").strip()
        numbers = request.POST.get(f"invoices-{row}", "").strip()
        if public_id:
            manual[row] = (_uuid_text(public_id), numbers)
        elif code:
            codes[row] = (code, numbers)
    if codes:
        known = dict(
            debtor_queryset_for_user(request.user)
            .filter(code__in={c for c, _n in codes.values()})
            .values_list("code", "public_id")
        )
        for row, (code, numbers) in codes.items():
            if code not in known:
                raise ApplicationError(
                    _("Row %(row)s: no debtor has the customer code %(code)s.")
                    % {"row": row, "code": code}
                )
            manual[row] = (str(known[code]), numbers)
    visible = {
        str(pk)
        for pk in debtor_queryset_for_user(request.user)
        .filter(public_id__in=[p for p, _n in manual.values() if _uuid_text(p) == p])
        .values_list("public_id", flat=True)
    }
    for row, (public_id, _numbers) in manual.items():
        if public_id not in visible:
            raise ApplicationError(_("Row %(row)s: no such debtor.") % {"row": row})
    return manual


def _uuid_text(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value


@login_required
@require_POST
def payment_commit_view(request, public_id):
    batch = _payment_batch_for(request, public_id)
    try:
        counts = payment_import_commit(
            batch=batch, actor=request.user, manual=_manual_from_post(request, batch)
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Payments recorded: %(recorded)s. Already recorded before: %(skipped)s. "
                "Still unmatched: %(unmatched)s."
            )
            % {
                "recorded": counts["recorded"],
                "skipped": counts["skipped_already_recorded"],
                "unmatched": counts["unmatched"],
            },
        )
    return redirect("imports:payments_detail", public_id=batch.public_id)

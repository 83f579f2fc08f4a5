"""Field visits: plan one, and the visit pack as PDF or as an HTML preview."""

import re

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from debtors.permissions import debtor_get_for_user
from followups.visits import visit_local_text, visit_plan

from .visit_pack import visit_pack_pdf, visit_pack_render

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def pack_filename(code: str) -> str:
    """visit-pack-<code>.pdf with only [A-Za-z0-9_-] from the customer code, so
    no quote, slash, newline or non-ASCII character reaches the header."""
    safe = _UNSAFE.sub("_", code or "").strip("_")[:64] or "debtor"
    return f"visit-pack-{safe}.pdf"


def _private(response: HttpResponse) -> HttpResponse:
    # The pack holds the debtor's business information: never cache it.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@login_required
def visit_plan_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id, write=True)
    try:
        followup = visit_plan(actor=request.user, debtor=debtor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Field visit planned: %(when)s.") % {"when": visit_local_text(followup, debtor)},
        )
    url = reverse("desk:debtor", kwargs={"public_id": debtor.public_id})
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_GET
@login_required
def visit_pack_view(request, public_id):
    debtor = debtor_get_for_user(request.user, public_id)
    pdf = visit_pack_pdf(debtor=debtor, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=pack_filename(debtor.code)
    )
    return _private(response)


@require_GET
@login_required
@csp_update({"style-src": [NONCE]})
def visit_pack_html_view(request, public_id):
    """The same pack as a page, for a quick look before printing."""
    debtor = debtor_get_for_user(request.user, public_id)
    html = visit_pack_render(debtor=debtor, user=request.user, csp_nonce=str(request.csp_nonce))
    return _private(HttpResponse(html))

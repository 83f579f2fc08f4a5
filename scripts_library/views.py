"""Script library pages: the manager's list and editor with live preview, and
the script panel a collector's workspace embeds. Thin: parse, check access,
call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collections_crm.exceptions import ApplicationError
from debtors.models import Contact, Invoice
from debtors.permissions import debtor_get_for_user, debtor_queryset_for_user

from .facts import PENDING, Facts
from .forms import PreviewForm, TrackCreateForm, TrackEditForm, TrackFilterForm
from .linter import lint_body, needs_labels, sample_context
from .models import PhraseRule, Stage, TalkTrack
from .permissions import track_get_for_user, user_can_edit_scripts
from .rendering import (
    MAX_INVOICE_NUMBERS,
    PLACEHOLDERS,
    render_text,
    track_placeholders_validate,
)
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
from .strategy import strategy_for
from .tone import printable, tone_check, tone_segments

# The preview without a debtor: sample values, with every fact a text may name.
SAMPLE_FACTS = Facts(
    promise=PENDING,
    payment_link=True,
    overdue=True,
    named_contact=True,
    collector=True,
    disputed=True,
)
PAGE_SIZE = 50
PREVIEW_DEBTORS = 50
PANEL_STAGES = [
    Stage.PREPARATION,
    Stage.OPENING,
    Stage.NEGOTIATION,
    Stage.CLOSING,
    Stage.VOICEMAIL,
    Stage.SMS,
    Stage.EMAIL,
    Stage.VISIT,
]


@require_GET
@login_required
def track_list_view(request):
    form = TrackFilterForm(request.GET or None)
    filters = TrackFilters(**form.cleaned_data) if form.is_valid() else TrackFilters()
    page = Paginator(track_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "scripts_library/list.html#results" if request.htmx else "scripts_library/list.html"
    response = render(
        request,
        template,
        {"form": form, "page": page, "can_edit": user_can_edit_scripts(request.user)},
    )
    response["Vary"] = "HX-Request"
    return response


def _tone_warnings_to_messages(request, track: TalkTrack) -> None:
    for warning in getattr(track, "tone_warnings", []):
        messages.warning(
            request,
            _("“%(text)s”: %(reason)s %(suggestion)s")
            % {"text": warning.text, "reason": warning.reason, "suggestion": warning.suggestion},
        )
    failures = getattr(track, "lint_failures", [])
    if failures:
        messages.warning(
            request,
            _("Saved, but the content check found problems; fix them before publishing."),
        )


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_http_methods(["GET", "POST"])
@login_required
def track_create_view(request):
    if not user_can_edit_scripts(request.user):
        raise PermissionDenied
    form = TrackCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            track = track_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except ApplicationError as exc:
            form.add_error("key", exc.message)
        else:
            messages.success(request, _("Draft created. Publish it to put it in use."))
            _tone_warnings_to_messages(request, track)
            return redirect("scripts:detail", public_id=track.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "scripts_library/new.html", {"form": form}, status=status)


def _preview(*, request, track: TalkTrack, body: str, debtor_id=None) -> dict:
    """Rendered text, placeholder errors and tone-guard results for a body."""
    debtor = debtor_get_for_user(request.user, debtor_id) if debtor_id else None
    if debtor is not None:
        context = render_context_for_debtor(
            debtor=debtor,
            collector=debtor.assigned_collector or request.user,
            language=track.language,
        )
    else:
        context = sample_context(SAMPLE_FACTS, track.language)
    try:
        track_placeholders_validate(body)
        placeholder_errors = []
    except ValidationError as exc:
        placeholder_errors = exc.messages
    matches = tone_check(body, track.language)
    rendered = render_text(body, context, gaps=True)
    lint = lint_body(body, language=track.language, channel=track.channel)
    return {
        "lint_failures": lint.failures,
        "lint_combinations": lint.combinations,
        "lint_rendered": lint.rendered,
        "needs": needs_labels(body),
        "preview_debtor": debtor,
        "rendered": rendered,
        "placeholder_errors": placeholder_errors,
        "tone_matches": matches,
        "tone_segments": tone_segments(body, matches),
        "blocked": any(m.is_forbidden for m in matches),
    }


@require_http_methods(["GET", "POST"])
@login_required
def track_detail_view(request, public_id):
    track = track_get_for_user(request.user, public_id, write=request.method == "POST")
    can_edit = user_can_edit_scripts(request.user)
    form = TrackEditForm(
        request.POST or None,
        initial={"title": track.title, "body": track.body, "guidance": track.guidance},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = track_update(actor=request.user, track=track, data=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if saved.pk != track.pk:
                messages.success(
                    request,
                    _("Saved as draft version %(version)s. Publish it to put it in use.")
                    % {"version": saved.version},
                )
            else:
                messages.success(request, _("Draft saved."))
            _tone_warnings_to_messages(request, saved)
            return redirect("scripts:detail", public_id=saved.public_id)
    status = 400 if request.method == "POST" else 200
    versions = list(track_versions(track=track))
    against = next((v for v in versions if str(v.public_id) == request.GET.get("against")), None)
    preview_debtors = list(
        debtor_queryset_for_user(request.user).order_by("name")[:PREVIEW_DEBTORS]
    )
    body = form.data.get("body", track.body) if form.is_bound else track.body
    context = {
        "track": track,
        "form": form,
        "can_edit": can_edit,
        "versions": versions,
        "against": against,
        "diff": track_version_diff(old=against, new=track) if against else None,
        "preview_debtors": preview_debtors,
        "placeholders": list(PLACEHOLDERS.items()),
        **_preview(
            request=request,
            track=track,
            body=body,
            debtor_id=preview_debtors[0].public_id if preview_debtors else None,
        ),
    }
    return render(request, "scripts_library/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def track_preview_view(request, public_id):
    """The live preview: the (possibly unsaved) body rendered for a debtor,
    with tone-guard highlights. POST carries the text being edited."""
    if request.method == "POST" and not user_can_edit_scripts(request.user):
        raise PermissionDenied
    track = track_get_for_user(request.user, public_id)
    form = PreviewForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    body = data.get("body") if request.method == "POST" else None
    context = {
        "track": track,
        **_preview(
            request=request,
            track=track,
            body=track.body if body is None else body,
            debtor_id=data.get("debtor"),
        ),
    }
    return render(request, "scripts_library/_preview.html", context)


@require_POST
@login_required
def track_publish_view(request, public_id):
    track = track_get_for_user(request.user, public_id, write=True)
    try:
        track_publish(actor=request.user, track=track, ab_test=request.POST.get("ab_test") == "1")
    except ValidationError as exc:
        messages.error(request, _("Not published: fix these problems first."))
        for message in exc.messages:  # each content-check failure on its own line
            messages.error(request, message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Version %(version)s is published.") % {"version": track.version}
        )
    return redirect("scripts:detail", public_id=track.public_id)


@require_POST
@login_required
def track_retire_view(request, public_id):
    track = track_get_for_user(request.user, public_id, write=True)
    try:
        track_retire(actor=request.user, track=track)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version %(version)s is retired.") % {"version": track.version})
    return redirect("scripts:detail", public_id=track.public_id)


def script_panel_context(
    *,
    user,
    debtor,
    stage: str,
    contacts: list[Contact] | None = None,
    invoices: list[Invoice] | None = None,
) -> dict:
    """What the script panel shows for one debtor: the track for their type and
    the stage, filled in, and the objection answers, filled in. A page that has
    already read the debtor's contacts and invoices passes them in (all of
    them, in any order), so the render context does not read them again.
    Only a track whose every claim is true for the debtor now is shown
    (the context's facts decide; see scripts_library.facts)."""
    preloaded = {}
    if contacts is not None:
        # render_context_for_debtor's choice: the primary contact, else by name.
        # With none, an unsaved nameless contact stands in (the neutral phrase
        # is used) so that it does not look again.
        ordered = sorted(contacts, key=lambda c: (not c.is_primary, c.name))
        preloaded["contact"] = ordered[0] if ordered else Contact(name="")
    if invoices is not None:
        open_invoices = sorted(
            (i for i in invoices if i.amount > 0 and i.open_amount != 0),
            key=lambda i: (i.due_date, i.number),
        )
        preloaded["invoice_numbers"] = [i.number for i in open_invoices[: MAX_INVOICE_NUMBERS + 50]]
    context = render_context_for_debtor(
        debtor=debtor, collector=debtor.assigned_collector or user, **preloaded
    )
    track = track_select(
        debtor_type=debtor.debtor_type,
        stage=stage,
        language=debtor.language,
        ab_subject=str(debtor.public_id),
        context=context,
        strict=False,
    )
    # What the collector reads out: stored wording the guard forbids is withheld.
    rules = list(PhraseRule.objects.filter(active=True))
    answers = [
        {
            "code": answer.objection.code,
            "title": answer.title,
            "text": printable(render_text(answer.response.body, context, gaps=True).text, rules),
        }
        for answer in objection_responses_for(
            debtor_type=debtor.debtor_type, language=debtor.language
        )
        if answer.response is not None
    ]
    return {
        "panel_debtor": debtor,
        "panel_stage": stage,
        "panel_stages": [(s, Stage(s).label) for s in PANEL_STAGES],
        "panel_track": track,
        "panel_text": printable(render_text(track.body, context, gaps=True).text, rules)
        if track
        else "",
        "panel_answers": answers,
        "panel_strategy": strategy_for(debtor.debtor_type),
    }


@require_GET
@login_required
def script_panel_view(request, debtor_id):
    debtor = debtor_get_for_user(request.user, debtor_id)
    stage = request.GET.get("stage", Stage.OPENING)
    if stage not in Stage.values:
        stage = Stage.OPENING
    context = script_panel_context(user=request.user, debtor=debtor, stage=stage)
    template = "scripts_library/_panel.html" if request.htmx else "scripts_library/panel.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response

"""Writes for the script library. A published body is never changed: editing
it makes a new draft version, which a manager publishes. Every change is
audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Language, User
from accounts.services import audit_record, model_snapshot
from collections_crm.exceptions import ApplicationError
from debtors.models import Channel, DebtorType

from .linter import lint_track
from .models import PublicationStatus, Stage, TalkTrack
from .rendering import track_placeholders_validate
from .tone import Match, tone_check

TRACK_AUDITED_FIELDS = [
    "key",
    "debtor_type",
    "stage",
    "channel",
    "language",
    "title",
    "body",
    "guidance",
    "version",
    "status",
]
TRACK_EDITABLE_FIELDS = frozenset({"title", "body", "guidance"})
MAX_PUBLISHED_VARIANTS = 2


def _validate_content(*, language: str, title: str, body: str, guidance: str) -> list[Match]:
    """Field checks, placeholders and the tone guard. Raises ValidationError;
    returns the discouraged matches as warnings."""
    errors: dict[str, list] = {}
    if language not in Language.values:
        errors.setdefault("language", []).append(
            _("%(language)s is not a supported language.") % {"language": language}
        )
    if not (title or "").strip():
        errors.setdefault("title", []).append(_("A track needs a title."))
    if not (body or "").strip():
        errors.setdefault("body", []).append(_("A track needs a body."))
    for field, text in (("title", title), ("body", body), ("guidance", guidance)):
        if field == "guidance":
            continue  # guidance may quote what not to say
        try:
            track_placeholders_validate(text)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    matches = tone_check(f"{title}\n{body}", language)
    forbidden = [m for m in matches if m.is_forbidden]
    if forbidden:
        raise ValidationError(
            {
                "body": [
                    _("“%(text)s” is not allowed: %(reason)s")
                    % {"text": m.text, "reason": m.reason}
                    for m in forbidden
                ]
            },
            code="forbidden_phrase",
        )
    return [m for m in matches if not m.is_forbidden]


def _choice_check(*, debtor_type: str, stage: str, channel: str) -> None:
    errors = {}
    if debtor_type not in DebtorType.values:
        errors["debtor_type"] = [_("Unknown debtor type.")]
    if stage not in Stage.values:
        errors["stage"] = [_("Unknown stage.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def track_create(
    *,
    actor: User | None,
    key: str,
    debtor_type: str,
    stage: str,
    channel: str,
    language: str,
    title: str,
    body: str,
    guidance: str = "",
) -> TalkTrack:
    """A new track family, as a draft version 1. The returned track carries
    `tone_warnings`: discouraged phrases that did not block the save."""
    _choice_check(debtor_type=debtor_type, stage=stage, channel=channel)
    warnings = _validate_content(language=language, title=title, body=body, guidance=guidance)
    if TalkTrack.objects.filter(key=key, language=language).exists():
        raise ApplicationError(
            _("A track with the key %(key)s already exists in this language; edit it instead.")
            % {"key": key}
        )
    track = TalkTrack(
        key=key,
        debtor_type=debtor_type,
        stage=stage,
        channel=channel,
        language=language,
        title=title.strip(),
        body=body.strip(),
        guidance=(guidance or "").strip(),
        version=1,
        status=PublicationStatus.DRAFT,
        created_by=actor if actor and actor.pk else None,
    )
    track.full_clean()
    track.save()
    audit_record(
        actor=actor,
        action="talktrack.create",
        target=track,
        after=model_snapshot(track, TRACK_AUDITED_FIELDS),
    )
    track.tone_warnings = warnings
    track.lint_failures = lint_track(track).failures
    return track


@transaction.atomic
def track_update(*, actor: User | None, track: TalkTrack, data: dict) -> TalkTrack:
    """Change a track's title, body or guidance. A draft is changed in place; a
    published or retired version is left as it is and a new draft version of
    the family is returned instead."""
    unknown = set(data) - TRACK_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown track fields: %s") % ", ".join(sorted(unknown)))
    title = data.get("title", track.title)
    body = data.get("body", track.body)
    guidance = data.get("guidance", track.guidance)
    warnings = _validate_content(language=track.language, title=title, body=body, guidance=guidance)
    before = model_snapshot(track, TRACK_AUDITED_FIELDS)
    if track.status == PublicationStatus.DRAFT:
        target, action = track, "talktrack.update"
    else:
        # Lock the family so two editors do not both take the next number.
        family = TalkTrack.objects.select_for_update().filter(
            key=track.key, language=track.language
        )
        next_version = (family.aggregate(v=Max("version"))["v"] or 0) + 1
        target = TalkTrack(
            key=track.key,
            debtor_type=track.debtor_type,
            stage=track.stage,
            channel=track.channel,
            language=track.language,
            version=next_version,
            status=PublicationStatus.DRAFT,
            created_by=actor if actor and actor.pk else None,
        )
        action = "talktrack.new_version"
    target.title, target.body, target.guidance = title.strip(), body.strip(), guidance.strip()
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=model_snapshot(target, TRACK_AUDITED_FIELDS),
    )
    target.tone_warnings = warnings
    # A draft may be saved with content-check failures; it cannot be published.
    target.lint_failures = lint_track(target).failures
    return target


@transaction.atomic
def track_publish(*, actor: User | None, track: TalkTrack, ab_test: bool = False) -> TalkTrack:
    """Publish a version, once it passes the tone guard and the content linter
    (scripts_library.linter). Without `ab_test` the family's other published
    versions are retired; with it, at most two versions stay published and
    debtors are split between them (see selectors.ab_bucket)."""
    family = list(
        TalkTrack.objects.select_for_update()
        .filter(key=track.key, language=track.language)
        .order_by("version")
    )
    track = next(t for t in family if t.pk == track.pk)
    if track.status == PublicationStatus.PUBLISHED:
        raise ApplicationError(_("This version is already published."))
    # The body must still pass today's rules, which may be stricter than when it was saved.
    _validate_content(
        language=track.language, title=track.title, body=track.body, guidance=track.guidance
    )
    # Rendered for every combination of the facts: nothing false, nothing unfilled.
    report = lint_track(track)
    if report.failures:
        raise ValidationError({"body": report.messages()}, code="content_check")
    others = [t for t in family if t.pk != track.pk and t.status == PublicationStatus.PUBLISHED]
    if ab_test and len(others) + 1 > MAX_PUBLISHED_VARIANTS:
        raise ApplicationError(
            _("An A/B test compares two versions; retire one of the published versions first.")
        )
    now = timezone.now()
    if not ab_test:
        for other in others:
            _set_status(actor=actor, track=other, status=PublicationStatus.RETIRED)
    before = model_snapshot(track, TRACK_AUDITED_FIELDS)
    track.status = PublicationStatus.PUBLISHED
    track.published_at = now
    track.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="talktrack.publish",
        target=track,
        before=before,
        after=model_snapshot(track, TRACK_AUDITED_FIELDS) | {"ab_test": ab_test},
    )
    return track


@transaction.atomic
def track_retire(*, actor: User | None, track: TalkTrack) -> TalkTrack:
    track = TalkTrack.objects.select_for_update().get(pk=track.pk)
    if track.status == PublicationStatus.RETIRED:
        raise ApplicationError(_("This version is already retired."))
    _set_status(actor=actor, track=track, status=PublicationStatus.RETIRED)
    return track


def _set_status(*, actor: User | None, track: TalkTrack, status: str) -> None:
    before = model_snapshot(track, TRACK_AUDITED_FIELDS)
    track.status = status
    track.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"talktrack.{status}",
        target=track,
        before=before,
        after=model_snapshot(track, TRACK_AUDITED_FIELDS),
    )

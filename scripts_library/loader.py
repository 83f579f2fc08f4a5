"""Turns the shipped content modules into rows. Used by the `load_scripts`
command and by a data migration (with historical models), so it only touches
plain model fields. Idempotent: rows are keyed by (key, language, version),
(objection, type, language, version) and (language, phrase); existing rows are
never changed, so managers' edits survive a reload."""

from __future__ import annotations

from django.utils import timezone

from .content import (
    STAGE_CHANNEL,
    objections,
    phrase_rules,
    tracks_en,
    tracks_zh_hans,
    variants_en,
    variants_zh_hans,
)

TRACK_MODULES = {"en": tracks_en, "zh-hans": tracks_zh_hans}
VARIANT_MODULES = {"en": variants_en, "zh-hans": variants_zh_hans}
SHIPPED_VERSION = 1


def shipped_tracks() -> list[dict]:
    """Every shipped track as a dict of TalkTrack fields."""
    rows = []
    for language, module in TRACK_MODULES.items():
        for debtor_type, stages in module.TRACKS.items():
            for stage, (title, body) in stages.items():
                rows.append(
                    {
                        "key": f"{debtor_type}-{stage}",
                        "debtor_type": debtor_type,
                        "stage": stage,
                        "channel": STAGE_CHANNEL[stage],
                        "language": language,
                        "title": title,
                        "body": body,
                        "guidance": "\n".join(
                            [module.TYPE_GUIDANCE[debtor_type], module.STAGE_GUIDANCE[stage]]
                        ),
                    }
                )
        for extra in module.EXTRA_TRACKS:
            rows.append(
                {
                    "key": extra["key"],
                    "debtor_type": extra["debtor_type"],
                    "stage": "objection",
                    "channel": STAGE_CHANNEL["objection"],
                    "language": language,
                    "title": extra["title"],
                    "body": extra["body"],
                    "guidance": module.TYPE_GUIDANCE[extra["debtor_type"]],
                }
            )
        for variant in VARIANT_MODULES[language].VARIANTS:
            rows.append(
                {
                    "key": variant["key"],
                    "debtor_type": variant["debtor_type"],
                    "stage": variant["stage"],
                    "channel": STAGE_CHANNEL[variant["stage"]],
                    "language": language,
                    "title": variant["title"],
                    "body": variant["body"],
                    "guidance": "\n".join(
                        [
                            module.TYPE_GUIDANCE[variant["debtor_type"]],
                            module.STAGE_GUIDANCE[variant["stage"]],
                        ]
                    ),
                }
            )
    return rows


def shipped_objection_responses() -> list[dict]:
    rows = []
    for code, by_type in objections.RESPONSES.items():
        for debtor_type, by_language in by_type.items():
            for language, body in by_language.items():
                rows.append(
                    {"code": code, "debtor_type": debtor_type, "language": language, "body": body}
                )
    return rows


def load_content(apps=None, *, dry_run: bool = False) -> dict[str, int]:
    """Create whatever shipped content is missing. Returns counts of rows created
    (or that would be created, with dry_run)."""
    if apps is None:
        from django.apps import apps
    tracks = _load_tracks(apps, dry_run=dry_run)
    objection_by_code, objections_created = _load_objections(apps, dry_run=dry_run)
    return {
        "tracks": tracks,
        "objections": objections_created,
        "objection_responses": _load_objection_responses(apps, objection_by_code, dry_run=dry_run),
        "phrase_rules": _load_phrase_rules(apps, dry_run=dry_run),
    }


# Each loader reads what exists with one query per table, so a reload of a full
# library is cheap, and returns how many rows it created (or would create).


def _load_tracks(apps, *, dry_run: bool) -> int:
    TalkTrack = apps.get_model("scripts_library", "TalkTrack")
    now = timezone.now()
    existing = set(TalkTrack.objects.values_list("key", "language", "version"))
    published_families = set(
        TalkTrack.objects.filter(status="published").values_list("key", "language")
    )
    created = 0
    for row in shipped_tracks():
        family = (row["key"], row["language"])
        if (*family, SHIPPED_VERSION) in existing:
            continue
        created += 1
        if dry_run:
            continue
        # A family a manager already published keeps its published version.
        published = family not in published_families
        TalkTrack.objects.create(
            **row,
            version=SHIPPED_VERSION,
            status="published" if published else "draft",
            published_at=now if published else None,
        )
    return created


def _load_objections(apps, *, dry_run: bool) -> tuple[dict, int]:
    """(code -> Objection, None for one a dry run would create; rows created)"""
    Objection = apps.get_model("scripts_library", "Objection")
    objection_by_code = {o.code: o for o in Objection.objects.all()}
    created = 0
    for order, (code, title_en, title_zh) in enumerate(objections.OBJECTIONS, start=1):
        if code in objection_by_code:
            continue
        created += 1
        objection_by_code[code] = (
            None
            if dry_run
            else Objection.objects.create(
                code=code, title_en=title_en, title_zh_hans=title_zh, order=order
            )
        )
    return objection_by_code, created


def _load_objection_responses(apps, objection_by_code: dict, *, dry_run: bool) -> int:
    ObjectionResponse = apps.get_model("scripts_library", "ObjectionResponse")
    existing = set(
        ObjectionResponse.objects.values_list(
            "objection__code", "debtor_type", "language", "version"
        )
    )
    created = 0
    for row in shipped_objection_responses():
        key = (row["code"], row["debtor_type"], row["language"], SHIPPED_VERSION)
        if key in existing:
            continue
        created += 1
        if not dry_run:
            ObjectionResponse.objects.create(
                objection=objection_by_code[row["code"]],
                debtor_type=row["debtor_type"],
                language=row["language"],
                body=row["body"],
                version=SHIPPED_VERSION,
                status="published",
            )
    return created


def _load_phrase_rules(apps, *, dry_run: bool) -> int:
    PhraseRule = apps.get_model("scripts_library", "PhraseRule")
    existing = set(PhraseRule.objects.values_list("language", "phrase"))
    created = 0
    for language, rules in phrase_rules.RULES.items():
        for phrase, is_regex, severity, category, reason, suggestion in rules:
            if (language, phrase) in existing:
                continue
            created += 1
            if not dry_run:
                PhraseRule.objects.create(
                    language=language,
                    phrase=phrase,
                    is_regex=is_regex,
                    severity=severity,
                    category=category,
                    reason=reason,
                    suggestion=suggestion,
                    active=True,
                )
    return created


def upgrade_shipped_tracks(apps) -> int:
    """Bring an existing library up to today's shipped wording (issue #14: no
    text claims a promise, an attachment or a link the debtor does not have).
    Only families still on the untouched shipped version are upgraded: the new
    text is published as the next version and the old one retired. A family a
    manager has edited keeps its versions. Returns the families upgraded."""
    TalkTrack = apps.get_model("scripts_library", "TalkTrack")
    ObjectionResponse = apps.get_model("scripts_library", "ObjectionResponse")
    now = timezone.now()
    upgraded = 0
    for row in shipped_tracks():
        family = list(TalkTrack.objects.filter(key=row["key"], language=row["language"]))
        shipped = [t for t in family if t.version == SHIPPED_VERSION and t.created_by_id is None]
        if len(family) != 1 or not shipped or shipped[0].body == row["body"]:
            continue
        old = shipped[0]
        if old.status != "published":
            continue
        TalkTrack.objects.create(
            **row, version=old.version + 1, status="published", published_at=now
        )
        old.status = "retired"
        old.save(update_fields=["status"])
        upgraded += 1
    for row in shipped_objection_responses():
        found = list(
            ObjectionResponse.objects.filter(
                objection__code=row["code"],
                debtor_type=row["debtor_type"],
                language=row["language"],
            )
        )
        if len(found) != 1 or found[0].body == row["body"] or found[0].status != "published":
            continue
        old = found[0]
        ObjectionResponse.objects.create(
            objection_id=old.objection_id,
            debtor_type=old.debtor_type,
            language=old.language,
            body=row["body"],
            version=old.version + 1,
            status="published",
        )
        old.status = "retired"
        old.save(update_fields=["status"])
        upgraded += 1
    return upgraded

"""Turns the shipped content modules into rows. Used by the `load_scripts`
command and by a data migration (with historical models), so it only touches
plain model fields. Idempotent: rows are keyed by (key, language, version),
(objection, type, language, version) and (language, phrase); existing rows are
never changed, so managers' edits survive a reload."""

from __future__ import annotations

from django.utils import timezone

from .content import STAGE_CHANNEL, objections, phrase_rules, tracks_en, tracks_zh_hans

TRACK_MODULES = {"en": tracks_en, "zh-hans": tracks_zh_hans}
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
    TalkTrack = apps.get_model("scripts_library", "TalkTrack")
    Objection = apps.get_model("scripts_library", "Objection")
    ObjectionResponse = apps.get_model("scripts_library", "ObjectionResponse")
    PhraseRule = apps.get_model("scripts_library", "PhraseRule")
    now = timezone.now()
    created = {"tracks": 0, "objections": 0, "objection_responses": 0, "phrase_rules": 0}
    # One query per table for what exists, so a reload of a full library is cheap.
    existing_tracks = set(TalkTrack.objects.values_list("key", "language", "version"))
    published_families = set(
        TalkTrack.objects.filter(status="published").values_list("key", "language")
    )

    for row in shipped_tracks():
        family = (row["key"], row["language"])
        if (*family, SHIPPED_VERSION) in existing_tracks:
            continue
        created["tracks"] += 1
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

    objection_by_code = {o.code: o for o in Objection.objects.all()}
    for order, (code, title_en, title_zh) in enumerate(objections.OBJECTIONS, start=1):
        if code in objection_by_code:
            continue
        created["objections"] += 1
        objection_by_code[code] = (
            None
            if dry_run
            else Objection.objects.create(
                code=code, title_en=title_en, title_zh_hans=title_zh, order=order
            )
        )

    existing_responses = set(
        ObjectionResponse.objects.values_list(
            "objection__code", "debtor_type", "language", "version"
        )
    )
    for row in shipped_objection_responses():
        if (
            row["code"],
            row["debtor_type"],
            row["language"],
            SHIPPED_VERSION,
        ) in existing_responses:
            continue
        created["objection_responses"] += 1
        if not dry_run:
            ObjectionResponse.objects.create(
                objection=objection_by_code[row["code"]],
                debtor_type=row["debtor_type"],
                language=row["language"],
                body=row["body"],
                version=SHIPPED_VERSION,
                status="published",
            )

    existing_rules = set(PhraseRule.objects.values_list("language", "phrase"))
    for language, rules in phrase_rules.RULES.items():
        for phrase, is_regex, severity, category, reason, suggestion in rules:
            if (language, phrase) in existing_rules:
                continue
            created["phrase_rules"] += 1
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

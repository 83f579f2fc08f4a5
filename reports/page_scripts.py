"""The scripts page's figures: how each talk track's versions work per debtor
type, with sample sizes and the A/B verdict between versions, for the
debtors in the report's scope. Built on ``reports.effectiveness`` (the same
definitions as the track page's effectiveness panel); a fixed number of
queries whatever the number of tracks."""

from __future__ import annotations

from collections import defaultdict

from debtors.models import Debtor, DebtorType

from .effectiveness import track_effectiveness, versions_compare
from .filters import Filters

TYPE_LABELS = dict(DebtorType.choices)


def script_families(filters: Filters) -> list[dict]:
    """One entry per track family (key and language), each with one block per
    debtor type that used it: the versions' rows, newest first, and the
    verdict per rate. Families with the most uses first."""
    rows = track_effectiveness(
        debtors=Debtor.objects.filter(filters.debtors()),
        date_from=filters.date_from,
        date_to=filters.date_to,
        group_by=("track", "debtor_type"),
    )
    families: dict = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.track is None:
            continue
        families[(row.track.key, row.track.language)][row.debtor_type].append(row)
    out = []
    for (key, language), by_type in families.items():
        blocks = []
        for debtor_type, type_rows in sorted(by_type.items(), key=lambda kv: str(kv[0])):
            type_rows.sort(key=lambda r: -r.track.version)
            blocks.append(
                {
                    "debtor_type": debtor_type,
                    "label": str(TYPE_LABELS.get(debtor_type, debtor_type or "—")),
                    "rows": type_rows,
                    "verdicts": versions_compare(type_rows),
                    "uses": sum(r.uses for r in type_rows),
                }
            )
        newest = max((r.track for b in blocks for r in b["rows"]), key=lambda t: t.version)
        out.append(
            {
                "key": key,
                "language": language,
                "track": newest,
                "blocks": blocks,
                "uses": sum(b["uses"] for b in blocks),
            }
        )
    return sorted(out, key=lambda f: (-f["uses"], f["key"]))

"""Which talk tracks the demo's interactions used.

`load_track_book` reads the script library once, before the book is made (the
library is loaded by its own data migration, so after `migrate` it is there);
the generator itself never touches the database. A debtor hears the tracks of
its type and language, falling back like `scripts_library.selectors.
track_select` (the neutral type, then the other language). When a family has
more than one version that went live (published, or retired since), debtors
are split between the versions, as an A/B test splits them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from accounts.models import Language
from debtors.models import DebtorType
from scripts_library.models import PublicationStatus, Stage, TalkTrack

# The stages an interaction of the demo can use (the desk links the opening
# track to every call, the voicemail one to a message left, and so on).
USED_STAGES = (
    Stage.OPENING,
    Stage.VOICEMAIL,
    Stage.NEGOTIATION,
    Stage.OBJECTION,
    Stage.SMS,
    Stage.EMAIL,
    Stage.LETTER,
    Stage.VISIT,
)
LIVE = (PublicationStatus.PUBLISHED, PublicationStatus.RETIRED)

# (debtor type, language, stage) -> the families there, each its version ids
# oldest first.
Families = dict[tuple[str, str, str], list[tuple[int, ...]]]


@dataclass
class TrackBook:
    families: Families = field(default_factory=dict)
    _cache: dict[tuple[str, str, int], dict[str, tuple[int, ...]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.families)

    @property
    def versioned_families(self) -> int:
        """How many families have two or more live versions (A/B tests)."""
        seen = {f for fams in self.families.values() for f in fams if len(f) > 1}
        return len(seen)

    def for_debtor(self, debtor_type: str, language: str, index: int) -> dict[str, tuple[int, ...]]:
        """stage -> the track ids this debtor may hear at that stage: one
        version of each family there (half the debtors hear the first
        version, half the second, and a debtor always the same one)."""
        variant = index % 2
        key = (debtor_type, language, variant)
        if key not in self._cache:
            chosen = {}
            for stage in USED_STAGES:
                families = self._lookup(debtor_type, language, stage)
                if families:
                    chosen[stage] = tuple(f[variant % len(f)] for f in families)
            self._cache[key] = chosen
        return self._cache[key]

    def _lookup(self, debtor_type: str, language: str, stage: str) -> list[tuple[int, ...]]:
        languages = [language] + [other for other in Language.values if other != language]
        types = [debtor_type] if debtor_type == DebtorType.UNKNOWN else [debtor_type, "unknown"]
        for lang in languages:
            for type_ in types:
                found = self.families.get((type_, lang, stage))
                if found:
                    return found
        return []


def load_track_book() -> TrackBook:
    """The live track versions of the library, by type, language and stage."""
    versions: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    rows = (
        TalkTrack.objects.filter(status__in=LIVE, stage__in=USED_STAGES)
        .order_by("key", "language", "version", "id")
        .values_list("id", "key", "language", "debtor_type", "stage")
    )
    for track_id, key, language, debtor_type, stage in rows:
        versions[key, language].append((track_id, debtor_type, stage))
    families: Families = defaultdict(list)
    for (_key, language), tracks in versions.items():
        _first, debtor_type, stage = tracks[-1]  # the newest version says where it belongs
        families[debtor_type, language, stage].append(tuple(t[0] for t in tracks))
    return TrackBook(families=dict(families))

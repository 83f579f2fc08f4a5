"""How well talk-track versions work: selectors over interactions that used a
version (through the ``Interaction.talk_tracks`` table) and the promises made
in those interactions.

Definitions (one *use* is one interaction that used one track version):

- **right-party rate** = uses where the right person was reached / uses.
- **promise rate** = uses that led to at least one promise / uses.
- **kept rate** = kept promises / promises with an outcome (kept, partly kept,
  broken). Pending promises have no outcome yet and are left out, so a new
  version is not punished for promises that are not due. Partly kept promises
  are counted separately and are not "kept".
- **cancelled promises are left out of every figure**: a cancelled promise was
  withdrawn or replaced, and counting it would count the promised money twice.
- **amounts are grouped by currency** (never added across currencies); the
  promise counts are over all currencies.
- **days to pay**: for each use, the days from the interaction's date (in the
  debtor's time zone) to the debtor's first payment received on or after that
  date, counted only when that payment came within ``PAY_WINDOW_DAYS``.
- **debtor type** is the debtor's type now (the type at the time of the call is
  not recorded); **month** is the month of the interaction, in UTC.

Every figure comes with its sample size and a 95 % Wilson score interval, and
``low_sample`` is set under ``LOW_SAMPLE`` uses so nobody over-reads ten calls.
The selectors run a fixed number of queries whatever the number of tracks.

The statistics live in `reports.effectiveness_stats`, the query in
`reports.effectiveness_query`; this module keeps the names callers import and
the side-by-side comparison of a track's versions.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.db.models import QuerySet

from debtors.models import Debtor
from scripts_library.models import TalkTrack
from scripts_library.selectors import track_versions

from .effectiveness_query import (
    COUNTED_PROMISES,
    GROUP_KEYS,
    PAY_WINDOW_DAYS,
    DaysBetween,
    DebtorLocalDate,
    PromiseStatus,
    Use,
    period_ending_today,
    track_effectiveness,
)
from .effectiveness_stats import (
    DAYS_PLACES,
    LOW_SAMPLE,
    METRICS,
    RATE_PLACES,
    Z_95,
    CurrencyAmounts,
    EffectivenessRow,
    FamilyComparison,
    MetricVerdict,
    Rate,
    versions_compare,
    wilson_interval,
)

__all__ = [
    "COUNTED_PROMISES",
    "DAYS_PLACES",
    "GROUP_KEYS",
    "LOW_SAMPLE",
    "METRICS",
    "PAY_WINDOW_DAYS",
    "RATE_PLACES",
    "Z_95",
    "CurrencyAmounts",
    "DaysBetween",
    "DebtorLocalDate",
    "EffectivenessRow",
    "FamilyComparison",
    "MetricVerdict",
    "PromiseStatus",
    "Rate",
    "Use",
    "period_ending_today",
    "track_effectiveness",
    "track_family_comparison",
    "versions_compare",
    "wilson_interval",
]


def track_family_comparison(
    *,
    track: TalkTrack,
    debtors: QuerySet[Debtor] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> FamilyComparison:
    """The figures for every version of ``track``'s family (key + language),
    newest first, side by side, with a verdict per rate. Three queries."""
    versions = list(track_versions(track=track))
    by_track = {
        row.track.pk: row
        for row in track_effectiveness(
            tracks=versions, debtors=debtors, date_from=date_from, date_to=date_to
        )
    }
    rows = [by_track.get(v.pk) or EffectivenessRow(track=v) for v in versions]
    rows = [replace(r, track=v) for r, v in zip(rows, versions, strict=True)]
    return FamilyComparison(track=track, rows=rows, verdicts=versions_compare(rows))

"""What a report is asked for: a period of company days, a currency, and
optional team, collector and debtor type, always inside the viewer's scope.

The scope is the viewer's (``debtors.permissions.debtor_scope``): a manager's
filters can narrow their team's figures, never widen them. :meth:`Filters.rows`
is the condition on rollup rows, :meth:`Filters.debtors` the same on debtors
(for live figures and drill-downs); tests hold them to the same debtors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Q

from debtors.permissions import DebtorScope

from .q import through


@dataclass(frozen=True)
class Filters:
    date_from: dt.date
    date_to: dt.date
    currency: str
    scope: DebtorScope
    team_id: int | None = None
    collector_id: int | None = None
    debtor_type: str | None = None

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def whole_month(self) -> dt.date | None:
        """The month's first day when the period is exactly one calendar month."""
        start, end = self.date_from, self.date_to
        after = end + dt.timedelta(days=1)
        if start.day == 1 and after.day == 1 and (after - start).days <= 31:
            return start
        return None

    def previous(self) -> Filters:
        """The period of the same length just before (a calendar month's
        previous month when the period is one whole month)."""
        start, end = self.date_from, self.date_to
        if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
            # Whole months: the same number of whole months before.
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            index = start.year * 12 + start.month - 1 - months
            return replace(
                self,
                date_from=dt.date(index // 12, index % 12 + 1, 1),
                date_to=start - dt.timedelta(days=1),
            )
        if start.day == 1 and start.month == end.month and start.year == end.year:
            # Month to date: the same days of the month before (cut at its end).
            last = start - dt.timedelta(days=1)
            return replace(
                self,
                date_from=last.replace(day=1),
                date_to=last.replace(day=min(end.day, last.day)),
            )
        return replace(
            self,
            date_from=start - dt.timedelta(days=self.days),
            date_to=start - dt.timedelta(days=1),
        )

    def rows(self) -> Q:
        """The scope and filters as a condition on rollup rows."""
        s = self.scope
        if s.everyone:
            q = Q()
        elif s.team_id is not None:
            q = Q(team_id=s.team_id)
        elif s.collector_id is not None:
            q = Q(collector_id=s.collector_id)
        else:
            return Q(pk__in=[])
        if self.team_id is not None:
            q &= Q(team_id=self.team_id)
        if self.collector_id is not None:
            q &= Q(collector_id=self.collector_id)
        if self.debtor_type:
            q &= Q(debtor_type=self.debtor_type)
        return q

    @property
    def needs_collector(self) -> bool:
        """Whether the rows must be told apart by collector (a collector's own
        scope or a collector filter), else team-grain rows hold the answer."""
        return self.collector_id is not None or (
            not self.scope.everyone and self.scope.team_id is None
        )

    def debtors(self, prefix: str = "") -> Q:
        """The scope and filters as a condition on Debtor (through ``prefix``)."""
        q = self.scope.q()
        if self.team_id is not None:
            q &= Q(team_id=self.team_id or None)
        if self.collector_id is not None:
            q &= Q(assigned_collector_id=self.collector_id or None)
        if self.debtor_type:
            q &= Q(debtor_type=self.debtor_type)
        if not prefix:
            return q
        return through(q, prefix)

"""Disputes of a dispute-type debtor: which invoices, how much is held back,
the category, and how far each has got (open, escalated, resolved, rejected).
Some are about today's open invoices; the others held back an invoice of
the last thirteen months until they were resolved, after which it was paid
(`demo.settlement`)."""

from __future__ import annotations

import datetime as dt

from debtors.models import Dispute

from .generator_base import GeneratorBase
from .scenarios import DISPUTE_CATEGORIES, DISPUTE_STATUSES
from .state import _Debtor, _Inv
from .tables import money
from .texts import DISPUTE_TEXT, RESOLUTIONS


class DisputesMixin(GeneratorBase):
    """Dispute rows and the invoices they hold back."""

    def _disputes(self, st: _Debtor) -> None:
        self._past_disputes(st)
        self._current_disputes(st)

    def _past_disputes(self, st: _Debtor) -> None:
        """The disputes that held back settled invoices: opened after the due
        date, resolved (or rejected after checking) before the payment."""
        rand = self.rand
        for inv, opened_on, resolved_on in st.past_holds:
            if opened_on < self.window_start:
                continue  # before the history begins: only the late payment shows
            status = Dispute.Status.RESOLVED if rand() < 0.8 else Dispute.Status.REJECTED
            opened = self._reach_moment(st, self._working_day(st, opened_on, back=False))[0]
            resolved = self._moment(st, self._working_day(st, resolved_on, back=True))
            if resolved <= opened:
                resolved = opened + dt.timedelta(days=1)
            escalated = None
            if rand() < 0.4 and (resolved - opened).days > 3:
                escalated = opened + dt.timedelta(days=self._int(1, (resolved - opened).days - 1))
            part = inv.amount
            if rand() < 0.5:
                part = max(inv.amount * self._int(10, 90) // 100, 100)
            self._dispute_row(
                st, [inv], status=status, total=part, held={}, moments=(opened, escalated, resolved)
            )
            st.dispute_spans.append((opened.date(), resolved.date()))

    def _current_disputes(self, st: _Debtor) -> None:
        """Disputes about the invoices open today, opened in the last two months."""
        rand = self.rand
        pool = [inv for inv in st.invoices if inv.payable > 0]
        if not pool:
            return
        pool = [inv for inv in pool if inv.due < self.today] or pool
        count = 1 if len(pool) < 3 or rand() < 0.8 else 2
        self.rng.shuffle(pool)
        for n in range(count):
            if not pool:
                break
            take = min(len(pool), self._int(1, 2))
            linked, pool = pool[:take], pool[take:]
            status = DISPUTE_STATUSES.pick(rand)
            if st.index < 12 and n == 0:
                status = Dispute.Status.OPEN
            is_open = status in (Dispute.Status.OPEN, Dispute.Status.ESCALATED)
            total = 0
            held = {}
            for inv in linked:
                part = inv.payable
                if rand() < 0.5:
                    part = min(max(part * self._int(10, 90) // 100, 100), part)
                total += part
                if is_open:
                    inv.disputed += part
                    held[str(inv.id)] = str(money(part))
            closed = status in (Dispute.Status.RESOLVED, Dispute.Status.REJECTED)
            opened = self._dispute_opened(st, linked, oldest=380 if closed else 120)
            escalated_at = resolved_at = None
            if status != Dispute.Status.OPEN:
                escalated_at = min(opened + dt.timedelta(days=self._int(2, 6)), self.seeded_at)
            if escalated_at and closed:
                days = self._int(1, 45)
                resolved_at = min(escalated_at + dt.timedelta(days=days), self.seeded_at)
                if rand() < 0.6:
                    escalated_at = None  # settled by the collector, never escalated
            dispute_id = self._dispute_row(
                st, linked, status=status, total=total, held=held,
                moments=(opened, escalated_at, resolved_at),
            )  # fmt: skip
            end = resolved_at.date() if resolved_at else self.today
            st.dispute_spans.append((opened.date(), end))
            if is_open:
                st.open_disputes.append(dispute_id)

    def _dispute_opened(self, st: _Debtor, linked: list[_Inv], *, oldest: int) -> dt.datetime:
        """When a dispute about today's open invoices was raised: up to `oldest`
        days back, after the invoices were issued and inside the history."""
        since = max(max(inv.issue for inv in linked), self.window_start)
        span = max((self.today - since).days - 1, 1)
        days = self._int(min(8, span), min(oldest, span))
        return self._reach_moment(st, self._working_day(st, self._day(-days), back=True))[0]

    def _dispute_row(
        self,
        st: _Debtor,
        linked: list[_Inv],
        *,
        status: str,
        total: int,
        held: dict[str, str],
        moments: tuple[dt.datetime, dt.datetime | None, dt.datetime | None],
    ) -> int:
        """The dispute and its invoices (its id); the moment of the call that
        raised it is kept for the history."""
        opened, escalated_at, resolved_at = moments
        category = self._one(DISPUTE_CATEGORIES)
        owner = st.manager if status == Dispute.Status.ESCALATED else st.worker
        dispute_id = self._id("dispute")
        resolution = RESOLUTIONS[status][st.lang_index] if status in RESOLUTIONS else ""
        self.rows["dispute"].append(
            (
                dispute_id,
                self._uuid(),
                st.id,
                category,
                money(total),
                DISPUTE_TEXT[category][st.lang_index],
                status,
                owner,
                st.worker,
                resolution,
                held,
                opened,
                escalated_at,
                resolved_at,
            )
        )
        for inv in linked:
            self.rows["dispute_invoice"].append((self._id("dispute_invoice"), dispute_id, inv.id))
        st.dispute_moments.append(opened)
        return dispute_id

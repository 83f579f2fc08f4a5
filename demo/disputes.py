"""Disputes of a dispute-type debtor: which invoices, how much is held back,
the category, and how far each has got (open, escalated, resolved, rejected)."""

from __future__ import annotations

import datetime as dt

from debtors.models import Dispute

from .generator_base import GeneratorBase
from .scenarios import DISPUTE_CATEGORIES, DISPUTE_STATUSES
from .state import _Debtor
from .tables import money
from .texts import DISPUTE_TEXT, RESOLUTIONS


class DisputesMixin(GeneratorBase):
    """Dispute rows and the invoices they hold back."""

    def _disputes(self, st: _Debtor) -> None:
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
            category = self._one(DISPUTE_CATEGORIES)
            day = self._working_day(st, self._day(-self._int(8, 55)), back=True)
            opened = self._moment(st, day)
            escalated_at = resolved_at = None
            if status != Dispute.Status.OPEN:
                escalated_at = min(opened + dt.timedelta(days=self._int(2, 6)), self.seeded_at)
            if escalated_at and status in (Dispute.Status.RESOLVED, Dispute.Status.REJECTED):
                resolved_at = min(escalated_at + dt.timedelta(days=self._int(1, 5)), self.seeded_at)
                if rand() < 0.6:
                    escalated_at = None  # settled by the collector, never escalated
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
                self.rows["dispute_invoice"].append(
                    (self._id("dispute_invoice"), dispute_id, inv.id)
                )
            if is_open:
                st.open_disputes.append(dispute_id)
            st.dispute_moments.append(opened)

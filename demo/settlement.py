"""Invoices of the last thirteen months that are settled by now, and how each
kind of debtor paid them.

A forgetful debtor mostly pays on time, else a little late once reminded; a
hardship debtor pays in parts, late; a dispute debtor holds an invoice back
until the dispute about it is resolved, then pays; a stalling debtor pays
late, now and then very late. The payments are real rows with allocations
(`InvoicesMixin._pay`); the calls and promises around them come later, from
`demo.walk`, which reads `_Debtor.payments`.
"""

from __future__ import annotations

import datetime as dt

from debtors.models import DebtorType

from .generator_base import DAY, GeneratorBase
from .scenarios import TERMS
from .state import _Debtor, _Inv

# Percent of a debtor's invoices (after the first, always open) that are
# already settled invoices of the last thirteen months.
SETTLED_PCT = {
    DebtorType.FORGETFUL: 70,
    DebtorType.HARDSHIP: 55,
    DebtorType.DISPUTE: 55,
    DebtorType.STALLING: 50,
    DebtorType.UNKNOWN: 65,
}

# Settled invoices were issued from this many days before the window on, so
# its first months have payments and overdue money like the others.
EARLIER_DAYS = 120

# Percent of debtors (of these types) who stopped paying some months ago; what
# they still owed stays open (after some plans were partly kept).
STOPPED_PCT = {DebtorType.HARDSHIP: 35, DebtorType.STALLING: 20}

# A plan: [(days after the due date, percent of the amount)], and for a held
# invoice the days after the due date its dispute opened and was resolved.
Plan = tuple[list[tuple[int, int]], tuple[int, int] | None]


class SettlementMixin(GeneratorBase):
    """Settled invoices of the window and their payment plans."""

    def _settled_invoice(self, st: _Debtor, invoice_id: int, seq: int, amount: int) -> _Inv:
        """An invoice issued in the window and paid by today, by the debtor's
        habits. The issue date is drawn after the plan, so the last payment
        still falls before today."""
        rand = self.rand
        terms = TERMS[int(rand() * 4)]
        parts, hold = self._plan(st.debtor_type)
        latest = self._today_ordinal - 2 - terms - max(offset for offset, _ in parts)
        earliest = self.window_start.toordinal() - EARLIER_DAYS
        if latest < earliest:  # the plan does not fit: paid on the due date
            parts, hold = [(0, 100)], None
            latest = self._today_ordinal - 2 - terms
        issue = dt.date.fromordinal(earliest + int(rand() * (latest - earliest + 1)))
        due = issue + terms * DAY
        inv = _Inv(invoice_id, f"INV-{issue.year}-{seq:06d}", issue, due, amount)
        left = amount
        for n, (offset, pct) in enumerate(parts):
            cents = left if n == len(parts) - 1 else amount * pct // 100
            left -= cents
            on = max(due + offset * DAY, issue + DAY)
            on = self._working_day(st, on, back=on >= self._day(-3))  # always before today
            self._pay(st, cents, on, only=inv)
        if hold is not None:
            st.past_holds.append((inv, due + hold[0] * DAY, due + hold[1] * DAY))
        return inv

    def _plan(self, debtor_type: str) -> Plan:
        """When the money came, as offsets from the due date."""
        rand, roll = self.rand, self.rand()
        if debtor_type == DebtorType.HARDSHIP:
            count = self._int(2, 4)
            first = self._int(5, 40)
            offsets = [first + n * self._int(15, 35) for n in range(count)]
            return [(offset, 100 // count) for offset in offsets], None
        if debtor_type == DebtorType.DISPUTE and roll < 0.5:
            opened = self._int(2, 15)
            resolved = opened + self._int(7, 45)
            return [(resolved + self._int(1, 10), 100)], (opened, resolved)
        if debtor_type == DebtorType.STALLING:
            if roll < 0.15:
                offset = self._int(0, 10)
            elif roll < 0.6:
                offset = self._int(20, 75)
            else:
                offset = self._int(76, 180)
            return [(offset, 100)], None
        if roll < 0.45:
            offset = -int(rand() * 10)
        elif roll < 0.85:
            offset = self._int(5, 40)
        else:
            offset = self._int(41, 100)
        return [(offset, 100)], None

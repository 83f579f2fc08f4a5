"""Invoices across the aging buckets, credit notes, the payments that settle
them (with their allocations), and the invoice rows."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

from debtors.models import Payment

from .aging import BUCKETS, NOT_DUE, due_offset_in_bucket, invoice_status
from .generator_base import _UUID_MASK, _UUID_V4, GeneratorBase
from .scenarios import (
    AMOUNT_TIERS,
    BUCKET_WEIGHTS,
    INVOICE_COUNTS,
    PAID_PCT,
    PAYMENT_METHODS,
    TERMS,
)
from .settlement import SETTLED_PCT, STOPPED_PCT
from .state import _Debtor, _Inv
from .tables import ZERO, money


class InvoicesMixin(GeneratorBase):
    """Invoices, payments and allocations."""

    def _invoices(self, st: _Debtor) -> None:
        """The debtor's invoices: the first, and some others, open today across
        the aging buckets (some of them paid in part, or in full around their
        due date); the rest settled invoices of the last thirteen months
        (`demo.settlement`); now and then a credit note. The hot loop of a big
        seed, so the weighted picks are inlined."""
        rand = self.rand
        day = self._day
        count = self.params.invoices_per_debtor or INVOICE_COUNTS.pick(rand)
        buckets = BUCKET_WEIGHTS[st.debtor_type]
        bucket_cum, bucket_total = buckets.cum, buckets.total
        tiers = AMOUNT_TIERS[st.market.country]
        tier_items, tier_cum, tier_total = tiers.items, tiers.cum, tiers.total
        credit_note = rand() < 0.04
        invoices = st.invoices
        next_id = self.next_id["invoice"]
        seq = self.invoice_seq
        settled_pct = SETTLED_PCT[st.debtor_type] if st.history else 0
        if st.history and st.index >= 12 and rand() * 100 < STOPPED_PCT.get(st.debtor_type, 0):
            st.stopped = day(-self._int(60, 300))  # paid in part, then nothing since
        for n in range(count):
            invoice_id = next_id
            next_id += 1
            seq += 1
            if credit_note and n == count - 1 and n > 0:
                invoices.append(self._credit_note(invoice_id, seq))
                continue
            low, high = tier_items[bisect_right(tier_cum, rand() * tier_total)]
            amount = (low + int(rand() * (high - low + 1))) * 100
            if rand() < 0.5:
                amount += int(rand() * 100)
            if n > 0 and rand() * 100 < settled_pct:
                invoices.append(self._settled_invoice(st, invoice_id, seq, amount))
                continue
            forced = st.index < 12 and n == 0  # the showcase covers every bucket
            if forced:
                bucket = BUCKETS[st.index % 6]
            else:
                bucket = BUCKETS[bisect_right(bucket_cum, rand() * bucket_total)]
            due_offset, terms = due_offset_in_bucket(bucket, TERMS[int(rand() * 4)], rand)
            issue = day(due_offset - terms)
            inv = _Inv(invoice_id, f"INV-{issue.year}-{seq:06d}", issue, day(due_offset), amount)
            invoices.append(inv)
            if not forced:
                self._maybe_paid(st, inv, bucket, due_offset, terms)
        self.next_id["invoice"], self.invoice_seq = next_id, seq
        invoices.sort(key=lambda inv: (inv.due, inv.issue, inv.number))

    def _credit_note(self, invoice_id: int, seq: int) -> _Inv:
        """A credit note of the last few months, sometimes partly applied already."""
        rand = self.rand
        issue = self._day(-5 - int(rand() * 116))
        amount = -(100 + int(rand() * 2_901)) * 100
        inv = _Inv(invoice_id, f"CRN-{issue.year}-{seq:06d}", issue, issue, amount)
        if rand() < 0.4:  # partly applied already
            inv.open = amount // 2
        return inv

    def _maybe_paid(self, st: _Debtor, inv: _Inv, bucket: str, due_offset: int, terms: int) -> None:
        """By the bucket's odds, pay the invoice in full or in part: after issue,
        around the due date, before today."""
        rand = self.rand
        full, part = PAID_PCT[bucket]
        roll = rand() * 100
        if roll >= full + part:
            return
        amount = inv.amount
        share = amount if roll < full else amount * (20 + int(rand() * 61)) // 100
        if bucket == NOT_DUE:
            low, high = due_offset - terms + 1, -1
        else:
            low, high = due_offset - 10, min(due_offset + 40, -1)
        low = min(low, -1)
        self._pay(st, share, self._day(low + int(rand() * (max(high, low) - low + 1))), only=inv)

    def _pay(self, st: _Debtor, cents: int, on: dt.date, *, only: _Inv | None = None) -> int:
        """Record a payment, allocated oldest due first to the undisputed open
        money of invoices issued by then (or to one invoice). Returns the
        amount allocated: nothing from a debtor who had stopped paying."""
        if st.stopped is not None and on > st.stopped:
            return 0
        rand = self.rand
        allocations: list[tuple[_Inv, int]] = []
        remaining = cents
        for inv in (only,) if only else st.invoices:
            if remaining <= 0:
                break
            share = min(inv.payable, remaining)
            if share <= 0 or inv.issue > on:
                continue
            inv.open -= share
            if inv.last_paid is None or inv.last_paid < on:
                inv.last_paid = on
            allocations.append((inv, share))
            remaining -= share
        allocated = cents - remaining
        if allocated <= 0:
            return 0
        extra = 0
        if rand() < 0.03 and allocated % 10_000:
            extra = 10_000 - allocated % 10_000  # a rounded-up transfer: money on account
        payment_id = self._id("payment")
        self.payment_seq += 1
        method = PAYMENT_METHODS.pick(rand)
        if method == Payment.Method.CHEQUE:
            reference = f"CHQ {self._int(100_000, 999_999)}"
        else:
            reference = (
                f"{st.market.country}{on.year}{on.month:02d}{on.day:02d}-{self.payment_seq:07d}"
            )
        created = self._at(on, 3)
        st.payments.append((on, allocated + extra))
        self.rows["payment"].append(
            (
                payment_id,
                self._uuid(),
                st.id,
                money(allocated + extra),
                money(extra) if extra else ZERO,
                st.market.currency,
                on,
                method,
                reference,
                None,
                self.staff.finance if rand() < 0.7 else None,
                created,
            )
        )
        out = self.rows["allocation"]
        for inv, share in allocations:
            out.append((self._id("allocation"), payment_id, inv.id, money(share), created))
        return allocated

    def _emit_invoices(self, st: _Debtor) -> None:
        currency = st.market.currency
        seeded_at = self.seeded_at
        getrandbits = self.rng.getrandbits
        at = self._at
        noon = self._company_at
        out = self.rows["invoice"]
        debtor_id = st.id
        for inv in st.invoices:
            status = invoice_status(amount=inv.amount, open_cents=inv.open, disputed=inv.disputed)
            amount = money(inv.amount)
            open_ = amount if inv.open == inv.amount else money(inv.open)
            disputed = money(inv.disputed) if inv.disputed else ZERO
            closed_on = inv.closed_on
            if closed_on:  # noon of the paying day, in the company's zone
                closed_at, closed_reason = noon(closed_on, 12), "payment"
            else:
                closed_at, closed_reason = None, ""
            out.append(
                (
                    inv.id,
                    f"{(getrandbits(128) & _UUID_MASK) | _UUID_V4:032x}",
                    debtor_id,
                    inv.number,
                    inv.issue,
                    inv.due,
                    amount,
                    open_,
                    disputed,
                    currency,
                    status,
                    closed_at,
                    closed_reason,
                    at(inv.issue, 2),
                    seeded_at,
                )
            )

"""Thirteen months of collection work on one debtor: while money is overdue,
the collector writes and calls at the debtor type's pace; when the right
person answers, what they say depends on what the ledger shows next (a
payment on its way makes a promise that will be kept, no money coming makes a
promise that will be broken, a refusal or a call back); a dispute on the
invoice makes the talk about the dispute. Promises are recorded here and
judged at the end (`demo.judge`)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left

from debtors.models import Channel, DebtorType
from followups.models import Interaction

from .generator_base import DAY, GeneratorBase
from .scenarios import NOISE_CALLS, Weighted
from .state import _Debtor
from .tables import format_money

Outcome = Interaction.Outcome
WEEK = 7 * DAY
OPENING = ("opening",)
# Working days between two attempts while money is overdue (low, high), by type.
GAPS = {
    DebtorType.FORGETFUL: (4, 9),
    DebtorType.HARDSHIP: (4, 7),
    DebtorType.DISPUTE: (5, 9),
    DebtorType.STALLING: (2, 5),
    DebtorType.UNKNOWN: (5, 9),
}
# Chance that a talk with money on its way (within two weeks) ends in a
# promise; and that a talk with none coming ends in one all the same.
PROMISE_WHEN_PAYING = {
    DebtorType.FORGETFUL: 0.6,
    DebtorType.HARDSHIP: 0.8,
    DebtorType.DISPUTE: 0.5,
    DebtorType.STALLING: 0.75,
    DebtorType.UNKNOWN: 0.6,
}
PROMISE_WHEN_NOT = {
    DebtorType.FORGETFUL: 0.08,
    DebtorType.HARDSHIP: 0.25,
    DebtorType.DISPUTE: 0.04,
    DebtorType.STALLING: 0.3,
    DebtorType.UNKNOWN: 0.1,
}
# What else a talk ends in.
TALKS = {
    DebtorType.FORGETFUL: Weighted([(Outcome.RIGHT_PARTY, 70), (Outcome.CALLBACK, 30)]),
    DebtorType.HARDSHIP: Weighted(
        [(Outcome.RIGHT_PARTY, 60), (Outcome.CALLBACK, 30), (Outcome.REFUSED, 10)]
    ),
    DebtorType.DISPUTE: Weighted(
        [(Outcome.RIGHT_PARTY, 55), (Outcome.CALLBACK, 25), (Outcome.REFUSED, 20)]
    ),
    DebtorType.STALLING: Weighted(
        [(Outcome.RIGHT_PARTY, 30), (Outcome.CALLBACK, 40), (Outcome.REFUSED, 30)]
    ),
    DebtorType.UNKNOWN: Weighted(
        [(Outcome.RIGHT_PARTY, 65), (Outcome.CALLBACK, 25), (Outcome.REFUSED, 10)]
    ),
}
PAYING_SOON = 14  # days
SLOWER_AFTER = 120  # days overdue after which attempts come at half the pace
BEFORE_PAYMENT_CALLS = 0.85  # share of late payments with a call a few days before
STORY_SHARE = 0.5  # of the attempts in the recent story's days, which it replaces
PLAN_WINDOW = 45  # days: the payments a hardship plan is made of


class WalkMixin(GeneratorBase):
    """The collection history of the window, attempt by attempt."""

    def _walk(self, st: _Debtor) -> None:
        """Attempts while money is overdue, from the window's start to two
        days ago (yesterday's evening in the west is still today in UTC), at
        the type's pace, plus a call a few days before each late payment (the
        talk that brought the money, when they answer)."""
        low, high = GAPS[st.debtor_type]
        # A debtor gets about the same attention whatever its number of invoices.
        pace = min(max((len(st.invoices) + 3) / 8, 0.7), 2.0)
        last = self._day(-2)
        pay_days = sorted({day for day, _cents in st.payments})
        working = st.working_days
        periods = self._overdue_periods(st)
        story_from = st.story_from
        before = self._before_payment_days(st, pay_days, periods)
        for start, end in periods:
            day, wait, step = start - DAY, self._int(1, 3), 0
            while True:
                # Counted in working days, so every weekday gets its share.
                weeks, wait = divmod(wait, len(working))
                day += weeks * WEEK
                while wait:
                    day += DAY
                    if day.weekday() in working:
                        wait -= 1
                while before and before[0] < min(day, end):
                    self._attempt(st, before.pop(0), max(step, 1), pay_days, call=True)
                    step += 1
                if day >= end or day > last:
                    break
                if story_from and day >= story_from and self.rand() < STORY_SHARE:
                    wait = self._int(low, high)  # the story's own calls stand in for this one
                    continue
                again = self._attempt(st, day, step, pay_days)
                step += 1
                # Long overdue cases go to visits, letters and legal: fewer calls.
                slower = pace * (1 + min((day - start).days, 360) / SLOWER_AFTER)
                wait = 1 if again else int(self._int(low, high) * slower)

    def _before_payment_days(
        self, st: _Debtor, pay_days: list[dt.date], periods: list[tuple[dt.date, dt.date]]
    ) -> list[dt.date]:
        """A working day two to seven days before each payment that came while
        money was overdue, for the call that brought it (most of them)."""
        last = self._day(-2)
        days = set()
        for paid_on in pay_days:
            if self.rand() >= BEFORE_PAYMENT_CALLS:
                continue
            day = self._working_day(st, paid_on - self._int(2, 7) * DAY, back=True)
            if day <= last and any(start <= day < end for start, end in periods):
                days.add(day)
        return sorted(days)

    def _overdue_periods(self, st: _Debtor) -> list[tuple[dt.date, dt.date]]:
        """The stretches of the window in which some invoice was overdue and
        unpaid, merged."""
        first, today = self.window_start, self.today
        spans = []
        for inv in st.invoices:
            if inv.amount <= 0:
                continue
            start = max(inv.due + DAY, first)
            end = inv.closed_on or today
            if start < end:
                spans.append((start, end))
        spans.sort()
        merged: list[tuple[dt.date, dt.date]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                if end > merged[-1][1]:
                    merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        return merged

    def _overdue_on(self, st: _Debtor, day: dt.date) -> int:
        """Cents overdue and unpaid on `day` (whole invoices, near enough)."""
        return sum(
            inv.amount
            for inv in st.invoices
            if inv.amount > 0 and inv.due < day and (inv.closed_on or self.today) > day
        )

    def _attempt(
        self, st: _Debtor, day: dt.date, step: int, pay_days: list[dt.date], *, call: bool = False
    ) -> bool:
        """One attempt on `day`: a message, a visit or letter now and then, else
        (or when `call`) a call. True when the debtor asked to be called back
        (the next attempt is then the next working day)."""
        rand = self.rand
        if not call and (step == 0 or (st.preferred_channel != Channel.CALL and rand() < 0.5)):
            self._written_reminder(st, day)
            return False
        if not call and st.debtor_type == DebtorType.STALLING and step % 9 == 8:
            self._escalation_step(st, day)
            return False
        moment, answered = self._dial(st, day)
        if not answered:
            if len(st.contacts) > 1 and rand() < 0.03:
                contact = st.contacts[-1]
                outcome, note = Outcome.WRONG_NUMBER, self._note(st, "wrong_number")
            else:
                contact = self._contact_for(st)
                outcome = NOISE_CALLS.pick(rand)
                note = self._note(st, outcome, name=contact[1])
            scripts = ("voicemail",) if outcome == Outcome.MESSAGE_LEFT else ("opening",)
            self._touch(st, moment, Channel.CALL, outcome, note, contact=contact, scripts=scripts)
            return False
        return self._talk(st, day, moment, pay_days)

    def _talk(
        self, st: _Debtor, day: dt.date, moment: dt.datetime, pay_days: list[dt.date]
    ) -> bool:
        """The right person answered: what the talk ended in."""
        rand = self.rand
        contact = st.contacts[0] if rand() < 0.8 else self._contact_for(st)
        name = contact[1]
        at = bisect_left(pay_days, day)
        coming = pay_days[at] if at < len(pay_days) else None
        free = (st.promise_busy_until is None or day > st.promise_busy_until) and (
            st.story_from is None or day < st.story_from
        )
        if any(start <= day <= end for start, end in st.dispute_spans):
            outcome, note = Outcome.RIGHT_PARTY, self._note(st, "dispute_review", name=name)
        elif at and (day - pay_days[at - 1]).days <= 2 and rand() < 0.5:
            outcome, note = Outcome.PAID, self._note(st, "paid", name=name)
        elif free and coming and (coming - day).days <= PAYING_SOON:
            if rand() < PROMISE_WHEN_PAYING[st.debtor_type]:
                return self._walk_promise(st, day, moment, contact, pay_days[at:])
            outcome, note = Outcome.RIGHT_PARTY, self._right_party_note(st, day, name)
        elif free and rand() < PROMISE_WHEN_NOT[st.debtor_type]:
            return self._walk_promise(st, day, moment, contact, [])
        else:
            outcome = TALKS[st.debtor_type].pick(rand)
            if outcome == Outcome.RIGHT_PARTY:
                note = self._right_party_note(st, day, name)
            else:
                note = self._note(st, outcome, name=name)
        scripts = ("opening", "objection") if outcome == Outcome.REFUSED else ("opening",)
        self._touch(st, moment, Channel.CALL, outcome, note, contact=contact, scripts=scripts)
        return outcome == Outcome.CALLBACK

    def _right_party_note(self, st: _Debtor, day: dt.date, name: str) -> str:
        amount = format_money(self._overdue_on(st, day), st.market.symbol)
        return self._note(st, "right_party", name=name, amount=amount)

    def _walk_promise(
        self,
        st: _Debtor,
        day: dt.date,
        moment: dt.datetime,
        contact: tuple[int, str],
        coming: list[dt.date],
    ) -> bool:
        """A promise made on the call: matched to the payments on their way
        (several of them for a hardship plan), or, with none coming, for the
        overdue money by a date that will pass."""
        dues, amounts = self._promised(st, day, coming)
        if not dues:
            outcome = Outcome.CALLBACK
            note = self._note(st, outcome, name=contact[1])
            self._touch(st, moment, Channel.CALL, outcome, note, contact=contact, scripts=OPENING)
            return True
        self._promise_call_and_record(st, moment, contact, dues, amounts, remind=False)
        st.promise_busy_until = dues[-1] + (self.grace_days + 1) * DAY
        return False

    def _promised(
        self, st: _Debtor, day: dt.date, coming: list[dt.date]
    ) -> tuple[list[dt.date], list[int]]:
        """The instalments (due dates, cents) of a promise made on `day`."""
        rand = self.rand
        if coming:
            amounts_by_day: dict[dt.date, int] = {}
            for paid_on, cents in st.payments:
                amounts_by_day[paid_on] = amounts_by_day.get(paid_on, 0) + cents
            take = 1
            if st.debtor_type == DebtorType.HARDSHIP:
                take = sum(1 for d in coming[:3] if (d - day).days <= PLAN_WINDOW)
            dues = [max(d, day + DAY) for d in coming[:take]]
            amounts = [amounts_by_day[d] for d in coming[:take]]
            last_money = st.stopped is not None and len(coming) == take
            if st.debtor_type == DebtorType.HARDSHIP and (last_money or rand() < 0.3):
                dues.append(dues[-1] + 14 * DAY)  # one more than they managed
                amounts.append(amounts[-1])
            return dues, amounts
        overdue = self._overdue_on(st, day)
        overdue -= overdue % 100
        if overdue < 100:
            return [], []
        count = self._int(2, 3) if st.debtor_type == DebtorType.HARDSHIP else 1
        first = day + self._int(3, 10) * DAY
        dues = [first + n * 14 * DAY for n in range(count)]
        amounts = [overdue // count // 100 * 100] * count
        amounts[-1] = overdue - sum(amounts[:-1])
        if min(amounts) <= 0:
            return [], []
        return dues, amounts

    def _written_reminder(self, st: _Debtor, day: dt.date) -> None:
        """An SMS (China, or a forgetful debtor) or an email about what is overdue."""
        channel = Channel.EMAIL
        if st.market.country == "CN" or st.debtor_type == DebtorType.FORGETFUL:
            channel = Channel.SMS if self.rand() < 0.7 else Channel.EMAIL
        if channel == Channel.SMS:
            amount = format_money(self._overdue_on(st, day), st.market.symbol)
            note = self._note(st, "sms", amount=amount)
        else:
            note = self._note(st, "email")
        self._touch(st, self._moment(st, day), channel, Outcome.SENT, note, scripts=(channel,))

    def _escalation_step(self, st: _Debtor, day: dt.date) -> None:
        """For a stalling debtor long overdue: a visit in China, else a letter."""
        contact = st.contacts[0]
        if st.market.country == "CN":
            note = self._note(st, "visit", name=contact[1])
            self._touch(
                st, self._moment(st, day), Channel.VISIT, Outcome.RIGHT_PARTY, note,
                contact=contact, scripts=("visit",),
            )  # fmt: skip
        else:
            note = self._note(st, "letter")
            self._touch(
                st, self._moment(st, day), Channel.LETTER, Outcome.SENT, note,
                contact=contact, scripts=("letter",),
            )  # fmt: skip

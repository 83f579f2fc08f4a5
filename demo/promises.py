"""Promises to pay and their instalments: when they were made and fall due,
the call that made them, what was paid against them (as real payments), the
reminders sent before each instalment, and the promise's outcome."""

from __future__ import annotations

import datetime as dt

from debtors.models import Channel, DebtorType
from followups.models import FollowUp, Instalment, Interaction, PromiseToPay

from .generator_base import DAY, GeneratorBase
from .state import _Debtor
from .tables import format_money, money


class PromisesMixin(GeneratorBase):
    """Promise and instalment rows."""

    def _promise(self, st: _Debtor, *, outcome: str, instalments: int, made_ago: int) -> None:
        """A promise to pay with its instalments, made `made_ago` days back.

        outcome: kept (all paid), partly (all due, some paid), broken (all
        due, nothing paid), running (the first ones paid, the rest to come) or
        pending (all to come). Kept money arrives as real payments."""
        payable = st.payable()
        if payable < 200:
            return
        total = self._promise_total(outcome, payable)
        made_day, dues = self._promise_dues(
            st, outcome=outcome, instalments=instalments, made_ago=made_ago
        )
        amounts = [total // instalments // 100 * 100] * instalments
        amounts[-1] = total - sum(amounts[:-1])
        if min(amounts) <= 0:
            return

        contact = st.contacts[0]
        moment, interaction_id = self._promise_call(st, contact, made_day, dues, amounts, total)
        promise_id = self._id("promise")
        reminder = Channel.SMS if st.market.country == "CN" or self.rand() < 0.5 else Channel.EMAIL
        kept_total, statuses = self._instalments(
            st,
            outcome=outcome,
            promise_id=promise_id,
            dues=dues,
            amounts=amounts,
            reminder=reminder,
            made_day=made_day,
            contact=contact,
        )
        status = self._promise_status(st, statuses, kept_total)
        evaluated = None
        if status != PromiseToPay.Status.PENDING:
            evaluated = min(self._at(dues[-1] + DAY, 0), self.seeded_at)
        self.rows["promise"].append(
            (
                promise_id,
                self._uuid(),
                st.id,
                interaction_id,
                contact[0],
                st.worker,
                money(total),
                money(kept_total),
                st.market.currency,
                status,
                reminder,
                moment,
                evaluated,
            )
        )

    def _promise_total(self, outcome: str, payable: int) -> int:
        """How much is promised: often the whole balance when it will be kept,
        else 40 to 100 % of it in whole currency units."""
        if outcome == "kept" and self.rand() < 0.6:
            return payable  # the whole balance, to the cent
        share = payable * self._int(40, 100) // 100
        return min(max(share - share % 100, 100), payable)  # whole currency units

    def _promise_dues(
        self, st: _Debtor, *, outcome: str, instalments: int, made_ago: int
    ) -> tuple[dt.date, list[dt.date]]:
        """The day the promise was made and its instalments' due dates: all
        past for kept, partly and broken, some past for running, all ahead for
        pending."""
        today = self.today
        interval = self._one((7, 14)) if instalments > 1 else 0
        made_day = self._past_day(made_ago, st)
        if outcome in ("kept", "partly", "broken"):
            # Every instalment falls due before today.
            latest_first = today - (1 + interval * (instalments - 1)) * DAY
            first = min(made_day + self._int(2, 7) * DAY, latest_first)
            if first <= made_day:
                made_day = self._past_day((today - first).days + 2, st)
        elif outcome == "running":
            interval = interval or 14
            first = min(made_day + self._int(3, 8) * DAY, today - DAY)
            if first + interval * (instalments - 1) * DAY < today:
                interval = (today - first).days // (instalments - 1) + 3  # the last is ahead
        else:
            first = max(made_day + self._int(3, 10) * DAY, self._day(self._int(1, 12)))
        return made_day, [first + n * interval * DAY for n in range(instalments)]

    def _promise_call(
        self,
        st: _Debtor,
        contact: tuple[int, str],
        made_day: dt.date,
        dues: list[dt.date],
        amounts: list[int],
        total: int,
    ) -> tuple[dt.datetime, int]:
        """The call (or, for a stalling Chinese debtor, now and then the visit)
        in which the promise was made: its moment and interaction id."""
        rand = self.rand
        instalments = len(dues)
        moment = self._moment(st, made_day, afternoon=rand() < 0.6)
        values = {
            "name": contact[1],
            "date": f"{dues[0]:%Y-%m-%d}",
            "count": instalments,
            "amount": format_money(amounts[0] if instalments > 1 else total, st.market.symbol),
        }
        channel = Channel.CALL
        if instalments > 1:
            note = self._note(st, "plan", **values)
        elif st.market.country == "CN" and st.debtor_type == DebtorType.STALLING and rand() < 0.3:
            channel = Channel.VISIT
            note = self._note(st, "visit_promise", **values)
        else:
            note = self._note(st, "promise", **values)
        interaction_id = self._touch(
            st, moment, channel, Interaction.Outcome.PROMISE, note, contact=contact
        )
        return moment, interaction_id

    def _instalments(
        self,
        st: _Debtor,
        *,
        outcome: str,
        promise_id: int,
        dues: list[dt.date],
        amounts: list[int],
        reminder: str,
        made_day: dt.date,
        contact: tuple[int, str],
    ) -> tuple[int, list[str]]:
        """The instalment rows: those due before today paid as the outcome
        says (with their reminders), the rest pending. Returns the money kept
        and each instalment's status."""
        kept_total = 0
        statuses: list[str] = []
        last = len(dues) - 1
        for n, (due, amount) in enumerate(zip(dues, amounts, strict=True)):
            instalment_id = self._id("instalment")
            paid = 0
            if due < self.today:
                paid = self._instalment_paid(st, outcome, due, amount, last=n == last)
                if paid >= amount:
                    status = Instalment.Status.KEPT
                elif paid > 0:
                    status = Instalment.Status.PARTLY_KEPT
                else:
                    status = Instalment.Status.BROKEN
                self._instalment_reminder(
                    st, promise_id, instalment_id, due, amount, reminder, made_day, contact
                )
            else:
                status = Instalment.Status.PENDING
                st.pending.append((promise_id, instalment_id, due, reminder))
            kept_total += paid
            statuses.append(status)
            self.rows["instalment"].append(
                (instalment_id, promise_id, n + 1, due, money(amount), money(paid), status)
            )
        return kept_total, statuses

    def _instalment_paid(
        self, st: _Debtor, outcome: str, due: dt.date, amount: int, *, last: bool
    ) -> int:
        """Pay a past instalment as the outcome says; the money paid."""
        if outcome in ("kept", "running") or (outcome == "partly" and not last):
            return self._pay(st, amount, due - self._int(0, 1) * DAY)
        if outcome == "partly":
            return self._pay(st, amount * self._int(30, 70) // 100, due)
        return 0

    def _promise_status(self, st: _Debtor, statuses: list[str], kept_total: int) -> str:
        """The promise's outcome from its instalments (a broken one marks the debtor)."""
        if Instalment.Status.PENDING in statuses:
            return PromiseToPay.Status.PENDING
        if all(s == Instalment.Status.KEPT for s in statuses):
            return PromiseToPay.Status.KEPT
        if kept_total > 0:
            return PromiseToPay.Status.PARTLY_KEPT
        st.broken = True
        return PromiseToPay.Status.BROKEN

    def _instalment_reminder(
        self,
        st: _Debtor,
        promise_id: int,
        instalment_id: int,
        due: dt.date,
        amount: int,
        channel: str,
        made_day: dt.date,
        contact: tuple[int, str],
    ) -> None:
        """The message sent the working day before a past instalment, and the
        follow-up that planned it (done)."""
        day = self._working_day(st, due - DAY, back=True)
        if day <= made_day:
            return
        when = self._moment(st, day)
        self._touch(
            st,
            when,
            channel,
            Interaction.Outcome.SENT,
            self._note(
                st,
                f"{channel}_instalment",
                date=f"{due:%Y-%m-%d}",
                amount=format_money(amount, st.market.symbol),
            ),
            contact=contact,
        )
        self._followup(
            st,
            action=channel,
            reason=FollowUp.Reason.PROMISE_REMINDER,
            due_at=when,
            why=[],
            status=FollowUp.Status.DONE,
            promise=promise_id,
            instalment=instalment_id,
        )

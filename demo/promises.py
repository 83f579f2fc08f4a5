"""Promises to pay and their instalments: the call that made them, the
reminders sent before each instalment, the payments of the recent stories,
and at the end of a debtor the outcome of every promise as the nightly run
would have judged it (`demo.judge`), written as rows."""

from __future__ import annotations

import datetime as dt

from debtors.models import Channel, DebtorType
from followups.models import FollowUp, Interaction

from .generator_base import DAY, GeneratorBase
from .judge import BROKEN, OPEN, PENDING, _Promise, judge
from .state import _Debtor
from .tables import format_money, money

RECENT_BROKEN_DAYS = 30  # a promise broken this recently still wants a call


class PromisesMixin(GeneratorBase):
    """Promise and instalment rows."""

    def _promise(self, st: _Debtor, *, outcome: str, instalments: int, made_ago: int) -> None:
        """A promise of the recent story, made `made_ago` days back, with the
        payments the story wants: kept (all paid), partly (all due, some
        paid), broken (all due, nothing paid), running (the first ones paid,
        the rest to come) or pending (all to come)."""
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
        moment = self._reached(st, made_day)
        self._promise_call_and_record(st, moment, contact, dues, amounts, remind=True)
        last = len(dues) - 1
        for n, (due, amount) in enumerate(zip(dues, amounts, strict=True)):
            if due < self.today:
                self._instalment_paid(st, outcome, due, amount, last=n == last)

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

    def _promise_call_and_record(
        self,
        st: _Debtor,
        moment: dt.datetime,
        contact: tuple[int, str],
        dues: list[dt.date],
        amounts: list[int],
        *,
        remind: bool,
    ) -> _Promise:
        """The call (or, for a stalling Chinese debtor, now and then the visit)
        in which the promise was made, the reminders before its past
        instalments (with the done follow-ups when `remind`), and the promise
        kept for judging."""
        rand = self.rand
        count = len(dues)
        values = {
            "name": contact[1],
            "date": f"{dues[0]:%Y-%m-%d}",
            "count": count,
            "amount": format_money(amounts[0] if count > 1 else sum(amounts), st.market.symbol),
        }
        channel, scripts = Channel.CALL, ("opening", "negotiation")
        if count > 1:
            note = self._note(st, "plan", **values)
        elif st.market.country == "CN" and st.debtor_type == DebtorType.STALLING and rand() < 0.3:
            channel, scripts = Channel.VISIT, ("visit",)
            note = self._note(st, "visit_promise", **values)
        else:
            note = self._note(st, "promise", **values)
        interaction_id = self._touch(
            st, moment, channel, Interaction.Outcome.PROMISE, note, contact=contact, scripts=scripts
        )
        reminder = Channel.SMS if st.market.country == "CN" or rand() < 0.5 else Channel.EMAIL
        promise = _Promise(
            id_=self._id("promise"),
            interaction_id=interaction_id,
            contact_id=contact[0],
            created_at=moment,
            dues=dues,
            amounts=amounts,
            instalment_ids=[self._id("instalment") for _ in dues],
            reminder=reminder,
        )
        made_day = moment.astimezone(st.zone).date()
        for instalment_id, due, amount in zip(promise.instalment_ids, dues, amounts, strict=True):
            if due < self.today:
                self._instalment_reminder(
                    st, promise, instalment_id, due, amount, made_day, contact, plan=remind
                )
        st.promises.append(promise)
        return promise

    def _instalment_paid(
        self, st: _Debtor, outcome: str, due: dt.date, amount: int, *, last: bool
    ) -> int:
        """Pay a past instalment as the story says; the money paid."""
        if outcome in ("kept", "running") or (outcome == "partly" and not last):
            return self._pay(st, amount, due - self._int(0, 1) * DAY)
        if outcome == "partly":
            return self._pay(st, amount * self._int(30, 70) // 100, due)
        return 0

    def _instalment_reminder(
        self,
        st: _Debtor,
        promise: _Promise,
        instalment_id: int,
        due: dt.date,
        amount: int,
        made_day: dt.date,
        contact: tuple[int, str],
        *,
        plan: bool,
    ) -> None:
        """The message sent the working day before a past instalment, and (with
        `plan`) the follow-up that planned it, done."""
        day = self._working_day(st, due - DAY, back=True)
        if day <= made_day:
            return
        channel = promise.reminder
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
        if plan:
            self._followup(
                st,
                action=channel,
                reason=FollowUp.Reason.PROMISE_REMINDER,
                due_at=when,
                why=[],
                status=FollowUp.Status.DONE,
                promise=promise.id,
                instalment=instalment_id,
            )

    def _settle_promises(self, st: _Debtor) -> None:
        """Judge every promise of the debtor against its payments and write
        the rows; remember what is still to come for the follow-ups."""
        st.promises.sort(key=lambda p: (p.created_at, p.id))  # the engine's order
        judge(st.promises, st.payments, today=self.today, grace=self.grace_days)
        currency = st.market.currency
        for p in st.promises:
            evaluated = None
            if p.evaluated_on is not None:
                evaluated = max(self._company_at(p.evaluated_on, 1), p.created_at + DAY / 24)
                evaluated = min(evaluated, max(self.seeded_at, p.created_at))
            self.rows["promise"].append(
                (
                    p.id,
                    self._uuid(),
                    st.id,
                    p.interaction_id,
                    p.contact_id,
                    st.worker,
                    money(p.total),
                    money(p.kept),
                    currency,
                    p.status,
                    p.reminder,
                    p.created_at,
                    evaluated,
                )
            )
            rows = zip(p.instalment_ids, p.dues, p.amounts, p.paid, p.statuses, strict=True)
            for n, (instalment_id, due, amount, paid, status) in enumerate(rows):
                self.rows["instalment"].append(
                    (instalment_id, p.id, n + 1, due, money(amount), money(paid), status)
                )
                if p.status in OPEN and status == PENDING:
                    st.promised = True
                    if due >= self.today:
                        st.pending.append((p.id, instalment_id, due, p.reminder))
        st.pending.sort(key=lambda entry: entry[2])
        if st.promises:
            latest = st.promises[-1]
            st.broken = latest.status == BROKEN and (
                latest.evaluated_on is not None
                and (self.today - latest.evaluated_on).days <= RECENT_BROKEN_DAYS
            )

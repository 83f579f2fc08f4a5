"""What is planned next for a debtor: follow-up rows with the reason codes the
timing engine would give (reminders before promised dates, broken promises,
disputes to review, callbacks, visits or letters, the next dunning step)."""

from __future__ import annotations

import datetime as dt

from debtors.models import Channel
from followups.models import FollowUp

from .generator_base import DAY, UTC, GeneratorBase
from .scenarios import WEEKDAY_PREFERENCE
from .state import _Debtor

Reason = FollowUp.Reason


def _at(local: dt.datetime) -> list:
    """The "at" reason code for a local moment (followups.timing.REASON_CODES)."""
    return ["at", {"weekday": local.weekday(), "time": f"{local:%H:%M}"}]


class FollowupsMixin(GeneratorBase):
    """Follow-up rows and the debtor's next action."""

    def _followup(
        self,
        st: _Debtor,
        *,
        action: str,
        reason: str,
        due_at: dt.datetime,
        why: list,
        status: str = FollowUp.Status.SCHEDULED,
        promise: int | None = None,
        instalment: int | None = None,
        invoice: int | None = None,
        assigned_to: int | None = None,
    ) -> None:
        key = (reason, due_at)
        if key in st.followup_keys:  # (debtor, reason, due_at) is unique
            return
        st.followup_keys.add(key)
        done = status == FollowUp.Status.DONE
        created = due_at - 2 * DAY if done else min(due_at - 2 * DAY, self.seeded_at - DAY)
        self.rows["followup"].append(
            (
                self._id("followup"),
                self._uuid(),
                st.id,
                action,
                reason,
                due_at,
                status,
                assigned_to or st.collector,
                promise,
                instalment,
                invoice,
                created,
                due_at if done else None,
                why,  # slot_explain: reason codes, worded when shown (followups.timing)
                None,
                None,
                0,
                "",
                None,
                None,
                "",
                0,  # priority: copied from the summaries after they are computed
            )
        )
        if not done and (st.next_action_at is None or due_at < st.next_action_at):
            st.next_action_at = due_at

    def _slot(self, st: _Debtor, *, earliest: int, latest: int) -> tuple[dt.datetime, list]:
        """A coming slot in the debtor's week, with the reason codes the timing
        engine would give for it (best weekdays, first minutes of the day,
        afternoons)."""
        days = [self._day(n) for n in range(earliest, latest + 1)]
        days = [d for d in days if d.weekday() in st.working_days] or [
            self._working_day(st, self._day(earliest), back=False)
        ]
        day = self.rng.choices(days, [WEEKDAY_PREFERENCE[d.weekday()] for d in days])[0]
        opens = st.market.hours[0]
        if self.rand() < 0.6:
            local = self._local(st, day, opens.hour, opens.minute + 5)
            why = [_at(local), ["first_15", {}]]
        else:
            local = self._local(st, day, 15, 0)
            why = [_at(local), ["afternoon_negotiation", {}]]
        before_money_day = [m for m in st.money_days if 1 <= m - day.day <= 3]
        if before_money_day:
            why.append(["money_before", {"days": before_money_day[0] - day.day}])
        elif day.weekday() in (3, 4):
            why.append(["weekday_best" if day.weekday() == 4 else "weekday_good", {}])
        return local.astimezone(UTC), why

    def _followups(self, st: _Debtor) -> None:
        """What is planned next: reminders before promised dates, broken promises,
        disputes to review, callbacks, visits or letters, and the next dunning step
        (some already due, so today's queue has work)."""
        if st.pending:
            self._promise_reminder_followup(st)
        elif st.broken:
            due_at, why = self._slot(st, earliest=1, latest=3)
            self._followup(
                st,
                action=Channel.CALL,
                reason=Reason.BROKEN_PROMISE,
                due_at=due_at,
                why=why,
            )
        if st.open_disputes:
            due_at, why = self._slot(st, earliest=2, latest=7)
            self._followup(
                st,
                action=Channel.CALL,
                reason=Reason.DISPUTE_REVIEW,
                due_at=due_at,
                why=why,
                assigned_to=st.manager if self.rand() < 0.3 else None,
            )
        if st.callback_at is not None:
            self._callback_followup(st)
        if st.escalated:
            self._escalation_followup(st)
        self._dunning_followup(st)

    def _promise_reminder_followup(self, st: _Debtor) -> None:
        """A reminder the working day before the next pending instalment."""
        promise_id, instalment_id, due, channel = st.pending[0]
        day = self._working_day(st, due - DAY, back=True)
        if day <= self.today:
            day = due
        local = self._local(st, day, 10, 0)
        self._followup(
            st,
            action=channel,
            reason=Reason.PROMISE_REMINDER,
            due_at=local.astimezone(UTC),
            why=[_at(local), ["morning", {}]],
            promise=promise_id,
            instalment=instalment_id,
        )

    def _callback_followup(self, st: _Debtor) -> None:
        """The call back the debtor asked for, from the next working day on."""
        asked = st.callback_at.astimezone(st.zone).date()
        day = self._working_day(st, max(asked + DAY, self.today), back=False)
        local = self._local(st, day, 15, 30)
        self._followup(
            st,
            action=Channel.CALL,
            reason=Reason.CALLBACK,
            due_at=local.astimezone(UTC),
            why=[_at(local), ["callback_asked", {}]],
        )

    def _escalation_followup(self, st: _Debtor) -> None:
        """A visit in China, elsewhere a letter from the manager."""
        due_at, why = self._slot(st, earliest=2, latest=8)
        if st.market.country == "CN":
            self._followup(st, action=Channel.VISIT, reason=Reason.VISIT, due_at=due_at, why=why)
        else:
            self._followup(
                st,
                action=Channel.LETTER,
                reason=Reason.ESCALATION,
                due_at=due_at,
                why=why,
                assigned_to=st.manager,
            )

    def _dunning_followup(self, st: _Debtor) -> None:
        """The next dunning step on the oldest overdue invoice, when nothing else
        (a promise, a dispute) is in the way; some already due."""
        overdue = [inv for inv in st.invoices if inv.payable > 0 and inv.due < self.today]
        if not overdue or st.pending or st.open_disputes:
            return
        if self.rand() < 0.4:  # already due
            day = self._working_day(st, self._day(-self._int(0, 2)), back=True)
            opens = st.market.hours[0]
            local = self._local(st, day, opens.hour, opens.minute + 5)
            due_at = local.astimezone(UTC)
            why = [_at(local), ["first_15", {}]]
        else:
            due_at, why = self._slot(st, earliest=1, latest=10)
        self._followup(
            st,
            action=st.preferred_channel,
            reason=Reason.DUNNING_STEP,
            due_at=due_at,
            why=why,
            invoice=overdue[0].id,
        )

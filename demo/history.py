"""The collection history of a debtor: thirteen months of collection work
(`demo.walk`), the disputes raised, then the last 60 days told after the
story its type was given (`SCENARIOS`), and at the end the promises judged
(`demo.promises`). Every interaction is written by `_touch`, which also links
the talk tracks used and flags the rare complaint."""

from __future__ import annotations

import datetime as dt

from debtors.models import Channel, DebtorType
from followups.models import Interaction

from .calls import TYPE_REACH
from .generator_base import DAY, GeneratorBase
from .scenarios import NOISE_CALLS
from .state import _Debtor
from .tables import format_money
from .texts import NOTES

STORY_DAYS = 55  # the recent story's promises fall in these last days
COMPLAINT_RATE = 0.015  # of the interactions in which the right person was reached
CALL, VISIT = Channel.CALL, Channel.VISIT
OPENING, VOICEMAIL = ("opening",), ("voicemail",)
INBOUND, OUTBOUND = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
SHORT_CALLS = frozenset({Interaction.Outcome.NO_ANSWER, Interaction.Outcome.BUSY})
CONVERSATIONS = Interaction.CONVERSATION_OUTCOMES
SECONDS = [dt.timedelta(seconds=n) for n in range(5401)]  # up to 90 minutes, made once


class HistoryMixin(GeneratorBase):
    """Interaction rows and the stories they tell."""

    def _contact_for(self, st: _Debtor) -> tuple[int, str]:
        return st.contacts[0] if self.rand() < 0.75 else self._one(st.contacts)

    def _note(self, st: _Debtor, key: str, **values: object) -> str:
        text = self._one(NOTES[st.language][key])
        return text.format(**values) if values else text

    def _touch(
        self,
        st: _Debtor,
        when: dt.datetime,
        channel: str,
        outcome: str,
        note: str,
        *,
        contact: tuple[int, str] | None = None,
        inbound: bool = False,
        scripts: tuple[str, ...] = (),
    ) -> int:
        """Write one interaction; link the debtor's track of each stage in
        `scripts` (when the library has one). Returns its id. The hot path of
        a big seed: a few million calls."""
        rand = self.rand
        if contact is None:
            contact = self._contact_for(st)
        if channel == CALL:
            if outcome in SHORT_CALLS:
                ended: dt.datetime | None = when + SECONDS[20 + int(rand() * 26)]
            else:
                ended = when + SECONDS[60 + int(rand() * 661)]
        elif channel == VISIT:
            ended = when + SECONDS[60 * (30 + int(rand() * 61))]
        else:
            ended = None
        right_party = outcome in CONVERSATIONS
        complaint = right_party and rand() < COMPLAINT_RATE
        if complaint:
            note = f"{note} {self._note(st, 'complaint')}"
        next_id = self.next_id
        interaction_id = next_id["interaction"]
        next_id["interaction"] = interaction_id + 1
        self.rows["interaction"].append(
            (
                interaction_id,
                self._uuid(),
                st.id,
                contact[0],
                st.worker,
                channel,
                INBOUND if inbound else OUTBOUND,
                when,
                ended,
                outcome,
                right_party,
                note,
                [],
                complaint,
                None,
                "",
                ended or when,
            )
        )
        if scripts and st.scripts:
            links = self.rows["interaction_track"]
            for stage in scripts:
                tracks = st.scripts.get(stage)
                if tracks:
                    link_id = next_id["interaction_track"]
                    next_id["interaction_track"] = link_id + 1
                    links.append((link_id, interaction_id, tracks[interaction_id % len(tracks)]))
        return interaction_id

    def _reached(self, st: _Debtor, day: dt.date) -> dt.datetime:
        """The moment of a talk a story needs on `day` (`_reach_moment`; the
        unanswered tries before it are left to the walk's attempts)."""
        return self._reach_moment(st, day)[0]

    def _noise(self, st: _Debtor, days_ago: int) -> None:
        """An unanswered attempt, a reminder message, or now and then a wrong number."""
        rand = self.rand
        when = self._moment(st, self._past_day(days_ago, st))
        roll = rand()
        if roll < 0.45:
            outcome = NOISE_CALLS.pick(rand)
            contact = self._contact_for(st)
            self._touch(
                st,
                when,
                Channel.CALL,
                outcome,
                self._note(st, outcome, name=contact[1]),
                contact=contact,
                scripts=VOICEMAIL if outcome == Interaction.Outcome.MESSAGE_LEFT else OPENING,
            )
        elif roll < 0.75:
            self._touch(
                st,
                when,
                Channel.SMS,
                Interaction.Outcome.SENT,
                self._note(st, "sms", amount=self._overdue_text(st)),
                scripts=("sms",),
            )
        elif roll < 0.97 or len(st.contacts) < 2:
            self._touch(
                st,
                when,
                Channel.EMAIL,
                Interaction.Outcome.SENT,
                self._note(st, "email"),
                scripts=("email",),
            )
        else:
            self._touch(
                st,
                when,
                Channel.CALL,
                Interaction.Outcome.WRONG_NUMBER,
                self._note(st, "wrong_number"),
                contact=st.contacts[-1],
            )

    def _overdue_text(self, st: _Debtor) -> str:
        return format_money(st.overdue_payable(self.today) or st.payable(), st.market.symbol)

    def _history(self, st: _Debtor) -> None:
        """Thirteen months of collection work, the calls that raised the
        disputes, the last 60 days after a story that suits the debtor's type
        (`SCENARIOS`), and the promises judged."""
        st.reach = TYPE_REACH[st.debtor_type] * (0.7 + 0.6 * self.rand())
        if self.tracks:
            st.scripts = self.tracks.for_debtor(st.debtor_type, st.language, st.index)
        scenario = st.scenario
        if st.payable() <= 0 and scenario != "dispute":
            scenario = "quiet"
        if scenario not in ("quiet", "says_paid", "refused"):
            st.story_from = self._day(-STORY_DAYS)  # its promises are the story's
        self._walk(st)
        for opened in st.dispute_moments:
            self._dispute_calls(st, opened)
        self._story(st, scenario)
        self._settle_promises(st)

    def _dispute_calls(self, st: _Debtor, opened: dt.datetime) -> None:
        """The call that raised a dispute, and the documents emailed after it."""
        contact = st.contacts[0]
        self._touch(
            st,
            opened,
            Channel.CALL,
            Interaction.Outcome.DISPUTE,
            self._note(st, "dispute", name=contact[1]),
            contact=contact,
            scripts=("opening", "objection"),
        )
        day = self._working_day(st, opened.date() + self._int(1, 3) * DAY, back=False)
        if day < self.today:
            self._touch(
                st,
                self._moment(st, day),
                Channel.EMAIL,
                Interaction.Outcome.SENT,
                self._note(st, "email_docs"),
                contact=contact,
            )

    def _story(self, st: _Debtor, scenario: str) -> None:
        """The part of the history that makes the scenario: promises kept,
        broken or pending, a claimed payment, a refusal, a callback."""
        if scenario == "kept":
            self._promise(st, outcome="kept", instalments=1, made_ago=self._int(12, 30))
            if self.rand() < 0.4:
                self._touch(
                    st,
                    self._moment(st, self._past_day(self._int(1, 3), st)),
                    Channel.EMAIL,
                    Interaction.Outcome.SENT,
                    self._note(st, "thanks"),
                )
        elif scenario == "says_paid":
            day = self._past_day(self._int(3, 20), st)
            contact = st.contacts[0]
            self._touch(
                st,
                self._reached(st, day),
                Channel.CALL,
                Interaction.Outcome.PAID,
                self._note(st, "paid", name=contact[1]),
                contact=contact,
                scripts=("opening",),
            )
            self._pay(st, st.overdue_payable(self.today) or st.payable(), day - DAY)
        elif scenario == "pending":
            self._promise(st, outcome="pending", instalments=1, made_ago=self._int(1, 12))
        elif scenario == "plan_running":
            self._promise(
                st, outcome="running", instalments=self._int(3, 4), made_ago=self._int(15, 40)
            )
        elif scenario == "plan_new":
            self._promise(
                st, outcome="pending", instalments=self._int(2, 4), made_ago=self._int(1, 14)
            )
        elif scenario == "partly":
            self._promise(
                st, outcome="partly", instalments=self._int(1, 2), made_ago=self._int(25, 50)
            )
        elif scenario in ("broken", "broken_then_pending"):
            self._promise(st, outcome="broken", instalments=1, made_ago=self._int(20, 45))
            for _ in range(self._int(1, 3)):
                self._noise(st, self._int(6, 15))
            if scenario == "broken_then_pending":
                self._promise(st, outcome="pending", instalments=1, made_ago=self._int(1, 10))
            else:
                self._callback_or_talk(st)
                st.escalated = st.debtor_type == DebtorType.STALLING and self.rand() < 0.4
        elif scenario == "refused":
            self._refusal(st)
        elif scenario == "dispute" and st.payable() > 0 and self.rand() < 0.35:
            # Pay the undisputed part first.
            self._promise(st, outcome="pending", instalments=1, made_ago=self._int(1, 12))
        elif scenario == "quiet" and self.rand() < 0.3:
            self._callback_or_talk(st)

    def _refusal(self, st: _Debtor) -> None:
        for _ in range(self._int(2, 3)):
            self._noise(st, self._int(15, 40))
        contact = st.contacts[0]
        day = self._past_day(self._int(8, 14), st)
        self._touch(
            st,
            self._reached(st, day),
            Channel.CALL,
            Interaction.Outcome.REFUSED,
            self._note(st, "refused", name=contact[1]),
            contact=contact,
            scripts=("opening", "objection"),
        )
        day = self._past_day(self._int(2, 6), st)
        if st.market.country == "CN":  # the team can call in person
            self._touch(
                st,
                self._moment(st, day),
                Channel.VISIT,
                Interaction.Outcome.RIGHT_PARTY,
                self._note(st, "visit", name=contact[1]),
                contact=contact,
                scripts=("visit",),
            )
        else:
            self._touch(
                st,
                self._moment(st, day),
                Channel.LETTER,
                Interaction.Outcome.SENT,
                self._note(st, "letter"),
                contact=contact,
                scripts=("letter",),
            )
        st.escalated = True

    def _callback_or_talk(self, st: _Debtor) -> None:
        contact = st.contacts[0]
        day = self._past_day(self._int(1, 4), st)
        if self.rand() < 0.6:
            when = self._reached(st, day)
            self._touch(
                st,
                when,
                Channel.CALL,
                Interaction.Outcome.CALLBACK,
                self._note(st, "callback", name=contact[1]),
                contact=contact,
                scripts=("opening",),
            )
            st.callback_at = when
        elif self.rand() < 0.5:  # they rang us
            self._touch(
                st,
                self._moment(st, day),
                Channel.CALL,
                Interaction.Outcome.RIGHT_PARTY,
                self._note(st, "inbound", name=contact[1]),
                contact=contact,
                inbound=True,
            )
        else:
            self._touch(
                st,
                self._reached(st, day),
                Channel.CALL,
                Interaction.Outcome.RIGHT_PARTY,
                self._note(st, "right_party", name=contact[1], amount=self._overdue_text(st)),
                contact=contact,
                scripts=("opening",),
            )

"""One debtor of the demo book, from first draw to its row: its habits, its
story (invoices, disputes, history, follow-ups, each from its own mixin), the
status that story leaves it in, and the debtor row itself."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from accounts.models import Language
from debtors.models import Channel, Debtor, DebtorType

from .generator_base import GeneratorBase
from .markets import Market
from .scenarios import MONEY_DAYS, SHOWCASE
from .state import _Debtor
from .tables import ZERO
from .texts import DEBTOR_NOTES, TYPE_REASONS


class DebtorsMixin(GeneratorBase):
    """The debtor row and the order its parts are drawn in."""

    def _debtor(self, index: int) -> None:
        show = SHOWCASE[index] if index < len(SHOWCASE) else None
        market, debtor_type, city = self._place(show)
        team, manager, collector, scenario = self._assignment(market, debtor_type, show)
        working_days, money_days, preferred = self._habits(market, debtor_type)
        do_not_contact = self.rand() < 0.01
        cease = market.country == "US" and self.rand() < 0.01
        st = _Debtor(
            id=self._id("debtor"),
            index=index,
            market=market,
            city=city,
            zone=ZoneInfo(city.timezone),
            debtor_type=debtor_type,
            scenario=scenario,
            collector=collector,
            team=team,
            manager=manager,
            language=market.language,
            money_days=money_days,
            working_days=working_days,
            preferred_channel=preferred,
            contactable=not (do_not_contact or cease),
        )
        st.history = show is not None or self.rand() * 100 < self.params.history_share
        name, domain = self._company(market, city)
        created_at = self.seeded_at - dt.timedelta(days=self._int(420, 1500))
        self._contacts(st, domain, created_at)
        self._invoices(st)
        if debtor_type == DebtorType.DISPUTE:
            self._disputes(st)
        if st.history:
            self._history(st)
            if st.contactable:
                self._followups(st)
        self._emit_debtor(
            st, name=name, created_at=created_at, do_not_contact=do_not_contact, cease=cease
        )
        self._emit_invoices(st)

    def _habits(self, market: Market, debtor_type: str) -> tuple[list[int], list[int], str]:
        """Working days, the days of the month money goes out, preferred channel."""
        rand = self.rand
        six_days = market.country == "CN" and rand() < 0.1
        working_days = [0, 1, 2, 3, 4, 5] if six_days else [0, 1, 2, 3, 4]
        money_days = list(self._one(MONEY_DAYS)) if rand() < 0.35 else []
        if debtor_type == DebtorType.FORGETFUL and rand() < 0.4:
            preferred = Channel.SMS if market.country == "CN" else Channel.EMAIL
        elif market.language == Language.EN and rand() < 0.2:
            preferred = Channel.EMAIL
        else:
            preferred = Channel.CALL
        return working_days, money_days, preferred

    def _debtor_status(self, st: _Debtor) -> str:
        """Where the story left the debtor."""
        if st.open_disputes:
            return Debtor.Status.DISPUTED
        if st.promised:
            return Debtor.Status.PROMISED
        if st.escalated:
            return Debtor.Status.LEGAL if self.rand() < 0.25 else Debtor.Status.ESCALATED
        if not any(inv.open > 0 for inv in st.invoices):
            return Debtor.Status.SETTLED
        return Debtor.Status.ACTIVE

    def _type_set(self, st: _Debtor) -> tuple[str, int | None, dt.datetime | None]:
        """Why the debtor has its type, who set it and when (nothing for unknown)."""
        if st.debtor_type == DebtorType.UNKNOWN:
            return "", None, None
        reason = self._one(TYPE_REASONS[st.debtor_type][st.language])
        set_by = st.collector or st.manager
        set_at = self.seeded_at - dt.timedelta(days=self._int(2, 90), minutes=self._int(-600, -60))
        return reason, set_by, set_at

    def _emit_debtor(
        self,
        st: _Debtor,
        *,
        name: str,
        created_at: dt.datetime,
        do_not_contact: bool,
        cease: bool,
    ) -> None:
        status = self._debtor_status(st)
        reason, set_by, set_at = self._type_set(st)
        market = st.market
        opens, closes, lunch_from, lunch_until = market.hours
        self.rows["debtor"].append(
            (
                st.id,
                self._uuid(),
                f"C{st.index + 1:06d}",
                name,
                st.debtor_type,
                set_by,
                reason,
                set_at,
                st.collector,
                st.team,
                market.country,
                st.city.timezone,
                st.language,
                opens,
                closes,
                lunch_from,
                lunch_until,
                st.working_days,
                st.money_days,
                st.preferred_channel,
                do_not_contact,
                cease,
                status,
                market.currency,
                self._one(DEBTOR_NOTES[st.language]),
                ZERO,
                ZERO,
                ZERO,
                0,
                None,
                0,
                st.next_action_at,
                0,
                None,
                created_at,
                self.seeded_at,
            )
        )

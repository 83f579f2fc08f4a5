"""The people side of a debtor: where it is (market and city), which team and
collector look after it, its company name, and its contact people."""

from __future__ import annotations

import datetime as dt

from accounts.models import Language

from .generator_base import GeneratorBase
from .markets import MARKETS, City, Market
from .names import (
    CN_BRANDS,
    CN_GIVEN,
    CN_INDUSTRIES,
    CN_ROLES,
    CN_SURNAMES,
    DECISION_ROLES,
    EN_FIRST,
    EN_INDUSTRIES,
    EN_LAST,
    EN_PREFIXES,
    EN_ROLES,
)
from .scenarios import CONTACT_COUNTS, MARKET_PICK, SCENARIOS, TYPES, Showcase
from .state import _Debtor
from .texts import CONTACT_NOTES


class PeopleMixin(GeneratorBase):
    """Markets, teams, companies and contacts."""

    def _place(self, show: Showcase | None) -> tuple[Market, str, City]:
        """The debtor's market, type and city (fixed for a showcase debtor)."""
        rand = self.rand
        if show:
            market = MARKETS[show.country]
            debtor_type = show.debtor_type
        else:
            market = MARKET_PICK.pick(rand)
            debtor_type = TYPES.pick(rand)
        return market, debtor_type, self._one(market.cities)

    def _assignment(
        self, market: Market, debtor_type: str, show: Showcase | None
    ) -> tuple[int, int, int | None, str]:
        """Team, manager, collector (None: the team's) and the debtor's story."""
        rand = self.rand
        staff = self.staff
        if market.team == "na":
            team, manager = staff.team_na, staff.manager2
            collector: int | None = staff.collector3 if rand() < 0.85 else None
        else:
            team, manager = staff.team_east, staff.manager
            roll = rand()
            collector = (
                staff.collector if roll < 0.47 else staff.collector2 if roll < 0.94 else None
            )
        if show:
            collector = staff.collectors[show.collector] if show.collector else None
            scenario = show.scenario
        else:
            scenario = SCENARIOS[debtor_type].pick(rand)
        return team, manager, collector, scenario

    def _company(self, market: Market, city: City) -> tuple[str, str]:
        if market.language == Language.ZH_HANS:
            brand, brand_py = self._one(CN_BRANDS)
            industry, industry_py = self._one(CN_INDUSTRIES)
            name = f"{city.name}{brand}{industry}{self._one(market.suffixes)}"
            return name, f"{brand_py}{industry_py}-{city.slug}.example.com"
        prefix = self._one(EN_PREFIXES)
        industry = self._one(EN_INDUSTRIES)
        name = f"{prefix} {industry} {self._one(market.suffixes)}"
        return name, f"{prefix}{industry}".lower().replace(" ", "") + ".example.com"

    def _contacts(self, st: _Debtor, domain: str, created_at: dt.datetime) -> None:
        rng, rand = self.rng, self.rand
        count = CONTACT_COUNTS.pick(rand)
        zh = st.language == Language.ZH_HANS
        roles = rng.sample(CN_ROLES if zh else EN_ROLES, count)
        roles.sort(key=lambda role: role not in DECISION_ROLES)  # the primary decides
        for n, role in enumerate(roles):
            if zh:
                surname, surname_py = self._one(CN_SURNAMES)
                given, given_py = self._one(CN_GIVEN)
                name = f"{surname}{given}"
                local = f"{given_py}.{surname_py}" if rand() < 0.5 else f"{surname_py}{given_py}"
            else:
                first, last = self._one(EN_FIRST), self._one(EN_LAST)
                name = f"{first} {last}"
                local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            phone = st.city.landline(rng)
            mobile = st.city.mobile(rng) if rand() < 0.8 else ""
            if role in ("行政前台", "AP Clerk") and rand() < 0.5:
                email = f"{'caiwu' if zh else 'ap'}@{domain}"
            else:
                email = f"{local}@{domain}" if rand() < 0.9 else ""
            contact_id = self._id("contact")
            st.contacts.append((contact_id, name))
            self.rows["contact"].append(
                (
                    contact_id,
                    self._uuid(),
                    st.id,
                    name,
                    role,
                    phone,
                    mobile,
                    email,
                    n == 0,
                    role in DECISION_ROLES,
                    self._one(CONTACT_NOTES[st.language]),
                    [],
                    created_at,
                )
            )

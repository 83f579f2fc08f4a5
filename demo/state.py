"""What the generator is given (`DemoParams`, the `Staff` ids) and what it
remembers about one debtor while making its rows (`_Debtor`, `_Inv`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from accounts.models import Language

from .judge import _Promise
from .markets import City, Market


@dataclass(frozen=True)
class Staff:
    """Primary keys of the demo users and teams the rows refer to."""

    team_east: int
    team_na: int
    collector: int
    collector2: int
    collector3: int
    manager: int
    manager2: int
    finance: int

    @property
    def collectors(self) -> dict[str, int]:
        return {
            "collector": self.collector,
            "collector2": self.collector2,
            "collector3": self.collector3,
        }


@dataclass(frozen=True)
class DemoParams:
    today: dt.date
    debtors: int = 300
    seed: int = 42
    invoices_per_debtor: int | None = None
    # Share of debtors (percent) given a history: the settled invoices of the
    # last thirteen months with their payments, calls, promises and follow-ups.
    # The others look just imported from an aging report: their open invoices
    # (some paid in part). None: all of them for up to 20,000 debtors, then 10%,
    # so a huge book stays quick (a history is a few dozen rows per debtor).
    history_percent: int | None = None

    @property
    def history_share(self) -> int:
        if self.history_percent is not None:
            return self.history_percent
        return 100 if self.debtors <= 20_000 else 10


# --------------------------------------------------------------------------- state


class _Inv:
    __slots__ = ("id", "number", "issue", "due", "amount", "open", "disputed", "last_paid")

    def __init__(self, id_: int, number: str, issue: dt.date, due: dt.date, amount: int) -> None:
        self.id = id_
        self.number = number
        self.issue = issue
        self.due = due
        self.amount = amount
        self.open = amount
        self.disputed = 0
        self.last_paid: dt.date | None = None  # the latest payment allocated to it

    @property
    def closed_on(self) -> dt.date | None:
        """The day the last money came, for an invoice paid in full."""
        return self.last_paid if self.open == 0 and self.amount > 0 else None

    @property
    def payable(self) -> int:
        """Open money that a payment may settle: the undisputed part."""
        if self.open <= 0:
            return 0
        return self.open - min(self.disputed, self.open)


@dataclass(eq=False)
class _Debtor:
    id: int
    index: int
    market: Market
    city: City
    zone: ZoneInfo
    debtor_type: str
    scenario: str
    collector: int | None
    team: int
    manager: int
    language: str
    money_days: list[int]
    working_days: list[int]
    preferred_channel: str
    contactable: bool
    history: bool = False  # settled invoices, calls, promises (DemoParams.history_share)
    contacts: list[tuple[int, str]] = field(default_factory=list)  # (id, name)
    invoices: list[_Inv] = field(default_factory=list)
    open_disputes: list[int] = field(default_factory=list)  # dispute ids
    dispute_moments: list[dt.datetime] = field(default_factory=list)
    dispute_spans: list[tuple[dt.date, dt.date]] = field(default_factory=list)  # held, to resolved
    past_holds: list[tuple[_Inv, dt.date, dt.date]] = field(default_factory=list)  # settled since
    payments: list[tuple[dt.date, int]] = field(default_factory=list)  # (received on, cents)
    promises: list[_Promise] = field(default_factory=list)  # made in the history, judged last
    promise_busy_until: dt.date | None = None  # the walk makes no promise while one runs
    story_from: dt.date | None = None  # nor once the recent story's promises begin
    stopped: dt.date | None = None  # paid nothing after this day
    scripts: dict[str, tuple[int, ...]] = field(default_factory=dict)  # stage -> track ids
    reach: float = 1.0  # how easy the debtor is to get on the phone (noise around the prior)
    pending: list[tuple[int, int, dt.date, str]] = field(default_factory=list)  # to remind
    promised: bool = False  # a promise is still running
    broken: bool = False  # the latest promise was broken, lately
    callback_at: dt.datetime | None = None
    escalated: bool = False
    followup_keys: set[tuple[str, dt.datetime]] = field(default_factory=set)
    next_action_at: dt.datetime | None = None

    @property
    def worker(self) -> int:
        """Who makes the calls: the assigned collector, else the team's manager."""
        return self.collector or self.manager

    @property
    def lang_index(self) -> int:
        return 0 if self.language == Language.ZH_HANS else 1

    def payable(self) -> int:
        return sum(inv.payable for inv in self.invoices)

    def overdue_payable(self, today: dt.date) -> int:
        return sum(inv.payable for inv in self.invoices if inv.due < today)

"""The generator's plumbing, shared by every part of the book: the seeded
random source, primary keys and version-4 UUIDs, cached dates and stamps, and
the debtor's calendar (working days, business-hours moments)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar

from .state import DemoParams, Staff, _Debtor
from .tables import TABLES, Rows
from .tracks import TrackBook

UTC = dt.UTC
DAY = dt.timedelta(days=1)
T = TypeVar("T")

_UUID_MASK = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID_V4 = (0x8000 << 48) | (0x4000 << 64)  # RFC 4122 variant, version 4


class GeneratorBase:
    """State and small helpers; the parts of the book are mixins on top."""

    def __init__(
        self,
        *,
        params: DemoParams,
        staff: Staff,
        first_ids: dict[str, int],
        tracks: TrackBook | None = None,
        company_zone: dt.tzinfo = UTC,
        grace_days: int = 2,
    ) -> None:
        if params.debtors < 0:
            raise ValueError("debtors must not be negative")
        if params.invoices_per_debtor is not None and not 1 <= params.invoices_per_debtor <= 100:
            raise ValueError("invoices_per_debtor must be between 1 and 100")
        self.params = params
        self.staff = staff
        self.rng = random.Random(params.seed)
        self.rand = self.rng.random
        self.today = params.today
        self.seeded_at = dt.datetime.combine(params.today, dt.time.min, tzinfo=UTC)
        self.next_id = {table: first_ids.get(table, 1) for table in TABLES}
        self.invoice_seq = 0
        self.payment_seq = 0
        self.rows: Rows = {table: [] for table in TABLES}
        self._today_ordinal = params.today.toordinal()
        self._days: dict[int, dt.date] = {}
        self._stamps: dict[tuple[dt.date, int], dt.datetime] = {}
        # The history covers this month and the twelve before it.
        months = params.today.year * 12 + params.today.month - 1 - 12
        self.window_start = dt.date(months // 12, months % 12 + 1, 1)
        self.tracks = tracks or TrackBook()
        self.company_zone = company_zone
        self.grace_days = grace_days
        self._midnights: dict[tuple[object, dt.date], dt.datetime] = {}
        self._company_times: dict[tuple[dt.date, int], dt.datetime] = {}
        # Per market: right-party chances by weekday and minute, dialling hours (demo.calls).
        self._rate_tables: dict[str, list[list[float]]] = {}
        self._dial_hours: dict[str, tuple[int, int, int, int]] = {}

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _uuid(self) -> str:
        return f"{(self.rng.getrandbits(128) & _UUID_MASK) | _UUID_V4:032x}"

    def _int(self, low: int, high: int) -> int:
        """Uniform integer in [low, high]."""
        return low + int(self.rand() * (high - low + 1))

    def _one(self, seq: Sequence[T]) -> T:
        return seq[int(self.rand() * len(seq))]

    def _day(self, offset: int) -> dt.date:
        """today + offset days (cached: the book reuses a few hundred dates)."""
        try:
            return self._days[offset]
        except KeyError:
            day = self._days[offset] = dt.date.fromordinal(self._today_ordinal + offset)
            return day

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        """Midnight UTC of `day` plus `hour` (cached like the dates)."""
        try:
            return self._stamps[day, hour]
        except KeyError:
            stamp = self._stamps[day, hour] = dt.datetime(
                day.year, day.month, day.day, hour, tzinfo=UTC
            )
            return stamp

    def _working_day(self, st: _Debtor, day: dt.date, *, back: bool) -> dt.date:
        while day.weekday() not in st.working_days:
            day = day - DAY if back else day + DAY
        return day

    def _past_day(self, days_ago: int, st: _Debtor) -> dt.date:
        return self._working_day(st, self._day(-max(days_ago, 1)), back=True)

    def _moment(self, st: _Debtor, day: dt.date, *, afternoon: bool = False) -> dt.datetime:
        """A local business-hours moment on `day` (never in the lunch break), in UTC."""
        opens, closes, lunch_from, lunch_until = st.market.hours
        lunch_start = lunch_from.hour * 60 + lunch_from.minute
        lunch_end = lunch_until.hour * 60 + lunch_until.minute
        start = lunch_end if afternoon else opens.hour * 60 + opens.minute
        end = closes.hour * 60 + closes.minute - 20
        minute = self._int(start, end - (0 if afternoon else lunch_end - lunch_start))
        if not afternoon and minute >= lunch_start:
            minute += lunch_end - lunch_start
        local = dt.datetime(
            day.year,
            day.month,
            day.day,
            minute // 60,
            minute % 60,
            int(self.rand() * 60),
            tzinfo=st.zone,
        )
        moment = local.astimezone(UTC)
        if moment >= self.seeded_at:  # late yesterday, west of UTC: it has not happened yet
            earlier = self._working_day(st, day - DAY, back=True)
            return self._moment(st, earlier, afternoon=afternoon)
        return moment

    def _local_midnight(self, st: _Debtor, day: dt.date) -> dt.datetime:
        """The UTC moment the debtor's `day` starts, by the offset at noon (clocks
        change at night, so working hours all have the noon offset); cached."""
        key = (st.zone, day)
        try:
            return self._midnights[key]
        except KeyError:
            noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=st.zone)
            offset = noon.utcoffset() or dt.timedelta(0)
            start = dt.datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
            self._midnights[key] = start
            return start

    def _company_at(self, day: dt.date, hour: int) -> dt.datetime:
        """`hour` o'clock of `day` in the company's zone (cached)."""
        try:
            return self._company_times[day, hour]
        except KeyError:
            stamp = dt.datetime(day.year, day.month, day.day, hour, tzinfo=self.company_zone)
            self._company_times[day, hour] = stamp
            return stamp

    def _local(self, st: _Debtor, day: dt.date, hour: int, minute: int) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=st.zone)

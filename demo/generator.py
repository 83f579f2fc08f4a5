"""`DemoGenerator`: the parts of the demo book put together, and the batches
the `seed_demo` writers consume."""

from __future__ import annotations

from collections.abc import Iterator

from .calls import CallsMixin
from .debtors import DebtorsMixin
from .disputes import DisputesMixin
from .followups import FollowupsMixin
from .history import HistoryMixin
from .invoices import InvoicesMixin
from .people import PeopleMixin
from .promises import PromisesMixin
from .settlement import SettlementMixin
from .tables import TABLES, Rows
from .walk import WalkMixin


class DemoGenerator(
    DebtorsMixin,
    PeopleMixin,
    InvoicesMixin,
    SettlementMixin,
    DisputesMixin,
    HistoryMixin,
    WalkMixin,
    CallsMixin,
    PromisesMixin,
    FollowupsMixin,
):
    """Turn `DemoParams` into row batches. Primary keys start at `first_ids`.

    One `random.Random(seed)` drives everything, in a fixed order, so the same
    parameters always give the same rows."""

    def batches(self, *, chunk_rows: int = 50_000) -> Iterator[Rows]:
        """Yield rows per table, about `chunk_rows` at a time, never the whole book."""
        for index in range(self.params.debtors):
            self._debtor(index)
            if len(self.rows["invoice"]) + len(self.rows["interaction"]) >= chunk_rows:
                yield self.rows
                self.rows = {table: [] for table in TABLES}
        if any(self.rows.values()):
            yield self.rows
            self.rows = {table: [] for table in TABLES}

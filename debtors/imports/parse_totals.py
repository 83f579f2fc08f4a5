"""The totals a report states: group subtotals are checked against their rows,
the grand total against everything parsed (the reconciliation)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import ERROR, WARNING, msg
from .parse_cells import RowReader, _money
from .parse_result import Reconciliation
from .presets import RECONCILE_WARNING, SUMMARY
from .values import AmountError


class TotalChecks(RowReader):
    def _total_row(self, first: str, row, n) -> bool:
        """Count and check a row whose first cell makes it a grand total, a
        subtotal or a footer; False for any other row."""
        counts = self.result.counts
        kind_of_total = L.subtotal_kind(first, self.group)
        if kind_of_total == "grand_total":
            counts["grand_totals"] += 1
            self._grand_total(row, n)
        elif kind_of_total == "footer":  # e.g. Odoo's "Percents" row
            counts["footers"] += 1
        elif kind_of_total == "subtotal":
            counts["subtotals"] += 1
            self._subtotal(row, n)
            if self.group_kind == "customer":
                self.group = self.group_debtor = self.group_kind = None
        else:
            return False
        return True

    def _row_total(self, row, n) -> Decimal | None:
        """The amount a total row states: the open column, or a summary's total."""
        if self.preset.kind == SUMMARY:
            total = self.amount(row, n, L.TOTAL)
            if total is None and self.buckets:
                total = sum(
                    (self.amount(row, n, L.TOTAL, index=i) or Decimal(0))
                    for i, _l, _b in self.buckets
                )
            return total
        return self.amount(row, n, L.OPEN_AMOUNT)

    def _subtotal(self, row, n) -> None:
        """Check a group's subtotal (``Total for X``, ``Total - X``, ``Total X``)
        against its rows, unless rows of the group already had errors."""
        if self.group is None or self.result.counts.get("errors", 0) != self.group_errors:
            return
        try:
            stated = self._row_total(row, n)
        except AmountError:
            return
        if stated is None or _money(stated) == self.group_sum:
            return
        severity = WARNING if self.preset.reconcile == RECONCILE_WARNING else ERROR
        self.problem(
            n,
            None,
            "subtotal_mismatch",
            msg(
                _("The rows of “%(group)s” add up to %(parsed)s but its total row says %(total)s."),
                {"group": self.group, "parsed": self.group_sum, "total": _money(stated)},
            ),
            severity,
        )

    def _grand_total(self, row, n) -> None:
        try:
            total = self._row_total(row, n)
        except AmountError:
            return
        if total is not None:
            self.report_total = (_money(total), n)

    def _reconcile(self) -> None:
        result = self.result
        if self.report_total is None:
            return
        total, n = self.report_total
        if len(result.totals) > 1:
            self.problem(
                n,
                None,
                "total_mixed_currencies",
                _("The report mixes currencies, so its total cannot be checked."),
                WARNING,
            )
            return
        parsed = sum(result.totals.values(), Decimal(0))
        severity = WARNING if self.preset.reconcile == RECONCILE_WARNING else ERROR
        result.reconciliation = Reconciliation(total, parsed, n, severity)
        if parsed != total and result.counts.get("errors", 0) == 0:
            self.problem(
                n,
                None,
                "total_mismatch",
                msg(
                    _(
                        "The rows add up to %(parsed)s but the report's own total is %(total)s "
                        "(difference %(diff)s)."
                    ),
                    {"parsed": parsed, "total": total, "diff": parsed - total},
                ),
                severity,
            )

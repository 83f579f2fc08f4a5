"""Summary reports: one row per customer with an amount per aging bucket.
Each customer's buckets are summed over its rows, then become one synthetic
invoice per non-zero bucket, due as many days before the as-of date as the
bucket starts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import msg
from .parse_cells import _money
from .parse_debtors import DebtorRows
from .parse_result import InvoiceRecord
from .values import AmountError, Bucket, bucket_key


class SummaryRows(DebtorRows):
    def _summary_row(self, row, n, summary: dict) -> None:
        debtor = self._debtor(row, n)
        values = []
        try:
            for index, _label, _bucket in self.buckets:
                values.append(self.amount(row, n, L.TOTAL, index=index) or Decimal(0))
            total = self.amount(row, n, L.TOTAL)
        except AmountError:
            return
        if debtor is None:
            return
        values = [_money(v) for v in values]
        if total is not None and self.buckets and _money(total) != sum(values, Decimal(0)):
            self.problem(
                n,
                L.TOTAL,
                "row_total_mismatch",
                msg(
                    _("The buckets add up to %(sum)s but the row total is %(total)s."),
                    {"sum": sum(values, Decimal(0)), "total": _money(total)},
                ),
            )
        if not self.buckets and total is not None:
            values = [_money(total)]
        cap = self.options.max_amount
        if any(abs(v) > cap for v in values):
            self.problem(
                n,
                L.TOTAL,
                "amount_absurd",
                msg(
                    _("An amount on this row is above the limit of %(cap)s; check the file."),
                    {"cap": cap},
                ),
            )
            return
        code, name, derived = debtor
        if self.group is not None:
            self.group_sum += sum(values, Decimal(0))
        entry = summary.get(code)
        if entry is None:
            summary[code] = [name, n, derived, self.currency(row), values]
        else:
            entry[4] = [a + b for a, b in zip(entry[4], values, strict=True)]

    def _synthetic(self, summary: dict) -> Iterator[InvoiceRecord]:
        as_of = self.result.as_of
        if as_of is None:
            return
        buckets = self.buckets or [(None, str(_("Total")), Bucket(0, 0))]
        numbers: list[str] = []
        for _i, _label, bucket in buckets:  # "Future" and "Current" are both (0, 0)
            number = f"AGING-{bucket_key(bucket)}"
            numbers.append(number if number not in numbers else f"{number}-{len(numbers) + 1}")
        for code, (name, n, derived, currency, values) in summary.items():
            for (_i, label, bucket), number, value in zip(buckets, numbers, values, strict=True):
                if value == 0:
                    continue
                due = as_of - dt.timedelta(days=bucket.min_days)
                yield InvoiceRecord(
                    debtor_code=code,
                    debtor_name=name,
                    invoice_number=number,
                    issue_date=due,
                    due_date=due,
                    amount=value,
                    open_amount=value,
                    currency=currency,
                    is_credit=value < 0,
                    is_synthetic=True,
                    bucket=label,
                    row_number=n,
                    code_from_name=derived,
                )

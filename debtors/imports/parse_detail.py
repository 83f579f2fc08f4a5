"""Detail and line-item reports: one row per invoice (or per invoice line).
Reads a row into an :class:`InvoiceRecord`: the amounts signed (credits
negative), the due date (else from the age or the invoice date), a number for
an unnumbered credit, and the checks on amounts, dates and duplicates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import WARNING, msg
from .parse_cells import _NOTHING, CENT, _text
from .parse_debtors import DebtorRows
from .parse_result import InvoiceRecord
from .values import AmountError, DateError

CREDIT_TYPE = re.compile(
    r"(?i)credit|refund|payment|overpayment|prepayment|advance|journal|贷项|红字|退款|预收|收款"
)
INVOICE_TYPE = re.compile(r"(?i)^(?:invoice|tax invoice|bill|sales invoice|发票|销售发票|fatura)$")


class DetailRows(DebtorRows):
    def _detail_row(self, row, n, number) -> InvoiceRecord | None:
        raw_code, raw_name, raw_type, raw_issue, raw_due, raw_amount, raw_open, raw_age = (
            self._detail_getter(row + self._pad)
        )
        debtor = self._row_debtor(raw_code, raw_name, n)
        try:
            amount, open_amount, issue, due, age = self._row_values(
                n, raw_amount, raw_open, raw_issue, raw_due, raw_age
            )
        except (AmountError, DateError):
            return None
        if debtor is None:
            return None
        amounts = self._signed_amounts(n, raw_type, amount, open_amount)
        if amounts is None:
            return None
        amount, open_amount, is_credit = amounts
        due = self._due_date(n, issue, due, age)
        if due is None:
            return None
        issue = issue or due
        if not self._dates_ok(n, issue, due):
            return None
        code, name, derived = debtor
        number = self._invoice_number(n, code, name, number, issue, open_amount, is_credit)
        if number is None:
            return None
        return InvoiceRecord(
            debtor_code=code,
            debtor_name=name,
            invoice_number=number,
            issue_date=issue,
            due_date=due,
            amount=amount,
            open_amount=open_amount,
            currency=self.currency(row),
            is_credit=is_credit,
            is_synthetic=False,
            bucket=self.group if self.group_kind == "bucket" else None,
            row_number=n,
            code_from_name=derived,
        )

    def _row_debtor(self, raw_code, raw_name, n) -> tuple[str, str, bool] | None:
        # Detail reports list a customer's invoices one after another: the same
        # code and name cells give the same debtor, already checked once.
        last = self._last_raw
        if raw_code == last[0] and raw_name == last[1] and self.group_kind != "customer":
            return self._last_debtor
        debtor = self._debtor_from(raw_code, raw_name, n)
        if (
            debtor is not None
            and self.group_kind != "customer"
            and self.names[debtor[0]][0] == debtor[1]
        ):
            self._last_raw, self._last_debtor = (raw_code, raw_name), debtor
        else:
            self._last_raw = (_NOTHING, _NOTHING)
        return debtor

    def _row_values(self, n, raw_amount, raw_open, raw_issue, raw_due, raw_age) -> tuple:
        """(amount, open amount, issue date, due date, age), None where blank;
        raises AmountError or DateError once the problem is logged."""
        plain, comma, dates = self._plain_amount, self._comma, self._dates
        # inlined fast paths for the common plain number and cached date
        if raw_amount.__class__ is str and plain(raw_amount):
            amount = Decimal(
                raw_amount.replace(".", "").replace(",", ".")
                if comma
                else raw_amount.replace(",", "")
            )
        else:
            amount = self.amount_value(raw_amount, n, L.AMOUNT)
        if raw_open.__class__ is str and plain(raw_open):
            open_amount = Decimal(
                raw_open.replace(".", "").replace(",", ".") if comma else raw_open.replace(",", "")
            )
        else:
            open_amount = self.amount_value(raw_open, n, L.OPEN_AMOUNT)
        issue = dates.get(raw_issue) if raw_issue.__class__ is str else None
        if issue is None:
            issue = self.date_value(raw_issue, n, L.ISSUE_DATE)
        due = dates.get(raw_due) if raw_due.__class__ is str else None
        if due is None:
            due = self.date_value(raw_due, n, L.DUE_DATE)
        age = self.amount_value(raw_age, n, L.AGE) if raw_age not in (None, "") else None
        return amount, open_amount, issue, due, age

    def _signed_amounts(
        self, n, raw_type, amount, open_amount
    ) -> tuple[Decimal, Decimal, bool] | None:
        """(amount, open amount, is credit) to the cent, a credit's negative; None
        for a row without an amount, with nothing open or with amounts refused."""
        if amount is None and open_amount is None:
            self.problem(n, L.OPEN_AMOUNT, "amount_missing", _("The row has no amount."))
            return None
        amount = (amount if amount is not None else open_amount).quantize(CENT)
        open_amount = (open_amount if open_amount is not None else amount).quantize(CENT)
        if not open_amount and not self._line_items:
            self.result.counts["zero_rows"] += 1
            return None
        kind = _text(raw_type) if raw_type is not None else ""
        typed_credit = bool(kind and CREDIT_TYPE.search(kind))
        if typed_credit:  # some systems print credit notes unsigned
            amount, open_amount = -abs(amount), -abs(open_amount)
        if not self._amounts_ok(n, kind, amount, open_amount, typed_credit):
            return None
        return amount, open_amount, open_amount < 0 or amount < 0

    def _due_date(self, n, issue, due, age) -> dt.date | None:
        """The due date: stated, else the as-of date less the age, else the
        invoice date (with a warning); None when there is none."""
        as_of = self.result.as_of
        if due is None and age is not None and as_of is not None:
            due = as_of - dt.timedelta(days=int(age))
        if due is None and issue is not None:
            due = issue
            if L.DUE_DATE in self.columns:  # else one file-level warning says it
                self.problem(
                    n,
                    L.DUE_DATE,
                    "due_date_missing",
                    _("No due date; the invoice date is used."),
                    WARNING,
                )
        if due is None:
            self.problem(n, L.DUE_DATE, "due_date_missing", _("The row has no due date."))
        return due

    def _invoice_number(self, n, code, name, number, issue, open_amount, is_credit) -> str | None:
        """The invoice number (one made up for a credit without one); None when
        it is missing or the debtor already has that invoice in the file."""
        if not number:
            if not is_credit:
                self.problem(
                    n,
                    L.INVOICE_NUMBER,
                    "invoice_number_missing",
                    _("The row has no invoice number."),
                )
                return None
            number = self._credit_number(n, code, issue, open_amount)
        number = number[:64]
        if not self._line_items:
            key = hash((code, number))
            if key in self.seen:
                self.problem(
                    n,
                    L.INVOICE_NUMBER,
                    "duplicate_invoice",
                    msg(
                        _("Invoice %(number)s of %(debtor)s appears more than once in the file."),
                        {"number": number, "debtor": name},
                    ),
                )
                return None
            self.seen.add(key)
        return number

    def _credit_number(self, n, code, issue, open_amount) -> str:
        number = f"CR-{issue:%Y%m%d}-{abs(open_amount)}"
        seen = self.credit_numbers.get(f"{code}\x00{number}", 0) + 1
        self.credit_numbers[f"{code}\x00{number}"] = seen
        number = number if seen == 1 else f"{number}-{seen}"
        self.problem(
            n,
            L.INVOICE_NUMBER,
            "credit_without_number",
            msg(_("Credit without a number; it is recorded as %(number)s."), {"number": number}),
            WARNING,
        )
        return number

    def _amounts_ok(self, n, kind, amount, open_amount, typed_credit) -> bool:
        cap = self.options.max_amount
        if abs(amount) > cap or abs(open_amount) > cap:
            self.problem(
                n,
                L.OPEN_AMOUNT,
                "amount_absurd",
                msg(
                    _("The amount %(amount)s is above the limit of %(cap)s; check the file."),
                    {"amount": max(abs(amount), abs(open_amount)), "cap": cap},
                ),
            )
            return False
        if (amount < 0) != (open_amount < 0) and open_amount != 0:
            self.problem(
                n,
                L.OPEN_AMOUNT,
                "sign_mismatch",
                _("The amount and the open balance have opposite signs."),
            )
            return False
        if amount < 0 and kind and INVOICE_TYPE.match(kind) and not typed_credit:
            self.problem(
                n,
                L.AMOUNT,
                "negative_invoice",
                _("An invoice cannot have a negative amount; credits must be credit notes."),
            )
            return False
        if abs(open_amount) > abs(amount):
            self.problem(
                n,
                L.OPEN_AMOUNT,
                "open_exceeds_amount",
                _("The open balance is larger than the invoice amount."),
            )
            return False
        return True

    def _dates_ok(self, n, issue, due) -> bool:
        as_of, ceiling = self.result.as_of, self._date_ceiling
        floor = self._date_floor
        in_range = ceiling is None or (issue <= ceiling and due <= ceiling)
        if issue >= floor and due >= floor and in_range and due >= issue:
            return True  # the common case, without building messages
        options = self.options
        for name, value in ((L.ISSUE_DATE, issue), (L.DUE_DATE, due)):
            if value.year < options.min_year:
                self.problem(
                    n,
                    name,
                    "date_too_old",
                    msg(_("The date %(date)s is implausibly old."), {"date": value.isoformat()}),
                )
                return False
            if as_of and value > as_of + dt.timedelta(days=options.max_future_days):
                self.problem(
                    n,
                    name,
                    "date_future",
                    msg(
                        _(
                            "The date %(date)s is too far in the future "
                            "for a report as of %(as_of)s."
                        ),
                        {"date": value.isoformat(), "as_of": as_of.isoformat()},
                    ),
                )
                return False
        if due < issue:
            self.problem(
                n, L.DUE_DATE, "due_before_issue", _("The due date is before the invoice date.")
            )
            return False
        return True

    def _collapse(self, record: InvoiceRecord, items: dict) -> None:
        key = (record.debtor_code, record.invoice_number)
        first = items.get(key)
        if first is None:
            items[key] = record
            return
        if (first.open_amount, first.amount, first.due_date) != (
            record.open_amount,
            record.amount,
            record.due_date,
        ):
            self.problem(
                record.row_number,
                L.OPEN_AMOUNT,
                "line_items_disagree",
                msg(
                    _(
                        "Line items of invoice %(number)s disagree on its total, balance "
                        "or due date (see row %(row)d)."
                    ),
                    {"number": record.invoice_number, "row": first.row_number},
                ),
            )

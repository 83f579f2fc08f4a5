"""Matching payment lines to debtors and invoices, set-based: a fixed number of
queries whatever the number of lines. Each line is matched, in this order, by

1. an invoice number: from an invoice column, or an open invoice number found
   in the reference text (word-boundary match);
2. the debtor: a customer code column, or a payer name equal to a debtor's code
   or name; then an open invoice of exactly that amount, else oldest first;
3. the amount: no debtor found, but exactly one open invoice in the whole book
   has that open amount and its debtor's name looks like the payer's.

Everything else is left unmatched, with the reason, for manual matching.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ..models import Debtor, Invoice, Payment
from .errors import msg

if TYPE_CHECKING:  # payments imports this module to re-export its names
    from .payments import PaymentLine

# Word boundaries, Unicode and ASCII: Chinese memos run numbers into the text
# ("货款INV-2已付"), so a change between Chinese and Latin letters is one too.
WORD_STARTS = (re.compile(r"\b\w"), re.compile(r"\b\w", re.ASCII))
WORD_ENDS = (re.compile(r"\w\b"), re.compile(r"\w\b", re.ASCII))
MAX_INVOICE_NUMBER = 64  # Invoice.number

HOW_INVOICE_COLUMN = "invoice_column"
HOW_INVOICE_IN_TEXT = "invoice_in_reference"
HOW_CODE_EXACT = "customer_code_exact_amount"
HOW_CODE_OLDEST = "customer_code_oldest_first"
HOW_NAME_EXACT = "payer_name_exact_amount"
HOW_NAME_OLDEST = "payer_name_oldest_first"
HOW_AMOUNT_AND_NAME = "amount_and_payer_name"
HOW_MANUAL = "manual"

HOW_LABELS = {
    HOW_INVOICE_COLUMN: _("Invoice number column"),
    HOW_INVOICE_IN_TEXT: _("Invoice number in the reference"),
    HOW_CODE_EXACT: _("Customer code; invoice of exactly this amount"),
    HOW_CODE_OLDEST: _("Customer code; oldest invoices first"),
    HOW_NAME_EXACT: _("Payer name; invoice of exactly this amount"),
    HOW_NAME_OLDEST: _("Payer name; oldest invoices first"),
    HOW_AMOUNT_AND_NAME: _("Only open invoice of this amount, payer name alike"),
    HOW_MANUAL: _("Matched by hand"),
}


@dataclass
class LineMatch:
    line: PaymentLine
    debtor_id: int | None = None
    invoice_numbers: list[str] = field(default_factory=list)  # named to payment_record
    allocated: list[str] = field(default_factory=list)  # what the allocation will touch
    how: str | None = None
    reason: object = None  # why unmatched (a lazy string or Message)

    @property
    def matched(self) -> bool:
        return self.debtor_id is not None


@dataclass
class _OpenInvoice:
    id: int
    debtor_id: int
    number: str
    payable: Decimal  # open minus disputed: what payment_record will allocate
    open_amount: Decimal
    sort_key: tuple


def _key(text: str) -> str:
    """Trimmed, single-spaced, lower case: as the database's LOWER() compares."""
    return " ".join(text.split()).lower()


class OpenBook:
    """Every open invoice, loaded once (one query), indexed by number, debtor
    and open amount. Allocation is simulated as lines are matched, so two
    payments of 500 meet two different invoices of 500."""

    def __init__(self):
        self.by_number: dict[str, list[_OpenInvoice]] = defaultdict(list)
        self.by_debtor: dict[int, list[_OpenInvoice]] = defaultdict(list)
        self.by_amount: dict[Decimal, list[_OpenInvoice]] = defaultdict(list)
        rows = (
            Invoice.objects.filter(open_amount__gt=0)
            .exclude(status=Invoice.Status.WRITTEN_OFF)
            .order_by("due_date", "issue_date", "number")
            .values_list("id", "debtor_id", "number", "open_amount", "disputed_amount", "due_date")
        )
        for pk, debtor_id, number, open_amount, disputed, due in rows:
            item = _OpenInvoice(
                id=pk,
                debtor_id=debtor_id,
                number=number,
                payable=open_amount - min(disputed, open_amount),
                open_amount=open_amount,
                sort_key=(due, number),
            )
            self.by_number[_key(number)].append(item)
            self.by_debtor[debtor_id].append(item)
            self.by_amount[open_amount].append(item)
        self.max_number_length = max((len(k) for k in self.by_number), default=0)

    def numbers_in_text(self, text: str) -> list[list[_OpenInvoice]]:
        """Open invoice numbers standing as whole words in ``text``; a number
        inside a longer one found there ("001" in "INV-001") does not count."""
        if not text or not self.by_number:
            return []
        folded = text.lower()
        starts = sorted({m.start() for rx in WORD_STARTS for m in rx.finditer(folded)})
        ends = sorted({m.end() for rx in WORD_ENDS for m in rx.finditer(folded)})
        limit = min(self.max_number_length, MAX_INVOICE_NUMBER)
        spans = []
        for i in starts:
            for j in ends[bisect_right(ends, i) : bisect_right(ends, i + limit)]:
                if folded[i:j] in self.by_number:
                    spans.append((i, j))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        kept, seen = [], set()
        for i, j in spans:
            if any(a <= i and j <= b for a, b in kept):
                continue
            kept.append((i, j))
            if folded[i:j] not in seen:
                seen.add(folded[i:j])
        return [self.by_number[k] for k in sorted(seen, key=folded.index)]

    def allocate(self, debtor_id: int, amount: Decimal, first: list[_OpenInvoice]) -> list[str]:
        """Simulate payment_record: named invoices first, then oldest first."""
        named = {id(i) for i in first}
        order = first + [i for i in self.by_debtor.get(debtor_id, []) if id(i) not in named]
        touched, remaining = [], amount
        for item in order:
            if remaining <= 0:
                break
            share = min(item.payable, remaining)
            if share <= 0:
                continue
            item.payable -= share
            item.open_amount -= share
            remaining -= share
            touched.append(item.number)
        return touched

    def exact_amount(self, debtor_id: int, amount: Decimal) -> _OpenInvoice | None:
        for item in self.by_debtor.get(debtor_id, []):
            if item.open_amount == amount and item.payable == amount:
                return item
        return None


def _load_debtors(lines: list[PaymentLine]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Debtors named by the file's codes or payer names, in one query:
    (code -> id, name -> [ids]), both keyed case-insensitively."""
    codes = {_key(line.customer_code) for line in lines if line.customer_code}
    payers = {_key(line.payer) for line in lines if line.payer}
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    if not codes and not payers:
        return by_code, by_name
    wanted = codes | payers
    rows = (
        Debtor.objects.annotate(code_l=Lower("code"), name_l=Lower("name"))
        .filter(Q(code_l__in=wanted) | Q(name_l__in=payers))
        .values_list("id", "code", "name")
    )
    for pk, code, name in rows:
        by_code[_key(code)] = pk
        by_name[_key(name)].append(pk)
    return by_code, by_name


def _one_debtor(items: list[_OpenInvoice], prefer: int | None) -> int | None | str:
    debtors = {i.debtor_id for i in items}
    if len(debtors) == 1:
        return debtors.pop()
    if prefer in debtors:
        return prefer
    return "ambiguous"


def match_payment_lines(lines: list[PaymentLine]) -> list[LineMatch]:
    """Match every line; a fixed number of queries whatever the number of lines."""
    book = OpenBook()
    by_code, by_name = _load_debtors(lines)
    results = []
    amount_candidates: list[LineMatch] = []
    ambiguous: list[tuple[LineMatch, list[str], set[int]]] = []
    for line in lines:
        result = LineMatch(line=line)
        results.append(result)
        named_debtor, named_how = _named_debtor(line, by_code, by_name)
        groups, how = _invoice_groups(line, book)
        if groups:
            clash = _match_invoices(result, groups, how, book, named_debtor)
            if clash is not None:
                ambiguous.append((result, *clash))
        elif named_debtor is not None:
            _match_named_debtor(result, book, named_debtor, named_how)
        elif line.payer and len(by_name.get(_key(line.payer), [])) > 1:
            result.reason = msg(
                _("More than one debtor is called “%(name)s”; choose the debtor."),
                {"name": line.payer},
            )
        else:
            amount_candidates.append(result)

    # One query for the codes and names the reasons and step (c) need.
    names = _debtor_names(
        {i.debtor_id for r in amount_candidates for i in book.by_amount.get(r.line.amount, [])}
        | {pk for _r, _n, ids in ambiguous for pk in ids}
    )
    for result, numbers, ids in ambiguous:
        _explain_ambiguous(result, numbers, ids, names)
    for result in amount_candidates:
        _match_amount_and_name(result, book, names)
    _hold_back_lookalikes(results)
    return results


def _named_debtor(
    line: PaymentLine, by_code: dict[str, int], by_name: dict[str, list[int]]
) -> tuple[int | None, str | None]:
    """The debtor the file names, if any, and how ("code" or "name"): the code
    column, else a payer equal to a debtor's code or (only) name."""
    if line.customer_code and _key(line.customer_code) in by_code:
        return by_code[_key(line.customer_code)], "code"
    if line.payer:
        payer = _key(line.payer)
        if payer in by_code:
            return by_code[payer], "code"
        if len(by_name.get(payer, [])) == 1:
            return by_name[payer][0], "name"
    return None, None


def _invoice_groups(line: PaymentLine, book: OpenBook) -> tuple[list[list[_OpenInvoice]], str]:
    """Step (a): the open invoices the line names, from the column, else from
    the reference text; one group per number."""
    groups = [book.by_number[_key(n)] for n in line.invoice_numbers if _key(n) in book.by_number]
    if groups:
        return groups, HOW_INVOICE_COLUMN
    return book.numbers_in_text(line.reference), HOW_INVOICE_IN_TEXT


def _match_invoices(
    result: LineMatch,
    groups: list[list[_OpenInvoice]],
    how: str,
    book: OpenBook,
    named_debtor: int | None,
) -> tuple[list[str], set[int]] | None:
    """Match the line to the one debtor owning the named invoices; when they
    belong to several, leave it and return (numbers, debtor ids) for the reason."""
    owners = {_one_debtor(g, named_debtor) for g in groups}
    if len(owners) == 1 and "ambiguous" not in owners:
        debtor_id = owners.pop()
        invoices = list({id(i): i for g in groups for i in g if i.debtor_id == debtor_id}.values())
        result.debtor_id, result.how = debtor_id, how
        result.invoice_numbers = [i.number for i in invoices]
        result.allocated = book.allocate(debtor_id, result.line.amount, invoices)
        return None
    numbers = sorted({g[0].number for g in groups})
    return numbers, {i.debtor_id for g in groups for i in g}


def _match_named_debtor(
    result: LineMatch, book: OpenBook, debtor_id: int, named_how: str | None
) -> None:
    """Step (b): the debtor named by code or payer; its invoice of exactly this
    amount, else oldest first."""
    amount = result.line.amount
    exact = book.exact_amount(debtor_id, amount)
    result.debtor_id = debtor_id
    if exact is not None:
        result.how = HOW_CODE_EXACT if named_how == "code" else HOW_NAME_EXACT
        result.invoice_numbers = [exact.number]
        result.allocated = book.allocate(debtor_id, amount, [exact])
    else:
        result.how = HOW_CODE_OLDEST if named_how == "code" else HOW_NAME_OLDEST
        result.allocated = book.allocate(debtor_id, amount, [])


def _explain_ambiguous(
    result: LineMatch, numbers: list[str], ids: set[int], names: dict[int, tuple[str, str]]
) -> None:
    result.reason = msg(
        _(
            "Invoice number %(numbers)s is open for more than one debtor (%(codes)s); "
            "choose the debtor."
        ),
        {
            "numbers": ", ".join(numbers),
            "codes": ", ".join(sorted(names.get(pk, ("?", ""))[0] for pk in ids)),
        },
    )


def _match_amount_and_name(
    result: LineMatch, book: OpenBook, names: dict[int, tuple[str, str]]
) -> None:
    """Step (c): the only open invoice of the line's amount in the whole book,
    if its debtor's name looks like the payer's; else say why nothing matched."""
    line = result.line
    candidates = [i for i in book.by_amount.get(line.amount, []) if i.open_amount == line.amount]
    payer = _key(line.payer).casefold()
    if len(candidates) == 1 and payer:
        item = candidates[0]
        name = _key(names.get(item.debtor_id, ("", ""))[1]).casefold()
        if name and (payer in name or name in payer):
            result.debtor_id, result.how = item.debtor_id, HOW_AMOUNT_AND_NAME
            result.invoice_numbers = [item.number]
            result.allocated = book.allocate(item.debtor_id, line.amount, [item])
            return
    result.reason = _unmatched_reason(line, len(candidates))


def _unmatched_reason(line: PaymentLine, candidates: int) -> object:
    if line.customer_code:
        return msg(_("No debtor has the customer code “%(code)s”."), {"code": line.customer_code})
    if line.payer and candidates > 1:
        return msg(
            _("No debtor is called “%(name)s”, and %(n)d open invoices have this amount."),
            {"name": line.payer, "n": candidates},
        )
    if line.payer:
        return msg(
            _("No debtor is called “%(name)s”, and no open invoice of this amount fits."),
            {"name": line.payer},
        )
    return _("The line names no invoice, customer or payer we know.")


def _hold_back_lookalikes(results: list[LineMatch]) -> None:
    """A matched line whose debtor already has a payment of the same amount on
    the same day, recorded from another file or by hand, is held back for a
    person to decide: overlapping bank exports must not pay an invoice twice.
    (Lines of this very file already recorded keep their match; the commit
    skips them by import reference.) One query."""
    matched = [r for r in results if r.matched]
    if not matched:
        return
    existing = defaultdict(list)
    rows = Payment.objects.filter(
        debtor_id__in={r.debtor_id for r in matched},
        received_on__in={r.line.received_on for r in matched},
        amount__in={r.line.amount for r in matched},
    ).values_list("debtor_id", "received_on", "amount", "import_reference", "reference")
    for debtor_id, received_on, amount, import_reference, reference in rows:
        existing[(debtor_id, received_on, amount)].append((import_reference, reference))
    for result in matched:
        line = result.line
        twins = existing.get((result.debtor_id, line.received_on, line.amount), [])
        if not twins or any(ref == line.import_reference for ref, _text in twins):
            continue
        result.reason = msg(
            _(
                "This debtor already has a payment of the same amount on the same day "
                "(reference “%(reference)s”). If this is another payment, match it by hand."
            ),
            {"reference": twins[0][1] or "—"},
        )
        result.debtor_id, result.how = None, None
        result.invoice_numbers, result.allocated = [], []


def _debtor_names(ids: set[int]) -> dict[int, tuple[str, str]]:
    """id -> (code, name)"""
    if not ids:
        return {}
    rows = Debtor.objects.filter(id__in=ids).values_list("id", "code", "name")
    return {pk: (code, name) for pk, code, name in rows}

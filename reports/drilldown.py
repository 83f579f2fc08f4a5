"""The rows behind a figure: the payments behind "collected", the promises
behind "broken promises", the debtors behind a type's overdue money. Scoped
exactly like the figure (the viewer's scope and the report's filters), so a
drill-down never shows a row the figure did not count.

A receivable figure (AR at the end, not yet due, over 90 days) lists the
invoices that were open at the end of the period with their amount then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from debtors.as_of import closed_on, open_on
from debtors.models import Channel, Debtor, Dispute, Invoice, Payment, PaymentAllocation
from followups.models import Interaction, PromiseToPay

from .filters import Filters
from .rollup_flows import CLOSED_DISPUTES, SETTLED, day_bounds


@dataclass(frozen=True)
class Drill:
    key: str
    kind: str  # debtors | invoices | payments | allocations | interactions | promises | disputes
    title: str
    queryset: QuerySet


def _calls(filters: Filters) -> QuerySet:
    t0, t1 = day_bounds(filters.date_from, filters.date_to)
    return Interaction.objects.filter(
        filters.debtors("debtor__"),
        started_at__gte=t0,
        started_at__lt=t1,
        channel=Channel.CALL,
        direction=Interaction.Direction.OUTBOUND,
    )


def _contacts(filters: Filters) -> QuerySet:
    t0, t1 = day_bounds(filters.date_from, filters.date_to)
    return Interaction.objects.filter(
        filters.debtors("debtor__"), started_at__gte=t0, started_at__lt=t1
    )


def _settled(filters: Filters) -> QuerySet:
    t0, t1 = day_bounds(filters.date_from, filters.date_to)
    return PromiseToPay.objects.filter(
        filters.debtors("debtor__"), status__in=SETTLED, evaluated_at__gte=t0, evaluated_at__lt=t1
    )


def _open_at_end(filters: Filters) -> QuerySet:
    end = filters.date_to
    _t0, after = day_bounds(end, end)
    return Invoice.objects.filter(
        filters.debtors("debtor__"), currency=filters.currency, issue_date__lte=end
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=after))


def _issued(f: Filters) -> QuerySet:
    return Invoice.objects.filter(
        f.debtors("debtor__"), currency=f.currency, issue_date__range=(f.date_from, f.date_to)
    )


def _paid(f: Filters) -> QuerySet:
    return Payment.objects.filter(
        f.debtors("debtor__"), currency=f.currency, received_on__range=(f.date_from, f.date_to)
    )


def _recovered(f: Filters) -> QuerySet:
    return PaymentAllocation.objects.filter(
        f.debtors("invoice__debtor__"),
        invoice__currency=f.currency,
        payment__received_on__range=(f.date_from, f.date_to),
        invoice__due_date__lt=F("payment__received_on"),
    )


def _made(f: Filters) -> QuerySet:
    t0, t1 = day_bounds(f.date_from, f.date_to)
    return PromiseToPay.objects.filter(
        f.debtors("debtor__"), created_at__gte=t0, created_at__lt=t1
    ).exclude(status=PromiseToPay.Status.CANCELLED)


def _settled_as(status):
    return lambda f: _settled(f).filter(status=status)


def _disputes(f: Filters, field: str) -> QuerySet:
    t0, t1 = day_bounds(f.date_from, f.date_to)
    rows = Dispute.objects.filter(
        f.debtors("debtor__"), **{f"{field}__gte": t0, f"{field}__lt": t1}
    )
    return rows.filter(status__in=CLOSED_DISPUTES) if field == "resolved_at" else rows


def _debtors_of(rows: QuerySet) -> QuerySet:
    return Debtor.objects.filter(pk__in=rows.values("debtor_id"))


BROKEN = PromiseToPay.Status.BROKEN
# key → (kind of row, title, the rows)
TABLE = {
    "credit_sales": ("invoices", _("Invoices issued"), _issued),
    "collected": ("payments", _("Payments received"), _paid),
    "recovered": ("allocations", _("Payments on past-due invoices"), _recovered),
    "ar_end": ("invoices", _("Invoices open at the end"), _open_at_end),
    "ar_current_end": (
        "invoices",
        _("Invoices not yet due at the end"),
        lambda f: _open_at_end(f).filter(due_date__gte=f.date_to),
    ),
    "over_90": (
        "invoices",
        _("Invoices over 90 days past due at the end"),
        lambda f: _open_at_end(f).filter(due_date__lt=f.date_to - dt.timedelta(days=90)),
    ),
    "calls": ("interactions", _("Call attempts"), _calls),
    "connected": (
        "interactions",
        _("Calls answered"),
        lambda f: _calls(f).filter(outcome__in=Interaction.CONNECTED_OUTCOMES),
    ),
    "right_party": (
        "interactions",
        _("Calls with the right person"),
        lambda f: _calls(f).filter(right_party_contact=True),
    ),
    "complaints": (
        "interactions",
        _("Contacts with a complaint"),
        lambda f: _contacts(f).filter(is_complaint=True),
    ),
    "promises": ("promises", _("Promises made"), _made),
    "promises_kept": ("promises", _("Promises kept"), _settled_as(PromiseToPay.Status.KEPT)),
    "promises_partly_kept": (
        "promises",
        _("Promises partly kept"),
        _settled_as(PromiseToPay.Status.PARTLY_KEPT),
    ),
    "promises_broken": ("promises", _("Promises broken"), _settled_as(BROKEN)),
    "broken_promise_debtors": (
        "debtors",
        _("Debtors who broke a promise"),
        lambda f: _debtors_of(_settled(f).filter(status=BROKEN)),
    ),
    "overdue_debtors": (
        "debtors",
        _("Debtors with overdue money at the end"),
        lambda f: _debtors_of(_open_at_end(f).filter(due_date__lt=f.date_to)),
    ),
    "disputes_opened": ("disputes", _("Disputes opened"), lambda f: _disputes(f, "opened_at")),
    "disputes_resolved": (
        "disputes",
        _("Disputes resolved"),
        lambda f: _disputes(f, "resolved_at"),
    ),
}


DRILL_KEYS = tuple(TABLE)


AS_OF_END = frozenset({"ar_end", "ar_current_end", "over_90"})


def open_at(invoices: list, day: dt.date) -> dict[int, object]:
    """Each invoice's open amount at the end of ``day`` (``debtors.as_of``),
    in one query for the page's invoices."""
    paid: dict[int, list] = {}
    rows = PaymentAllocation.objects.filter(invoice__in=[i.pk for i in invoices]).values_list(
        "invoice_id", "payment__received_on", "amount"
    )
    for invoice_id, received_on, amount in rows:
        paid.setdefault(invoice_id, []).append((received_on, amount))
    return {
        i.pk: open_on(
            amount=i.amount,
            open_amount=i.open_amount,
            issue_date=i.issue_date,
            closed=closed_on(i.closed_at),
            allocations=paid.get(i.pk, ()),
            day=day,
        )
        for i in invoices
    }


def overdue_at_end(filters: Filters, debtors: list) -> dict[int, object]:
    """Each debtor's money past due at the end of the period, in the
    report's currency (the figure the debtor-type table sums)."""
    end = filters.date_to
    invoices = list(
        _open_at_end(filters).filter(debtor__in=[d.pk for d in debtors], due_date__lt=end)
    )
    then = open_at(invoices, end)
    totals: dict[int, object] = {d.pk: 0 for d in debtors}
    for invoice in invoices:
        totals[invoice.debtor_id] += then[invoice.pk]
    return totals


def drill(filters: Filters, key: str) -> Drill | None:
    """The rows behind figure ``key`` (see :data:`DRILL_KEYS`); None for an
    unknown key."""
    found = TABLE.get(key)
    if found is None:
        return None
    kind, title, make = found
    queryset = make(filters)
    if kind == "debtors":
        queryset = queryset.filter(filters.debtors()).order_by("name")
    return Drill(key=key, kind=kind, title=str(title), queryset=queryset)

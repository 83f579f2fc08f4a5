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


def _build(filters: Filters, key: str):
    start, end = filters.date_from, filters.date_to
    t0, t1 = day_bounds(start, end)
    cur = filters.currency
    mine = filters.debtors("debtor__")
    broken = _settled(filters).filter(status=PromiseToPay.Status.BROKEN)
    table = {
        "credit_sales": (
            "invoices",
            _("Invoices issued"),
            lambda: Invoice.objects.filter(mine, currency=cur, issue_date__range=(start, end)),
        ),
        "collected": (
            "payments",
            _("Payments received"),
            lambda: Payment.objects.filter(mine, currency=cur, received_on__range=(start, end)),
        ),
        "recovered": (
            "allocations",
            _("Payments on past-due invoices"),
            lambda: PaymentAllocation.objects.filter(
                filters.debtors("invoice__debtor__"),
                invoice__currency=cur,
                payment__received_on__range=(start, end),
                invoice__due_date__lt=F("payment__received_on"),
            ),
        ),
        "ar_end": ("invoices", _("Invoices open at the end"), lambda: _open_at_end(filters)),
        "ar_current_end": (
            "invoices",
            _("Invoices not yet due at the end"),
            lambda: _open_at_end(filters).filter(due_date__gte=end),
        ),
        "over_90": (
            "invoices",
            _("Invoices over 90 days past due at the end"),
            lambda: _open_at_end(filters).filter(due_date__lt=end - dt.timedelta(days=90)),
        ),
        "calls": ("interactions", _("Call attempts"), lambda: _calls(filters)),
        "connected": (
            "interactions",
            _("Calls answered"),
            lambda: _calls(filters).filter(outcome__in=Interaction.CONNECTED_OUTCOMES),
        ),
        "right_party": (
            "interactions",
            _("Calls with the right person"),
            lambda: _calls(filters).filter(right_party_contact=True),
        ),
        "complaints": (
            "interactions",
            _("Contacts with a complaint"),
            lambda: _contacts(filters).filter(is_complaint=True),
        ),
        "promises": (
            "promises",
            _("Promises made"),
            lambda: PromiseToPay.objects.filter(
                mine, created_at__gte=t0, created_at__lt=t1
            ).exclude(status=PromiseToPay.Status.CANCELLED),
        ),
        "promises_kept": (
            "promises",
            _("Promises kept"),
            lambda: _settled(filters).filter(status=PromiseToPay.Status.KEPT),
        ),
        "promises_partly_kept": (
            "promises",
            _("Promises partly kept"),
            lambda: _settled(filters).filter(status=PromiseToPay.Status.PARTLY_KEPT),
        ),
        "promises_broken": ("promises", _("Promises broken"), lambda: broken),
        "broken_promise_debtors": (
            "debtors",
            _("Debtors who broke a promise"),
            lambda: Debtor.objects.filter(pk__in=broken.values("debtor_id")),
        ),
        "overdue_debtors": (
            "debtors",
            _("Debtors with overdue money at the end"),
            lambda: Debtor.objects.filter(
                pk__in=_open_at_end(filters).filter(due_date__lt=end).values("debtor_id")
            ),
        ),
        "disputes_opened": (
            "disputes",
            _("Disputes opened"),
            lambda: Dispute.objects.filter(mine, opened_at__gte=t0, opened_at__lt=t1),
        ),
        "disputes_resolved": (
            "disputes",
            _("Disputes resolved"),
            lambda: Dispute.objects.filter(
                mine, status__in=CLOSED_DISPUTES, resolved_at__gte=t0, resolved_at__lt=t1
            ),
        ),
    }
    return table.get(key)


DRILL_KEYS = (
    "credit_sales",
    "collected",
    "recovered",
    "ar_end",
    "ar_current_end",
    "over_90",
    "calls",
    "connected",
    "right_party",
    "complaints",
    "promises",
    "promises_kept",
    "promises_partly_kept",
    "promises_broken",
    "broken_promise_debtors",
    "overdue_debtors",
    "disputes_opened",
    "disputes_resolved",
)


def drill(filters: Filters, key: str) -> Drill | None:
    """The rows behind figure ``key`` (see :data:`DRILL_KEYS`); None for an
    unknown key."""
    found = _build(filters, key)
    if found is None:
        return None
    kind, title, make = found
    queryset = make()
    if kind == "debtors":
        queryset = queryset.filter(filters.debtors()).order_by("name")
    return Drill(key=key, kind=kind, title=str(title), queryset=queryset)

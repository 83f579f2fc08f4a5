"""The same figures as ``reports.kpis``, computed straight from the base
tables for one period, without the rollups: the definitions read literally.
Used for periods older than the rollup window, and as the reference the tests
(tests/reports/test_kpis_*.py) and bench/reports_bench.py hold the rollups to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum

from debtors.aging import BUCKETS_BY_KEY, bucket_for, days_past_due
from debtors.as_of import closed_on, open_on
from debtors.models import Channel, Dispute, Invoice, Payment, PaymentAllocation
from followups.models import Interaction, PromiseToPay

from .filters import Filters
from .kpis import ZERO, figures_from_sums
from .rollup_flows import CLOSED_DISPUTES, SETTLED, day_bounds

CHUNK = 20_000


def receivable(filters: Filters, day: dt.date) -> dict[str, Decimal]:
    """{bucket key: amount} open at the end of ``day``, invoice by invoice."""
    out = dict.fromkeys(BUCKETS_BY_KEY, ZERO)
    invoices = Invoice.objects.filter(
        filters.debtors("debtor__"), currency=filters.currency, issue_date__lte=day
    )
    allocations = defaultdict(list)
    paid = PaymentAllocation.objects.filter(invoice__in=invoices).values_list(
        "invoice_id", "payment__received_on", "amount"
    )
    for invoice_id, received_on, amount in paid.iterator(chunk_size=CHUNK):
        allocations[invoice_id].append((received_on, amount))
    rows = invoices.values_list(
        "id", "amount", "open_amount", "issue_date", "due_date", "closed_at"
    ).iterator(chunk_size=CHUNK)
    for pk, amount, open_amount, issued, due, closed_at in rows:
        value = open_on(
            amount=amount,
            open_amount=open_amount,
            issue_date=issued,
            closed=closed_on(closed_at),
            allocations=allocations.get(pk, ()),
            day=day,
        )
        if value:
            out[bucket_for(days_past_due(due, day)).key] += value
    return out


def _money(filters: Filters) -> dict:
    start, end = filters.date_from, filters.date_to
    debtors = filters.debtors("debtor__")
    cur = filters.currency

    def total(queryset, field="amount"):
        return queryset.aggregate(v=Sum(field))["v"] or ZERO

    allocations = PaymentAllocation.objects.filter(
        filters.debtors("invoice__debtor__"), invoice__currency=cur
    )
    promises = PromiseToPay.objects.filter(debtors, currency=cur)
    t0, t1 = day_bounds(start, end)
    return {
        "credit_sales": total(
            Invoice.objects.filter(debtors, currency=cur, issue_date__range=(start, end))
        ),
        "collected": total(
            Payment.objects.filter(debtors, currency=cur, received_on__range=(start, end))
        ),
        "recovered": total(
            allocations.filter(
                payment__received_on__range=(start, end),
                invoice__due_date__lt=F("payment__received_on"),
            )
        ),
        "promised_amount": total(
            promises.exclude(status=PromiseToPay.Status.CANCELLED).filter(
                created_at__gte=t0, created_at__lt=t1
            ),
            "total_amount",
        ),
        "kept_amount": total(
            promises.filter(status__in=SETTLED, evaluated_at__gte=t0, evaluated_at__lt=t1),
            "kept_amount",
        ),
    }


def _counts(filters: Filters) -> dict:
    t0, t1 = day_bounds(filters.date_from, filters.date_to)
    debtors = filters.debtors("debtor__")
    touches = Interaction.objects.filter(debtors, started_at__gte=t0, started_at__lt=t1)
    calls = touches.filter(channel=Channel.CALL, direction=Interaction.Direction.OUTBOUND)
    settled = PromiseToPay.objects.filter(
        debtors, status__in=SETTLED, evaluated_at__gte=t0, evaluated_at__lt=t1
    )
    disputes = Dispute.objects.filter(debtors)
    resolved = list(
        disputes.filter(
            status__in=CLOSED_DISPUTES, resolved_at__gte=t0, resolved_at__lt=t1
        ).values_list("opened_at", "resolved_at")
    )
    return {
        "calls": calls.count(),
        "connected": calls.filter(outcome__in=Interaction.CONNECTED_OUTCOMES).count(),
        "right_party": calls.filter(right_party_contact=True).count(),
        "conversations": touches.filter(right_party_contact=True).count(),
        "complaints": touches.filter(is_complaint=True).count(),
        "promises": PromiseToPay.objects.filter(debtors, created_at__gte=t0, created_at__lt=t1)
        .exclude(status=PromiseToPay.Status.CANCELLED)
        .count(),
        "promises_evaluated": settled.count(),
        "promises_kept": settled.filter(status=PromiseToPay.Status.KEPT).count(),
        "disputes_opened": disputes.filter(opened_at__gte=t0, opened_at__lt=t1).count(),
        "disputes_resolved": len(resolved),
        "dispute_days": sum(max((b - a).days, 0) for a, b in resolved),
    }


def kpis_direct(filters: Filters) -> dict:
    before = filters.date_from - dt.timedelta(days=1)
    start, end = receivable(filters, before), receivable(filters, filters.date_to)
    sums = {
        **_money(filters),
        **_counts(filters),
        "ar_start": sum(start.values(), ZERO),
        "overdue_start": sum(v for k, v in start.items() if k != "current") or ZERO,
        "ar_end": sum(end.values(), ZERO),
        "ar_current_end": end["current"],
        "over_90_end": end["d91_180"] + end["d181"],
    }
    return figures_from_sums(sums, filters.days)


__all__ = ["kpis_direct", "receivable"]

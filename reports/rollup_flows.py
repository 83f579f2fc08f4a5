"""What happened each day in each cell: one aggregate query per kind of event
(invoices issued and falling due, payments, allocations, interactions,
promises made and settled, disputes), grouped by the company day and the
debtor's team, collector and type. The same queries run for the whole book
(a rebuild) and for a few cells (an update after an event)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from collections_crm.lib.zones import company_zone, zone_named
from debtors.models import Channel, Debtor, Dispute, Invoice, Payment, PaymentAllocation
from followups.models import Interaction, PromiseToPay

from .q import through

COUNT_FIELDS = (
    "calls",
    "connected",
    "right_party",
    "conversations",
    "promises",
    "promises_evaluated",
    "promises_kept",
    "promises_partly_kept",
    "promises_broken",
    "complaints",
    "disputes_opened",
    "disputes_resolved",
    "dispute_days",
)
MONEY_FIELDS = (
    "credit_sales",
    "collected",
    "recovered",
    "promised_amount",
    "kept_amount",
    "due_amount",
    "paid_by_due",
)
SETTLED = (
    PromiseToPay.Status.KEPT,
    PromiseToPay.Status.PARTLY_KEPT,
    PromiseToPay.Status.BROKEN,
)
CLOSED_DISPUTES = (Dispute.Status.RESOLVED, Dispute.Status.REJECTED)


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The company-zone start of ``first`` and of the day after ``last``."""
    zone = company_zone()
    return (
        dt.datetime.combine(first, dt.time(0), tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
    )


def _cell(path: str) -> dict:
    return {
        "t": F(f"{path}team_id"),
        "c": F(f"{path}assigned_collector_id"),
        "ty": F(f"{path}debtor_type"),
    }


class Flows:
    """Measures per (day, team, collector, type, currency)."""

    def __init__(self):
        self.rows: dict[tuple, dict] = defaultdict(dict)

    def add(self, row: dict, currency: str, **measures) -> None:
        key = (row["day"], row["t"] or 0, row["c"] or 0, row["ty"], currency)
        target = self.rows[key]
        for name, value in measures.items():
            if value:
                target[name] = target.get(name, 0) + value


def _money(flows: Flows, queryset, day: str, path: str, currency: str, measure: str, total):
    rows = queryset.values(day=F(day), cur=F(currency), **_cell(path)).annotate(v=total)
    for row in rows.order_by():
        flows.add(row, row["cur"], **{measure: row["v"]})


def _invoices(flows: Flows, debtors: Q, first: dt.date, last: dt.date) -> None:
    mine = Invoice.objects.filter(through(debtors, "debtor__"))
    _money(
        flows,
        mine.filter(issue_date__range=(first, last)),
        "issue_date",
        "debtor__",
        "currency",
        "credit_sales",
        Sum("amount"),
    )
    falling = mine.filter(due_date__range=(first, last), amount__gt=0)
    _money(flows, falling, "due_date", "debtor__", "currency", "due_amount", Sum("amount"))
    on_time = PaymentAllocation.objects.filter(
        through(debtors, "invoice__debtor__"),
        invoice__due_date__range=(first, last),
        invoice__amount__gt=0,
        payment__received_on__lte=F("invoice__due_date"),
    )
    _money(
        flows,
        on_time,
        "invoice__due_date",
        "invoice__debtor__",
        "invoice__currency",
        "paid_by_due",
        Sum("amount"),
    )


def _payments(flows: Flows, debtors: Q, first: dt.date, last: dt.date) -> None:
    paid = Payment.objects.filter(through(debtors, "debtor__"), received_on__range=(first, last))
    _money(flows, paid, "received_on", "debtor__", "currency", "collected", Sum("amount"))
    late = PaymentAllocation.objects.filter(
        through(debtors, "invoice__debtor__"),
        payment__received_on__range=(first, last),
        invoice__due_date__lt=F("payment__received_on"),
    )
    _money(
        flows,
        late,
        "payment__received_on",
        "invoice__debtor__",
        "invoice__currency",
        "recovered",
        Sum("amount"),
    )


def _interactions(flows: Flows, debtors: Q, first: dt.date, last: dt.date) -> None:
    start, end = day_bounds(first, last)
    call = Q(channel=Channel.CALL, direction=Interaction.Direction.OUTBOUND)
    rows = (
        Interaction.objects.filter(
            through(debtors, "debtor__"), started_at__gte=start, started_at__lt=end
        )
        .annotate(day=TruncDate("started_at", tzinfo=company_zone()))
        .values("day", **_cell("debtor__"))
        .annotate(
            calls=Count("id", filter=call),
            connected=Count("id", filter=call & Q(outcome__in=Interaction.CONNECTED_OUTCOMES)),
            right_party=Count("id", filter=call & Q(right_party_contact=True)),
            conversations=Count("id", filter=Q(right_party_contact=True)),
            complaints=Count("id", filter=Q(is_complaint=True)),
        )
        .order_by()
    )
    for row in rows:
        flows.add(
            row,
            "",
            **{
                k: row[k]
                for k in ("calls", "connected", "right_party", "conversations", "complaints")
            },
        )


def _promises(flows: Flows, debtors: Q, first: dt.date, last: dt.date) -> None:
    start, end = day_bounds(first, last)
    zone = company_zone()
    mine = PromiseToPay.objects.filter(through(debtors, "debtor__"))
    made = (
        mine.exclude(status=PromiseToPay.Status.CANCELLED)
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "currency", **_cell("debtor__"))
        .annotate(n=Count("id"), amount=Sum("total_amount"))
        .order_by()
    )
    for row in made:
        flows.add(row, "", promises=row["n"])
        flows.add(row, row["currency"], promised_amount=row["amount"])
    settled = (
        mine.filter(status__in=SETTLED, evaluated_at__gte=start, evaluated_at__lt=end)
        .annotate(day=TruncDate("evaluated_at", tzinfo=zone))
        .values("day", "currency", **_cell("debtor__"))
        .annotate(
            n=Count("id"),
            kept=Count("id", filter=Q(status=PromiseToPay.Status.KEPT)),
            partly=Count("id", filter=Q(status=PromiseToPay.Status.PARTLY_KEPT)),
            broken=Count("id", filter=Q(status=PromiseToPay.Status.BROKEN)),
            amount=Sum("kept_amount"),
        )
        .order_by()
    )
    for row in settled:
        flows.add(
            row,
            "",
            promises_evaluated=row["n"],
            promises_kept=row["kept"],
            promises_partly_kept=row["partly"],
            promises_broken=row["broken"],
        )
        flows.add(row, row["currency"], kept_amount=row["amount"])


def _disputes(flows: Flows, debtors: Q, first: dt.date, last: dt.date) -> None:
    start, end = day_bounds(first, last)
    zone = company_zone()
    mine = Dispute.objects.filter(through(debtors, "debtor__")).values(
        "opened_at", "resolved_at", "status", **_cell("debtor__")
    )
    for row in mine.filter(opened_at__gte=start, opened_at__lt=end).order_by():
        flows.add({**row, "day": row["opened_at"].astimezone(zone).date()}, "", disputes_opened=1)
    closed = mine.filter(status__in=CLOSED_DISPUTES, resolved_at__gte=start, resolved_at__lt=end)
    for row in closed.order_by():
        days = (row["resolved_at"] - row["opened_at"]).days
        flows.add(
            {**row, "day": row["resolved_at"].astimezone(zone).date()},
            "",
            disputes_resolved=1,
            dispute_days=max(days, 0),
        )


def build_flows(*, debtors: Q, first: dt.date, last: dt.date) -> Flows:
    flows = Flows()
    for part in (_invoices, _payments, _interactions, _promises, _disputes):
        part(flows, debtors, first, last)
    return flows


def build_contact_hours(*, debtors: Q, first: dt.date, last: dt.date) -> dict[tuple, list[int]]:
    """(day, team, collector, type, weekday, hour) → [calls, right party], the
    weekday and hour on the debtor's own clock. One query per zone in use."""
    start, end = day_bounds(first, last)
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    mine = Debtor.objects.filter(debtors)
    zones = mine.order_by().values_list("timezone", flat=True).distinct()
    for name in zones:
        zone = zone_named(name)
        rows = (
            Interaction.objects.filter(
                through(debtors, "debtor__"),
                debtor__timezone=name,
                channel=Channel.CALL,
                direction=Interaction.Direction.OUTBOUND,
                started_at__gte=start,
                started_at__lt=end,
            )
            .annotate(
                day=TruncDate("started_at", tzinfo=company_zone()),
                wd=ExtractIsoWeekDay("started_at", tzinfo=zone),
                hour=ExtractHour("started_at", tzinfo=zone),
            )
            .values("day", "wd", "hour", **_cell("debtor__"))
            .annotate(n=Count("id"), rp=Count("id", filter=Q(right_party_contact=True)))
            .order_by()
        )
        for row in rows:
            key = (row["day"], row["t"] or 0, row["c"] or 0, row["ty"], row["wd"] - 1, row["hour"])
            out[key][0] += row["n"]
            out[key][1] += row["rp"]
    return out

"""A drill-down (``reports.drilldown.drill``) as an export table: the rows
behind a figure, scoped exactly like the figure, with columns per kind of
row (debtors, invoices, payments, allocations, interactions, promises,
disputes). Rows are read in chunks from a server-side cursor, so a drill-down
of any size streams; times are written in company time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from collections_crm.lib.zones import company_zone
from debtors.as_of import closed_on, open_on
from debtors.models import Channel, Debtor, DebtorType, Dispute, Invoice, Payment, PaymentAllocation
from followups.models import Interaction, PromiseToPay

from .drilldown import DRILL_KEYS, drill
from .exports import BOOL, DATE, DATETIME, INT, MONEY, Column, Table
from .filters import Filters

CHUNK = 2000
# Receivable figures list the invoices open at the period's end: with what
# each had open then (debtors.as_of), beside what it has open today.
AS_OF_KEYS = frozenset({"ar_end", "ar_current_end", "over_90"})
# The drill-downs behind collector performance (calls, contacts, promises);
# finance sees only the others.
PERFORMANCE_DRILLS = frozenset(
    {
        "calls",
        "connected",
        "right_party",
        "complaints",
        "promises",
        "promises_kept",
        "promises_partly_kept",
        "promises_broken",
        "broken_promise_debtors",
    }
)


def _person(first: str | None, last: str | None, username: str | None) -> str:
    if username is None:
        return ""
    return User(first_name=first or "", last_name=last or "", username=username).display_name


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(company_zone()).replace(tzinfo=None) if moment else None


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


DEBTOR = [Column(_("Customer code")), Column(_("Debtor"))]


def _debtors(queryset) -> tuple[list, Iterator]:
    types, statuses = _labels(DebtorType.choices), _labels(Debtor.Status.choices)
    columns = [
        *DEBTOR,
        Column(_("Debtor type")),
        Column(_("Status")),
        Column(_("Collector")),
        Column(_("Team")),
        Column(_("Days past due"), INT),
    ]
    rows = queryset.values_list(
        "code",
        "name",
        "debtor_type",
        "status",
        "assigned_collector__first_name",
        "assigned_collector__last_name",
        "assigned_collector__username",
        "team__name",
        "max_days_past_due",
    )
    return columns, (
        [code, name, types.get(t, t), statuses.get(s, s), _person(f, la, u), team or "", days]
        for code, name, t, s, f, la, u, team, days in rows.iterator(chunk_size=CHUNK)
    )


def _invoices(queryset, end: dt.date | None) -> tuple[list, Iterator]:
    statuses = _labels(Invoice.Status.choices)
    columns = [
        *DEBTOR,
        Column(_("Invoice number")),
        Column(_("Issued"), DATE),
        Column(_("Due"), DATE),
        Column(_("Amount"), MONEY),
        *([Column(_("Open at the end of the period"), MONEY)] if end else []),
        Column(_("Open today"), MONEY),
        Column(_("Currency")),
        Column(_("Status")),
    ]
    queryset = queryset.select_related("debtor").order_by("debtor__name", "due_date", "number")
    if end:
        paid = PaymentAllocation.objects.select_related("payment").only(
            "invoice_id", "amount", "payment__received_on"
        )
        queryset = queryset.prefetch_related(Prefetch("allocations", queryset=paid))

    def rows():
        for inv in queryset.iterator(chunk_size=CHUNK):
            then = []
            if end:
                allocations = [(a.payment.received_on, a.amount) for a in inv.allocations.all()]
                then = [
                    open_on(
                        amount=inv.amount,
                        open_amount=inv.open_amount,
                        issue_date=inv.issue_date,
                        closed=closed_on(inv.closed_at),
                        allocations=allocations,
                        day=end,
                    )
                ]
            yield [
                inv.debtor.code,
                inv.debtor.name,
                inv.number,
                inv.issue_date,
                inv.due_date,
                inv.amount,
                *then,
                inv.open_amount,
                inv.currency,
                statuses.get(inv.status, inv.status),
            ]

    return columns, rows()


def _payments(queryset) -> tuple[list, Iterator]:
    methods = _labels(Payment.Method.choices)
    columns = [
        *DEBTOR,
        Column(_("Received on"), DATE),
        Column(_("Amount"), MONEY),
        Column(_("Currency")),
        Column(_("Method")),
        Column(_("Reference")),
    ]
    rows = queryset.order_by("received_on", "pk").values_list(
        "debtor__code", "debtor__name", "received_on", "amount", "currency", "method", "reference"
    )
    return columns, (
        [code, name, day, amount, cur, methods.get(m, m), ref]
        for code, name, day, amount, cur, m, ref in rows.iterator(chunk_size=CHUNK)
    )


def _allocations(queryset) -> tuple[list, Iterator]:
    columns = [
        *DEBTOR,
        Column(_("Invoice number")),
        Column(_("Due"), DATE),
        Column(_("Received on"), DATE),
        Column(_("Amount"), MONEY),
        Column(_("Currency")),
    ]
    rows = queryset.order_by("payment__received_on", "pk").values_list(
        "invoice__debtor__code",
        "invoice__debtor__name",
        "invoice__number",
        "invoice__due_date",
        "payment__received_on",
        "amount",
        "invoice__currency",
    )
    return columns, (list(r) for r in rows.iterator(chunk_size=CHUNK))


def _interactions(queryset) -> tuple[list, Iterator]:
    channels, outcomes = _labels(Channel.choices), _labels(Interaction.Outcome.choices)
    directions = _labels(Interaction.Direction.choices)
    columns = [
        *DEBTOR,
        Column(_("When (company time)"), DATETIME),
        Column(_("Channel")),
        Column(_("Direction")),
        Column(_("Outcome")),
        Column(_("Right person reached"), BOOL),
        Column(_("Complaint"), BOOL),
        Column(_("Logged by")),
    ]
    rows = queryset.order_by("started_at", "pk").values_list(
        "debtor__code",
        "debtor__name",
        "started_at",
        "channel",
        "direction",
        "outcome",
        "right_party_contact",
        "is_complaint",
        "user__first_name",
        "user__last_name",
        "user__username",
    )
    return columns, (
        [code, name, _local(at), channels.get(ch, ch), directions.get(d, d)]
        + [outcomes.get(o, o), rp, complaint, _person(f, la, u)]
        for code, name, at, ch, d, o, rp, complaint, f, la, u in rows.iterator(chunk_size=CHUNK)
    )


def _promises(queryset) -> tuple[list, Iterator]:
    statuses = _labels(PromiseToPay.Status.choices)
    columns = [
        *DEBTOR,
        Column(_("Made on (company time)"), DATETIME),
        Column(_("Promised amount"), MONEY),
        Column(_("Paid against it"), MONEY),
        Column(_("Currency")),
        Column(_("Status")),
        Column(_("Settled on (company time)"), DATETIME),
        Column(_("Made by")),
    ]
    rows = queryset.order_by("created_at", "pk").values_list(
        "debtor__code",
        "debtor__name",
        "created_at",
        "total_amount",
        "kept_amount",
        "currency",
        "status",
        "evaluated_at",
        "made_by__first_name",
        "made_by__last_name",
        "made_by__username",
    )
    return columns, (
        [code, name, _local(made), total, kept, cur, statuses.get(s, s), _local(settled)]
        + [_person(f, la, u)]
        for code, name, made, total, kept, cur, s, settled, f, la, u in rows.iterator(
            chunk_size=CHUNK
        )
    )


def _disputes(queryset) -> tuple[list, Iterator]:
    categories, statuses = _labels(Dispute.Category.choices), _labels(Dispute.Status.choices)
    columns = [
        *DEBTOR,
        Column(_("Category")),
        Column(_("Disputed amount"), MONEY),
        Column(_("Status")),
        Column(_("Opened (company time)"), DATETIME),
        Column(_("Resolved (company time)"), DATETIME),
        Column(_("Owner")),
    ]
    rows = queryset.order_by("opened_at", "pk").values_list(
        "debtor__code",
        "debtor__name",
        "category",
        "disputed_amount",
        "status",
        "opened_at",
        "resolved_at",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
    )
    return columns, (
        [code, name, categories.get(c, c), amount, statuses.get(s, s), _local(opened)]
        + [_local(resolved), _person(f, la, u)]
        for code, name, c, amount, s, opened, resolved, f, la, u in rows.iterator(chunk_size=CHUNK)
    )


def drill_table(filters: Filters, key: str) -> Table | None:
    """The rows behind figure ``key`` as a table; None for an unknown key."""
    if key not in DRILL_KEYS:
        return None
    found = drill(filters, key)
    if found is None:
        return None
    queryset = found.queryset
    if found.kind == "debtors":
        columns, rows = _debtors(queryset)
    elif found.kind == "invoices":
        columns, rows = _invoices(queryset, filters.date_to if key in AS_OF_KEYS else None)
    elif found.kind == "payments":
        columns, rows = _payments(queryset)
    elif found.kind == "allocations":
        columns, rows = _allocations(queryset)
    elif found.kind == "interactions":
        columns, rows = _interactions(queryset)
    elif found.kind == "promises":
        columns, rows = _promises(queryset)
    else:
        columns, rows = _disputes(queryset)
    return Table(f"drill_{key}", columns, rows)

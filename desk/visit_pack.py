"""The visit pack: what DOMAIN.md says to bring to a field visit (002).

The statement of open invoices with totals per aging bucket and currency
(``debtors.aging``), the invoices with their contract references, the payment
records, the history of calls, promises and disputes, who decides, and the
visit talk track for the debtor's type in the debtor's language.
``visit_pack_context`` reads it in a fixed number of queries whatever the
number of invoices; at most ``MAX_PACK_INVOICES`` rows are listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from collections_crm.lib.money import money_text
from collections_crm.lib.pdf import html_to_pdf
from collections_crm.lib.zones import local_today
from debtors.aging import debtor_aging
from debtors.models import Channel, Contact, Debtor, Invoice, Payment, PaymentAllocation
from followups import policy
from followups.models import FollowUp
from followups.selectors import debtor_timeline
from followups.visits import visit_local_text
from scripts_library.models import PhraseRule, Stage
from scripts_library.rendering import format_invoice_numbers, track_render
from scripts_library.selectors import render_context_for_debtor, track_select
from scripts_library.tone import printable

# A visit talks about the oldest items; beyond this the pack says how many more
# (a long table makes a slow PDF: 200 rows take about 6 s on two cores).
MAX_PACK_INVOICES = 60
MAX_PACK_PAYMENTS = 10
MAX_PACK_CONTACTS = 20
MAX_PACK_HISTORY = 20


# ------------------------------------------------------------------------- pack


@dataclass(frozen=True)
class InvoiceRow:
    number: str
    contract_reference: str
    issue_date: dt.date
    due_date: dt.date
    days_past_due: int | None
    amount: str
    open_amount: str
    disputed_amount: str
    status: str


@dataclass(frozen=True)
class PaymentRow:
    received_on: dt.date
    amount: str
    method: str
    reference: str
    invoices: str


@dataclass(frozen=True)
class HistoryRow:
    at: str
    kind: str
    title: str
    detail: str
    amount: str
    user: str


def _invoice_rows(debtor: Debtor, today: dt.date) -> list[InvoiceRow]:
    invoices = (
        Invoice.objects.filter(debtor=debtor)
        .exclude(open_amount=0)
        .order_by("due_date", "number")
        .only(
            "number",
            "issue_date",
            "due_date",
            "amount",
            "open_amount",
            "disputed_amount",
            "currency",
            "status",
        )[:MAX_PACK_INVOICES]
    )
    rows = []
    for invoice in invoices:
        days = (today - invoice.due_date).days
        rows.append(
            InvoiceRow(
                number=invoice.number,
                # We hold no contract numbers yet: the invoice number is the
                # reference the debtor's files know the delivery by.
                contract_reference=invoice.number,
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                days_past_due=days if days > 0 else None,
                amount=money_text(invoice.amount, invoice.currency),
                open_amount=money_text(invoice.open_amount, invoice.currency),
                disputed_amount=(
                    money_text(invoice.disputed_amount, invoice.currency)
                    if invoice.disputed_amount
                    else ""
                ),
                status=invoice.get_status_display(),
            )
        )
    return rows


def _payment_rows(debtor: Debtor, language: str) -> list[PaymentRow]:
    allocations = PaymentAllocation.objects.select_related("invoice").only(
        "payment_id", "invoice__number"
    )
    payments = (
        Payment.objects.filter(debtor=debtor)
        .order_by("-received_on", "-id")
        .prefetch_related(Prefetch("allocations", queryset=allocations.order_by("invoice__number")))
    )[:MAX_PACK_PAYMENTS]
    return [
        PaymentRow(
            received_on=p.received_on,
            amount=money_text(p.amount, p.currency),
            method=p.get_method_display(),
            reference=p.reference,
            invoices=format_invoice_numbers(
                [a.invoice.number for a in p.allocations.all()], language
            ),
        )
        for p in payments
    ]


def _history_rows(debtor: Debtor, zone, rules: list[PhraseRule]) -> list[HistoryRow]:
    """Calls, visits, promises and disputes (payments have their own table)."""
    entries = debtor_timeline(debtor=debtor, limit=MAX_PACK_HISTORY + MAX_PACK_PAYMENTS)
    kinds = {"interaction": _("Contact"), "promise": _("Promise"), "dispute": _("Dispute")}
    rows = []
    for e in entries:
        if e.kind == "payment":
            continue
        rows.append(
            HistoryRow(
                at=f"{e.at.astimezone(zone):%Y-%m-%d %H:%M}",
                kind=kinds.get(e.kind, e.kind),
                title=printable(e.title, rules),
                detail=printable(e.detail, rules),
                amount=money_text(e.amount, e.currency) if e.amount else "",
                user=e.user,
            )
        )
    return rows[:MAX_PACK_HISTORY]


def visit_pack_context(*, debtor: Debtor, user: User) -> dict:
    """Everything the visit pack shows, read in a fixed number of queries
    (about 14, whatever the number of invoices, payments or interactions).
    Strings are in the active language; call it inside
    ``translation.override(debtor.language)`` (``visit_pack_render`` does)."""
    language = debtor.language
    zone = policy.calendar_zone(debtor)
    now = timezone.now()
    today = local_today(debtor, now)

    # Per currency (never added across currencies), in one aggregate query.
    statements = debtor_aging(debtor, now=now)
    invoice_count = sum(s.invoice_count for s in statements)
    invoices = _invoice_rows(debtor, today)
    contacts: list[Contact] = list(
        debtor.contacts.order_by("-is_decision_maker", "-is_primary", "name")[:MAX_PACK_CONTACTS]
    )
    visit = (
        FollowUp.objects.filter(
            debtor=debtor, reason=FollowUp.Reason.VISIT, status__in=FollowUp.OPEN_STATUSES
        )
        .select_related("assigned_to")
        .order_by("due_at")
        .first()
    )
    visitor = (visit.assigned_to if visit else None) or debtor.assigned_collector or user
    rules = list(PhraseRule.objects.filter(active=True))

    # The script for the visitor to read: chosen on what is true of this debtor now.
    def context_in(language: str):
        return render_context_for_debtor(
            debtor=debtor,
            collector=visitor,
            contact=contacts[0] if contacts else None,
            language=language,
            now=now,
        )

    render_context = context_in(language)
    track = track_select(
        debtor_type=debtor.debtor_type,
        stage=Stage.VISIT,
        channel=Channel.VISIT,
        language=language,
        ab_subject=str(debtor.public_id),
        context=render_context,
        strict=False,
    )
    track_text = ""
    if track is not None:
        if track.language != language:
            render_context = context_in(track.language)
        track_text = printable(track_render(track=track, context=render_context).text, rules)
    for contact in contacts:
        contact.pack_notes = printable(contact.notes, rules)

    return {
        "debtor": debtor,
        "language": language,
        "company_name": getattr(settings, "COMPANY_NAME", ""),
        "generated_at": f"{now.astimezone(zone):%Y-%m-%d %H:%M}",
        "timezone": str(zone),
        "prepared_by": user.display_name,
        "visitor": visitor.display_name if visitor else "",
        "visit": visit,
        "visit_when": visit_local_text(visit, debtor) if visit else "",
        "summary": {
            "days_past_due": debtor.max_days_past_due,
            "oldest_due_date": debtor.oldest_due_date,
        },
        "statements": statements,
        "invoices": invoices,
        "invoice_count": invoice_count,
        "more_invoices": max(invoice_count - len(invoices), 0),
        "payments": _payment_rows(debtor, language),
        "history": _history_rows(debtor, zone, rules),
        "contacts": contacts,
        "track": track,
        "track_text": track_text,
    }


def visit_pack_render(*, debtor: Debtor, user: User, csp_nonce: str = "") -> str:
    """The pack as HTML, in the debtor's language (autoescaped template)."""
    with translation.override(debtor.language):
        context = visit_pack_context(debtor=debtor, user=user)
        context["csp_nonce"] = csp_nonce
        return render_to_string("desk/visit_pack.html", context)


def visit_pack_pdf(*, debtor: Debtor, user: User) -> bytes:
    """The pack as an A4 PDF (CJK fonts from the system)."""
    return html_to_pdf(visit_pack_render(debtor=debtor, user=user))

"""The debtor workspace's reads: what a collector looks at before a call.

The checklist per debtor type, the debtor's moment now, contacts in the order
to ask for them, invoices grouped for the page and the tone check of a note.
The aging is ``debtors.aging``'s (per currency).
The writes made from the page (log an outcome, promise, callback, escalate)
live in ``followups.outcomes``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from debtors.models import Channel, Contact, Debtor, DebtorType, Invoice
from followups import policy, timing
from followups.models import FollowUp
from scripts_library.models import PhraseRule, Stage
from scripts_library.tone import Match, tone_check

# Same bar as the call queue's "good moment now" chip.
GOOD_MOMENT_PRIOR = 0.7


# ------------------------------------------------------------------ checklists

CHECKLISTS: dict[str, tuple] = {
    DebtorType.FORGETFUL: (
        gettext_lazy("Have the exact amount, the due dates and the invoice numbers ready."),
        gettext_lazy("Have the payment link or bank details ready to send at once."),
        gettext_lazy("Keep it light and friendly: a reminder, not pressure."),
        gettext_lazy("Offer to re-send the invoice if it went missing."),
        gettext_lazy("Plan a short confirmation after they say they will pay."),
    ),
    DebtorType.HARDSHIP: (
        gettext_lazy("Read the earlier promises: which were kept, which were not."),
        gettext_lazy("Prepare an instalment plan or a short extension they can really keep."),
        gettext_lazy("Listen first; let them explain the cash-flow problem."),
        gettext_lazy("Agree amounts and dates, then confirm them in writing."),
        gettext_lazy("No hardness and no threats."),
    ),
    DebtorType.DISPUTE: (
        gettext_lazy("Read the open dispute and which invoices and amounts it covers."),
        gettext_lazy("Have the evidence at hand: contract, invoice, delivery note."),
        gettext_lazy("Listen to the whole complaint and note it; do not argue to win."),
        gettext_lazy("Ask them to pay the undisputed part now."),
        gettext_lazy("Offer a manager's call or a meeting if it stays stuck."),
    ),
    DebtorType.STALLING: (
        gettext_lazy("Count the broken promises and note the last excuse."),
        gettext_lazy("Be firm, calm and consistent: the same message as last time."),
        gettext_lazy("Ask for a specific amount and a date; no open-ended promises."),
        gettext_lazy("State the next step (visit, manager, legal) truthfully and lawfully."),
        gettext_lazy("No threats, no abuse, no harassment."),
    ),
    DebtorType.UNKNOWN: (
        gettext_lazy("Read the file first: amount, invoices, earlier calls."),
        gettext_lazy("Open neutrally and leave them a way to save face."),
        gettext_lazy("Find out why they have not paid, then set their type."),
        gettext_lazy("End with an amount, a date and a channel."),
    ),
}


def checklist_for(debtor_type: str) -> tuple:
    return CHECKLISTS.get(debtor_type, CHECKLISTS[DebtorType.UNKNOWN])


# ------------------------------------------------------------------ reads


@dataclass(frozen=True)
class Moment:
    local: dt.datetime
    good: bool
    explanation: str
    problems: list[str]


def moment_now(*, debtor: Debtor, now: dt.datetime) -> Moment:
    """The debtor's local time and whether a call now is allowed and well timed."""
    calendar = policy.calendar_for(debtor)
    problems = policy.contact_check(debtor, Channel.CALL, at=now)
    slot = timing.slot_at(calendar, now)
    return Moment(
        local=now.astimezone(policy.calendar_zone(debtor)),
        good=not problems and slot.prior >= GOOD_MOMENT_PRIOR,
        explanation=slot.explain(),
        problems=[v.message for v in problems],
    )


def contacts_ranked(*, debtor: Debtor, contacts: list[Contact] | None = None) -> list[Contact]:
    """Decision makers first, then the primary contact; the first is the one to
    ask for (``right_contact``'s order). ``contacts``: the debtor's, already read."""
    contacts = sorted(
        debtor.contacts.all() if contacts is None else contacts,
        key=lambda c: (not c.is_decision_maker, not c.is_primary, c.name),
    )
    for n, contact in enumerate(contacts):
        contact.is_right_person = n == 0 and (contact.is_decision_maker or contact.is_primary)
    return contacts


def invoice_groups(invoices) -> dict[str, list[Invoice]]:
    groups: dict[str, list[Invoice]] = {"open": [], "disputed": [], "paid": []}
    for invoice in invoices:
        if invoice.disputed_amount > 0 or invoice.status == Invoice.Status.DISPUTED:
            groups["disputed"].append(invoice)
        elif invoice.open_amount == 0:
            groups["paid"].append(invoice)
        else:
            groups["open"].append(invoice)
    return groups


def panel_stage(followup: FollowUp | None) -> str:
    if followup is not None and followup.action == Channel.VISIT:
        return Stage.VISIT
    return Stage.OPENING


def notes_tone(notes: str) -> list[Match]:
    """Tone-guard matches in a note, whatever language it is written in."""
    if not (notes or "").strip():
        return []
    return tone_check(notes, "", rules=PhraseRule.objects.filter(active=True))

"""Seeding the demo book in tests, and its fingerprint."""

import datetime as dt
import io
import re

from django.core.management import call_command
from django.db import transaction

from debtors.models import (
    Contact,
    Debtor,
    Dispute,
    Invoice,
    Payment,
    PaymentAllocation,
)
from followups.models import FollowUp, Instalment, Interaction, PromiseToPay

Use = Interaction.talk_tracks.through

TODAY = dt.date(2026, 3, 16)
MIDNIGHT = dt.datetime.combine(TODAY, dt.time.min, tzinfo=dt.UTC)
NOW = MIDNIGHT + dt.timedelta(hours=9, minutes=30)  # the moment the tests seed
# The history covers the month of TODAY and the twelve before it.
MONTHS = [(2025, month) for month in range(3, 13)] + [(2026, 1), (2026, 2), (2026, 3)]
WINDOW_START = dt.date(2025, 3, 1)
CJK = re.compile(r"[\u4e00-\u9fff]")
USERNAMES = ["admin", "manager", "collector", "collector2", "finance", "manager2", "collector3"]
CURRENCY = {"CN": "CNY", "US": "USD", "GB": "GBP", "SG": "SGD", "AU": "AUD", "CA": "CAD"}


def ensure_library() -> None:
    """The talk tracks the library's migration loads. A transactional test
    elsewhere in the session flushes every table, migration data included;
    load them again when they are gone (load_scripts is idempotent)."""
    from scripts_library.models import TalkTrack

    if not TalkTrack.objects.filter(status="published").exists():
        call_command("load_scripts", stdout=io.StringIO())


def seed(*, library: bool = True, **options) -> str:
    if library:
        ensure_library()
    out = io.StringIO()
    options.setdefault("today", TODAY)
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


class _Rollback(Exception):
    pass


def seeded_fingerprint(**options) -> dict:
    """Seed inside a savepoint, read what was written, roll it back."""
    try:
        with transaction.atomic():
            seed(**options)
            result = fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    return result


def fingerprint() -> dict:
    """Everything that matters, by natural keys (user ids differ between runs)."""
    return {
        "debtors": list(
            Debtor.objects.order_by("code").values_list(
                "code",
                "name",
                "debtor_type",
                "status",
                "assigned_collector__username",
                "team__name",
                "country",
                "open_balance",
                "overdue_balance",
                "max_days_past_due",
                "next_action_at",
                "public_id",
            )
        ),
        "contacts": list(
            Contact.objects.order_by("id").values_list(
                "debtor__code", "name", "phone", "mobile", "email", "is_primary"
            )
        ),
        "invoices": list(
            Invoice.objects.order_by("id").values_list(
                "debtor__code",
                "number",
                "issue_date",
                "due_date",
                "amount",
                "open_amount",
                "disputed_amount",
                "status",
                "closed_at",
                "created_at",
            )
        ),
        "payments": list(
            Payment.objects.order_by("id").values_list(
                "debtor__code", "amount", "unallocated_amount", "received_on", "reference"
            )
        ),
        "allocations": list(
            PaymentAllocation.objects.order_by("id").values_list(
                "payment__reference", "invoice__number", "amount"
            )
        ),
        "disputes": list(
            Dispute.objects.order_by("id").values_list(
                "debtor__code", "category", "disputed_amount", "status", "opened_at", "resolved_at"
            )
        ),
        "interactions": list(
            Interaction.objects.order_by("id").values_list(
                "debtor__code",
                "user__username",
                "channel",
                "outcome",
                "started_at",
                "notes",
                "right_party_contact",
                "is_complaint",
                "public_id",
            )
        ),
        "script_uses": list(
            Use.objects.order_by("id").values_list(
                "interaction__public_id",
                "talktrack__key",
                "talktrack__language",
                "talktrack__version",
            )
        ),
        "promises": list(
            PromiseToPay.objects.order_by("id").values_list(
                "debtor__code",
                "total_amount",
                "kept_amount",
                "status",
                "created_at",
                "evaluated_at",
            )
        ),
        "instalments": list(
            Instalment.objects.order_by("id").values_list(
                "promise__debtor__code", "sequence", "due_date", "amount", "paid_amount", "status"
            )
        ),
        "followups": list(
            FollowUp.objects.order_by("id").values_list(
                "debtor__code", "action", "reason", "due_at", "status", "slot_explain"
            )
        ),
    }

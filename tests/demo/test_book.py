"""seed_demo's book: believable people, debtors, money and history."""

import datetime as dt
import random
import re
from collections import Counter, defaultdict
from decimal import Decimal

import phonenumbers
import pytest
from django.db.models import Sum

from accounts.models import Team, User
from debtors.aging import BUCKETS, bucket_for
from debtors.models import (
    Contact,
    Debtor,
    DebtorType,
    Dispute,
    Invoice,
    Payment,
)
from debtors.services import normalize_phone
from demo import demo_data
from followups.models import ContactPolicy, FollowUp, Instalment, Interaction, PromiseToPay
from tests.demo.helpers import (
    CJK,
    CURRENCY,
    MIDNIGHT,
    TODAY,
    USERNAMES,
)

# --------------------------------------------------------------------------- people


def test_users_per_role_with_teams_and_one_password(book):
    users = {u.username: u for u in User.objects.select_related("team")}
    assert sorted(users) == sorted(USERNAMES)
    expected = {
        "admin": (User.Role.ADMIN, None),
        "manager": (User.Role.MANAGER, "华东 East China"),
        "collector": (User.Role.COLLECTOR, "华东 East China"),
        "collector2": (User.Role.COLLECTOR, "华东 East China"),
        "finance": (User.Role.FINANCE, None),
        "manager2": (User.Role.MANAGER, "北美 North America"),
        "collector3": (User.Role.COLLECTOR, "北美 North America"),
    }
    for username, (role, team) in expected.items():
        assert users[username].role == role
        assert (users[username].team.name if users[username].team else None) == team
        assert users[username].check_password("demo12345")
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not any(u.is_superuser for name, u in users.items() if name != "admin")
    assert users["collector"].language == "en"
    assert users["collector2"].language == "zh-hans"
    assert users["collector3"].timezone == users["manager2"].timezone == "America/New_York"
    teams = set(Team.objects.values_list("name", flat=True))
    assert teams == {"华东 East China", "北美 North America"}
    assert "demo12345" in book and "collector3" in book


def test_contact_policy_packs(book):
    policies = {p.pack: p for p in ContactPolicy.objects.all()}
    assert set(policies) == {"b2b", "us_consumer", "cn_consumer"}
    assert all(p.debtor_type == "" and p.is_active for p in policies.values())
    us, cn = policies["us_consumer"], policies["cn_consumer"]
    assert (us.max_calls_7d, us.min_gap_after_conversation_hours) == (7, 168)
    assert (us.allowed_from_local, us.allowed_until_local) == (dt.time(8), dt.time(21))
    assert (cn.allowed_from_local, cn.allowed_until_local) == (dt.time(8), dt.time(22))
    assert cn.max_connected_calls_per_day == 3


# --------------------------------------------------------------------------- debtors


def test_debtors_of_every_type_market_and_collector(book):
    debtors = list(Debtor.objects.select_related("assigned_collector", "team"))
    assert len(debtors) == 80
    assert {d.debtor_type for d in debtors} == set(DebtorType.values)
    assert len({d.code for d in debtors}) == 80
    assert all(re.fullmatch(r"C\d{6}", d.code) for d in debtors)
    assert {"CN", "US", "GB"} <= {d.country for d in debtors}
    for d in debtors:
        assert d.currency == CURRENCY[d.country]
        if d.country == "CN":
            assert (d.language, d.timezone) == ("zh-hans", "Asia/Shanghai")
            assert CJK.search(d.name) and d.name.endswith("公司")
        else:
            assert d.language == "en" and not CJK.search(d.name)
        if d.debtor_type == DebtorType.UNKNOWN:
            assert d.type_reason == "" and d.type_set_by is None
        else:
            assert d.type_reason and d.type_set_by is not None
            assert bool(CJK.search(d.type_reason)) == (d.language == "zh-hans")
        assert d.team is not None
        if d.assigned_collector:
            assert d.assigned_collector.team_id == d.team_id
    by_collector = Counter(
        d.assigned_collector.username if d.assigned_collector else None for d in debtors
    )
    assert by_collector["collector"] and by_collector["collector2"] and by_collector["collector3"]
    assert by_collector[None] >= 1  # unassigned, but in a team
    na = {d.country for d in debtors if d.team.name == "北美 North America"}
    assert na <= {"US", "CA"}
    assert any(d.money_days for d in debtors)


def test_contacts_have_one_primary_and_valid_e164_phones(book):
    per_debtor = Counter(Contact.objects.values_list("debtor_id", flat=True))
    assert set(per_debtor) == set(Debtor.objects.values_list("id", flat=True))
    assert set(per_debtor.values()) <= {1, 2, 3}
    primaries = Counter(Contact.objects.filter(is_primary=True).values_list("debtor_id", flat=True))
    assert set(primaries.values()) == {1} and len(primaries) == len(per_debtor)
    for contact in Contact.objects.select_related("debtor"):
        for number in filter(None, (contact.phone, contact.mobile)):
            parsed = phonenumbers.parse(number, None)
            assert phonenumbers.is_valid_number(parsed), number
            assert phonenumbers.region_code_for_number(parsed) == contact.debtor.country
            assert normalize_phone(number, region=contact.debtor.country) == number
        assert contact.phone
        if contact.email:
            assert contact.email.endswith(".example.com")


@pytest.mark.parametrize(
    "maker, region",
    [
        (demo_data.cn_mobile, "CN"),
        *[(city.landline, "CN") for city in demo_data.MARKETS["CN"].cities],
        *[
            (city.landline, m.country)
            for m in demo_data.MARKETS.values()
            if m.country != "CN"
            for city in m.cities
        ],
        *[
            (city.mobile, m.country)
            for m in demo_data.MARKETS.values()
            if m.country != "CN"
            for city in m.cities
        ],
    ],
)
def test_every_phone_range_validates(maker, region):
    rng = random.Random(region)
    for _ in range(300):
        number = maker(rng)
        parsed = phonenumbers.parse(number, None)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == region


# --------------------------------------------------------------------------- money


def test_invoices_fill_every_aging_bucket_and_every_state(book):
    invoices = list(Invoice.objects.select_related("debtor"))
    open_buckets = {
        bucket_for((TODAY - i.due_date).days).key for i in invoices if i.open_amount > 0
    }
    assert open_buckets == {b.key for b in BUCKETS}
    statuses = Counter(i.status for i in invoices)
    assert {"open", "partially_paid", "paid", "disputed"} <= set(statuses)
    per_debtor = Counter(i.debtor_id for i in invoices)
    assert set(per_debtor.values()) <= set(range(1, 11))
    credits = [i for i in invoices if i.amount < 0]
    assert credits
    for i in invoices:
        assert i.currency == i.debtor.currency
        assert i.issue_date <= i.due_date and i.issue_date < TODAY
        assert re.fullmatch(r"(INV|CRN)-\d{4}-\d{6}", i.number)
        assert isinstance(i.amount, Decimal)
        if i.amount < 0:
            assert i.amount <= i.open_amount <= 0 and i.number.startswith("CRN-")
        else:
            assert 0 <= i.open_amount <= i.amount
        if i.status == "paid":
            assert i.open_amount == 0 and i.closed_at is not None
        if i.disputed_amount:
            assert i.status == "disputed" and i.debtor.debtor_type == DebtorType.DISPUTE
            assert i.disputed_amount <= i.open_amount


def test_payments_and_allocations_add_up(book):
    allocated_to_invoice: dict[int, Decimal] = defaultdict(Decimal)
    for payment in Payment.objects.prefetch_related("allocations__invoice"):
        allocations = list(payment.allocations.all())
        assert allocations
        assert sum(a.amount for a in allocations) == payment.amount - payment.unallocated_amount
        assert payment.received_on < TODAY
        for a in allocations:
            assert a.invoice.debtor_id == payment.debtor_id
            allocated_to_invoice[a.invoice_id] += a.amount
    assert Payment.objects.exists()
    for invoice in Invoice.objects.filter(amount__gt=0):
        assert invoice.amount - invoice.open_amount == allocated_to_invoice[invoice.id]


def test_summaries_match_the_invoices(book):
    for debtor in Debtor.objects.all():
        live = debtor.invoices.exclude(status="written_off").exclude(open_amount=0)
        open_sum = live.aggregate(s=Sum("open_amount"))["s"] or Decimal("0")
        overdue = live.filter(due_date__lt=TODAY, open_amount__gt=0).aggregate(
            s=Sum("open_amount")
        )["s"] or Decimal("0")
        assert debtor.open_balance == open_sum
        assert debtor.overdue_balance == overdue
        assert debtor.open_invoice_count == live.count()
        oldest = live.filter(open_amount__gt=0, due_date__lt=TODAY).order_by("due_date").first()
        assert debtor.max_days_past_due == ((TODAY - oldest.due_date).days if oldest else 0)
        assert debtor.summary_refreshed_at is not None


# --------------------------------------------------------------------------- history


def test_promises_kept_broken_partly_and_pending(book):
    statuses = Counter(PromiseToPay.objects.values_list("status", flat=True))
    assert {"kept", "broken", "partly_kept", "pending"} <= set(statuses)
    for promise in PromiseToPay.objects.prefetch_related("instalments"):
        instalments = list(promise.instalments.all())
        assert [i.sequence for i in instalments] == list(range(1, len(instalments) + 1))
        assert sum(i.amount for i in instalments) == promise.total_amount
        assert sum(i.paid_amount for i in instalments) == promise.kept_amount
        assert promise.interaction.outcome == "promise"
        assert promise.created_at == promise.interaction.started_at < MIDNIGHT
        for i in instalments:
            assert (i.status == "pending") == (i.due_date >= TODAY)
        if promise.status == "pending":
            assert any(i.status == "pending" for i in instalments)
            assert promise.debtor.status in ("promised", "disputed")
        else:
            assert promise.evaluated_at is not None
        if promise.status == "kept":
            assert promise.kept_amount == promise.total_amount
        if promise.status == "broken":
            assert promise.kept_amount == 0
    assert Instalment.objects.filter(status="pending", promise__status="pending").exists()


def test_disputes_link_invoices_and_set_the_status(book):
    disputes = list(Dispute.objects.prefetch_related("invoices"))
    assert disputes
    assert {d.status for d in disputes} >= {"open"}
    for dispute in disputes:
        assert dispute.category in Dispute.Category.values
        assert dispute.debtor.debtor_type == DebtorType.DISPUTE
        assert dispute.invoices.all() and all(
            i.debtor_id == dispute.debtor_id for i in dispute.invoices.all()
        )
        assert dispute.disputed_amount > 0 and dispute.description
        if dispute.is_open:
            assert dispute.debtor.status == "disputed"
            assert all(i.status == "disputed" for i in dispute.invoices.all())
    with_open = set(
        Dispute.objects.filter(status__in=["open", "escalated"]).values_list("debtor_id", flat=True)
    )
    assert set(Debtor.objects.filter(status="disputed").values_list("id", flat=True)) == with_open


def test_interactions_cover_channels_and_outcomes_in_the_debtors_language(book):
    interactions = list(Interaction.objects.select_related("debtor", "user", "contact"))
    assert {"call", "sms", "email", "visit"} <= {i.channel for i in interactions}
    assert len({i.outcome for i in interactions}) >= 8
    earliest = MIDNIGHT - dt.timedelta(days=62)
    for i in interactions:
        assert earliest <= i.started_at < MIDNIGHT
        assert i.ended_at is None or i.ended_at >= i.started_at
        assert i.contact.debtor_id == i.debtor_id
        expected_user = i.debtor.assigned_collector or User.objects.get(
            role=User.Role.MANAGER, team=i.debtor.team
        )
        assert i.user == expected_user
        assert i.notes
        assert bool(CJK.search(i.notes)) == (i.debtor.language == "zh-hans")
        assert i.right_party_contact == (i.outcome in Interaction.CONVERSATION_OUTCOMES)


def test_followups_are_planned_and_next_action_is_the_earliest(book):
    scheduled = FollowUp.objects.filter(status="scheduled")
    assert scheduled.filter(due_at__gt=MIDNIGHT).exists()
    assert FollowUp.objects.filter(status="done").exists()
    assert {"promise_reminder", "dunning_step", "dispute_review"} <= set(
        scheduled.values_list("reason", flat=True)
    )
    keys = list(FollowUp.objects.values_list("debtor_id", "reason", "due_at"))
    assert len(keys) == len(set(keys))
    earliest = {}
    for f in scheduled:
        earliest[f.debtor_id] = min(earliest.get(f.debtor_id, f.due_at), f.due_at)
    for debtor in Debtor.objects.all():
        assert debtor.next_action_at == earliest.get(debtor.id)
        if debtor.do_not_contact or debtor.cease_contact:
            assert debtor.id not in earliest

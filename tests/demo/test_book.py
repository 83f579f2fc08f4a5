"""seed_demo's book: believable people, debtors, money and thirteen months of
history (calls, payments, promises, disputes, script uses)."""

import datetime as dt
import random
import re
from collections import Counter, defaultdict
from decimal import Decimal

import phonenumbers
import pytest
from django.db.models import Sum

from accounts.models import Team, User
from collections_crm.lib.zones import company_zone, zone_named
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
from followups.services import promise_evaluate_due
from scripts_library.models import TalkTrack
from tests.demo.helpers import (
    CJK,
    CURRENCY,
    MIDNIGHT,
    MONTHS,
    TODAY,
    USERNAMES,
    WINDOW_START,
    Use,
)

# Every test reads the one book of this module (tests/demo/conftest.py).
pytestmark = pytest.mark.django_db

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
    invoices = list(
        Invoice.objects.select_related("debtor").prefetch_related("allocations__payment")
    )
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
            # Closed on the day the last money came, in the company's zone.
            last_paid = max(a.payment.received_on for a in i.allocations.all())
            assert i.closed_at.astimezone(company_zone()).date() == last_paid
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


def test_each_type_pays_its_own_way(book):
    """Forgetful debtors mostly pay on time, hardship ones in parts, stalling
    ones late and after broken promises."""
    on_time: dict[str, list[bool]] = defaultdict(list)
    in_parts: dict[str, list[bool]] = defaultdict(list)
    for invoice in (
        Invoice.objects.filter(status="paid")
        .select_related("debtor")
        .prefetch_related("allocations__payment")
    ):
        days = [a.payment.received_on for a in invoice.allocations.all()]
        kind = invoice.debtor.debtor_type
        on_time[kind].append(max(days) <= invoice.due_date)
        in_parts[kind].append(len(days) > 1)

    def share(values: list[bool]) -> float:
        return sum(values) / len(values)

    assert share(on_time["forgetful"]) > 0.35 > share(on_time["stalling"])
    assert (
        share(in_parts["hardship"])
        > 0.5
        > max(share(in_parts[kind]) for kind in ("forgetful", "stalling", "unknown"))
    )
    broken = Counter(
        PromiseToPay.objects.filter(status="broken").values_list("debtor__debtor_type", flat=True)
    )
    debtors = Counter(Debtor.objects.values_list("debtor_type", flat=True))
    assert broken["stalling"] / debtors["stalling"] > broken["forgetful"] / debtors["forgetful"]


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


def _month(day: dt.date) -> tuple[int, int]:
    return (day.year, day.month)


def test_every_month_has_credit_sales_payments_and_right_party_calls(book):
    zone = company_zone()
    sales = {
        _month(d) for d in Invoice.objects.filter(amount__gt=0).values_list("issue_date", flat=True)
    }
    paid = {_month(d) for d in Payment.objects.values_list("received_on", flat=True)}
    reached = {
        _month(moment.astimezone(zone).date())
        for moment in Interaction.objects.filter(
            channel="call", direction="outbound", right_party_contact=True
        ).values_list("started_at", flat=True)
    }
    for month in MONTHS:
        assert month in sales, month
        assert month in paid, month
        assert month in reached, month


def test_interactions_cover_channels_and_outcomes_in_the_debtors_language(book):
    interactions = list(Interaction.objects.select_related("debtor", "user", "contact"))
    assert {"call", "sms", "email", "visit"} <= {i.channel for i in interactions}
    assert len({i.outcome for i in interactions}) >= 9
    assert len(interactions) >= 20 * Debtor.objects.count() * 0.8
    managers = {u.team_id: u for u in User.objects.filter(role=User.Role.MANAGER)}
    for i in interactions:
        local = i.started_at.astimezone(zone_named(i.debtor.timezone))
        assert local.date() >= WINDOW_START and i.started_at < MIDNIGHT
        assert i.ended_at is None or i.ended_at >= i.started_at
        assert i.contact.debtor_id == i.debtor_id
        assert i.user == (i.debtor.assigned_collector or managers[i.debtor.team_id])
        assert i.notes
        assert bool(CJK.search(i.notes)) == (i.debtor.language == "zh-hans")
        assert i.right_party_contact == (i.outcome in Interaction.CONVERSATION_OUTCOMES)
        assert not i.is_complaint or i.right_party_contact


def test_complaints_are_flagged_but_rare(book):
    reached = Interaction.objects.filter(right_party_contact=True)
    complaints = reached.filter(is_complaint=True).count()
    assert 0 < complaints <= reached.count() * 0.05
    assert not Interaction.objects.filter(is_complaint=True, right_party_contact=False).exists()


def test_calls_fall_in_the_debtors_working_hours_never_at_lunch(book):
    calls = Interaction.objects.filter(channel="call", direction="outbound").select_related(
        "debtor"
    )
    assert calls.count() > 500
    for call in calls:
        d = call.debtor
        local = call.started_at.astimezone(zone_named(d.timezone))
        assert local.weekday() in d.working_days
        assert d.business_hours_start <= local.time() < d.business_hours_end
        if d.lunch_start:  # (the debtor reminded at any hour has none)
            assert not d.lunch_start <= local.time() < d.lunch_end, (d.code, local)


def test_right_party_rate_is_higher_on_fridays_than_on_mondays(book):
    tried: Counter[int] = Counter()
    reached: Counter[int] = Counter()
    calls = Interaction.objects.filter(channel="call", direction="outbound")
    for started, right, tz in calls.values_list(
        "started_at", "right_party_contact", "debtor__timezone"
    ):
        weekday = started.astimezone(zone_named(tz)).weekday()
        tried[weekday] += 1
        reached[weekday] += right
    assert tried[0] > 100 and tried[4] > 100
    assert reached[4] / tried[4] > reached[0] / tried[0]


def test_promises_kept_partly_kept_broken_and_pending(book):
    statuses = Counter(PromiseToPay.objects.values_list("status", flat=True))
    assert {"kept", "broken", "partly_kept", "pending"} <= set(statuses)
    payments = defaultdict(list)
    for debtor_id, received_on, amount in Payment.objects.values_list(
        "debtor_id", "received_on", "amount"
    ):
        payments[debtor_id].append((received_on, amount))
    for promise in PromiseToPay.objects.select_related("interaction", "debtor").prefetch_related(
        "instalments"
    ):
        instalments = list(promise.instalments.all())
        assert [i.sequence for i in instalments] == list(range(1, len(instalments) + 1))
        assert sum(i.amount for i in instalments) == promise.total_amount
        assert sum(i.paid_amount for i in instalments) == promise.kept_amount
        assert promise.interaction.outcome == "promise"
        assert promise.created_at == promise.interaction.started_at < MIDNIGHT
        # Only money that came on or after the day it was made counts.
        made_on = promise.created_at.date()
        assert promise.kept_amount <= sum(a for d, a in payments[promise.debtor_id] if d >= made_on)
        kept = {i.status for i in instalments}
        if promise.status == "kept":
            assert kept == {"kept"}
            assert promise.kept_amount >= promise.total_amount - Decimal("1.00")
        elif promise.status == "broken":
            assert promise.kept_amount == 0 and "broken" in kept
        elif promise.status == "partly_kept":
            assert 0 < promise.kept_amount < promise.total_amount
        else:
            assert promise.kept_amount == 0 and kept == {"pending"}
            assert promise.debtor.status in ("promised", "disputed")
        if promise.status == "pending":
            assert promise.evaluated_at is None
        else:
            assert promise.created_at < promise.evaluated_at
    judged = PromiseToPay.objects.filter(status__in=["kept", "broken"])
    months = {_month(p.date()) for p in judged.values_list("evaluated_at", flat=True)}
    assert len(months & set(MONTHS)) >= 8
    assert Instalment.objects.filter(status="pending", due_date__gte=TODAY).exists()


def test_the_nightly_evaluation_finds_every_promise_already_judged(book):
    def judged():
        return (
            list(PromiseToPay.objects.order_by("id").values_list("id", "status", "kept_amount")),
            list(Instalment.objects.order_by("id").values_list("id", "status", "paid_amount")),
        )

    before = judged()
    promise_evaluate_due(today=TODAY)
    assert judged() == before


def test_disputes_opened_and_resolved_across_the_months(book):
    disputes = list(Dispute.objects.select_related("debtor").prefetch_related("invoices"))
    assert {"open", "resolved"} <= {d.status for d in disputes}
    for dispute in disputes:
        assert dispute.category in Dispute.Category.values
        assert dispute.debtor.debtor_type == DebtorType.DISPUTE
        assert dispute.invoices.all() and all(
            i.debtor_id == dispute.debtor_id for i in dispute.invoices.all()
        )
        assert dispute.disputed_amount > 0 and dispute.description
        assert dispute.opened_at < MIDNIGHT
        if dispute.is_open:
            assert dispute.debtor.status == "disputed"
            assert all(i.status == "disputed" for i in dispute.invoices.all())
        elif dispute.status in ("resolved", "rejected"):
            assert dispute.opened_at < dispute.resolved_at <= MIDNIGHT
    with_open = set(
        Dispute.objects.filter(status__in=["open", "escalated"]).values_list("debtor_id", flat=True)
    )
    assert set(Debtor.objects.filter(status="disputed").values_list("id", flat=True)) == with_open
    opened = {_month(d.opened_at.date()) for d in disputes}
    resolved = {_month(d.resolved_at.date()) for d in disputes if d.resolved_at}
    assert len(opened) >= 5 and len(resolved) >= 4
    # A held invoice is paid once its dispute is settled.
    settled_after = [
        d
        for d in disputes
        if d.status == "resolved"
        and all(i.status == "paid" and i.closed_at > d.resolved_at for i in d.invoices.all())
    ]
    assert settled_after


# --------------------------------------------------------------------------- scripts


def test_interactions_use_the_debtors_own_talk_tracks(book):
    assert TalkTrack.objects.filter(status="published").exists()  # the library's migration
    assert "script uses linked" in book
    uses = list(Use.objects.select_related("interaction__debtor", "talktrack"))
    assert len(uses) >= Interaction.objects.count() * 0.5
    call_stages = {"opening", "voicemail", "negotiation", "objection"}
    for use in uses:
        track, interaction = use.talktrack, use.interaction
        debtor = interaction.debtor
        assert track.status == "published"
        assert track.debtor_type == debtor.debtor_type
        assert track.language == debtor.language
        if interaction.channel == "call":
            assert track.stage in call_stages and interaction.direction == "outbound"
        else:
            assert track.stage == interaction.channel
    opened = {
        (u.talktrack.debtor_type, u.talktrack.language)
        for u in uses
        if u.talktrack.stage == "opening"
    }
    called = set(
        Interaction.objects.filter(channel="call", direction="outbound").values_list(
            "debtor__debtor_type", "debtor__language"
        )
    )
    assert called <= opened


# --------------------------------------------------------------------------- follow-ups


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

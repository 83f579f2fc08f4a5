"""The call queue: ranking with reasons, exclusions, claims and their expiry."""

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debtors.models import Debtor
from debtors.services import debtor_refresh_summary
from followups.models import DebtorClaim, FollowUp, Interaction
from followups.queue import (
    CLAIM_LEASE,
    Chip,
    QueueFilters,
    claim_release,
    queue_for,
    queue_next,
)
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.followups.factories import FollowUpFactory, InteractionFactory

# Tuesday 10:00 in Shanghai.
TUESDAY_10 = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(TUESDAY_10, tick=False) as traveller:
        yield traveller


def _debtor(collector, *, amount="1000.00", due=dt.date(2026, 10, 1), **fields):
    debtor = DebtorFactory(assigned_collector=collector, team=collector.team, **fields)
    ContactFactory(debtor=debtor, is_primary=True)
    InvoiceFactory(debtor=debtor, amount=Decimal(amount), due_date=due)
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=timezone.localdate())
    debtor.refresh_from_db()
    return debtor


def _call(debtor, reason=FollowUp.Reason.DUNNING_STEP, *, minutes_ago=30, **fields):
    return FollowUpFactory(
        debtor=debtor,
        action="call",
        reason=reason,
        assigned_to=debtor.assigned_collector,
        due_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **fields,
    )


pytestmark = pytest.mark.django_db


def test_the_queue_ranks_by_reason_then_money_and_says_why(clock, personas):
    alice = personas.collector_a
    small = _debtor(alice, amount="500.00", name="Small Co")
    big = _debtor(alice, amount="90000.00", name="Big Co")
    broken = _debtor(alice, amount="800.00", name="Broken Co")
    callback = _debtor(alice, amount="700.00", name="Callback Co")
    _call(small)
    _call(big)
    _call(broken, FollowUp.Reason.BROKEN_PROMISE)
    _call(callback, FollowUp.Reason.CALLBACK, minutes_ago=5)

    queue = queue_for(alice)
    names = [item.debtor.name for item in queue.items]
    assert names[:2] == ["Callback Co", "Broken Co"]  # asked for now, then a broken promise
    assert names.index("Big Co") < names.index("Small Co")  # more money, longer overdue
    chips = {item.debtor.name: {c.code for c in item.chips} for item in queue.items}
    assert {"callback", "callback_now"} <= chips["Callback Co"]
    assert "broken_promise" in chips["Broken Co"]
    assert "overdue" in chips["Big Co"] and "type" in chips["Big Co"]
    assert all(item.callable_now for item in queue.items)
    assert queue.left == 4


def test_first_minutes_of_their_day_show_as_a_good_moment(clock, personas):
    alice = personas.collector_a
    _call(_debtor(alice, name="Early Co"))
    clock.move_to(dt.datetime(2026, 11, 27, 1, 5, tzinfo=dt.UTC))  # Friday 09:05 Shanghai
    (item,) = queue_for(alice).items
    assert item.good_now and "good_now" in {c.code for c in item.chips}


@pytest.mark.parametrize(
    "change",
    [
        {"do_not_contact": True},
        {"cease_contact": True},
    ],
)
def test_debtors_who_may_not_be_called_are_not_in_the_queue(clock, personas, change):
    alice = personas.collector_a
    keep = _debtor(alice, name="Keep Co")
    drop = _debtor(alice, name="Drop Co", **change)
    _call(keep)
    _call(drop)
    assert [i.debtor.name for i in queue_for(alice).items] == ["Keep Co"]


def test_a_whole_balance_dispute_leaves_only_its_review(clock, personas):
    alice = personas.collector_a
    debtor = _debtor(alice, name="Disputed Co")
    debtor.invoices.update(disputed_amount=debtor.open_balance)
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=timezone.localdate())
    _call(debtor)
    assert queue_for(alice).items == []
    _call(debtor, FollowUp.Reason.DISPUTE_REVIEW)
    assert [i.followup.reason for i in queue_for(alice).items] == ["dispute_review"]


def test_caps_reached_and_quiet_hours_keep_a_debtor_out(clock, personas):
    alice = personas.collector_a
    capped = _debtor(alice, name="Capped Co")
    _call(capped)
    for hours in (20, 44, 68):  # the B2B pack allows 3 calls in 7 days
        InteractionFactory(debtor=capped, started_at=timezone.now() - dt.timedelta(hours=hours))
    assert queue_for(alice).items == []

    fine = _debtor(alice, name="Fine Co")
    _call(fine, minutes_ago=60 * 13)
    clock.move_to(dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC))  # 22:30 in Shanghai
    assert queue_for(alice).items == []


def test_closed_offices_stay_in_todays_list_but_not_for_next(clock, personas):
    alice = personas.collector_a
    _call(_debtor(alice, name="Lunch Co"))
    clock.move_to(dt.datetime(2026, 11, 24, 4, 30, tzinfo=dt.UTC))  # 12:30 in Shanghai: lunch
    (item,) = queue_for(alice).items
    assert not item.callable_now and "not_now" in {c.code for c in item.chips}
    assert queue_next(user=alice, holder="s:1") is None


def test_filters_by_type_bucket_and_open_now(clock, personas):
    alice = personas.collector_a
    _call(_debtor(alice, name="Stalling Co", debtor_type="stalling"))
    _call(_debtor(alice, name="Fresh Co", due=dt.date(2026, 11, 10), debtor_type="forgetful"))
    names = lambda **kw: [i.debtor.name for i in queue_for(alice, filters=QueueFilters(**kw)).items]  # noqa: E731
    assert names(debtor_type="stalling") == ["Stalling Co"]
    assert names(bucket="d1_30") == ["Fresh Co"]
    assert names(bucket="d31_60") == ["Stalling Co"]
    assert set(names(open_now=True)) == {"Stalling Co", "Fresh Co"}


def test_only_the_users_own_followups_are_in_their_queue(clock, personas):
    _call(_debtor(personas.collector_a, name="Mine"))
    _call(_debtor(personas.collector_b, name="Bob's"))
    assert [i.debtor.name for i in queue_for(personas.collector_a).items] == ["Mine"]


def test_an_open_promise_due_around_today_is_a_reason(clock, personas):
    from tests.followups.factories import InstalmentFactory, PromiseToPayFactory

    alice = personas.collector_a
    due, later, kept = (_debtor(alice, name=n) for n in ("Due Co", "Later Co", "Kept Co"))
    for debtor in (due, later, kept):
        _call(debtor)
    today = timezone.localdate()
    InstalmentFactory(promise=PromiseToPayFactory(debtor=due), due_date=today)
    InstalmentFactory(promise=PromiseToPayFactory(debtor=later), due_date=today + dt.timedelta(5))
    kept_promise = PromiseToPayFactory(debtor=kept, status="kept")
    InstalmentFactory(promise=kept_promise, due_date=today)
    chips = {i.debtor.name: {c.code for c in i.chips} for i in queue_for(alice).items}
    assert "promise_today" in chips["Due Co"]
    assert "promise_today" not in chips["Later Co"] | chips["Kept Co"]


def test_a_managers_queue_is_their_steps_on_their_teams_debtors(clock, personas):
    mona = personas.manager
    team_debtor = _debtor(personas.collector_b, name="Team Co")
    FollowUpFactory(debtor=team_debtor, assigned_to=mona, action="visit", due_at=timezone.now())
    FollowUpFactory(debtor=personas.debtor_other_team, assigned_to=mona, due_at=timezone.now())
    assert [i.debtor.name for i in queue_for(mona).items] == ["Team Co"]
    mona.team = None
    assert queue_for(mona).items == []


def test_counters_count_the_day(clock, personas):
    from tests.followups.factories import PromiseToPayFactory

    alice = personas.collector_a
    debtor = _debtor(alice)
    _call(debtor)
    InteractionFactory(debtor=debtor, user=alice, started_at=timezone.now())
    InteractionFactory(debtor=debtor, user=alice, started_at=timezone.now() - dt.timedelta(days=2))
    PromiseToPayFactory(debtor=debtor, made_by=alice, total_amount=Decimal("300.00"))
    queue = queue_for(alice)
    assert (queue.done_today, queue.left, queue.promised_today) == (1, 1, 1)
    assert queue.promised_amounts == {"CNY": Decimal("300.00")}


def test_next_claims_and_another_session_gets_another_debtor(clock, personas):
    alice = personas.collector_a
    first, second = _debtor(alice, amount="9000.00"), _debtor(alice, amount="100.00")
    _call(first)
    _call(second)
    a = queue_next(user=alice, holder="s:tab-a")
    b = queue_next(user=alice, holder="s:tab-b")
    assert (a.debtor.id, b.debtor.id) == (first.id, second.id)
    assert queue_next(user=alice, holder="s:tab-c") is None  # both are being worked
    # The claim is hidden from other sessions' queues but not from its own.
    assert [i.debtor.id for i in queue_for(alice, holder="s:tab-a").items] == [first.id]
    assert queue_for(alice, holder="s:tab-a").items[0].claimed_by_me

    # Next again in tab a releases its debtor and takes the best free one.
    assert queue_next(user=alice, holder="s:tab-a").debtor.id == first.id
    claim_release(user=alice, holder="s:tab-b")
    assert queue_next(user=alice, holder="s:tab-c").debtor.id == second.id


def test_an_abandoned_claim_expires(clock, personas):
    alice = personas.collector_a
    debtor = _debtor(alice)
    _call(debtor)
    assert queue_next(user=alice, holder="s:gone").debtor.id == debtor.id
    assert queue_next(user=alice, holder="s:other") is None
    clock.move_to(TUESDAY_10 + CLAIM_LEASE + dt.timedelta(seconds=1))
    assert queue_next(user=alice, holder="s:other").debtor.id == debtor.id
    assert DebtorClaim.objects.get(debtor=debtor).holder == "s:other"


@pytest.mark.django_db(transaction=True)
def test_two_sessions_pressing_next_at_once_get_different_debtors(personas):
    alice = personas.collector_a
    with time_machine.travel(TUESDAY_10, tick=False):
        for n in range(4):
            _call(_debtor(alice, amount=str(1000 + n)))
    barrier = threading.Barrier(2)
    taken: dict[str, int | None] = {}

    def press(holder):
        from django.db import connections

        try:
            barrier.wait()
            item = queue_next(user=alice, holder=holder)
            taken[holder] = item.debtor.id if item else None
        finally:
            connections.close_all()

    # One frozen clock for the whole process (time_machine is not per thread).
    with time_machine.travel(TUESDAY_10, tick=False):
        threads = [threading.Thread(target=press, args=(h,)) for h in ("s:one", "s:two")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert None not in taken.values()
    assert taken["s:one"] != taken["s:two"]
    assert DebtorClaim.objects.count() == 2


def test_the_queue_costs_the_same_number_of_queries_for_more_debtors(clock, personas):
    alice = personas.collector_a
    for _ in range(3):
        _call(_debtor(alice))
    queue_for(alice, holder="s:x")  # warm: the contact policy is cached per process
    with CaptureQueriesContext(connection) as few:
        queue_for(alice, holder="s:x")
    for _ in range(30):
        _call(_debtor(alice))
    with CaptureQueriesContext(connection) as many:
        queue_for(alice, holder="s:x")
    assert len(few) == len(many) <= 15


def test_the_queue_pages_and_next(client, clock, personas):
    alice = personas.collector_a
    debtor = _debtor(alice, name="Queue Co")
    _call(debtor)
    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    assert "Queue Co" in home and 'data-testid="queue-next"' in home
    response = client.post(reverse("desk:queue-next"))
    assert response.status_code == 302
    assert response.url == reverse("desk:debtor", args=[debtor.public_id])
    assert DebtorClaim.objects.filter(debtor=debtor, user=alice).exists()
    client.post(reverse("desk:queue-release"))
    assert not DebtorClaim.objects.exists()
    # Nothing left: back to the queue with a message.
    Debtor.objects.filter(pk=debtor.pk).update(do_not_contact=True)
    response = client.post(reverse("desk:queue-next"), follow=True)
    assert "Nothing left to call" in response.content.decode()

    client.force_login(personas.finance)
    assert client.get(reverse("desk:queue")).status_code == 404
    assert client.post(reverse("desk:queue-next")).status_code == 404


def test_the_queue_page_in_chinese(client, clock, personas):
    alice = personas.collector_a
    alice.language = "zh-hans"
    alice.save()
    _call(_debtor(alice, name="中文客户"))
    client.force_login(alice)
    body = client.get(reverse("desk:queue")).content.decode()
    assert "中文客户" in body and "今日已完成" in body


def test_interactions_today_are_those_of_the_user(clock, personas):
    debtor = _debtor(personas.collector_a)
    _call(debtor)
    InteractionFactory(debtor=debtor, user=personas.collector_b, started_at=timezone.now())
    assert queue_for(personas.collector_a).done_today == 0
    assert Interaction.objects.count() == 1


def test_an_item_shows_the_time_in_the_debtors_zone_not_the_readers(client, clock, personas):
    alice = personas.collector_a  # in Shanghai: 10:00 on the clock
    _call(_debtor(alice, name="Tokyo Co", timezone="Asia/Tokyo"))
    client.force_login(alice)
    body = client.get(reverse("desk:queue")).content.decode()
    assert "11:00 their time" in body and "10:00 their time" not in body


def test_every_reason_has_a_chip_label():
    labels = {reason: Chip(reason, 0).label for reason in FollowUp.Reason.values}
    assert labels["promise_confirmation"] == "Confirmation of a promise"
    assert all(labels.values())


def test_the_next_button_in_chinese_names_the_next_debtor(client, clock, personas):
    alice = personas.collector_a
    alice.language = "zh-hans"
    alice.save()
    _call(_debtor(alice))
    client.force_login(alice)
    body = client.get(reverse("desk:queue")).content.decode()
    assert "下一位" in body and "下一页" not in body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Not yet due", "1–30 days", "Over 180 days"]),
        ("zh-hans", ["未到期", "1–30 天", "180 天以上"]),
    ],
)
def test_the_days_past_due_filter_speaks_the_readers_language(
    clock, client, personas, language, words
):
    personas.collector_a.language = language
    personas.collector_a.save()
    client.force_login(personas.collector_a)
    body = client.get(reverse("desk:queue")).content.decode()
    options = re.findall(r'<option value="(current|d1_30|d181)"[^>]*>([^<]*)</option>', body)
    assert [label for _key, label in options] == words

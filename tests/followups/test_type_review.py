"""The type review: each signal at its threshold, the choice between signals,
withdrawal, the quiet time after a dismissal, and deciding suggestions."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import AuditEvent
from collections_crm.exceptions import ApplicationError
from debtors.models import Debtor, Dispute
from debtors.services import debtor_refresh_summary, debtor_set_type, dispute_open
from followups import type_review as tr
from followups.models import Interaction, PromiseToPay, TypeSuggestion
from followups.tasks import suggest_debtor_types
from followups.type_review_words import reason_text
from tests.debtors.factories import (
    DebtorFactory,
    DisputeFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)
from tests.followups.factories import InstalmentFactory, InteractionFactory, PromiseToPayFactory

pytestmark = pytest.mark.django_db

# Thursday 26 November 2026, 10:00 in Shanghai.
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 26)
S = TypeSuggestion.Status
R = TypeSuggestion.Reason


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def days_ago(n: int) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def run(*debtors, now=NOW) -> dict:
    return tr.suggest_for_debtors([d.pk for d in debtors] if debtors else None, now=now)


def pending(debtor) -> TypeSuggestion | None:
    return TypeSuggestion.objects.filter(debtor=debtor, status=S.PENDING).first()


def broken_promise(debtor, *, ago: int) -> PromiseToPay:
    return PromiseToPayFactory(
        debtor=debtor, status=PromiseToPay.Status.BROKEN, evaluated_at=days_ago(ago)
    )


def call(debtor, outcome, *, ago: int, direction="outbound", channel="call") -> Interaction:
    return InteractionFactory(
        debtor=debtor,
        outcome=outcome,
        started_at=days_ago(ago),
        direction=direction,
        channel=channel,
    )


def paid_invoice(debtor, *, due: dt.date, paid: dt.date) -> None:
    invoice = InvoiceFactory(debtor=debtor, due_date=due, open_amount=Decimal("0"), status="paid")
    payment = PaymentFactory(debtor=debtor, amount=invoice.amount, received_on=paid)
    PaymentAllocationFactory(payment=payment, invoice=invoice, amount=invoice.amount)


def overdue_since(debtor, due: dt.date) -> None:
    InvoiceFactory(debtor=debtor, due_date=due)
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)


def good_history(debtor, *, on_time: int) -> None:
    for n in range(on_time):
        due = TODAY - dt.timedelta(days=200 - 30 * n)
        paid_invoice(debtor, due=due, paid=due)


# ------------------------------------------------------------- open dispute


def test_it_suggests_dispute_for_an_open_dispute(personas):
    debtor = personas.debtor_a
    DisputeFactory(debtor=debtor)
    assert run(debtor)["created"] == 1
    s = pending(debtor)
    assert (s.current_type, s.suggested_type, s.reason) == ("unknown", "dispute", R.OPEN_DISPUTE)
    assert s.evidence == {"disputes": 1, "since": TODAY.isoformat()}


@pytest.mark.parametrize("status", [Dispute.Status.RESOLVED, Dispute.Status.REJECTED])
def test_a_closed_dispute_suggests_nothing(personas, status):
    DisputeFactory(debtor=personas.debtor_a, status=status)
    run(personas.debtor_a)
    assert pending(personas.debtor_a) is None


# ---------------------------------------------------------- broken promises


def test_two_broken_promises_suggest_stalling(personas):
    debtor = personas.debtor_a
    broken_promise(debtor, ago=54)
    broken_promise(debtor, ago=10)
    run(debtor)
    s = pending(debtor)
    assert (s.suggested_type, s.reason) == ("stalling", R.BROKEN_PROMISES)
    assert s.evidence == {"broken": 2, "since": "2026-10-03"}


def test_one_broken_promise_is_not_enough(personas):
    broken_promise(personas.debtor_a, ago=10)
    PromiseToPayFactory(debtor=personas.debtor_a, status=PromiseToPay.Status.KEPT)
    run(personas.debtor_a)
    assert pending(personas.debtor_a) is None


def test_a_promise_broken_before_the_window_does_not_count(personas):
    broken_promise(personas.debtor_a, ago=tr.BROKEN_DAYS + 1)
    broken_promise(personas.debtor_a, ago=10)
    run(personas.debtor_a)
    assert pending(personas.debtor_a) is None


# ------------------------------------------------------------- dodged calls

Out = Interaction.Outcome


def test_three_unanswered_calls_after_a_conversation_suggest_stalling(personas):
    debtor = personas.debtor_a
    call(debtor, Out.RIGHT_PARTY, ago=40)
    for ago, outcome in ((20, Out.NO_ANSWER), (12, Out.BUSY), (5, Out.MESSAGE_LEFT)):
        call(debtor, outcome, ago=ago)
    run(debtor)
    s = pending(debtor)
    assert (s.suggested_type, s.reason) == ("stalling", R.DODGED_CALLS)
    assert s.evidence == {
        "unanswered": 3,
        "since": "2026-11-06",
        "last_spoke": "2026-10-17",
        "callback": False,
    }


def test_two_unanswered_calls_are_not_a_dodge(personas):
    debtor = personas.debtor_a
    call(debtor, Out.RIGHT_PARTY, ago=40)
    call(debtor, Out.NO_ANSWER, ago=20)
    call(debtor, Out.NO_ANSWER, ago=5)
    call(debtor, Out.NO_ANSWER, ago=tr.DODGE_DAYS + 2)  # before the window
    run(debtor)
    assert pending(debtor) is None


def test_unanswered_calls_to_somebody_never_reached_are_not_a_dodge(personas):
    debtor = personas.debtor_a
    for ago in (20, 12, 5, 2):
        call(debtor, Out.NO_ANSWER, ago=ago)
    call(debtor, Out.WRONG_NUMBER, ago=25)
    run(debtor)
    assert pending(debtor) is None


def test_a_conversation_since_ends_the_count(personas):
    debtor = personas.debtor_a
    call(debtor, Out.RIGHT_PARTY, ago=40)
    for ago in (20, 12, 5):
        call(debtor, Out.NO_ANSWER, ago=ago)
    call(debtor, Out.RIGHT_PARTY, ago=3, direction="inbound")  # they called us
    run(debtor)
    assert pending(debtor) is None


def test_a_callback_request_then_two_unanswered_calls_suggest_stalling(personas):
    debtor = personas.debtor_a
    call(debtor, Out.CALLBACK, ago=10)
    call(debtor, Out.NO_ANSWER, ago=8)
    run(debtor)
    assert pending(debtor) is None  # one is not enough
    call(debtor, Out.NO_ANSWER, ago=6)
    run(debtor)
    s = pending(debtor)
    assert s.reason == R.DODGED_CALLS and s.evidence["callback"] is True
    assert s.evidence["unanswered"] == 2


# ------------------------------------------------------- hardship: time, parts


def instalment_plan(debtor, *, ago: int, instalments: int = 2, **fields) -> PromiseToPay:
    promise = PromiseToPayFactory(debtor=debtor, **fields)
    PromiseToPay.objects.filter(pk=promise.pk).update(created_at=days_ago(ago))
    for n in range(instalments):
        InstalmentFactory(promise=promise, sequence=n + 1, due_date=TODAY + dt.timedelta(n * 30))
    return promise


def owing(debtor) -> Debtor:
    InvoiceFactory(debtor=debtor, due_date=TODAY - dt.timedelta(days=100))
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=TODAY)
    return debtor


def test_a_plan_and_payments_in_parts_suggest_hardship(personas):
    debtor = owing(personas.debtor_a)
    instalment_plan(debtor, ago=30)
    PaymentFactory(debtor=debtor, received_on=TODAY - dt.timedelta(days=25))
    PaymentFactory(debtor=debtor, received_on=TODAY - dt.timedelta(days=3))
    run(debtor)
    s = pending(debtor)
    assert (s.suggested_type, s.reason) == ("hardship", R.ASKS_TIME_PAYS_IN_PARTS)
    assert s.evidence == {
        "plan_on": "2026-10-27",
        "instalments": 2,
        "payments": 2,
        "payments_since": "2026-11-01",
        "partly_kept": 0,
    }


def test_a_plan_with_one_payment_is_not_enough(personas):
    debtor = owing(personas.debtor_a)
    instalment_plan(debtor, ago=30)
    PaymentFactory(debtor=debtor, received_on=TODAY - dt.timedelta(days=3))
    PaymentFactory(debtor=debtor, received_on=TODAY - dt.timedelta(days=tr.PLAN_DAYS + 1))
    run(debtor)
    assert pending(debtor) is None


def test_a_single_date_promise_is_not_asking_for_time(personas):
    debtor = owing(personas.debtor_a)
    instalment_plan(debtor, ago=30, instalments=1)
    for ago in (25, 3):
        PaymentFactory(debtor=debtor, received_on=TODAY - dt.timedelta(days=ago))
    run(debtor)
    assert pending(debtor) is None


def test_a_partly_kept_plan_counts_as_paying_in_parts(personas):
    debtor = owing(personas.debtor_a)
    instalment_plan(debtor, ago=30, status=PromiseToPay.Status.PARTLY_KEPT)
    run(debtor)
    assert pending(debtor).evidence["partly_kept"] == 1


def test_a_debtor_who_owes_nothing_is_not_in_hardship(personas):
    debtor = personas.debtor_a
    instalment_plan(debtor, ago=30, status=PromiseToPay.Status.PARTLY_KEPT)
    run(debtor)
    assert pending(debtor) is None


# ----------------------------------------------- forgetful: first late payment


def test_a_first_late_payment_after_a_good_history_suggests_forgetful(personas):
    debtor = personas.debtor_a
    good_history(debtor, on_time=3)
    overdue_since(debtor, TODAY - dt.timedelta(days=20))
    run(debtor)
    s = pending(debtor)
    assert (s.suggested_type, s.reason) == ("forgetful", R.FIRST_LATE_AFTER_GOOD_HISTORY)
    assert s.evidence == {"on_time": 3, "overdue_since": "2026-11-06"}


def test_two_invoices_paid_on_time_are_not_yet_a_good_history(personas):
    debtor = personas.debtor_a
    good_history(debtor, on_time=2)
    overdue_since(debtor, TODAY - dt.timedelta(days=20))
    run(debtor)
    assert pending(debtor) is None


@pytest.mark.parametrize(
    ("days_after_due", "on_time"), [(tr.ON_TIME_TOLERANCE_DAYS, True), (3, False)]
)
def test_a_payment_after_the_tolerance_is_late(personas, days_after_due, on_time):
    debtor = personas.debtor_a
    good_history(debtor, on_time=3)
    due = TODAY - dt.timedelta(days=50)
    paid_invoice(debtor, due=due, paid=due + dt.timedelta(days=days_after_due))
    overdue_since(debtor, TODAY - dt.timedelta(days=20))
    run(debtor)
    assert (pending(debtor) is not None) is on_time


@pytest.mark.parametrize(("late_days", "suggested"), [(60, True), (61, False)])
def test_the_late_episode_must_be_recent(personas, late_days, suggested):
    debtor = personas.debtor_a
    good_history(debtor, on_time=3)
    overdue_since(debtor, TODAY - dt.timedelta(days=late_days))
    run(debtor)
    assert (pending(debtor) is not None) is suggested


def test_a_broken_promise_spoils_the_good_history(personas):
    debtor = personas.debtor_a
    good_history(debtor, on_time=4)
    overdue_since(debtor, TODAY - dt.timedelta(days=20))
    broken_promise(debtor, ago=30)
    run(debtor)
    assert pending(debtor) is None


# -------------------------------------------------- choosing between signals


def test_the_strongest_signal_wins(personas):
    debtor = personas.debtor_a
    broken_promise(debtor, ago=20)
    broken_promise(debtor, ago=10)
    DisputeFactory(debtor=debtor)
    run(debtor)
    assert pending(debtor).suggested_type == "dispute"


def test_nothing_is_suggested_when_the_strongest_signal_is_the_current_type(personas):
    debtor = personas.debtor_a
    Debtor.objects.filter(pk=debtor.pk).update(debtor_type="dispute")
    DisputeFactory(debtor=debtor)
    broken_promise(debtor, ago=20)
    broken_promise(debtor, ago=10)
    run(debtor)
    assert pending(debtor) is None


def test_closed_debtors_get_no_suggestion(personas):
    debtor = personas.debtor_a
    Debtor.objects.filter(pk=debtor.pk).update(status=Debtor.Status.SETTLED)
    DisputeFactory(debtor=debtor)
    run(debtor)
    assert pending(debtor) is None


# ------------------------------------------------- refresh and withdrawal


def test_a_pending_suggestion_is_refreshed_in_place(personas):
    debtor = personas.debtor_a
    broken_promise(debtor, ago=30)
    broken_promise(debtor, ago=20)
    run(debtor)
    first = pending(debtor)
    broken_promise(debtor, ago=5)
    later = NOW + dt.timedelta(hours=1)
    assert run(debtor, now=later) == {"evaluated": 1, "created": 0, "refreshed": 1, "withdrawn": 0}
    again = pending(debtor)
    assert again.pk == first.pk and again.created_at == NOW
    assert again.evidence["broken"] == 3
    assert run(debtor, now=later)["refreshed"] == 0  # nothing new: nothing written


def test_a_suggestion_is_withdrawn_when_its_signal_is_gone(personas):
    debtor = personas.debtor_a
    dispute = DisputeFactory(debtor=debtor)
    run(debtor)
    Dispute.objects.filter(pk=dispute.pk).update(status=Dispute.Status.RESOLVED)
    assert run(debtor)["withdrawn"] == 1
    assert not TypeSuggestion.objects.exists()


def test_a_suggestion_is_withdrawn_when_the_debtor_takes_the_type(personas):
    debtor = personas.debtor_a
    DisputeFactory(debtor=debtor)
    run()
    debtor_set_type(actor=personas.collector_a, debtor=debtor, debtor_type="dispute", reason="x")
    run()
    assert not TypeSuggestion.objects.exists()


def test_a_stronger_signal_replaces_the_pending_one(personas):
    debtor = personas.debtor_a
    broken_promise(debtor, ago=30)
    broken_promise(debtor, ago=20)
    run(debtor)
    DisputeFactory(debtor=debtor)
    assert run(debtor)["created"] == 1
    assert list(TypeSuggestion.objects.values_list("suggested_type", flat=True)) == ["dispute"]


def test_only_the_debtors_named_are_touched(personas):
    DisputeFactory(debtor=personas.debtor_a)
    DisputeFactory(debtor=personas.debtor_b)
    run(personas.debtor_a)
    assert pending(personas.debtor_a) and pending(personas.debtor_b) is None


# ---------------------------------------------------- dismissal, quiet time


def test_a_dismissed_suggestion_is_not_raised_again_for_90_days(personas):
    debtor = personas.debtor_a
    DisputeFactory(debtor=debtor)
    run(debtor)
    tr.suggestion_dismiss(actor=personas.manager, suggestion=pending(debtor))
    assert run(debtor, now=NOW + dt.timedelta(days=89))["created"] == 0
    with time_machine.travel(NOW + dt.timedelta(days=91), tick=False):
        assert run(debtor, now=NOW + dt.timedelta(days=91))["created"] == 1


def test_a_dismissed_signal_gives_way_to_the_next_one(personas):
    debtor = personas.debtor_a
    DisputeFactory(debtor=debtor)
    broken_promise(debtor, ago=30)
    broken_promise(debtor, ago=20)
    run(debtor)
    tr.suggestion_dismiss(actor=personas.manager, suggestion=pending(debtor))
    run(debtor)
    assert pending(debtor).reason == R.BROKEN_PROMISES


# ---------------------------------------------------------------- deciding


def test_confirm_sets_the_type_through_the_debtor_service(personas):
    debtor = personas.debtor_a
    broken_promise(debtor, ago=54)
    broken_promise(debtor, ago=10)
    run(debtor)
    s = tr.suggestion_confirm(actor=personas.manager, suggestion=pending(debtor))
    debtor.refresh_from_db()
    assert (s.status, s.decided_by, s.decided_at) == (S.CONFIRMED, personas.manager, NOW)
    assert (debtor.debtor_type, debtor.type_set_by) == ("stalling", personas.manager)
    assert debtor.type_reason == "Type review: 2 promises broken since Oct. 3, 2026."
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"debtor.set_type", "type_suggestion.confirmed"} <= actions


def test_confirm_twice_is_refused(personas):
    DisputeFactory(debtor=personas.debtor_a)
    run()
    s = pending(personas.debtor_a)
    tr.suggestion_confirm(actor=personas.admin, suggestion=s)
    with pytest.raises(ApplicationError):
        tr.suggestion_confirm(actor=personas.admin, suggestion=s)


@pytest.mark.parametrize("who", ["collector_a", "finance", "other_manager"])
def test_only_the_team_manager_and_admins_decide(personas, who):
    DisputeFactory(debtor=personas.debtor_a)
    run()
    s = pending(personas.debtor_a)
    user = getattr(personas, who)
    with pytest.raises(PermissionDenied):
        tr.suggestion_confirm(actor=user, suggestion=s)
    with pytest.raises(PermissionDenied):
        tr.suggestion_dismiss(actor=user, suggestion=s)
    personas.debtor_a.refresh_from_db()
    assert personas.debtor_a.debtor_type == "unknown" and pending(personas.debtor_a)


def test_bulk_decisions(personas):
    for debtor in (personas.debtor_a, personas.debtor_b):
        DisputeFactory(debtor=debtor)
    run()
    both = list(TypeSuggestion.objects.all())
    assert tr.suggestions_dismiss(actor=personas.manager, suggestions=both) == 2
    assert tr.suggestions_confirm(actor=personas.manager, suggestions=both) == 0  # decided
    assert set(TypeSuggestion.objects.values_list("status", flat=True)) == {S.DISMISSED}


# ----------------------------------------------------- events, task, scale


def test_a_dispute_opened_queues_the_review(personas, django_capture_on_commit_callbacks):
    debtor = personas.debtor_a
    invoice = InvoiceFactory(debtor=debtor)
    with django_capture_on_commit_callbacks(execute=True):
        dispute_open(
            actor=personas.collector_a,
            debtor=debtor,
            invoices=[invoice],
            category=Dispute.Category.INVOICE_ERROR,
            disputed_amount=Decimal("100.00"),
            description="Wrong unit price.",
        )
    assert pending(debtor).reason == R.OPEN_DISPUTE


def test_a_promise_saved_queues_the_review(personas, django_capture_on_commit_callbacks):
    debtor = personas.debtor_a
    broken_promise(debtor, ago=20)
    with django_capture_on_commit_callbacks(execute=True):
        broken_promise(debtor, ago=1)
    assert pending(debtor).reason == R.BROKEN_PROMISES


def test_the_task_reviews_everybody(personas):
    DisputeFactory(debtor=personas.debtor_other_team)
    assert suggest_debtor_types()["created"] == 1


def _signals_for(debtor) -> None:
    """Every kind of signal at once, so every reader finds something."""
    DisputeFactory(debtor=debtor)
    call(debtor, Out.RIGHT_PARTY, ago=40)
    for ago in (20, 12, 5):
        call(debtor, Out.NO_ANSWER, ago=ago)
    broken_promise(debtor, ago=30)
    instalment_plan(owing(debtor), ago=30, status=PromiseToPay.Status.PARTLY_KEPT)
    good_history(debtor, on_time=3)


@pytest.mark.parametrize("by_id", [True, False])
def test_the_queries_do_not_grow_with_the_debtors(personas, by_id):
    debtors = [personas.debtor_a, personas.debtor_b, *DebtorFactory.create_batch(4)]

    def queries(some) -> int:
        TypeSuggestion.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            run(*some) if by_id else run()
        return len(captured)

    _signals_for(debtors[0])
    one = queries(debtors[:1])
    for debtor in debtors[1:]:
        _signals_for(debtor)
    assert queries(debtors) == one
    assert TypeSuggestion.objects.filter(status=S.PENDING).count() == 6


# ------------------------------------------------------------------ words


def test_the_reason_reads_in_both_languages():
    evidence = {"broken": 2, "since": "2026-10-03"}
    assert reason_text(R.BROKEN_PROMISES, evidence) == "2 promises broken since Oct. 3, 2026."
    with translation.override("zh-hans"):
        text = reason_text(R.BROKEN_PROMISES, evidence)
    assert "2" in text and "2026年10月3日" in text and "promise" not in text


@pytest.mark.parametrize("reason", list(R))
def test_every_reason_has_words(reason):
    assert reason_text(reason, {}) and reason_text(reason, {}) != "No reason recorded."

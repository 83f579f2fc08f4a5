import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from followups.models import ContactPolicy, Instalment
from tests.followups.factories import (
    ContactPolicyFactory,
    FollowUpFactory,
    InstalmentFactory,
    InteractionFactory,
    PromiseToPayFactory,
)
from tests.scripts_library.factories import PhraseRuleFactory, TalkTrackFactory

pytestmark = pytest.mark.django_db


def assert_rejected(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_it_makes_a_follow_up_once_per_debtor_reason_and_slot():
    first = FollowUpFactory()
    assert_rejected(FollowUpFactory, debtor=first.debtor, reason=first.reason, due_at=first.due_at)
    FollowUpFactory(debtor=first.debtor, reason="callback", due_at=first.due_at)


def test_it_numbers_instalments_once_per_promise():
    first = InstalmentFactory(sequence=1)
    assert_rejected(InstalmentFactory, promise=first.promise, sequence=1)


def test_it_refuses_an_instalment_without_a_promise():
    with pytest.raises(IntegrityError), transaction.atomic():
        Instalment.objects.create(
            promise=None, sequence=1, due_date=datetime.date(2026, 12, 1), amount=Decimal("10.00")
        )


def test_it_refuses_promises_and_instalments_of_nothing():
    assert_rejected(PromiseToPayFactory, total_amount=Decimal("0.00"))
    assert_rejected(InstalmentFactory, amount=Decimal("0.00"))


def test_it_refuses_an_interaction_that_ends_before_it_starts():
    now = timezone.now()
    assert_rejected(
        InteractionFactory, started_at=now, ended_at=now - datetime.timedelta(minutes=1)
    )


def test_it_logs_a_retried_request_once_per_idempotency_key():
    first = InteractionFactory(idempotency_key="abc")
    assert_rejected(InteractionFactory, debtor=first.debtor, user=first.user, idempotency_key="abc")
    InteractionFactory(debtor=first.debtor, user=first.user, idempotency_key=None)
    InteractionFactory(debtor=first.debtor, user=first.user, idempotency_key=None)


def test_it_keeps_one_contact_policy_per_pack_and_type():
    # The migration installs each pack's row for every type.
    assert ContactPolicy.objects.filter(pack="b2b", debtor_type="").exists()
    assert_rejected(ContactPolicyFactory, pack="b2b", debtor_type="")
    ContactPolicyFactory(pack="b2b", debtor_type="stalling")
    assert_rejected(ContactPolicyFactory, pack="b2b", debtor_type="stalling")


def test_it_refuses_a_contact_window_that_ends_before_it_starts():
    assert_rejected(
        ContactPolicyFactory,
        allowed_from_local=datetime.time(21),
        allowed_until_local=datetime.time(8),
    )


def test_it_keeps_talk_track_versions_unique():
    track = TalkTrackFactory(version=1)
    assert_rejected(TalkTrackFactory, key=track.key, language=track.language, version=1)
    TalkTrackFactory(key=track.key, language="zh-hans", version=1)


def test_it_keeps_phrase_rules_unique_per_language():
    PhraseRuleFactory(phrase="or else", language="en")
    assert_rejected(PhraseRuleFactory, phrase="or else", language="en")

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from followups.models import ContactPolicy, FollowUp, Instalment, Interaction, PromiseToPay
from tests.debtors.factories import DebtorFactory


class ContactPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPolicy

    pack = ContactPolicy.Pack.B2B
    debtor_type = ""
    max_attempts_7d = 5
    max_calls_7d = 4
    max_messages_7d = 3
    min_gap_after_conversation_hours = 48
    allowed_from_local = datetime.time(8, 30)
    allowed_until_local = datetime.time(18, 30)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    debtor = factory.SubFactory(DebtorFactory)
    user = factory.SelfAttribute("debtor.assigned_collector")
    channel = "call"
    started_at = factory.LazyFunction(timezone.now)
    outcome = Interaction.Outcome.NO_ANSWER


class PromiseToPayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromiseToPay

    debtor = factory.SubFactory(DebtorFactory)
    made_by = factory.SelfAttribute("debtor.assigned_collector")
    total_amount = Decimal("500.00")
    currency = "CNY"


class InstalmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instalment

    promise = factory.SubFactory(PromiseToPayFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    amount = Decimal("250.00")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    debtor = factory.SubFactory(DebtorFactory)
    action = "call"
    reason = FollowUp.Reason.DUNNING_STEP
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    slot_explain = factory.LazyFunction(
        lambda: [["at", {"weekday": 4, "time": "09:05"}], ["first_15", {}]]
    )


from followups.models import Cadence, CadenceStep, DebtorPolicyOverride  # noqa: E402


class DebtorPolicyOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DebtorPolicyOverride

    debtor = factory.SubFactory(DebtorFactory)
    reason = "Asked to be called in the afternoon only."


class CadenceStepFactory(factory.django.DjangoModelFactory):
    """A step added to an existing (migration-installed) cadence by a manager."""

    class Meta:
        model = CadenceStep

    cadence = factory.LazyFunction(lambda: Cadence.objects.get(debtor_type="unknown"))
    sequence = factory.Sequence(lambda n: n + 100)
    name = factory.Sequence(lambda n: f"Step {n}")
    action = "call"
    day_offset = 0

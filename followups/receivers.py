"""Reactions to what lower apps signal. Connected in ``FollowupsConfig.ready``."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from debtors.signals import debtors_changed, payments_recorded

from .events import on_debtors_changed, on_payments
from .models import PromiseToPay
from .services import promise_evaluate

# Above this many debtors one run over everybody is cheaper than a list of ids.
SUGGEST_ALL_ABOVE = 10_000


@receiver(payments_recorded, dispatch_uid="followups.promise_evaluate_on_payments")
def promises_evaluate_on_payments(sender, debtor_ids, **kwargs):
    """Payments were committed: their debtors' promises may now be kept, and a
    settled debtor needs no more reminders."""
    promise_evaluate(debtor_ids=debtor_ids)
    on_payments(debtor_ids)


@receiver(debtors_changed, dispatch_uid="followups.replan_on_debtors_changed")
def replan_on_debtors_changed(sender, debtor_ids, what, **kwargs):
    """A dispute was opened or settled, or a type changed: plan again."""
    on_debtors_changed(debtor_ids, what=what)


def suggest_types_on_commit(debtor_ids) -> None:
    """Once the current transaction commits, queue the type review for these
    debtors (their signals may have changed)."""
    ids = sorted({pk for pk in debtor_ids if pk is not None})
    if not ids:
        return

    def enqueue():
        from .tasks import suggest_debtor_types

        suggest_debtor_types.delay(None if len(ids) > SUGGEST_ALL_ABOVE else ids)

    transaction.on_commit(enqueue, robust=True)


@receiver(payments_recorded, dispatch_uid="followups.suggest_types_on_payments")
def suggest_types_on_payments(sender, debtor_ids, **kwargs):
    """Payments change the payment history and the promises kept."""
    suggest_types_on_commit(debtor_ids)


@receiver(debtors_changed, dispatch_uid="followups.suggest_types_on_debtors_changed")
def suggest_types_on_debtors_changed(sender, debtor_ids, what, **kwargs):
    """A dispute opened or settled, or a type changed (a pending suggestion
    of that type is withdrawn)."""
    suggest_types_on_commit(debtor_ids)


@receiver(post_save, sender=PromiseToPay, dispatch_uid="followups.suggest_types_on_promise")
def suggest_types_on_promise(sender, instance, created, update_fields=None, **kwargs):
    """A promise was made or its status saved (kept, broken, cancelled)."""
    if created or update_fields is None or "status" in update_fields:
        suggest_types_on_commit([instance.debtor_id])

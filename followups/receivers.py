"""Reactions to what lower apps signal. Connected in ``FollowupsConfig.ready``."""

from django.dispatch import receiver

from debtors.signals import debtors_changed, payments_recorded

from .events import on_debtors_changed, on_payments
from .services import promise_evaluate


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

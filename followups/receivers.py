"""Reactions to what lower apps signal. Connected in ``FollowupsConfig.ready``."""

from django.dispatch import receiver

from debtors.signals import payments_recorded

from .services import promise_evaluate


@receiver(payments_recorded, dispatch_uid="followups.promise_evaluate_on_payments")
def promises_evaluate_on_payments(sender, debtor_ids, **kwargs):
    """Payments were committed: their debtors' promises may now be kept."""
    promise_evaluate(debtor_ids=debtor_ids)

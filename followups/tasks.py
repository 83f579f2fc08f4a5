from celery import shared_task


@shared_task(name="followups.tasks.promise_evaluate_due_task")
def promise_evaluate_due_task() -> dict[str, int]:
    """Nightly: promises whose instalments fell due are marked kept, partly kept
    or broken even when no payment arrived to trigger it."""
    from .services import promise_evaluate_due

    return promise_evaluate_due()

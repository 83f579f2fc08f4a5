from celery import shared_task


@shared_task(name="debtors.tasks.debtor_refresh_all_summaries_task")
def debtor_refresh_all_summaries_task() -> int:
    """Nightly: days past due move with the calendar; recompute every summary."""
    from .services import debtor_refresh_summary

    return debtor_refresh_summary()


@shared_task(name="debtors.tasks.debtor_refresh_summary_task")
def debtor_refresh_summary_task(debtor_ids: list[int]) -> int:
    from .services import debtor_refresh_summary

    return debtor_refresh_summary(debtor_ids=debtor_ids)


@shared_task(name="debtors.tasks.import_batch_commit_task", acks_late=True)
def import_batch_commit_task(batch_id: int) -> bool:
    """Apply a queued import. Idempotent: a batch that is not QUEUED is left alone."""
    from .imports.services import import_batch_commit

    return import_batch_commit(batch_id=batch_id).applied

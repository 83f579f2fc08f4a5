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

"""The monthly review's Celery task (beat runs it every morning at 07:30
company time; it does something only on the month's first working day)."""

from celery import shared_task

RETRY_SECONDS = 15 * 60
MAX_RETRIES = 8


@shared_task(bind=True, name="reports.review_tasks.send_monthly_reviews", max_retries=MAX_RETRIES)
def send_monthly_reviews(self, month: str | None = None) -> dict:
    """Email last month's review to every manager who has not had it. A mail
    that failed is tried again later for the same month (whatever the day
    by then); one that went is never sent twice."""
    import datetime as dt

    from .monthly_review_mail import monthly_reviews_send
    from .rollups import company_today

    result = monthly_reviews_send(
        today=company_today(), month=dt.date.fromisoformat(month) if month else None
    )
    if result.failed:
        raise self.retry(kwargs={"month": result.month.isoformat()}, countdown=RETRY_SECONDS)
    return {
        "month": result.month.isoformat() if result.month else None,
        "sent": len(result.sent),
        "already": len(result.already),
        "skipped": len(result.skipped),
    }

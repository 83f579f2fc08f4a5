"""Thin Celery tasks: each calls a service. See followups.sending for the
exactly-once rules and followups.planning for the nightly plan."""

import logging
import time

from celery import shared_task

logger = logging.getLogger(__name__)

DISPATCH_BUDGET_SECONDS = 45


@shared_task(name="followups.tasks.promise_evaluate_due_task")
def promise_evaluate_due_task() -> dict[str, int]:
    """Promises whose instalments fell due are marked kept, partly kept or
    broken even when no payment arrived to trigger it."""
    from .services import promise_evaluate_due

    return promise_evaluate_due()


@shared_task(name="followups.tasks.followups_dispatch_task")
def followups_dispatch_task() -> int:
    """Claim due SMS/email follow-ups batch by batch and queue their sends,
    ``FOLLOWUP_SEND_CHUNK`` per task. Stops when nothing is due or after a time budget
    (beat runs it again). If the broker is down, the claims not yet queued are
    given back at once instead of waiting out their lease."""
    from kombu.exceptions import OperationalError

    from .sending import BATCH, followups_claim_due, followups_unclaim, send_chunk

    started = time.monotonic()
    chunk_size = send_chunk()
    queued = 0
    while time.monotonic() - started < DISPATCH_BUDGET_SECONDS:
        ids = followups_claim_due()
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            try:
                followups_send_batch_task.delay(chunk)  # the claim has committed
            except OperationalError:
                followups_unclaim(ids[start:])
                logger.warning("broker unavailable: %d claims given back", len(ids) - start)
                return queued
            queued += len(chunk)
        if len(ids) < BATCH:
            break
    return queued


@shared_task(name="followups.tasks.followups_send_batch_task")
def followups_send_batch_task(followup_ids: list[int]) -> dict[str, int]:
    from .sending import followups_send_batch

    return followups_send_batch(followup_ids)


@shared_task(name="followups.tasks.followups_sweep_task")
def followups_sweep_task() -> int:
    from .sending import followups_sweep

    return followups_sweep()


@shared_task(name="followups.tasks.nightly_task")
def nightly_task() -> dict:
    """Summaries, promises, measured rates, then the next step for everyone."""
    from debtors.services import debtor_refresh_summary

    from .planning import contact_rates_refresh, followups_priority_refresh, plan_all
    from .services import promise_evaluate_due

    result = {"summaries": debtor_refresh_summary()}
    result["promises"] = promise_evaluate_due()
    result["rate_cells"] = contact_rates_refresh()
    result["plan"] = plan_all()
    result["priorities"] = followups_priority_refresh()
    logger.info("nightly follow-up run: %s", result)
    return result


@shared_task(name="followups.tasks.promise_followups_task")
def promise_followups_task(promise_ids: list[int]) -> int:
    """Thank-you or broken-promise call for promises that just ended."""
    from .events import promise_followups

    return promise_followups(promise_ids)


@shared_task(name="followups.tasks.suggest_debtor_types")
def suggest_debtor_types(debtor_ids: list[int] | None = None) -> dict[str, int]:
    """The type review: suggest a type where recent signals point to another
    one, and withdraw suggestions that no longer hold (every debtor without ids)."""
    from .type_review import suggest_for_debtors

    return suggest_for_debtors(debtor_ids)

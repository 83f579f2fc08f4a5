"""Thin Celery tasks that keep the rollups current (reports.rollups)."""

import datetime as dt

from celery import shared_task


@shared_task(name="reports.tasks.rebuild_reports_task")
def rebuild_reports_task(since: str | None = None) -> dict:
    """Remake every rollup row (nightly, and after an import or its undo)."""
    from .rollups import rebuild

    result = rebuild(since=dt.date.fromisoformat(since) if since else None)
    return {"rows": result["rows"], "seconds": round(result["seconds"], 2)}


@shared_task(name="reports.tasks.refresh_debtors_task")
def refresh_debtors_task(
    debtor_ids: list[int], since: str | None = None, all_types: bool = False
) -> int:
    """Remake the cells of a few debtors after a payment, a contact, a promise
    or a dispute changed what they count."""
    from .rollups import refresh_debtors

    return refresh_debtors(
        debtor_ids,
        since=dt.date.fromisoformat(since) if since else None,
        all_types=all_types,
    )


@shared_task(name="reports.tasks.refresh_cells_task")
def refresh_cells_task(cells: list[list]) -> int:
    """Remake whole cells (a debtor moved from one collector or team to another)."""
    from .rollups import refresh_cells

    return refresh_cells([(int(t), int(c), str(ty)) for t, c, ty in cells])

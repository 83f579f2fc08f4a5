"""Keeping the report rollups whole: :func:`rebuild` remakes every row of the
window from the base tables (nightly, ``manage.py rebuild_reports`` and after
an import); :func:`refresh_debtors` remakes the cells of a few debtors from a
day on (after a payment, a logged interaction, a settled promise). Both write
the same rows the same way, so an update is never a guess on top of a guess.

The window is the current month and the :data:`WINDOW_MONTHS` before it; a
period reaching further back is computed live (``reports.kpis``).

On PostgreSQL a rebuild holds an exclusive advisory lock and an update a
shared one plus a lock on its cell's team and type, so an update never
interleaves with a rebuild and two updates of one cell (or of two cells
whose team rows they both remake) never both insert. Readers are never
blocked: they see the old rows until the writer commits.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from collections_crm.lib.zones import company_zone
from debtors.models import Debtor, DebtorType

from .flow_read import month_rows, team_month_rows
from .models import (
    ContactHour,
    DailyAging,
    DailyFlow,
    MonthlyFlow,
    MonthlyRoll,
    RollupState,
    TeamDailyAging,
    TeamMonthlyFlow,
    TeamMonthlyRoll,
)
from .q import through
from .rollup_aging import BUCKET_KEYS, build_aging
from .rollup_flows import COUNT_FIELDS, MONEY_FIELDS, build_contact_hours, build_flows
from .rollup_write import insert_rows

WINDOW_MONTHS = 14
LOCK_KEY = 0x52505453  # "RPTS"

Cell = tuple[int, int, str]


def company_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(company_zone()).date()


def window_for(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of the month :data:`WINDOW_MONTHS` before ``today``'s, and today."""
    month = today.year * 12 + today.month - 1 - WINDOW_MONTHS
    return dt.date(month // 12, month % 12 + 1, 1), today


def cell_of_debtor(team_id, collector_id, debtor_type) -> Cell:
    return (team_id or 0, collector_id or 0, debtor_type)


def cell_q(cell: Cell) -> Q:
    """The debtors of a cell, as a filter on Debtor."""
    team, collector, debtor_type = cell
    q = Q(debtor_type=debtor_type)
    q &= Q(team_id=team) if team else Q(team_id__isnull=True)
    q &= Q(assigned_collector_id=collector) if collector else Q(assigned_collector_id__isnull=True)
    return q


def _cells_of(debtors: Q) -> dict[int, Cell]:
    rows = Debtor.objects.filter(debtors).values_list(
        "id", "team_id", "assigned_collector_id", "debtor_type"
    )
    return {pk: cell_of_debtor(t, c, ty) for pk, t, c, ty in rows.iterator(chunk_size=20_000)}


def _lock(*, exclusive: bool, cell: Cell | None = None) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if exclusive:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])
        if cell is not None:
            # The team and type: the team's monthly rows sum its collectors' cells.
            team, _collector, debtor_type = cell
            key = zlib.crc32(repr((team, debtor_type)).encode()) & 0x7FFFFFFF
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, key])


CELL = ("day", "team_id", "collector_id", "debtor_type")
FLOW_COLUMNS = (*CELL, "currency", *MONEY_FIELDS, *COUNT_FIELDS)
AGING_COLUMNS = (*CELL, "currency", *BUCKET_KEYS)
ROLL_COLUMNS = (
    "month",
    "team_id",
    "collector_id",
    "debtor_type",
    "currency",
    "bucket",
    "opening",
    "rolled",
    "paid",
)
HOUR_COLUMNS = (*CELL, "weekday", "hour", "calls", "right_party")
MONTH_FLOW_COLUMNS = ("month", *FLOW_COLUMNS[1:])
TEAM_FLOW_COLUMNS = ("month", "team_id", "debtor_type", *FLOW_COLUMNS[4:])
TEAM_AGING_COLUMNS = ("day", "team_id", "debtor_type", "currency", *BUCKET_KEYS)
TEAM_ROLL_COLUMNS = (
    "month",
    "team_id",
    "debtor_type",
    "currency",
    "bucket",
    "opening",
    "rolled",
    "paid",
)


def _write(debtors: Q, first: dt.date, last: dt.date, since: dt.date) -> int:
    """Build the rows of the debtors' cells and insert those from ``since``."""
    cells = _cells_of(debtors)
    few = len(cells) < 5000
    # The grid starts where the rows to write need it: the days from
    # ``since`` and the month ends of the rolls remade (an invoice's open
    # amount on a day does not depend on the grid's first day).
    grid = build_aging(
        invoice_filter=Q(debtor_id__in=cells) if few else through(debtors, "debtor__"),
        cell_of=cells,
        first=max(first, _roll_since(since)),
        last=last,
        stream=not few,
    )
    count = insert_rows(
        DailyAging, AGING_COLUMNS, ((day, *k, *amounts) for day, k, amounts in grid.rows(since))
    )
    count += insert_rows(
        MonthlyRoll, ROLL_COLUMNS, ((end, *k, *rest) for end, k, *rest in grid.roll_rows(since))
    )
    flows = build_flows(debtors=debtors, first=since, last=last)
    count += insert_rows(
        DailyFlow,
        FLOW_COLUMNS,
        (
            (*k, *(v.get(f, 0) for f in MONEY_FIELDS), *(v.get(f, 0) for f in COUNT_FIELDS))
            for k, v in flows.rows.items()
        ),
    )
    hours = build_contact_hours(debtors=debtors, first=since, last=last)
    count += insert_rows(ContactHour, HOUR_COLUMNS, ((*k, *v) for k, v in hours.items()))
    return count


def _write_sums(cell: dict, since: dt.date) -> int:
    """Remake the ``MonthlyFlow`` rows of the cells matching ``cell`` from
    ``since``'s month on, from the ``DailyFlow`` rows just written, and the
    ``TeamMonthlyFlow``, ``TeamDailyAging`` and ``TeamMonthlyRoll`` rows of
    their team and type."""
    month = since.replace(day=1)
    MonthlyFlow.objects.filter(month__gte=month, **cell).delete()
    rows = insert_rows(MonthlyFlow, MONTH_FLOW_COLUMNS, month_rows(cell, since))
    team_type = {k: v for k, v in cell.items() if k != "collector_id"}
    TeamMonthlyFlow.objects.filter(month__gte=month, **team_type).delete()
    rows += insert_rows(TeamMonthlyFlow, TEAM_FLOW_COLUMNS, team_month_rows(team_type, since))
    rows += _write_team_aging(team_type, since)
    return rows + _write_team_rolls(team_type, _roll_since(since))


def _write_team_aging(team_type: dict, since: dt.date) -> int:
    """Remake the ``TeamDailyAging`` rows of a team and type (all when
    ``team_type`` is empty) from ``since``, from the ``DailyAging`` rows."""
    TeamDailyAging.objects.filter(day__gte=since, **team_type).delete()
    sums = (
        DailyAging.objects.filter(day__gte=since, **team_type)
        .values_list("day", "team_id", "debtor_type", "currency")
        .annotate(*(Sum(k) for k in BUCKET_KEYS))
        .order_by()
    )
    return insert_rows(TeamDailyAging, TEAM_AGING_COLUMNS, sums)


def _write_team_rolls(team_type: dict, since: dt.date) -> int:
    """Remake the ``TeamMonthlyRoll`` rows of a team and type (all when
    ``team_type`` is empty) from ``since``, from the ``MonthlyRoll`` rows."""
    TeamMonthlyRoll.objects.filter(month__gte=since, **team_type).delete()
    sums = (
        MonthlyRoll.objects.filter(month__gte=since, **team_type)
        .values_list("month", "team_id", "debtor_type", "currency", "bucket")
        .annotate(Sum("opening"), Sum("rolled"), Sum("paid"))
        .order_by()
    )
    return insert_rows(TeamMonthlyRoll, TEAM_ROLL_COLUMNS, sums)


def _roll_since(since: dt.date) -> dt.date:
    """A roll is remade when either of its month ends is on or after ``since``."""
    return since - dt.timedelta(days=31)


def _state() -> RollupState:
    state = RollupState.objects.select_for_update().order_by("pk").first()
    return state or RollupState.objects.create()


def rebuild(*, since: dt.date | None = None, now: dt.datetime | None = None) -> dict:
    """Remake every rollup row from ``since`` (default: the window's start) to
    today. Returns what was done, for the command and the benchmark."""
    started = time.perf_counter()
    first, last = window_for(company_today(now))
    since = max(since or first, first)
    with transaction.atomic():
        _lock(exclusive=True)
        for model in (DailyAging, DailyFlow, ContactHour):
            model.objects.filter(day__gte=since).delete()
            model.objects.filter(day__lt=first).delete()
        MonthlyRoll.objects.filter(month__gte=_roll_since(since)).delete()
        MonthlyRoll.objects.filter(month__lt=first).delete()
        MonthlyFlow.objects.filter(month__lt=first).delete()
        TeamMonthlyFlow.objects.filter(month__lt=first).delete()
        TeamMonthlyRoll.objects.filter(month__lt=first).delete()
        TeamDailyAging.objects.filter(day__lt=first).delete()
        rows = _write(Q(), first, last, since)
        rows += _write_sums({}, since)
        seconds = time.perf_counter() - started
        state = _state()
        state.window_start = first
        state.rebuilt_at = state.updated_at = now or timezone.now()
        state.rebuild_seconds = seconds
        state.save()
    return {"first": first, "last": last, "since": since, "rows": rows, "seconds": seconds}


def refresh_debtors(
    debtor_ids: Iterable[int],
    *,
    since: dt.date | None = None,
    now: dt.datetime | None = None,
    all_types: bool = False,
) -> int:
    """Remake the cells the debtors belong to now, from ``since`` (default:
    the window's start) to today. With ``all_types`` also their collector's
    cells of every other type (a debtor's type just changed: its old cell
    still counts it)."""
    cells = set(_cells_of(Q(pk__in=list(debtor_ids))).values())
    if all_types:
        types = [t for t, _label in DebtorType.choices]
        cells |= {(team, collector, t) for team, collector, _t in cells for t in types}
    return refresh_cells(cells, since=since, now=now)


def refresh_cells(
    cells: Iterable[Cell], *, since: dt.date | None = None, now: dt.datetime | None = None
) -> int:
    """Remake whole cells (team, collector, type) from ``since`` to today. Cheap
    for a few cells: a cell is one collector's debtors of one type."""
    first, last = window_for(company_today(now))
    since = max(since or first, first)
    rows = 0
    for cell in sorted(set(cells)):
        with transaction.atomic():
            _lock(exclusive=False, cell=cell)
            team, collector, debtor_type = cell
            mine = {"team_id": team, "collector_id": collector, "debtor_type": debtor_type}
            for model in (DailyAging, DailyFlow, ContactHour):
                model.objects.filter(day__gte=since, **mine).delete()
            MonthlyRoll.objects.filter(month__gte=_roll_since(since), **mine).delete()
            rows += _write(cell_q(cell), first, last, since)
            rows += _write_sums(mine, since)
            RollupState.objects.filter(pk=_state().pk).update(updated_at=now or timezone.now())
    return rows


__all__ = [
    "COUNT_FIELDS",
    "MONEY_FIELDS",
    "rebuild",
    "refresh_cells",
    "refresh_debtors",
    "window_for",
]

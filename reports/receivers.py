"""What keeps the rollups current between nightly rebuilds: every event that
changes a figure queues a refresh of its debtor's cell once its transaction
has committed. Connected in ``ReportsConfig.ready``; lower apps never import
reports (they send signals or save models, and this listens).

Events: payments recorded (``debtors.signals.payments_recorded``), a type
changed or a dispute opened or settled (``debtors_changed``), an interaction,
a promise or a dispute saved, a debtor moved to another collector, team or
type, and an import applied or undone (a full rebuild: it can touch every
cell).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from collections_crm.lib.zones import company_zone
from debtors.imports.models import ImportBatch
from debtors.models import Channel, Debtor, Dispute
from debtors.signals import debtors_changed, payments_recorded
from followups.models import Interaction, PromiseToPay

CELL_FIELDS = ("team_id", "assigned_collector_id", "debtor_type")


def _day(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(company_zone()).date().isoformat() if moment else None


def refresh_on_commit(debtor_ids, since: str | None = None, all_types: bool = False) -> None:
    ids = sorted({pk for pk in debtor_ids if pk is not None})
    if not ids:
        return

    def enqueue():
        from .tasks import refresh_debtors_task

        refresh_debtors_task.delay(ids, since, all_types)

    transaction.on_commit(enqueue, robust=True)


@receiver(payments_recorded, dispatch_uid="reports.refresh_on_payments")
def refresh_on_payments(sender, debtor_ids, since=None, **kwargs):
    # From the earliest day received on (the whole window when not known).
    refresh_on_commit(debtor_ids, since.isoformat() if since else None)


@receiver(debtors_changed, dispatch_uid="reports.refresh_on_debtors_changed")
def refresh_on_debtors_changed(sender, debtor_ids, what, **kwargs):
    refresh_on_commit(debtor_ids, all_types=what == "type")


def counts_in_reports(interaction: Interaction) -> bool:
    """Whether the interaction moves a report figure: a call, a conversation
    or a complaint. A sent reminder does not (and is sent by the thousand)."""
    return (
        interaction.channel == Channel.CALL
        or interaction.right_party_contact
        or interaction.is_complaint
    )


@receiver(post_save, sender=Interaction, dispatch_uid="reports.refresh_on_interaction")
def refresh_on_interaction(sender, instance, **kwargs):
    if counts_in_reports(instance):
        refresh_on_commit([instance.debtor_id], _day(instance.started_at))


@receiver(post_save, sender=PromiseToPay, dispatch_uid="reports.refresh_on_promise")
def refresh_on_promise(sender, instance, **kwargs):
    refresh_on_commit([instance.debtor_id], _day(instance.created_at))


@receiver(post_save, sender=Dispute, dispatch_uid="reports.refresh_on_dispute")
def refresh_on_dispute(sender, instance, **kwargs):
    refresh_on_commit([instance.debtor_id], _day(instance.opened_at))


@receiver(pre_save, sender=Debtor, dispatch_uid="reports.refresh_on_debtor_move")
def refresh_on_debtor_move(sender, instance, update_fields=None, **kwargs):
    """A debtor moved cell: remake the cell it left and the one it joined."""
    if instance.pk is None:
        return
    names = {"team", "assigned_collector", "debtor_type", *CELL_FIELDS}
    if update_fields is not None and not names & set(update_fields):
        return
    before = Debtor.objects.filter(pk=instance.pk).values_list(*CELL_FIELDS).first()
    after = tuple(getattr(instance, f) for f in CELL_FIELDS)
    if before is None or before == after:
        return
    cells = [[t or 0, c or 0, ty] for t, c, ty in (before, after)]

    def enqueue():
        from .tasks import refresh_cells_task

        refresh_cells_task.delay(cells)

    transaction.on_commit(enqueue, robust=True)


@receiver(post_save, sender=ImportBatch, dispatch_uid="reports.rebuild_on_import")
def rebuild_on_import(sender, instance, update_fields=None, **kwargs):
    if instance.status not in (ImportBatch.Status.COMMITTED, ImportBatch.Status.UNDONE):
        return
    if update_fields is not None and "status" not in update_fields:
        return

    def enqueue():
        from .tasks import rebuild_reports_task

        rebuild_reports_task.delay()

    transaction.on_commit(enqueue, robust=True)

"""Promises to pay and their instalments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from debtors.models import Channel, Contact, Debtor, money_field

from .interactions import Interaction


class PromiseToPay(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        KEPT = "kept", _("Kept")
        PARTLY_KEPT = "partly_kept", _("Partly kept")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="promises")
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="promises"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_amount = money_field(_("promised amount"))
    kept_amount = money_field(_("paid against it"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reminder_channel = models.CharField(
        _("remind by"), max_length=8, choices=Channel.choices, default=Channel.SMS
    )
    created_at = models.DateTimeField(auto_now_add=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(kept_amount__gte=0), name="promise_kept_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["debtor"], name="promise_pending_by_debtor", condition=Q(status="pending")
            ),
            # The queue's "promised today" counter.
            models.Index(fields=["made_by", "created_at"], name="promise_by_maker_time"),
        ]

    def __str__(self) -> str:
        return f"{self.total_amount} {self.currency} ({self.status})"


class Instalment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        KEPT = "kept", _("Kept")
        PARTLY_KEPT = "partly_kept", _("Partly kept")
        BROKEN = "broken", _("Broken")

    promise = models.ForeignKey(PromiseToPay, on_delete=models.CASCADE, related_name="instalments")
    sequence = models.PositiveSmallIntegerField()
    due_date = models.DateField(_("due"))
    amount = money_field(_("amount"))
    paid_amount = money_field(_("paid"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )

    class Meta:
        ordering = ["promise", "sequence"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(
                fields=["promise", "sequence"], name="instalment_sequence_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0), name="instalment_paid_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"], name="instalment_pending_due", condition=Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.due_date} {self.amount}"

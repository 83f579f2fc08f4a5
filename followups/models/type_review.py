"""Suggested debtor types: what a debtor's recent signals point to, for a
manager to confirm or dismiss (followups.type_review finds and decides them)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from debtors.models import Debtor, DebtorType


class TypeSuggestion(models.Model):
    class Reason(models.TextChoices):
        FIRST_LATE_AFTER_GOOD_HISTORY = (
            "first_late_after_good_history",
            _("First late payment after a good history"),
        )
        ASKS_TIME_PAYS_IN_PARTS = "asks_time_pays_in_parts", _("Asks for time, pays in parts")
        OPEN_DISPUTE = "open_dispute", _("Open dispute")
        BROKEN_PROMISES = "broken_promises", _("Broken promises")
        DODGED_CALLS = "dodged_calls", _("Dodged calls")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="type_suggestions")
    # The debtor's type when the suggestion was made (or last refreshed).
    current_type = models.CharField(_("current type"), max_length=16, choices=DebtorType.choices)
    suggested_type = models.CharField(
        _("suggested type"), max_length=16, choices=DebtorType.choices
    )
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    # The facts the reason is told from (counts, ISO dates); see type_review.reason_text.
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # Not auto_now_add: the nightly run passes its own moment.
    created_at = models.DateTimeField(_("suggested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("type suggestion")
        verbose_name_plural = _("type suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["debtor"],
                condition=Q(status="pending"),
                name="type_suggestion_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(suggested_type=F("current_type")) & ~Q(suggested_type="unknown"),
                name="type_suggestion_changes_type",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="type_suggestion_decided_when_not_pending",
            ),
        ]
        indexes = [
            # "Dismissed in the last 90 days?": the nightly run reads them all at once.
            models.Index(
                fields=["decided_at"],
                name="type_suggestion_dismissed",
                condition=Q(status="dismissed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debtor_id}: {self.current_type} → {self.suggested_type} ({self.reason})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

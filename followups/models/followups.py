"""Scheduled follow-ups and who is working a debtor right now."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from debtors.models import Channel, Debtor, Invoice

from .interactions import Interaction
from .promises import Instalment, PromiseToPay

# What each reason weighs in the call queue: the order a collector would pick.
REASON_RANK = {
    "broken_promise": 900,
    "callback": 700,
    "promise_reminder": 600,
    "dispute_review": 400,
    "visit": 350,
    "escalation": 300,
    "manual": 250,
    "dunning_step": 200,
}


class FollowUp(models.Model):
    class Reason(models.TextChoices):
        DUNNING_STEP = "dunning_step", _("Next step of the cadence")
        PROMISE_REMINDER = "promise_reminder", _("Reminder before a promised payment")
        PROMISE_CONFIRMATION = "promise_confirmation", _("Confirmation of a promise")
        PROMISE_THANKS = "promise_thanks", _("Thanks after a kept promise")
        BROKEN_PROMISE = "broken_promise", _("Promise broken")
        CALLBACK = "callback", _("Callback requested")
        DISPUTE_REVIEW = "dispute_review", _("Dispute to review")
        VISIT = "visit", _("Field visit")
        ESCALATION = "escalation", _("Escalation")
        MANUAL = "manual", _("Planned by hand")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CLAIMED = "claimed", _("Sending")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    OPEN_STATUSES = (Status.SCHEDULED, Status.CLAIMED, Status.IN_PROGRESS)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="followups")
    action = models.CharField(_("action"), max_length=8, choices=Channel.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
    )
    promise = models.ForeignKey(
        PromiseToPay, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    instalment = models.ForeignKey(
        Instalment, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    # The call queue reads open calls in this order (followup_queue index):
    # the reason's weight, then the debtor's priority when it was planned
    # (refreshed nightly), then the due time.
    rank = models.GeneratedField(
        expression=Case(
            *[When(reason=reason, then=Value(points)) for reason, points in REASON_RANK.items()],
            default=Value(0),
        ),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    priority = models.IntegerField(default=0)
    # Why this moment, as [code, params] pairs (followups.timing.REASON_CODES),
    # never as text: followups.timing.explain words it in the reader's language.
    slot_explain = models.JSONField(_("why this moment"), default=list, blank=True)
    cadence_step = models.ForeignKey(
        "CadenceStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sending (SMS and email): a dispatcher claims the row under a lease; the
    # send marks it done in the same transaction as its Interaction.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    interaction = models.OneToOneField(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="followup"
    )
    # A manager may lift the contact caps for this one attempt, with a reason.
    policy_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy_override_reason = models.TextField(_("why the limits were lifted"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            # A retried task or a double click never makes the same follow-up
            # twice; a cancelled or finished one does not block its slot.
            models.UniqueConstraint(
                fields=["debtor", "reason", "due_at"],
                condition=Q(status__in=["scheduled", "claimed", "in_progress"]),
                name="followup_once_per_slot",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="followup_due_scheduled", condition=Q(status="scheduled")
            ),
            models.Index(fields=["assigned_to", "status", "due_at"], name="followup_assignee"),
            models.Index(
                fields=["debtor"],
                name="followup_open_by_debtor",
                condition=Q(status__in=["scheduled", "claimed", "in_progress"]),
            ),
            models.Index(
                fields=["lease_until"], name="followup_claimed_lease", condition=Q(status="claimed")
            ),
            models.Index(
                "assigned_to",
                F("rank").desc(),
                F("priority").desc(),
                "due_at",
                name="followup_queue",
                condition=Q(status__in=["scheduled", "in_progress"], action__in=["call", "visit"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.due_at:%Y-%m-%d %H:%M}"


class DebtorClaim(models.Model):
    """Who is working a debtor right now (one browser session or API client),
    until when. Taken by the queue's Next; it lapses if abandoned."""

    debtor = models.OneToOneField(Debtor, on_delete=models.CASCADE, related_name="claim")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    holder = models.CharField(max_length=64)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [models.Index(fields=["user", "holder"], name="claim_holder")]

    def __str__(self) -> str:
        return f"{self.debtor_id} by {self.user_id} until {self.expires_at:%H:%M}"

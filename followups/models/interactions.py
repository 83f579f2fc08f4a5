"""What happened on each contact attempt."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from debtors.models import Channel, Contact, Debtor
from scripts_library.models import TalkTrack


class Interaction(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound")
        INBOUND = "inbound", _("Inbound")

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Busy")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        MESSAGE_LEFT = "message_left", _("Message left")
        RIGHT_PARTY = "right_party", _("Spoke to the right person")
        PROMISE = "promise", _("Promise to pay")
        REFUSED = "refused", _("Refused to pay")
        DISPUTE = "dispute", _("Dispute raised")
        PAID = "paid", _("Says paid")
        CALLBACK = "callback", _("Callback requested")
        SENT = "sent", _("Sent")

    # The call was answered by somebody (China's rule counts connected calls).
    CONNECTED_OUTCOMES = frozenset(
        {
            Outcome.WRONG_NUMBER,
            Outcome.RIGHT_PARTY,
            Outcome.PROMISE,
            Outcome.REFUSED,
            Outcome.DISPUTE,
            Outcome.PAID,
            Outcome.CALLBACK,
        }
    )
    CONVERSATION_OUTCOMES = frozenset(
        {
            Outcome.RIGHT_PARTY,
            Outcome.PROMISE,
            Outcome.REFUSED,
            Outcome.DISPUTE,
            Outcome.PAID,
            Outcome.CALLBACK,
        }
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="interactions")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.OUTBOUND
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    right_party_contact = models.BooleanField(_("reached the right person"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    talk_tracks = models.ManyToManyField(TalkTrack, blank=True, related_name="interactions")
    compliance_flags = models.JSONField(default=list, blank=True)
    # The debtor complained about us (the collector, the company, being called):
    # counted in the manager's complaint rate.
    is_complaint = models.BooleanField(_("the debtor complained"), default=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    # The provider's id for a sent SMS or the Message-ID of an email.
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="interaction_idempotency_key_once",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="interaction_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["debtor", "-started_at"], name="interaction_debtor_time"),
            models.Index(fields=["user", "-started_at"], name="interaction_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_outcome_display()}"

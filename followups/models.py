import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from debtors.models import Channel, Contact, Debtor, DebtorType, Invoice, money_field
from scripts_library.models import TalkTrack


class ContactPolicy(models.Model):
    """Contact limits. One row per (pack, debtor type); a blank type is the pack default."""

    class Pack(models.TextChoices):
        B2B = "b2b", _("B2B default")
        US_CONSUMER = "us_consumer", _("US consumer (Regulation F)")
        CN_CONSUMER = "cn_consumer", _("China consumer")

    pack = models.CharField(_("policy pack"), max_length=16, choices=Pack.choices)
    debtor_type = models.CharField(
        _("debtor type"), max_length=16, choices=DebtorType.choices, blank=True
    )
    max_attempts_7d = models.PositiveSmallIntegerField(_("attempts per 7 days, all channels"))
    max_calls_7d = models.PositiveSmallIntegerField(_("calls per 7 days"))
    max_messages_7d = models.PositiveSmallIntegerField(_("SMS and emails per 7 days"))
    max_connected_calls_per_day = models.PositiveSmallIntegerField(
        _("connected calls per day"), null=True, blank=True
    )
    min_gap_after_conversation_hours = models.PositiveSmallIntegerField(
        _("hours to wait after a conversation")
    )
    allowed_from_local = models.TimeField(_("contact allowed from (local)"))
    allowed_until_local = models.TimeField(_("contact allowed until (local)"))
    quiet_weekdays = models.JSONField(_("no contact on weekdays"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["pack", "debtor_type"]
        verbose_name = _("contact policy")
        verbose_name_plural = _("contact policies")
        constraints = [
            models.UniqueConstraint(fields=["pack", "debtor_type"], name="policy_once_per_type"),
            models.CheckConstraint(
                condition=Q(allowed_from_local__lt=F("allowed_until_local")),
                name="policy_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_pack_display()} / {self.debtor_type or '*'}"


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


class EngineSettings(models.Model):
    """Company-wide choices for the follow-up engine. One row (pk=1)."""

    policy_pack = models.CharField(
        _("contact policy pack"),
        max_length=16,
        choices=ContactPolicy.Pack.choices,
        default=ContactPolicy.Pack.B2B,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up engine settings")
        verbose_name_plural = _("follow-up engine settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="engine_settings_single")]

    def __str__(self) -> str:
        return self.get_policy_pack_display()


class DebtorPolicyOverride(models.Model):
    """Per-debtor contact limits that replace the pack's. A blank field keeps
    the pack's value."""

    debtor = models.OneToOneField(Debtor, on_delete=models.CASCADE, related_name="policy_override")
    max_attempts_7d = models.PositiveSmallIntegerField(
        _("attempts per 7 days, all channels"), null=True, blank=True
    )
    max_calls_7d = models.PositiveSmallIntegerField(_("calls per 7 days"), null=True, blank=True)
    max_messages_7d = models.PositiveSmallIntegerField(
        _("SMS and emails per 7 days"), null=True, blank=True
    )
    min_gap_after_conversation_hours = models.PositiveSmallIntegerField(
        _("hours to wait after a conversation"), null=True, blank=True
    )
    allowed_from_local = models.TimeField(_("contact allowed from (local)"), null=True, blank=True)
    allowed_until_local = models.TimeField(
        _("contact allowed until (local)"), null=True, blank=True
    )
    quiet_weekdays = models.JSONField(
        _("no contact on weekdays"), null=True, blank=True, help_text=_("Empty keeps the pack's.")
    )
    blocked_channels = models.JSONField(_("channels not to use"), default=list, blank=True)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact limits for one debtor")
        verbose_name_plural = _("contact limits for one debtor")

    def __str__(self) -> str:
        return str(self.debtor)


class Cadence(models.Model):
    """The sequence of collection steps for one debtor type. Managers edit it."""

    debtor_type = models.CharField(
        _("debtor type"), max_length=16, choices=DebtorType.choices, unique=True
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["debtor_type"]
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")

    def __str__(self) -> str:
        return self.get_debtor_type_display()


class CadenceStep(models.Model):
    class Owner(models.TextChoices):
        COLLECTOR = "collector", _("The debtor's collector")
        MANAGER = "manager", _("The team's manager")
        DISPUTE_OWNER = "dispute_owner", _("The dispute's owner")

    cadence = models.ForeignKey(Cadence, on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=120)
    action = models.CharField(_("action"), max_length=8, choices=Channel.choices)
    day_offset = models.SmallIntegerField(
        _("days past due"), help_text=_("Not before this many days past the oldest due date.")
    )
    min_gap_days = models.PositiveSmallIntegerField(_("days after the previous step"), default=0)
    window_days = models.PositiveSmallIntegerField(
        _("days to find a good moment"),
        default=3,
        help_text=_("The engine picks the best slot within this many days."),
    )
    negotiation = models.BooleanField(
        _("negotiation call"), default=False, help_text=_("Prefer afternoons.")
    )
    owner = models.CharField(
        _("done by"), max_length=16, choices=Owner.choices, default=Owner.COLLECTOR
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"),
        null=True,
        blank=True,
        help_text=_("Last step only: keep repeating it until the debt is settled."),
    )
    escalate_to = models.CharField(
        _("sets the debtor's status to"),
        max_length=16,
        choices=Debtor.Status.choices,
        blank=True,
    )

    class Meta:
        ordering = ["cadence", "sequence"]
        verbose_name = _("cadence step")
        verbose_name_plural = _("cadence steps")
        constraints = [
            models.UniqueConstraint(fields=["cadence", "sequence"], name="cadence_step_once"),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="cadence_window_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.name}"


class CadenceState(models.Model):
    """Where a debtor stands in their cadence. Kept by followups.planning only."""

    debtor = models.OneToOneField(Debtor, on_delete=models.CASCADE, related_name="cadence_state")
    debtor_type = models.CharField(max_length=16, choices=DebtorType.choices)
    next_sequence = models.PositiveSmallIntegerField(default=1)
    last_step_done_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cadence position")
        verbose_name_plural = _("cadence positions")

    def __str__(self) -> str:
        return f"{self.debtor_id}: {self.debtor_type} #{self.next_sequence}"


class ContactRate(models.Model):
    """Measured share of calls that reached the right person, per team and
    local weekday x hour (the timing engine blends it with its prior).
    Rebuilt nightly, set-based."""

    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    trials = models.PositiveIntegerField()
    successes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "weekday", "hour"],
                condition=Q(team__isnull=False),
                name="contact_rate_cell_once",
            ),
            models.UniqueConstraint(
                fields=["weekday", "hour"],
                condition=Q(team__isnull=True),
                name="contact_rate_cell_once_no_team",
            ),
            models.CheckConstraint(
                condition=Q(successes__lte=F("trials")), name="contact_rate_successes_le_trials"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.team_id or '*'} {self.weekday}/{self.hour:02d}: {self.successes}/{self.trials}"
        )


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

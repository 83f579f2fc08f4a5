"""Cadences (the steps per debtor type), each debtor's position, measured contact rates."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from debtors.models import Channel, Debtor, DebtorType


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

"""Contact limits: the policy packs, the company's chosen pack, per-debtor overrides."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from debtors.models import Debtor, DebtorType


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

"""Official working days and days off that the ``holidays`` package does not
know (yet): a year the State Council announced after the installed version, a
local bridge day. Finance or an administrator keeps them in the admin; a row
wins over the package for its country and day."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        WORKING = "working", _("Working day (official make-up day)")
        DAY_OFF = "day_off", _("Day off (public holiday or bridged day)")

    country = models.CharField(
        _("country"), max_length=2, default="CN", help_text=_("ISO code, e.g. CN.")
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Where it was announced, or why.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "day"]
        verbose_name = _("official calendar day")
        verbose_name_plural = _("official calendar days")
        constraints = [
            models.UniqueConstraint(fields=["country", "day"], name="calendar_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.day:%Y-%m-%d} {self.get_kind_display()}"

"""Rollups the manager's figures are read from, and the exchange rates finance
enters.

A rollup row is keyed by a company-local day and a *cell*: the debtor's team,
collector (for activity: the person who acted) and type, and a currency
(blank on rows that hold only counts). The rows hold nothing a base table
does not: ``reports.rollups`` rebuilds them from the base tables and keeps them
current cell by cell, and ``reports.kpis`` says how a figure is read from them.
Ids of teams and people are plain integers (0: none) so that a rollup never
blocks deleting what it counts, and a missing team is a value, not a NULL.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from debtors.models import money_field


class Cell(models.Model):
    day = models.DateField()
    team_id = models.IntegerField(default=0)
    collector_id = models.IntegerField(default=0)
    debtor_type = models.CharField(max_length=16)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} collector {self.collector_id} {self.debtor_type}"


class Flows(models.Model):
    """What happened in a cell over a span of days. Money columns are on the
    rows with a currency; counts on the row with ``currency = ''``."""

    currency = models.CharField(max_length=3, blank=True)
    # money, in ``currency``
    credit_sales = money_field(_("credit sales"))
    collected = money_field(_("collected"))
    recovered = money_field(_("recovered"))
    promised_amount = money_field(_("promised"))
    kept_amount = money_field(_("kept"))
    due_amount = money_field(_("falling due"))
    paid_by_due = money_field(_("paid by the due date"))
    # counts
    calls = models.IntegerField(default=0)
    connected = models.IntegerField(default=0)
    right_party = models.IntegerField(default=0)
    # right-party contacts on any channel (calls, visits, inbound)
    conversations = models.IntegerField(default=0)
    promises = models.IntegerField(default=0)
    promises_evaluated = models.IntegerField(default=0)
    promises_kept = models.IntegerField(default=0)
    promises_partly_kept = models.IntegerField(default=0)
    promises_broken = models.IntegerField(default=0)
    complaints = models.IntegerField(default=0)
    disputes_opened = models.IntegerField(default=0)
    disputes_resolved = models.IntegerField(default=0)
    dispute_days = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyFlow(Cell, Flows):
    """What happened on one day in one cell."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team_id", "collector_id", "debtor_type", "currency"],
                name="daily_flow_once",
            )
        ]
        indexes = [models.Index(fields=["team_id", "day"], name="daily_flow_team_day")]


class MonthlyFlow(Flows):
    """The sums of one calendar month's :class:`DailyFlow` rows of a cell
    (``month`` is its first day; the current month holds the days to today).
    A period's whole months are read from here, the days at its ends from
    ``DailyFlow`` (``reports.flow_read``): a year is 12 rows per cell, not 365."""

    month = models.DateField()
    team_id = models.IntegerField(default=0)
    collector_id = models.IntegerField(default=0)
    debtor_type = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "team_id", "collector_id", "debtor_type", "currency"],
                name="monthly_flow_once",
            )
        ]
        indexes = [models.Index(fields=["team_id", "month"], name="monthly_flow_team_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} team {self.team_id} collector {self.collector_id}"


class TeamMonthlyFlow(Flows):
    """The :class:`MonthlyFlow` rows of a team and debtor type summed over
    their collectors: what the company's and a team's figures read when no
    collector is asked for (a few rows per month instead of one per collector)."""

    month = models.DateField()
    team_id = models.IntegerField(default=0)
    debtor_type = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "team_id", "debtor_type", "currency"],
                name="team_monthly_flow_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} team {self.team_id} {self.debtor_type}"


class Buckets(models.Model):
    """The open receivable in one currency per aging bucket (the bucket keys
    of ``debtors.aging``)."""

    currency = models.CharField(max_length=3)
    current = money_field(_("not yet due"))
    d1_30 = money_field("1–30")
    d31_60 = money_field("31–60")
    d61_90 = money_field("61–90")
    d91_180 = money_field("91–180")
    d181 = money_field("181+")

    class Meta:
        abstract = True


class Rolls(models.Model):
    """Of what one bucket held at a month end, in one currency: rolled on and
    paid a month on."""

    currency = models.CharField(max_length=3)
    bucket = models.CharField(max_length=8)
    opening = money_field(_("opening"))
    rolled = money_field(_("rolled on"))
    paid = money_field(_("paid"))

    class Meta:
        abstract = True


class DailyAging(Cell, Buckets):
    """The open receivable of one cell and currency at the end of one day,
    per aging bucket (the bucket keys of ``debtors.aging``)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team_id", "collector_id", "debtor_type", "currency"],
                name="daily_aging_once",
            )
        ]
        indexes = [models.Index(fields=["team_id", "day"], name="daily_aging_team_day")]


class TeamDailyAging(Buckets):
    """The :class:`DailyAging` rows of a team and debtor type summed over
    their collectors, read when no collector is asked for."""

    day = models.DateField()
    team_id = models.IntegerField(default=0)
    debtor_type = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team_id", "debtor_type", "currency"],
                name="team_daily_aging_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.debtor_type} {self.currency}"


class ContactHour(Cell):
    """Call attempts and right-party contacts by the hour and weekday of the
    debtor's local clock (weekday 0 = Monday), for the timing heatmap."""

    weekday = models.SmallIntegerField()
    hour = models.SmallIntegerField()
    calls = models.IntegerField(default=0)
    right_party = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team_id", "collector_id", "debtor_type", "weekday", "hour"],
                name="contact_hour_once",
            )
        ]


class MonthlyRoll(Rolls):
    """Where one aging bucket's money went in a month: of what the cell's
    invoices held in ``bucket`` at the end of ``month`` (the month's last day),
    how much sat in a later bucket at the end of the next month (``rolled``)
    and how much had been paid or closed by then (``paid``)."""

    month = models.DateField()
    team_id = models.IntegerField(default=0)
    collector_id = models.IntegerField(default=0)
    debtor_type = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "team_id", "collector_id", "debtor_type", "currency", "bucket"],
                name="monthly_roll_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.bucket} {self.currency}"


class TeamMonthlyRoll(Rolls):
    """The :class:`MonthlyRoll` rows of a team and debtor type summed over
    their collectors, read when no collector is asked for."""

    month = models.DateField()
    team_id = models.IntegerField(default=0)
    debtor_type = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "team_id", "debtor_type", "currency", "bucket"],
                name="team_monthly_roll_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} team {self.team_id} {self.bucket} {self.currency}"


class RollupState(models.Model):
    """When the rollups were last made whole and last touched; one row."""

    window_start = models.DateField(null=True)
    rebuilt_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(null=True)
    rebuild_seconds = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"rollups from {self.window_start}, rebuilt {self.rebuilt_at}"


class ExchangeRate(models.Model):
    """How many units of the base currency (``settings.BASE_CURRENCY``) one
    unit of ``currency`` is worth from ``valid_from`` on. Finance enters them;
    a converted total is always marked as converted."""

    currency = models.CharField(_("currency"), max_length=3)
    valid_from = models.DateField(_("valid from"))
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="rate_once_per_day"),
            models.CheckConstraint(condition=Q(rate__gt=Decimal(0)), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} ({self.valid_from})"


class MonthlyReviewSent(models.Model):
    """The monthly review went to this manager for this month: sent once."""

    month = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "recipient"], name="monthly_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} → {self.recipient_id}"

"""Admin for the reports: exchange rates (finance edits them in the app; the
admin is the operator's view) and the rollups, read-only (they are rebuilt
from the base tables, never edited)."""

from django.contrib import admin

from .models import (
    ContactHour,
    DailyAging,
    DailyFlow,
    ExchangeRate,
    MonthlyFlow,
    MonthlyReviewSent,
    MonthlyRoll,
    RollupState,
    TeamDailyAging,
    TeamMonthlyFlow,
    TeamMonthlyRoll,
)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "valid_from", "rate", "entered_by", "created_at"]
    list_filter = ["currency"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyFlow, DailyAging, ContactHour)
class CellAdmin(ReadOnlyAdmin):
    list_display = ["day", "team_id", "collector_id", "debtor_type"]
    list_filter = ["debtor_type"]
    date_hierarchy = "day"


@admin.register(MonthlyRoll)
class MonthlyRollAdmin(ReadOnlyAdmin):
    list_display = ["month", "team_id", "collector_id", "debtor_type", "currency", "bucket"]


@admin.register(MonthlyFlow)
class MonthlyFlowAdmin(ReadOnlyAdmin):
    list_display = ["month", "team_id", "collector_id", "debtor_type", "currency"]
    list_filter = ["debtor_type"]


@admin.register(TeamMonthlyFlow, TeamMonthlyRoll)
class TeamMonthAdmin(ReadOnlyAdmin):
    list_display = ["month", "team_id", "debtor_type", "currency"]
    list_filter = ["debtor_type"]


@admin.register(TeamDailyAging)
class TeamDailyAgingAdmin(ReadOnlyAdmin):
    list_display = ["day", "team_id", "debtor_type", "currency"]
    list_filter = ["debtor_type"]
    date_hierarchy = "day"


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    list_display = ["window_start", "rebuilt_at", "updated_at", "rebuild_seconds"]


@admin.register(MonthlyReviewSent)
class MonthlyReviewSentAdmin(ReadOnlyAdmin):
    list_display = ["month", "recipient", "sent_at"]

from django.contrib import admin
from django.db import transaction

from .forms import ContactPolicyAdminForm, DebtorPolicyOverrideAdminForm
from .models import (
    Cadence,
    CadenceState,
    CadenceStep,
    CalendarDay,
    ContactPolicy,
    ContactRate,
    DebtorClaim,
    DebtorPolicyOverride,
    EngineSettings,
    FollowUp,
    Instalment,
    Interaction,
    PromiseToPay,
    TypeSuggestion,
)
from .policy import policy_cache_clear


@admin.register(ContactPolicy)
class ContactPolicyAdmin(admin.ModelAdmin):
    form = ContactPolicyAdminForm
    list_display = [
        "pack",
        "debtor_type",
        "max_attempts_7d",
        "max_calls_7d",
        "min_gap_after_conversation_hours",
        "allowed_from_local",
        "allowed_until_local",
        "is_active",
    ]
    list_filter = ["pack", "is_active"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["started_at", "debtor", "user", "channel", "outcome", "right_party_contact"]
    list_filter = ["channel", "outcome", "direction"]
    search_fields = ["debtor__code", "notes"]
    raw_id_fields = ["debtor", "contact", "user"]
    filter_horizontal = ["talk_tracks"]
    date_hierarchy = "started_at"


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0


@admin.register(PromiseToPay)
class PromiseToPayAdmin(admin.ModelAdmin):
    list_display = ["debtor", "total_amount", "kept_amount", "currency", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["debtor__code"]
    raw_id_fields = ["debtor", "interaction", "contact", "made_by"]
    inlines = [InstalmentInline]


@admin.register(Instalment)
class InstalmentAdmin(admin.ModelAdmin):
    list_display = ["promise", "sequence", "due_date", "amount", "paid_amount", "status"]
    list_filter = ["status"]
    raw_id_fields = ["promise"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["due_at", "debtor", "action", "reason", "status", "assigned_to", "attempts"]
    list_filter = ["action", "reason", "status"]
    search_fields = ["debtor__code"]
    raw_id_fields = [
        "debtor",
        "assigned_to",
        "promise",
        "instalment",
        "invoice",
        "interaction",
        "cadence_step",
        "policy_override_by",
    ]
    date_hierarchy = "due_at"


class CadenceStepInline(admin.TabularInline):
    model = CadenceStep
    extra = 0


@admin.register(Cadence)
class CadenceAdmin(admin.ModelAdmin):
    list_display = ["debtor_type", "is_active", "updated_at"]
    inlines = [CadenceStepInline]


@admin.register(CadenceStep)
class CadenceStepAdmin(admin.ModelAdmin):
    list_display = ["cadence", "sequence", "name", "action", "day_offset", "owner"]
    list_filter = ["cadence", "action"]


@admin.register(CadenceState)
class CadenceStateAdmin(admin.ModelAdmin):
    list_display = ["debtor", "debtor_type", "next_sequence", "last_step_done_at", "paused_until"]
    raw_id_fields = ["debtor"]


@admin.register(DebtorPolicyOverride)
class DebtorPolicyOverrideAdmin(admin.ModelAdmin):
    form = DebtorPolicyOverrideAdminForm
    list_display = ["debtor", "max_calls_7d", "max_messages_7d", "set_by", "updated_at"]
    raw_id_fields = ["debtor", "set_by"]


@admin.register(EngineSettings)
class EngineSettingsAdmin(admin.ModelAdmin):
    list_display = ["policy_pack", "updated_by", "updated_at"]


@admin.register(ContactRate)
class ContactRateAdmin(admin.ModelAdmin):
    list_display = ["team", "weekday", "hour", "trials", "successes"]
    list_filter = ["team", "weekday"]


@admin.register(DebtorClaim)
class DebtorClaimAdmin(admin.ModelAdmin):
    list_display = ["debtor", "user", "claimed_at", "expires_at"]
    raw_id_fields = ["debtor", "user"]


@admin.register(TypeSuggestion)
class TypeSuggestionAdmin(admin.ModelAdmin):
    """Read only: suggestions are decided on the type review page (audited)."""

    list_display = ["debtor", "current_type", "suggested_type", "reason", "status", "created_at"]
    list_filter = ["status", "suggested_type", "reason"]
    raw_id_fields = ["debtor", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Official working days and days off the ``holidays`` package does not
    know yet (a year announced after the installed version): kept by finance
    and administrators; the engine reads them within a minute."""

    list_display = ["day", "country", "kind", "note", "updated_by", "updated_at"]
    list_filter = ["country", "kind"]
    search_fields = ["note"]
    date_hierarchy = "day"
    exclude = ["updated_by"]

    @staticmethod
    def _keeper(request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and (user.is_admin_role or user.is_finance))

    def has_module_permission(self, request):
        return self._keeper(request)

    def has_view_permission(self, request, obj=None):
        return self._keeper(request)

    def has_add_permission(self, request):
        return self._keeper(request)

    def has_change_permission(self, request, obj=None):
        return self._keeper(request)

    def has_delete_permission(self, request, obj=None):
        return self._keeper(request)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        transaction.on_commit(policy_cache_clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(policy_cache_clear)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(policy_cache_clear)

from django.contrib import admin

from .models import (
    Contact,
    Debtor,
    Dispute,
    ImportBatch,
    ImportInvoiceChange,
    ImportMapping,
    Invoice,
    Payment,
    PaymentAllocation,
)
from .services import SUMMARY_COLUMNS


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "debtor_type",
        "status",
        "assigned_collector",
        "team",
        "open_balance",
        "overdue_balance",
        "max_days_past_due",
        "priority_score",
    ]
    list_filter = ["debtor_type", "status", "team", "country", "do_not_contact"]
    search_fields = ["code", "name"]
    list_select_related = ["assigned_collector", "team"]
    raw_id_fields = ["assigned_collector", "type_set_by"]
    readonly_fields = [
        "public_id",
        *SUMMARY_COLUMNS,
        "priority_score",
        "summary_refreshed_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "debtor", "role", "phone", "email", "is_primary"]
    search_fields = ["name", "email", "phone", "debtor__code"]
    raw_id_fields = ["debtor"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "debtor",
        "issue_date",
        "due_date",
        "amount",
        "open_amount",
        "currency",
        "status",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["number", "debtor__code", "debtor__name"]
    raw_id_fields = ["debtor"]
    date_hierarchy = "due_date"


class AllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    raw_id_fields = ["invoice"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "received_on",
        "debtor",
        "amount",
        "unallocated_amount",
        "currency",
        "method",
        "reference",
    ]
    list_filter = ["method", "currency"]
    search_fields = ["reference", "import_reference", "debtor__code"]
    raw_id_fields = ["debtor", "recorded_by"]
    inlines = [AllocationInline]


@admin.register(PaymentAllocation)
class PaymentAllocationAdmin(admin.ModelAdmin):
    list_display = ["payment", "invoice", "amount"]
    raw_id_fields = ["payment", "invoice"]


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ["debtor", "category", "disputed_amount", "status", "owner", "opened_at"]
    list_filter = ["category", "status"]
    search_fields = ["debtor__code", "description"]
    raw_id_fields = ["debtor", "owner", "raised_by"]
    filter_horizontal = ["invoices"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "kind", "preset", "status", "created_by", "as_of"]
    list_filter = ["kind", "status", "preset"]
    search_fields = ["file_name", "file_sha256"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ImportInvoiceChange)
class ImportInvoiceChangeAdmin(admin.ModelAdmin):
    list_display = ["batch", "invoice", "action"]
    list_filter = ["action"]
    raw_id_fields = ["batch", "invoice"]


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "preset", "created_by", "created_at"]
    list_filter = ["kind"]

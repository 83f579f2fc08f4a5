import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Language, Team, validate_timezone
from collections_crm.lib.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


def money_field(verbose_name, **kwargs):
    kwargs.setdefault("default", 0)
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        **kwargs,
    )


def default_working_days():
    return [0, 1, 2, 3, 4]  # Monday..Friday, as datetime.weekday()


class DebtorType(models.TextChoices):
    FORGETFUL = "forgetful", _("Forgetful")
    HARDSHIP = "hardship", _("Hardship")
    DISPUTE = "dispute", _("Dispute")
    STALLING = "stalling", _("Stalling")
    UNKNOWN = "unknown", _("Not yet typed")


class Channel(models.TextChoices):
    CALL = "call", _("Phone call")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Field visit")
    LETTER = "letter", _("Letter")


class Debtor(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PROMISED = "promised", _("Promised")
        DISPUTED = "disputed", _("Disputed")
        ESCALATED = "escalated", _("Escalated")
        LEGAL = "legal", _("Legal")
        SETTLED = "settled", _("Settled")
        WRITTEN_OFF = "written_off", _("Written off")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("customer code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    debtor_type = models.CharField(
        _("debtor type"), max_length=16, choices=DebtorType.choices, default=DebtorType.UNKNOWN
    )
    type_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("type set by"),
    )
    type_reason = models.TextField(_("why this type"), blank=True)
    type_set_at = models.DateTimeField(null=True, blank=True)
    assigned_collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portfolio",
        verbose_name=_("collector"),
        db_index=False,  # debtor_collector_prio starts with it
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="debtors",
        verbose_name=_("team"),
        db_index=False,  # debtor_team_prio starts with it
    )
    country = models.CharField(_("country"), max_length=2, default="CN")
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    business_hours_start = models.TimeField(_("opens at"), default="09:00")
    business_hours_end = models.TimeField(_("closes at"), default="18:00")
    lunch_start = models.TimeField(_("lunch from"), null=True, blank=True, default="12:00")
    lunch_end = models.TimeField(_("lunch until"), null=True, blank=True, default="13:30")
    working_days = models.JSONField(_("working days"), default=default_working_days)
    money_days = models.JSONField(
        _("money days"), default=list, blank=True, help_text=_("Days of the month money comes in.")
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=8, choices=Channel.choices, default=Channel.CALL
    )
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    cease_contact = models.BooleanField(_("cease communication requested"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    notes = models.TextField(_("notes"), blank=True)
    # No database constraint (see Invoice.created_by_import).
    created_by_import = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    # Summary columns: maintained by debtors.services.debtor_refresh_summary only.
    open_balance = money_field(_("open balance"))
    overdue_balance = money_field(_("overdue balance"))
    disputed_balance = money_field(_("disputed balance"))
    open_invoice_count = models.PositiveIntegerField(default=0)
    oldest_due_date = models.DateField(_("oldest open due date"), null=True, blank=True)
    max_days_past_due = models.IntegerField(_("days past due"), default=0)
    next_action_at = models.DateTimeField(_("next action"), null=True, blank=True)
    priority_score = models.IntegerField(_("priority"), default=0)
    summary_refreshed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority_score", "name"]
        verbose_name = _("debtor")
        verbose_name_plural = _("debtors")
        indexes = [
            models.Index(
                fields=["assigned_collector", "-priority_score"], name="debtor_collector_prio"
            ),
            models.Index(fields=["team", "-priority_score"], name="debtor_team_prio"),
            models.Index(fields=["status"], name="debtor_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_days_past_due__gte=0), name="debtor_days_past_due_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(business_hours_start__lt=F("business_hours_end")),
                name="debtor_business_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        # The debtor's page is served by the desk app; linked by name, not imported.
        return reverse("desk:debtor", args=[self.public_id])

    @property
    def may_be_contacted(self) -> bool:
        return not (self.do_not_contact or self.cease_contact)


class Contact(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("E.164"))
    mobile = models.CharField(_("mobile"), max_length=32, blank=True, help_text=_("E.164"))
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    is_decision_maker = models.BooleanField(_("decides on payments"), default=False)
    notes = models.TextField(_("notes (reception, secretary, best time)"), blank=True)
    # Channels this person asked us to stop using for their number or address
    # (the opt-out link in every SMS and email, or a collector's note).
    opted_out_channels = models.JSONField(_("opted out of"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["debtor"], condition=Q(is_primary=True), name="contact_one_primary"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        DISPUTED = "disputed", _("Disputed")
        WRITTEN_OFF = "written_off", _("Written off")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No separate index: invoice_number_per_debtor (debtor, number) serves debtor lookups.
    debtor = models.ForeignKey(
        Debtor, on_delete=models.CASCADE, related_name="invoices", db_index=False
    )
    number = models.CharField(_("invoice number"), max_length=64)
    issue_date = models.DateField(_("issued"))
    due_date = models.DateField(_("due"))
    amount = money_field(_("amount"))
    open_amount = money_field(_("open amount"))
    disputed_amount = money_field(_("disputed amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    is_synthetic = models.BooleanField(
        _("aging bucket item"),
        default=False,
        db_default=False,
        help_text=_("Made from a summary report's bucket, not a real invoice."),
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=255, blank=True)
    # Set by the import that created the invoice, so an undo can remove it. No
    # index: only an undo reads it, and a million-row import should not pay for one.
    # No database constraint either: PostgreSQL checks a foreign key once per
    # inserted row, which cost a million-row import 8 s to confirm the one batch
    # it names. Import batches are never deleted but through the ORM, which
    # still applies SET_NULL.
    created_by_import = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["debtor", "number"], name="invoice_number_per_debtor"),
            # An invoice's open amount lies between 0 and its amount; a credit
            # note (negative amount) between its amount and 0.
            models.CheckConstraint(
                condition=(
                    Q(amount__gte=0, open_amount__gte=0, open_amount__lte=F("amount"))
                    | Q(amount__lt=0, open_amount__lte=0, open_amount__gte=F("amount"))
                ),
                name="invoice_open_amount_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(disputed_amount__gte=0)
                & (Q(amount__lt=0) | Q(disputed_amount__lte=F("amount"))),
                name="invoice_disputed_amount_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")), name="invoice_due_after_issue"
            ),
        ]
        indexes = [
            models.Index(
                fields=["debtor", "due_date"],
                name="invoice_open_by_due",
                condition=~Q(open_amount=0),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit(self) -> bool:
        return self.amount < 0


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="payments")
    amount = money_field(_("amount"))
    unallocated_amount = money_field(_("unallocated"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    received_on = models.DateField(_("received on"))
    method = models.CharField(
        _("method"), max_length=16, choices=Method.choices, default=Method.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=128, blank=True)
    import_reference = models.CharField(max_length=128, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(unallocated_amount__gte=0, unallocated_amount__lte=F("amount")),
                name="payment_unallocated_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["debtor", "-received_on"], name="payment_debtor_date")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.received_on}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = money_field(_("amount"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.invoice_id}"


class Dispute(models.Model):
    class Category(models.TextChoices):
        STATEMENT_NOT_RECEIVED = "statement_not_received", _("Statement not received")
        INVOICE_ERROR = "invoice_error", _("Problem with the invoice")
        PRODUCT_COMPLAINT = "product_complaint", _("Complaint about product or service")
        PROOF_OF_DELIVERY = "proof_of_delivery", _("Wants proof of delivery")
        PROOF_OF_ACCEPTANCE = "proof_of_acceptance", _("Wants proof of acceptance")
        ORIGINAL_INVOICE = "original_invoice", _("Wants the original invoice")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="disputes")
    invoices = models.ManyToManyField(Invoice, related_name="disputes", verbose_name=_("invoices"))
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    disputed_amount = money_field(_("disputed amount"))
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_disputes",
        verbose_name=_("owner"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)
    # invoice id -> the part of the disputed amount held on that invoice, so a
    # resolution releases exactly what the dispute held.
    allocations = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=Q(disputed_amount__gt=0), name="dispute_amount_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["debtor"],
                name="dispute_open_by_debtor",
                condition=Q(status__in=["open", "escalated"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.debtor.code})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ESCALATED)


# The import's own records live beside the import code; imported here so that
# they are the debtors app's models (``from debtors.models import ImportBatch``).
from .imports.models import ImportBatch, ImportInvoiceChange, ImportMapping  # noqa: E402

__all__ = [
    "Channel",
    "Contact",
    "Debtor",
    "DebtorType",
    "Dispute",
    "ImportBatch",
    "ImportInvoiceChange",
    "ImportMapping",
    "Invoice",
    "Payment",
    "PaymentAllocation",
    "default_working_days",
    "money_field",
]

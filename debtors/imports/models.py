"""What an import leaves behind: the batch (who, when, file, counts, status),
each invoice's before-state for undo, and saved column mappings. Part of the
debtors app's models (``debtors.models`` imports them)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collections_crm.lib.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

from ..models import Invoice


class ImportBatch(models.Model):
    """One uploaded file: who, when, what it was, what it changed. Re-importing
    the same file changes nothing; the latest committed batch can be undone."""

    class Kind(models.TextChoices):
        AGING = "aging", _("Aging report")
        PAYMENTS = "payments", _("Payment file")

    class Mode(models.TextChoices):
        SNAPSHOT = "snapshot", _("Full snapshot: close invoices missing from the file")
        INCREMENTAL = "incremental", _("Incremental: only add and update")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")
        DUPLICATE = "duplicate", _("Already imported")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.AGING)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.SNAPSHOT)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(default=0)
    preset = models.CharField(_("format"), max_length=64, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)  # what the preview shows
    warnings = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_progress_percent"),
            # The same file is applied at most once while it stands.
            models.UniqueConstraint(
                fields=["kind", "file_sha256"],
                condition=Q(status="committed"),
                name="import_file_committed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ImportInvoiceChange(models.Model):
    """What a batch did to one invoice, so the batch can be undone exactly."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        CLOSED = "closed", _("Closed as paid")

    # import_change_once (batch, invoice) serves batch lookups.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="import_changes")
    action = models.CharField(max_length=8, choices=Action.choices)
    before_amount = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True
    )
    before_open_amount = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True
    )
    before_due_date = models.DateField(null=True)
    before_issue_date = models.DateField(null=True)
    before_status = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("imported invoice change")
        verbose_name_plural = _("imported invoice changes")
        constraints = [
            models.UniqueConstraint(fields=["batch", "invoice"], name="import_change_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.invoice_id} {self.action}"


class ImportMapping(models.Model):
    """A column mapping a finance user made once for their system's export,
    offered again for the next file."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ImportBatch.Kind.choices, default=ImportBatch.Kind.AGING
    )
    preset = models.CharField(_("based on format"), max_length=64, blank=True)
    mapping = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self) -> str:
        return self.name

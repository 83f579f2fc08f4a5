import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from debtors.models import Channel, DebtorType


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    OPENING = "opening", _("Opening")
    REMINDER = "reminder", _("Reminder")
    NEGOTIATION = "negotiation", _("Negotiation")
    OBJECTION = "objection", _("Objection")
    CLOSING = "closing", _("Closing")
    VOICEMAIL = "voicemail", _("Voicemail")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Field visit")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class TalkTrack(models.Model):
    """One version of a script. A family of versions shares `key` and `language`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(_("key"), max_length=100)
    debtor_type = models.CharField(_("debtor type"), max_length=16, choices=DebtorType.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    guidance = models.TextField(_("do and don't"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["debtor_type", "stage", "language", "-version"]
        verbose_name = _("talk track")
        verbose_name_plural = _("talk tracks")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language", "version"], name="talktrack_version_once"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="talktrack_version_positive"),
        ]
        indexes = [
            models.Index(
                fields=["debtor_type", "stage", "channel", "language"],
                name="talktrack_published_lookup",
                condition=Q(status="published"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.language})"


class Objection(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.title_en


class ObjectionResponse(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="responses")
    debtor_type = models.CharField(_("debtor type"), max_length=16, choices=DebtorType.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    body = models.TextField(_("response"))
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["objection", "debtor_type", "language", "-version"]
        verbose_name = _("objection response")
        verbose_name_plural = _("objection responses")
        constraints = [
            models.UniqueConstraint(
                fields=["objection", "debtor_type", "language", "version"],
                name="objection_response_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objection_id}/{self.debtor_type}/{self.language} v{self.version}"


class PhraseRule(models.Model):
    class Severity(models.TextChoices):
        FORBIDDEN = "forbidden", _("Forbidden")
        DISCOURAGED = "discouraged", _("Discouraged")

    class Category(models.TextChoices):
        THREAT = "threat", _("Threat")
        INSULT = "insult", _("Insult")
        FALSE_LEGAL_CLAIM = "false_legal_claim", _("False legal claim")
        SHAMING = "shaming", _("Shaming")
        LECTURING = "lecturing", _("Lecturing")
        PULLING_RANK = "pulling_rank", _("Pulling rank")
        PLEADING = "pleading", _("Pleading our own money trouble")

    phrase = models.CharField(_("phrase or pattern"), max_length=200)
    is_regex = models.BooleanField(_("regular expression"), default=False)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    reason = models.CharField(_("why"), max_length=255)
    suggestion = models.CharField(_("say instead"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["language", "severity", "phrase"]
        verbose_name = _("phrase rule")
        verbose_name_plural = _("phrase rules")
        constraints = [
            models.UniqueConstraint(fields=["language", "phrase"], name="phrase_rule_once"),
        ]

    def __str__(self) -> str:
        return self.phrase

import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Objection, ObjectionResponse, PhraseRule, TalkTrack


@admin.register(TalkTrack)
class TalkTrackAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "key",
        "debtor_type",
        "stage",
        "channel",
        "language",
        "version",
        "status",
    ]
    list_filter = ["debtor_type", "stage", "channel", "language", "status"]
    search_fields = ["title", "key", "body"]

    # Tracks change only through scripts_library.services (versions, tone guard,
    # audit): the script library pages. The admin shows them read-only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ObjectionResponseInline(admin.StackedInline):
    model = ObjectionResponse
    extra = 0


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "title_zh_hans", "order"]
    inlines = [ObjectionResponseInline]


@admin.register(ObjectionResponse)
class ObjectionResponseAdmin(admin.ModelAdmin):
    list_display = ["objection", "debtor_type", "language", "version", "status"]
    list_filter = ["debtor_type", "language", "status"]


class PhraseRuleForm(forms.ModelForm):
    class Meta:
        model = PhraseRule
        fields = [
            "phrase",
            "is_regex",
            "language",
            "severity",
            "category",
            "reason",
            "suggestion",
            "active",
        ]

    def clean(self):
        data = super().clean()
        if data.get("is_regex") and data.get("phrase"):
            try:
                re.compile(data["phrase"])
            except re.error as exc:
                raise forms.ValidationError(
                    {"phrase": _("Not a valid regular expression: %(error)s") % {"error": exc}}
                ) from exc
        return data


@admin.register(PhraseRule)
class PhraseRuleAdmin(admin.ModelAdmin):
    form = PhraseRuleForm
    list_display = ["phrase", "language", "severity", "category", "active"]
    list_filter = ["language", "severity", "category", "active"]
    search_fields = ["phrase", "reason"]

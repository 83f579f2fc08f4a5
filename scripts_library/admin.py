from django.contrib import admin

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


@admin.register(PhraseRule)
class PhraseRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "language", "severity", "category", "active"]
    list_filter = ["language", "severity", "category", "active"]
    search_fields = ["phrase", "reason"]

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .models import AuditLogEntry, Flag, Guideline, Resource, ResourcePin, WatchedWord
from .services.guidelines import guideline_delete, guideline_save
from .services.words import watched_word_clean, watched_word_delete, watched_word_save


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin):
    list_display = ("__str__", "group", "number", "updated_at")
    list_filter = ("group",)

    def save_model(self, request, obj: Guideline, form, change: bool) -> None:
        guideline_save(guideline=obj, actor=request.user)

    def delete_model(self, request, obj: Guideline) -> None:
        guideline_delete(guideline=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for guideline in queryset:
            guideline_delete(guideline=guideline, actor=request.user)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("post", "reason", "reporter", "weight", "state", "created_at")
    list_filter = ("reason", "state", "by_facilitator")
    raw_id_fields = ("post", "reporter", "resolved_by")


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (and a trigger enforces it on PostgreSQL)."""

    list_display = ("created_at", "actor", "action", "group", "target_user", "reason")
    list_filter = ("action", "group")
    search_fields = ("reason", "actor__handle", "target_user__handle")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    """View and delete only: adding, vetting, editing and pinning happen on the moderation
    pages (/mod/resources/), whose services check permissions and write the audit log."""

    list_display = ("title", "kind", "region", "state", "vetted_by", "review_by", "created_at")
    list_filter = ("state", "kind", "region")
    search_fields = ("title", "url", "description")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ResourcePin)
class ResourcePinAdmin(admin.ModelAdmin):
    """View and delete only, as for resources."""

    list_display = ("resource", "group", "thread", "pinned_by", "created_at")
    list_select_related = ("resource", "group", "thread", "pinned_by")
    raw_id_fields = ("thread",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class WatchedWordForm(forms.ModelForm):
    """Shows the service's own checks as field errors instead of an error page."""

    class Meta:
        model = WatchedWord
        fields = ("word", "action", "replacement", "message")

    def clean(self) -> dict:
        data = super().clean()
        probe = WatchedWord(
            pk=self.instance.pk,
            word=data.get("word") or "",
            action=data.get("action") or "",
            replacement=data.get("replacement") or "",
            message=data.get("message") or "",
        )
        try:
            watched_word_clean(probe)
        except ValidationError as error:
            self.add_error(None, error)
        return data


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin):
    """Every change goes through the services: admin-only, validated, audited, and live
    in every process at once."""

    form = WatchedWordForm
    list_display = ("word", "action", "replacement", "message", "created_by", "created_at")
    list_filter = ("action",)
    search_fields = ("word", "replacement", "message")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj: WatchedWord, form, change: bool) -> None:
        watched_word_save(actor=request.user, word=obj)

    def delete_model(self, request, obj: WatchedWord) -> None:
        watched_word_delete(actor=request.user, word=obj)

    def delete_queryset(self, request, queryset) -> None:
        for word in queryset:
            watched_word_delete(actor=request.user, word=word)

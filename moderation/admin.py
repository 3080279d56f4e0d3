from django.contrib import admin
from django.http import HttpRequest

from .models import AuditLogEntry, Flag, Guideline
from .services.guidelines import guideline_save


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin):
    list_display = ("__str__", "group", "number", "updated_at")
    list_filter = ("group",)

    def save_model(self, request, obj: Guideline, form, change: bool) -> None:
        guideline_save(guideline=obj)


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

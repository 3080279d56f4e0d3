from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from .models import (
    AuditLogEntry,
    CrisisAlert,
    CrisisLine,
    DutyShift,
    DutyStatus,
    Flag,
    Guideline,
    GuidePage,
    LexiconEntry,
    LexiconRescan,
    Resource,
    ResourcePin,
    WatchedWord,
)
from .policies import is_moderator
from .services.crisis_lines import crisis_line_save, crisis_line_verified
from .services.duty import duty_set, duty_shift_add, duty_shift_remove
from .services.guidelines import guideline_delete, guideline_save
from .services.guides import guide_page_save
from .services.lexicon import (
    LEXICON_FIELDS,
    lexicon_entry_delete,
    lexicon_entry_problems,
    lexicon_entry_save,
    lexicon_rescan_start,
)
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


@admin.register(GuidePage)
class GuidePageAdmin(admin.ModelAdmin):
    """Guide pages (the digital-literacy guide): Markdown, rendered and audited on save."""

    list_display = ("title", "slug", "updated_at", "updated_by")
    fields = ("title", "slug", "summary", "body", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
    prepopulated_fields = {"slug": ("title",)}

    def save_model(self, request: HttpRequest, obj: GuidePage, form, change: bool) -> None:
        guide_page_save(page=obj, actor=request.user)


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


# --- crisis care ---


class LexiconEntryForm(forms.ModelForm):
    class Meta:
        model = LexiconEntry
        fields = (*LEXICON_FIELDS, "enabled")

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors:
            entry = {name: cleaned.get(name) for name in LEXICON_FIELDS}
            problems = lexicon_entry_problems(entry)
            if problems:
                raise ValidationError(problems)
        return cleaned


@admin.register(LexiconEntry)
class LexiconEntryAdmin(admin.ModelAdmin):
    """The crisis detector's lexicon. Each entry is checked against its own examples
    before it is saved; a change takes effect in every process without a restart."""

    form = LexiconEntryForm
    list_display = ("key", "pattern", "signal", "severity", "language", "enabled", "edited")
    list_filter = ("language", "signal", "severity", "enabled", "edited", "from_default")
    search_fields = ("key", "pattern")
    actions = ("rescan_last_week", "rescan_last_month")

    def save_model(self, request, obj: LexiconEntry, form, change: bool) -> None:
        lexicon_entry_save(entry=obj, actor=request.user)

    def delete_model(self, request, obj: LexiconEntry) -> None:
        lexicon_entry_delete(entry=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for entry in queryset:
            lexicon_entry_delete(entry=entry, actor=request.user)

    def _rescan(self, request, days: int) -> None:
        rescan = lexicon_rescan_start(actor=request.user, days=days)
        self.message_user(
            request,
            f"Re-scanning {rescan.total} posts of the last {days} days. "
            "Follow its progress under “Lexicon rescans”.",
        )

    @admin.action(description="Re-scan posts of the last 7 days with the current lexicon")
    def rescan_last_week(self, request, queryset) -> None:
        self._rescan(request, 7)

    @admin.action(description="Re-scan posts of the last 30 days with the current lexicon")
    def rescan_last_month(self, request, queryset) -> None:
        self._rescan(request, 30)


@admin.register(LexiconRescan)
class LexiconRescanAdmin(admin.ModelAdmin):
    list_display = ("created_at", "started_by", "days", "state", "progress", "alerts_raised")
    readonly_fields = (
        "started_by",
        "days",
        "state",
        "total",
        "done",
        "alerts_raised",
        "created_at",
        "finished_at",
    )
    exclude = ("last_post_id",)

    @admin.display(description="progress")
    def progress(self, obj: LexiconRescan) -> str:
        return f"{obj.done} of {obj.total} posts ({obj.percent} %)"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CrisisAlert)
class CrisisAlertAdmin(admin.ModelAdmin):
    """Read-only here: alerts are answered on their page in the moderation area, where
    every view is recorded."""

    list_display = ("__str__", "source", "group", "state", "created_at", "acknowledged_at")
    list_filter = ("state", "severity", "source", "group")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opened on its moderation page, where the view is recorded (duty of care).
        if not str(object_id).isdigit():
            raise Http404("No such alert.")
        return redirect("moderation:alert_detail", int(object_id))


@admin.register(CrisisLine)
class CrisisLineAdmin(admin.ModelAdmin):
    """Lines members see when they need help now. Saving and verifying go through the
    services (audited); "Mark as verified today" is for after checking against the source."""

    list_display = ("country", "name", "phone", "text", "last_verified", "due", "active")
    list_filter = ("active", "country")
    search_fields = ("name", "country", "phone")
    ordering = ("country", "order", "name")
    actions = ["mark_verified"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Re-verify by")
    def due(self, obj: CrisisLine) -> str:
        overdue = obj.verify_due <= timezone.localdate()
        return f"{obj.verify_due:%d %b %Y}{' (due now)' if overdue else ''}"

    def save_model(self, request, obj: CrisisLine, form, change: bool) -> None:
        crisis_line_save(line=obj, actor=request.user, changed=list(form.changed_data))

    @admin.action(description="Mark as verified today (checked against the source)")
    def mark_verified(self, request: HttpRequest, queryset) -> None:
        count = 0
        for line in queryset:
            crisis_line_verified(line=line, actor=request.user)
            count += 1
        self.message_user(
            request, f"{count} crisis line{'s' if count != 1 else ''} verified today."
        )


class DutyStatusForm(forms.ModelForm):
    class Meta:
        model = DutyStatus
        fields = ("user", "mode", "until")

    def clean(self) -> dict:
        data = super().clean()
        until, mode, user = data.get("until"), data.get("mode"), data.get("user")
        if user is not None and not is_moderator(user):
            self.add_error("user", "Only facilitators and admins go on duty.")
        if until and mode != DutyStatus.Mode.ROTA and until <= timezone.now():
            self.add_error("until", "Please choose a time in the future.")
        return data


@admin.register(DutyStatus)
class DutyStatusAdmin(admin.ModelAdmin):
    """Facilitators switch themselves on and off at /mod/duty/; here an admin can switch
    someone off who forgot. Changes go through the service (audited as "duty.changed")."""

    form = DutyStatusForm
    list_display = ("user", "mode", "until", "changed_at")
    list_filter = ("mode",)
    list_select_related = ("user",)
    search_fields = ("user__handle",)
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return ("user", "changed_at") if obj else ("changed_at",)

    def save_model(self, request, obj: DutyStatus, form, change: bool) -> None:
        duty_set(user=obj.user, mode=obj.mode, until=obj.until, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # "follow the rota" is the neutral state; deleting would hide history


class DutyShiftForm(forms.ModelForm):
    """The service's refusals as form errors instead of an error page."""

    class Meta:
        model = DutyShift
        fields = ("user", "weekday", "starts", "ends")

    def clean(self) -> dict:
        data = super().clean()
        user = data.get("user")
        if user is not None and not is_moderator(user):
            self.add_error("user", "Only facilitators have a rota.")
        elif (
            user is not None
            and DutyShift.objects.filter(
                user=user,
                weekday=data.get("weekday"),
                starts=data.get("starts"),
                ends=data.get("ends"),
            ).exists()
        ):
            self.add_error(None, "That shift is already on their rota.")
        return data


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    form = DutyShiftForm
    """Rota slots, in each facilitator's own time zone. Added and removed through the
    services (audited); a slot is not edited in place, it is replaced."""

    list_display = ("user", "weekday", "starts", "ends", "time_zone")
    list_filter = ("weekday",)
    list_select_related = ("user",)
    search_fields = ("user__handle",)
    raw_id_fields = ("user",)

    @admin.display(description="Time zone")
    def time_zone(self, obj: DutyShift) -> str:
        return obj.user.time_zone

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj: DutyShift, form, change: bool) -> None:
        created = duty_shift_add(
            user=obj.user, weekday=obj.weekday, starts=obj.starts, ends=obj.ends, actor=request.user
        )
        obj.pk = created.pk

    def delete_model(self, request, obj: DutyShift) -> None:
        duty_shift_remove(user=obj.user, shift=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for shift in queryset.select_related("user"):
            duty_shift_remove(user=shift.user, shift=shift, actor=request.user)

from django.contrib import admin

from moderation.models import Guideline
from moderation.services.guidelines import guideline_delete, guideline_save

from . import services
from .models import Invitation, Membership, Post, PostRevision, Reaction, SupportGroup, Thread


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "group"
    extra = 1
    fields = ("user", "role", "status", "guidelines_accepted_at")
    readonly_fields = ("guidelines_accepted_at",)
    autocomplete_fields = ("user",)
    verbose_name = "member or facilitator"


class GuidelineInline(admin.StackedInline):
    model = Guideline
    extra = 0
    fields = ("number", "title", "body")
    verbose_name = "group rule"


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "visibility", "join_policy", "posting_policy", "facilitation")
    list_filter = ("visibility", "join_policy", "posting_policy", "facilitation")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [GuidelineInline, MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        ("Access", {"fields": ("visibility", "join_policy", "entry_question")}),
        (
            "Posting",
            {
                "fields": (
                    "posting_policy",
                    "premoderate_first_n",
                    "slow_mode_seconds",
                    "slow_mode_reason",
                    "min_account_age_hours",
                    "allow_anonymous",
                )
            },
        ),
        (
            "Facilitation",
            {"fields": ("facilitation", "flag_hide_threshold", "review_reminder_minutes")},
        ),
        (
            "Safety",
            {
                "fields": (
                    "hold_crisis_posts",
                    "crisis_ack_imminent_minutes",
                    "crisis_ack_high_minutes",
                    "crisis_ack_moderate_minutes",
                    "hold_personal_information",
                )
            },
        ),
    )

    def save_model(self, request, obj: SupportGroup, form, change: bool) -> None:
        services.group_save(group=obj, actor=request.user)

    def save_formset(self, request, form, formset, change: bool) -> None:
        if formset.model is not Guideline:
            super().save_formset(request, form, formset, change)
            return
        for rule in formset.save(commit=False):
            guideline_save(guideline=rule, actor=request.user)
        for rule in formset.deleted_objects:
            guideline_delete(guideline=rule, actor=request.user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "group", "role", "status", "requested_at")
    list_filter = ("role", "status", "group")
    search_fields = ("user__handle", "group__name")
    autocomplete_fields = ("user", "group")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "group", "author", "reply_count", "is_pinned", "is_locked")
    list_filter = ("group", "is_pinned", "is_locked")
    search_fields = ("title",)
    raw_id_fields = ("author", "pinned_by", "locked_by")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("pk", "thread", "author", "state", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("thread", "parent", "reply_to", "author")
    readonly_fields = ("body_html", "path", "depth")


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    list_display = ("post", "edited_by", "created_at")
    raw_id_fields = ("post", "edited_by")


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ("post", "user", "kind", "created_at")
    raw_id_fields = ("post", "user")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("group", "created_by", "invitee", "created_at", "expires_at", "used_by")
    raw_id_fields = ("created_by", "invitee", "used_by")

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from groups.models import Membership

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("group", "role", "status", "guidelines_accepted_at")
    readonly_fields = ("guidelines_accepted_at",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ("handle",)
    list_display = ("handle", "email", "is_staff", "professional_title", "date_joined")
    list_filter = ("is_staff", "is_active", "professional_title_verified")
    search_fields = ("handle", "email")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("handle", "email", "password")}),
        ("Profile", {"fields": ("bio", "region", "time_zone")}),
        ("Facilitator", {"fields": ("professional_title", "professional_title_verified")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            "Notifications (the member's own choices, shown to help them)",
            {
                "classes": ("collapse",),
                "fields": (
                    "digest_frequency",
                    "quiet_hours_start",
                    "quiet_hours_end",
                    "notifications_paused_until",
                    "last_digest_at",
                ),
            },
        ),
        ("Dates", {"fields": ("date_joined", "last_login", "guidelines_accepted_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("handle", "email", "password1", "password2")}),
    )
    readonly_fields = (
        "last_login",
        "guidelines_accepted_at",
        "digest_frequency",
        "quiet_hours_start",
        "quiet_hours_end",
        "notifications_paused_until",
        "last_digest_at",
    )

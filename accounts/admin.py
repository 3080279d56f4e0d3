from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, mark_safe

from groups.models import Membership

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import User


def mask_email(address: str) -> str:
    """``m•••@example.org``: enough to tell two accounts apart, not to write to anyone."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return "•••" if address else ""
    return f"{local[:1]}•••@{domain}"


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
    # Members' e-mail addresses are shown to admins only through the logged "reveal"
    # action on the moderation member page. Search takes an exact address, so an admin
    # can find the account behind an address they already know, and no more.
    list_display = ("handle", "is_staff", "professional_title", "date_joined")
    list_filter = ("is_staff", "is_active", "professional_title_verified")
    search_fields = ("handle", "=email")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("handle", "email_masked", "password")}),
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
        "email_masked",
        "last_login",
        "guidelines_accepted_at",
        "digest_frequency",
        "quiet_hours_start",
        "quiet_hours_end",
        "notifications_paused_until",
        "last_digest_at",
    )

    @admin.display(description="e-mail address")
    def email_masked(self, obj: User) -> str:
        if obj is None or not obj.pk:
            return ""
        return format_html(
            '{}<div class="help">Hidden here. To see it, use "Reveal e-mail address" on '
            '<a href="{}">the member\'s moderation page</a>; each reveal is logged with '
            "its reason.</div>",
            mask_email(obj.email),
            reverse("moderation:member", args=[obj.handle]),
        )

    def get_deleted_objects(self, objs, request):
        """The delete confirmation lists related rows by name, and an e-mail address row
        is named by its address: mask those too."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        users = list(objs)
        addresses = {u.email for u in users if u.email} | set(
            EmailAddress.objects.filter(user__in=users).values_list("email", flat=True)
        )

        def masked(item):
            if isinstance(item, list):
                return [masked(i) for i in item]
            text = str(item)
            for address in addresses:
                hidden = mask_email(address)
                text = text.replace(escape(address), escape(hidden)).replace(address, hidden)
            return mark_safe(text) if isinstance(item, SafeData) else text  # noqa: S308

        return masked(to_delete), model_count, perms_needed, protected


# allauth's e-mail address admin lists every address, and names the address in its
# titles, breadcrumbs and messages: not registered. Addresses are reached through the
# logged reveal on the moderation member page.
if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)

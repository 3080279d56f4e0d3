from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors as group_selectors
from moderation import policies as moderation_policies

from . import preferences, selectors, services
from .forms import (
    NotificationPauseForm,
    NotificationReadForm,
    NotificationSettingsForm,
    ProfileForm,
)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def member_card(request: HttpRequest, handle: str) -> HttpResponse:
    card = group_selectors.member_card(request.user, handle)
    moderator = moderation_policies.is_moderator(request.user)
    return render(request, "accounts/member_card.html", {"card": card, "moderator": moderator})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications_page(request.user, page=request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    form = NotificationReadForm(request.POST)
    if not form.is_valid():
        return redirect("accounts:notifications")
    notification_id, target = form.cleaned_data["notification"], form.cleaned_data["next"]
    services.notifications_mark_read(user=request.user, notification_id=notification_id)
    if notification_id is not None and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("accounts:notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    form = NotificationSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notification_settings_update(
                user=request.user,
                deliveries=form.deliveries(),
                digest_frequency=data["digest_frequency"],
                quiet_hours_start=data["quiet_hours_start"],
                quiet_hours_end=data["quiet_hours_end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("accounts:notification_settings")
    if request.method == "POST":
        messages.error(request, "Nothing was changed: please check the form below.")
    paused = preferences.is_paused(request.user)
    context = {"form": form, "pause_form": NotificationPauseForm(), "paused": paused}
    return render(request, "accounts/notification_settings.html", context, status=200)


@login_required
@require_POST
def notifications_pause(request: HttpRequest) -> HttpResponse:
    form = NotificationPauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a day, a week, or to resume.")
        return redirect("accounts:notification_settings")
    user = services.notifications_pause(user=request.user, duration=form.cleaned_data["duration"])
    if user.notifications_paused_until:
        messages.success(request, "Notifications are paused. Take the time you need.")
    else:
        messages.success(request, "Welcome back: notifications are on again.")
    return redirect("accounts:notification_settings")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: confirm with a button. POST: unsubscribe, no sign-in needed (the signed token
    is the authority). Only the RFC 8058 one-click POST from a mail client goes without a
    CSRF token; the page's own button carries one."""
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST" and not one_click:
        rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if rejected is not None:
            return rejected
    try:
        if request.method == "POST":
            _user, label = services.unsubscribe_apply(token=token)
            done = True
        else:
            _user, _kind, label = services.unsubscribe_check(token=token)
            done = False
    except ValidationError as exc:
        context = {"error": exc.messages[0]}
        return render(request, "accounts/unsubscribe.html", context, status=400)
    return render(request, "accounts/unsubscribe.html", {"label": label, "done": done})

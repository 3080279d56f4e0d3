from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from groups import selectors as group_selectors
from moderation import policies as moderation_policies

from . import selectors, services
from .forms import NotificationReadForm, ProfileForm


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

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors as group_selectors
from moderation import policies as moderation_policies
from supportforum.views import attempt

from . import preferences, selectors, services
from .forms import (
    AccountEraseForm,
    ContentFiltersForm,
    NotificationPauseForm,
    NotificationReadForm,
    NotificationSettingsForm,
    ProfileForm,
)
from .triggers import DEFAULT_COLLAPSED, topic_labels


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
    context = {
        "card": card,
        "moderator": moderator,
        "blocked": card.member.pk in selectors.blocked_ids(request.user),
        # A signal for facilitators (as Discourse shows it), never for members.
        "blocked_by": selectors.blocked_by_count(card.member) if moderator else None,
    }
    return render(request, "accounts/member_card.html", context)


@login_required
def member_block(request: HttpRequest, handle: str) -> HttpResponse:
    """Confirm, then block. The member is not told."""
    card = group_selectors.member_card(request.user, handle)
    target = card.member
    if request.method == "POST":
        try:
            services.member_block(user=request.user, target=target)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                f"You blocked {target.handle}. Their posts are folded away for you, and they "
                "can't reply to your posts, mention you or notify you. They are not told.",
            )
        return redirect("accounts:blocks")
    return render(request, "accounts/member_block.html", {"card": card})


@login_required
@require_POST
def member_unblock(request: HttpRequest, handle: str) -> HttpResponse:
    card = group_selectors.member_card(request.user, handle)
    if services.member_unblock(user=request.user, target=card.member):
        messages.success(request, f"You unblocked {card.member.handle}.")
    return redirect("accounts:blocks")


@login_required
def blocks(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/blocks.html", {"blocks": selectors.blocks_of(request.user)})


@login_required
def content_filters(request: HttpRequest) -> HttpResponse:
    user = request.user
    chosen = user.collapse_topics is not None
    initial = {
        "topics": user.collapse_topics if chosen else list(DEFAULT_COLLAPSED),
        "mute_words": user.mute_words,
        "link_interstitial": user.link_interstitial,
    }
    form = ContentFiltersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(form, lambda: services.content_filters_update(user=user, **data))
        if saved is not None:
            messages.success(request, "Your content filters are saved.")
            return redirect("accounts:content_filters")
    if request.method == "POST":
        messages.error(request, "Nothing was changed: please check the form below.")
    context = {"form": form, "chosen": chosen, "defaults": topic_labels(DEFAULT_COLLAPSED)}
    return render(request, "accounts/content_filters.html", context)


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


# --- Your data: export and erasure ----------------------------------------------------


def _data_context(request: HttpRequest, form: AccountEraseForm | None = None) -> dict:
    export = services.export_latest(request.user)
    return {
        "export": export,
        "export_available": export is not None and export.is_available(),
        "erase_form": form or AccountEraseForm(),
        "has_mfa": Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists(),
    }


@login_required
def data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/data.html", _data_context(request))


@login_required
@require_POST
def data_export_request(request: HttpRequest) -> HttpResponse:
    try:
        services.export_request(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Your copy is being prepared. It will appear on this page.")
    return redirect("accounts:data")


@login_required
def data_export_download(request: HttpRequest, token: str) -> HttpResponse:
    export = services.export_for_download(user=request.user, token=token)
    if export is None:
        raise Http404("No such export.")
    response = HttpResponse(export.payload, content_type="application/json; charset=utf-8")
    filename = services.export_filename(export)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_POST
def account_erase(request: HttpRequest) -> HttpResponse:
    form = AccountEraseForm(request.POST)
    if form.is_valid():
        try:
            user = services.account_erasure_request(
                user=request.user,
                posts=form.cleaned_data["posts"],
                password=form.cleaned_data["password"],
                mfa_code=form.cleaned_data["mfa_code"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            messages.success(
                request,
                f"Your account will be deleted on {user.erasure_due_at:%-d %B %Y}. "
                "Changed your mind? Sign in before then and it stays. Take care of yourself.",
            )
            return redirect("groups:directory")
    context = _data_context(request, form)
    return render(request, "accounts/data.html", context, status=400)

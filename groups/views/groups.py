"""Pages of groups: the directory, a group, joining and leaving, members, join requests
and invitations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.preferences import member_zone
from moderation.selectors.guidelines import group_rules
from moderation.selectors.resources import pinned_resources
from supportforum.views import attempt

from .. import policies, selectors, services
from ..forms import (
    DecisionForm,
    GroupMuteForm,
    InvitationForm,
    JoinForm,
)
from ..models import Membership
from ..selectors import meetings as meeting_selectors

# Set after a member posts crisis language; their next view of that thread (and only
# theirs: it lives in their session) shows the crisis panel once.


def directory(request: HttpRequest) -> HttpResponse:
    mine, others = selectors.directory_for(request.user)
    context = {
        "mine": mine,
        "others": others,
        "meetings": meeting_selectors.member_meetings(request.user),
        "zone": member_zone(request.user) if request.user.is_authenticated else None,
    }
    return render(request, "groups/directory.html", context)


def group_detail(request: HttpRequest, slug: str, unanswered: bool = False) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    can_read = policies.can_read_group(request.user, group)
    context: dict[str, Any] = {
        "group": group,
        "unanswered": unanswered,
        "can_read": can_read,
        "rules": group_rules(group),
    }
    if can_read:
        context["page"], context["rows"] = selectors.group_page(
            request.user, group, page=request.GET.get("page"), unanswered=unanswered
        )
        context["pinned_resources"] = pinned_resources(group=group)
        context["can_pin_resources"] = policies.can_moderate_group(request.user, group)
        context["meetings"] = meeting_selectors.group_meetings(request.user, group)
        context["zone"] = (
            member_zone(request.user)
            if request.user.is_authenticated
            else timezone.get_default_timezone()
        )
    response = render(request, "groups/group_detail.html", context)
    response.haven_noindex = group.is_private or group.visibility == group.Visibility.UNLISTED
    return response


@login_required
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = attempt(
            form,
            lambda: services.group_join(user=request.user, group=group, **form.cleaned_data),
        )
        if membership is not None:
            if membership.is_active:
                messages.success(request, f"Welcome to {group.name}.")
            else:
                messages.info(request, "Thank you. A facilitator will look at your request soon.")
            return redirect(group)
    refusal = policies.join_refusal(request.user, group)
    context = {"group": group, "form": form, "refusal": refusal, "rules": group_rules(group)}
    return render(request, "groups/join.html", context)


@login_required
@require_POST
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    try:
        services.group_leave(user=request.user, group=group)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"You have left {group.name}.")
    return redirect("groups:directory")


def group_members(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    members = selectors.group_members(request.user, group)
    return render(request, "groups/members.html", {"group": group, "members": members})


@login_required
def join_requests(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    pending = selectors.join_requests(request.user, group)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = get_object_or_404(Membership, pk=form.cleaned_data["membership"], group=group)
        approve = form.cleaned_data["decision"] == "approve"
        if attempt(
            form,
            lambda: services.join_request_decide(
                actor=request.user, membership=membership, approve=approve
            ),
        ):
            verb = "approved" if approve else "declined"
            messages.success(request, f"Request from {membership.user.handle} {verb}.")
            return redirect("groups:join_requests", slug=group.slug)
    context = {"group": group, "pending": pending, "form": form}
    return render(request, "groups/join_requests.html", context)


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    listing = selectors.invitations(request.user, group)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = attempt(
            form,
            lambda: services.invitation_create(
                actor=request.user,
                group=group,
                note=form.cleaned_data["note"],
                handle=form.cleaned_data["handle"],
            ),
        )
        if invitation is not None:
            link = request.build_absolute_uri(invitation.get_absolute_url())
            if invitation.invitee is not None:
                messages.success(
                    request,
                    f"{invitation.invitee.handle} was invited and notified. "
                    f"Only they can use the link: {link}",
                )
            else:
                messages.success(request, f"Invitation link (single use, 14 days): {link}")
            return redirect("groups:invitations", slug=group.slug)
    context = {"group": group, "invitations": listing, "form": form}
    return render(request, "groups/invitations.html", context)


@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = attempt(
            form,
            lambda: services.invitation_accept(
                user=request.user,
                token=token,
                accept_guidelines=form.cleaned_data["accept_guidelines"],
            ),
        )
        if membership is not None:
            messages.success(request, f"Welcome to {membership.group.name}.")
            return redirect(membership.group)
    context = {
        "invitation": invitation,
        "form": form,
        "rules": group_rules(invitation.group) if invitation else [],
    }
    return render(request, "groups/invitation_accept.html", context)


@login_required
@require_POST
def group_mute(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    form = GroupMuteForm(request.POST)
    if form.is_valid():
        muted = form.cleaned_data["muted"]
        if attempt(
            form,
            lambda: services.group_notifications_mute(user=request.user, group=group, muted=muted),
        ):
            messages.info(
                request,
                f"You will hear nothing from {group.name} until you unmute it."
                if muted
                else f"Notifications from {group.name} are back on.",
            )
    if form.errors:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(group)

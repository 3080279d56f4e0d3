"""Groups and who is in them: saving a group, joining, leaving, join requests and
invitations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send, notify
from accounts.viewer import memo
from moderation.models import ReviewItem
from moderation.services.audit import audit_record
from moderation.services.queue import review_open, review_resolve_for
from supportforum import pagecache

from .. import policies
from ..models import (
    Invitation,
    Membership,
    SupportGroup,
)
from ..selectors.directory import MEMBER_COUNTS


def _forget_memberships(user: User) -> None:
    for key in ("_haven_memberships", "_haven_moderated"):
        memo(user).pop(key, None)


@transaction.atomic
def group_save(*, group: SupportGroup, actor: User | None = None) -> SupportGroup:
    """Create or update a group (admin). Its rules are ``moderation.Guideline`` rows.
    A change of slow mode records who set it and is audited with its reason."""
    before = SupportGroup.objects.filter(pk=group.pk).values("slow_mode_seconds").first()
    changed = before is not None and before["slow_mode_seconds"] != group.slow_mode_seconds
    if changed and actor is not None:
        group.slow_mode_set_by = actor
    group.full_clean()
    group.save()
    if changed:
        audit_record(
            actor=actor,
            action="group.slow_mode",
            group=group,
            reason=group.slow_mode_reason,
            details={
                "was_seconds": before["slow_mode_seconds"],
                "now_seconds": group.slow_mode_seconds,
            },
        )
    return group


# --- membership ---


@transaction.atomic
def group_join(
    *,
    user: User,
    group: SupportGroup,
    accept_guidelines: bool,
    entry_answer: str = "",
    invitation: Invitation | None = None,
) -> Membership:
    """Join an open group, accept an invitation, or ask to join a request-only group.
    Acceptance of the guidelines is required and recorded with its time."""
    policies.check_join(user, group, invited=invitation is not None)
    if not accept_guidelines:
        raise ValidationError(
            {"accept_guidelines": "Please read and accept the group's guidelines to join."}
        )
    entry_answer = entry_answer.strip()
    needs_request = group.join_policy == SupportGroup.JoinPolicy.REQUEST and invitation is None
    if needs_request and not entry_answer:
        raise ValidationError({"entry_answer": "Please answer the question to ask to join."})
    now = timezone.now()
    membership, _ = Membership.objects.select_for_update().get_or_create(
        user=user, group=group, defaults={"requested_at": now}
    )
    membership.role = membership.role or Membership.Role.MEMBER
    membership.status = Membership.Status.PENDING if needs_request else Membership.Status.ACTIVE
    membership.entry_answer = entry_answer if needs_request else ""
    membership.guidelines_accepted_at = now
    membership.requested_at = now
    membership.decided_at = None if needs_request else now
    membership.decided_by = None
    membership.full_clean()
    membership.save()
    if invitation is not None:
        invitation.used_by = user
        invitation.used_at = now
        invitation.save(update_fields=["used_by", "used_at"])
    if needs_request:
        review_open(
            kind=ReviewItem.Kind.JOIN_REQUEST,
            group=group,
            membership=membership,
            reason="Asked to join and answered the entry question.",
        )
    _forget_memberships(user)
    pagecache.bump(MEMBER_COUNTS)  # the directory's member counts, once this commits
    return membership


@transaction.atomic
def group_leave(*, user: User, group: SupportGroup) -> None:
    """Leave a group (or withdraw a pending request). Posts stay where they are."""
    deleted, _ = Membership.objects.filter(user=user, group=group).delete()
    if not deleted:
        raise PermissionDenied("You are not a member of this group.")
    _forget_memberships(user)
    pagecache.bump(MEMBER_COUNTS)  # the directory's member counts, once this commits


@transaction.atomic
def join_request_decide(*, actor: User, membership: Membership, approve: bool) -> Membership:
    """A facilitator approves or declines a request to join. Idempotent per decision."""
    policies.check_moderate_group(actor, membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        raise PermissionDenied("This request has already been answered.")
    membership.status = Membership.Status.ACTIVE if approve else Membership.Status.DECLINED
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    group = membership.group
    decision = "approved" if approve else "declined"
    review_resolve_for(actor=actor, membership=membership, resolution=decision)
    audit_record(actor=actor, action=f"join.{decision}", group=group, target_user=membership.user)
    notification_send(
        recipient=membership.user,
        kind=Notification.Kind.JOIN_ANSWERED,
        message=f"Welcome to {group.name}: your request to join was approved."
        if approve
        else f"Your request to join {group.name} was not accepted this time.",
        url=group.get_absolute_url(),
    )
    if approve:
        pagecache.bump(MEMBER_COUNTS)  # the directory's member counts, once this commits
    return membership


@transaction.atomic
def invitation_create(
    *, actor: User, group: SupportGroup, note: str = "", handle: str = ""
) -> Invitation:
    """A single-use invitation link that expires after HAVEN_INVITATION_DAYS. With a
    handle it is addressed to that member: they are notified, and only they can use it."""
    policies.check_moderate_group(actor, group)
    invitee = None
    handle = handle.strip().removeprefix("@")
    if handle:
        invitee = User.objects.filter(handle__iexact=handle, is_active=True).first()
        if invitee is None:
            raise ValidationError({"handle": f"No member is called “{handle}”."})
        if Membership.objects.filter(
            user=invitee, group=group, status=Membership.Status.ACTIVE
        ).exists():
            raise ValidationError({"handle": f"{invitee.handle} is already a member."})
    invitation = Invitation(
        group=group,
        token=secrets.token_urlsafe(24),
        note=note.strip(),
        created_by=actor,
        invitee=invitee,
        expires_at=timezone.now() + timedelta(days=settings.HAVEN_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    if invitee is not None:
        notify(
            recipient=invitee,
            kind=Notification.Kind.INVITATION,
            message=f"A facilitator invited you to join {group.name}.",
            url=invitation.get_absolute_url(),
            group=group,
            key=f"invitation:{invitation.pk}",
        )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    policies.check_moderate_group(actor, invitation.group)
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, user: User, token: str, accept_guidelines: bool) -> Membership:
    invitation = (
        Invitation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("group")
        .filter(token=token)
    )
    invitation = invitation.first()
    if invitation is None or not invitation.is_usable:
        raise PermissionDenied(
            "This invitation has expired or was already used. "
            "Please ask a facilitator for a new one."
        )
    if invitation.invitee_id is not None and invitation.invitee_id != user.pk:
        raise PermissionDenied(
            "This invitation is addressed to another member. "
            "Please ask a facilitator for one of your own."
        )
    return group_join(
        user=user,
        group=invitation.group,
        accept_guidelines=accept_guidelines,
        invitation=invitation,
    )

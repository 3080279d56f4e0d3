"""The sanction ladder: a formal warning, a mute in one group, a site-wide suspension, a ban.
Each step is suggested from the member's recent history and always overridable; durations
end on their own (``Sanction.ends_at``), so no job has to run for a sanction to lapse."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.realtime import publish_member_sockets_close_on_commit
from accounts.services import notification_send, notify
from accounts.viewer import memo
from groups import policies as group_policies
from groups.models import Post, SupportGroup

from .. import policies
from ..models import Flag, Guideline, Sanction
from .audit import audit_record
from .posts import check_rule, post_set_state
from .queue import review_resolve_for


@dataclass(frozen=True)
class Step:
    kind: str
    duration: timedelta | None
    label: str


# Warning -> 24 h -> 72 h (muted in the group) -> 7 days -> 30 days (suspended) -> ban.
LADDER = [
    Step(Sanction.Kind.WARNING, None, "Formal warning"),
    Step(Sanction.Kind.MUTE, timedelta(hours=24), "Mute in the group for 24 hours"),
    Step(Sanction.Kind.MUTE, timedelta(hours=72), "Mute in the group for 72 hours"),
    Step(Sanction.Kind.SUSPENSION, timedelta(days=7), "Suspend from Haven for 7 days"),
    Step(Sanction.Kind.SUSPENSION, timedelta(days=30), "Suspend from Haven for 30 days"),
    Step(Sanction.Kind.BAN, None, "Ban"),
]
# Sanctions older than this no longer count towards the next step (a fresh start).
LADDER_MEMORY = timedelta(days=365)
MAX_DURATION = timedelta(days=365)
SPAM_ACCOUNT_MAX_AGE = timedelta(days=7)


def ladder_position(member: User, *, now=None) -> int:
    """How many sanctions (not revoked) the member has had within LADDER_MEMORY."""
    now = now or timezone.now()
    return Sanction.objects.filter(
        user=member, revoked_at__isnull=True, starts_at__gte=now - LADDER_MEMORY
    ).count()


def suggest_step(member: User) -> Step:
    """The next rung of the ladder from the member's history; a suggestion only."""
    return LADDER[min(ladder_position(member), len(LADDER) - 1)]


def _check_may_sanction(actor: User, member: User, kind: str, group: SupportGroup | None):
    if actor.pk == member.pk:
        raise PermissionDenied("You can't sanction yourself.")
    admin = group_policies.is_admin(actor)
    if not admin and policies.is_moderator(member):
        raise PermissionDenied("Only an admin can sanction a facilitator or an admin.")
    if admin:
        return
    if kind == Sanction.Kind.BAN:
        raise PermissionDenied("Only an admin can ban an account.")
    if group is None or not group_policies.can_moderate_group(actor, group):
        raise PermissionDenied("You can only sanction members of groups you facilitate.")
    if not group_policies.membership_for(member, group):
        raise PermissionDenied(f"{member.handle} is not a member of {group.name}.")


@transaction.atomic
def sanction_apply(
    *,
    actor: User,
    member: User,
    kind: str,
    rule: Guideline,
    message: str,
    group: SupportGroup | None = None,
    duration: timedelta | None = None,
    post: Post | None = None,
) -> Sanction:
    """Warn, mute (in ``group``), suspend or ban ``member`` citing a rule. Facilitators act
    within groups they facilitate (a suspension is site-wide but must arise there); only
    admins ban or sanction staff. The member is notified with the rule, the message and
    until when; audited."""
    if kind not in Sanction.Kind.values:
        raise ValidationError({"kind": "Please choose a sanction."})
    _check_may_sanction(actor, member, kind, group)
    rule = check_rule(rule, group)
    message = message.replace("\x00", "").strip()
    if not message:
        raise ValidationError(
            {"message": "Please write a message to the member: what happened and why."}
        )
    if len(message) > 2000:
        raise ValidationError({"message": "The message can be at most 2000 characters."})
    if kind in (Sanction.Kind.MUTE, Sanction.Kind.SUSPENSION):
        if duration is None or duration <= timedelta(0):
            raise ValidationError({"duration": "Please choose how long it lasts."})
        if duration > MAX_DURATION:
            raise ValidationError({"duration": "A mute or suspension lasts at most a year."})
    else:
        duration = None
    now = timezone.now()
    sanction = Sanction(
        user=member,
        kind=kind,
        group=group if kind in (Sanction.Kind.MUTE, Sanction.Kind.WARNING) else None,
        rule=rule,
        message=message,
        post=post,
        created_by=actor,
        starts_at=now,
        ends_at=now + duration if duration else None,
    )
    sanction.full_clean()
    sanction.save()
    audit_record(
        actor=actor,
        action=f"sanction.{kind}",
        group=group,
        post=post,
        target_user=member,
        rule=rule,
        reason=message,
        details={"ends_at": sanction.ends_at.isoformat() if sanction.ends_at else None},
    )
    notification_send(
        recipient=member,
        kind=Notification.Kind.WARNING
        if kind == Sanction.Kind.WARNING
        else Notification.Kind.SANCTION,
        message=_notice(sanction),
        url=reverse("moderation:account_standing"),
    )
    if kind in (Sanction.Kind.SUSPENSION, Sanction.Kind.BAN):
        publish_member_sockets_close_on_commit(member.pk)
    memo(member).pop("_haven_sanctions", None)
    return sanction


def _notice(sanction: Sanction) -> str:
    rule = f"rule {sanction.rule.number}, “{sanction.rule.title}”"
    if sanction.kind == Sanction.Kind.WARNING:
        return (
            f"A facilitator sent you a formal warning about {rule}. Please read and acknowledge it."
        )
    if sanction.kind == Sanction.Kind.BAN:
        return f"Your account can no longer post on Haven, because of {rule}."
    where = f"in {sanction.group.name}" if sanction.group_id else "on Haven"
    return (
        f"Your posting {where} is paused until "
        f"{timezone.localtime(sanction.ends_at):%d %b %Y %H:%M}, because of {rule}."
    )


@transaction.atomic
def warning_acknowledge(*, user: User, sanction: Sanction) -> Sanction:
    """The member confirms they have read a formal warning; posting opens again."""
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.user_id != user.pk or sanction.kind != Sanction.Kind.WARNING:
        raise PermissionDenied("There is no such warning for you.")
    if sanction.acknowledged_at is None:
        sanction.acknowledged_at = timezone.now()
        sanction.save(update_fields=["acknowledged_at"])
        audit_record(
            actor=user, action="warning.acknowledge", group=sanction.group, target_user=user
        )
    memo(user).pop("_haven_sanctions", None)
    return sanction


@transaction.atomic
def sanction_revoke(*, actor: User, sanction: Sanction, reason: str) -> Sanction:
    """Lift a sanction early (an appeal upheld, a mistake). Audited; the member is told."""
    sanction = (
        Sanction.objects.select_for_update(of=("self",))
        .select_related("group", "user", "rule")
        .get(pk=sanction.pk)
    )
    admin = group_policies.is_admin(actor)
    if (
        not admin
        and not (sanction.group_id and group_policies.can_moderate_group(actor, sanction.group))
        and sanction.created_by_id != actor.pk
    ):
        raise PermissionDenied(
            "Only the facilitator who set it, the group's facilitators or an admin can lift this."
        )
    if sanction.revoked_at is not None:
        raise PermissionDenied("This sanction has already been lifted.")
    reason = reason.replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": "Please say why it is lifted."})
    sanction.revoked_at = timezone.now()
    sanction.revoked_by = actor
    sanction.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="sanction.revoke",
        group=sanction.group,
        target_user=sanction.user,
        reason=reason[:1000],
        details={"sanction": sanction.pk, "kind": sanction.kind},
    )
    notification_send(
        recipient=sanction.user,
        kind=Notification.Kind.SANCTION,
        message=f"A facilitator lifted the {sanction.get_kind_display().lower()} on your account.",
        url=reverse("moderation:account_standing"),
    )
    return sanction


@transaction.atomic
def spam_purge(*, actor: User, member: User, rule: Guideline, group: SupportGroup) -> int:
    """Remove every post of a new spam account and ban it, in one step. Facilitators may
    do this to accounts younger than SPAM_ACCOUNT_MAX_AGE that posted in their group;
    admins to any non-staff account. Returns the number of posts removed."""
    admin = group_policies.is_admin(actor)
    if not admin:
        if not group_policies.can_moderate_group(actor, group):
            raise PermissionDenied("You can only act on spam in groups you facilitate.")
        if not is_new_account(member):
            raise PermissionDenied(
                "This account is not new. Please use the sanction ladder, or ask an admin."
            )
    if policies.is_moderator(member) or member.pk == actor.pk:
        raise PermissionDenied("This account can't be removed as spam.")
    rule = check_rule(rule, group)
    posts = list(
        Post.objects.select_for_update()
        .filter(author=member)
        .exclude(state=Post.State.REMOVED)
        .order_by("-id")
    )
    for post in posts:
        post_set_state(post, Post.State.REMOVED)
        review_resolve_for(actor=actor, post=post, resolution="spam")
    Flag.objects.filter(post__author=member, state=Flag.State.OPEN).update(
        state=Flag.State.UPHELD, resolved_at=timezone.now(), resolved_by=actor
    )
    sanction = Sanction.objects.create(
        user=member,
        kind=Sanction.Kind.BAN,
        rule=rule,
        message="Removed as spam.",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="spam.purge",
        group=group,
        target_user=member,
        rule=rule,
        reason="Removed as spam: every post taken down and the account banned.",
        details={"posts_removed": len(posts), "sanction": sanction.pk},
    )
    return len(posts)


def is_new_account(member: User) -> bool:
    """Young enough for a facilitator's one-step spam removal."""
    return member.date_joined >= timezone.now() - SPAM_ACCOUNT_MAX_AGE


ENDED_LOOKBACK = timedelta(days=2)


def sanctions_ended_notify(*, now=None) -> int:
    """Tell members whose mute or suspension ran out (not lifted early: that already told
    them) that they can post again. Once per sanction: the notification's key
    ``sanction_ended:<id>`` marks it done. Returns how many were told."""
    now = now or timezone.now()
    ended = (
        Sanction.objects.filter(
            kind__in=[Sanction.Kind.MUTE, Sanction.Kind.SUSPENSION],
            revoked_at__isnull=True,
            ends_at__lte=now,
            ends_at__gt=now - ENDED_LOOKBACK,
        )
        .select_related("user", "group")
        .order_by("ends_at", "pk")
    )
    told = 0
    for sanction in ended:
        key = f"sanction_ended:{sanction.pk}"
        with transaction.atomic():
            if Notification.objects.filter(recipient_id=sanction.user_id, key=key).exists():
                continue
            where = f"in {sanction.group.name}" if sanction.group_id else "on Haven"
            if notify(
                recipient=sanction.user,
                kind=Notification.Kind.SANCTION_ENDED,
                message=f"Your pause {where} has ended. Welcome back.",
                url=reverse("moderation:account_standing"),
                key=key,
            ):
                told += 1
    return told

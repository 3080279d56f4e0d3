"""Every moderation write: one function per use case, in a transaction, permission-checked,
audited."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send
from groups import policies as group_policies
from groups.models import Post, SupportGroup
from groups.rendering import render_markdown

from . import policies
from .models import AuditLogEntry, Flag, Guideline

DAILY_FLAG_LIMIT = 20
REFLAG_COOLDOWN = timedelta(hours=24)
# Flags for these reasons never count towards hiding a post: a person who writes that
# they are struggling must not be silenced by reports; they need a facilitator instead.
NEVER_AUTO_HIDE = {Flag.Reason.SELF_HARM}


def audit_record(
    *,
    actor: User | None,
    action: str,
    group: SupportGroup | None = None,
    post: Post | None = None,
    target_user: User | None = None,
    rule: Guideline | None = None,
    reason: str = "",
    details: dict | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit log. Call inside the action's own transaction so the
    action and its record commit or fail together."""
    return AuditLogEntry.objects.create(
        actor=actor,
        action=action,
        group=group,
        post=post,
        target_user=target_user,
        rule=rule,
        reason=reason,
        details=details or {},
    )


def reporter_weight(reporter: User) -> float:
    """A new member's flag weighs 1. Upheld flags raise the weight and declined ones lower
    it (Laplace-smoothed accuracy, as Discourse's reviewable score does), between 0.5 and 1.5."""
    history = Flag.objects.filter(reporter=reporter).aggregate(
        upheld=Count("pk", filter=Q(state=Flag.State.UPHELD)),
        declined=Count("pk", filter=Q(state=Flag.State.DECLINED)),
    )
    accuracy = (history["upheld"] + 1) / (history["upheld"] + history["declined"] + 2)
    return round(min(1.5, max(0.5, 2 * accuracy)), 3)


@transaction.atomic
def flag_create(*, reporter: User, post: Post, reason: str, note: str = "") -> Flag:
    """Flag a post. Bounded against abuse (DAILY_FLAG_LIMIT a day, no re-flag of the same
    post within REFLAG_COOLDOWN). When the open flags' weight reaches the group's threshold
    (a facilitator's flag reaches it alone) the post is hidden pending review, and that
    automatic step is audited."""
    post = Post.objects.select_for_update().select_related("thread__group").get(pk=post.pk)
    policies.check_flag(reporter, post)
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": "Please choose a reason."})
    note = note.replace("\x00", "").strip()
    if len(note) > 500:
        raise ValidationError({"note": "The note can be at most 500 characters."})
    now = timezone.now()
    if Flag.objects.filter(
        post=post, reporter=reporter, created_at__gte=now - REFLAG_COOLDOWN
    ).exists():
        raise PermissionDenied(
            "You already flagged this post. Facilitators have it; thank you for looking out."
        )
    today = Flag.objects.filter(reporter=reporter, created_at__gte=now - timedelta(days=1))
    if today.count() >= DAILY_FLAG_LIMIT:
        raise PermissionDenied(
            f"You have flagged {DAILY_FLAG_LIMIT} posts in the last day, the most we take "
            "from one member. Please try again tomorrow or contact a facilitator."
        )
    group = post.thread.group
    facilitator = group_policies.can_moderate_group(reporter, group)
    flag = Flag(
        post=post,
        reporter=reporter,
        reason=reason,
        note=note,
        by_facilitator=facilitator,
        weight=float(group.flag_hide_threshold) if facilitator else reporter_weight(reporter),
        created_at=now,
    )
    flag.full_clean()
    flag.save()
    _hide_if_threshold_reached(post, group)
    return flag


def _hide_if_threshold_reached(post: Post, group: SupportGroup) -> None:
    if post.state != Post.State.PUBLISHED:
        return
    open_flags = post.flags.filter(state=Flag.State.OPEN).exclude(reason__in=NEVER_AUTO_HIDE)
    weights: dict[int, float] = {}
    for reporter_id, weight in open_flags.values_list("reporter_id", "weight"):
        weights[reporter_id] = max(weight, weights.get(reporter_id, 0.0))
    score = sum(weights.values())
    if score < group.flag_hide_threshold:
        return
    post.state = Post.State.HIDDEN
    post.save(update_fields=["state"])
    audit_record(
        actor=None,
        action="post.auto_hide",
        group=group,
        post=post,
        target_user=post.author,
        reason=f"Flag score {score:g} reached the group's threshold of "
        f"{group.flag_hide_threshold}.",
        details={"score": score, "reporters": len(weights)},
    )
    notification_send(
        recipient=post.author,
        kind=Notification.Kind.POST_HIDDEN,
        message="One of your posts is hidden while a facilitator reviews it, as happens after "
        "several reports. You don't need to do anything; you'll hear what they decide.",
        url=post.get_absolute_url(),
    )


@transaction.atomic
def guideline_save(*, guideline: Guideline) -> Guideline:
    """Create or update a rule (admin). Renders its Markdown once, here."""
    guideline.body_html = render_markdown(guideline.body)
    guideline.updated_at = timezone.now()
    guideline.full_clean()
    guideline.save()
    return guideline

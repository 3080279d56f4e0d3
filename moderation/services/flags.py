"""Flags: members report posts; flags on one post gather into one review item."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send
from groups import policies as group_policies
from groups.models import Post, SupportGroup

from .. import policies
from ..models import Flag, ReviewItem
from .audit import audit_post_action
from .posts import post_set_state
from .queue import review_open

DAILY_FLAG_LIMIT = 20
REFLAG_COOLDOWN = timedelta(hours=24)
# Flags for these reasons never count towards hiding a post: a person who writes that
# they are struggling must not be silenced by reports; they need a facilitator instead.
NEVER_AUTO_HIDE = {Flag.Reason.SELF_HARM}


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
    post = (
        Post.objects.select_for_update(of=("self",), no_key=True)
        .select_related("thread__group")
        .get(pk=post.pk)
    )
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
    flag.review_item = _gather_into_review_item(post, group)
    flag.save(update_fields=["review_item"])
    _hide_if_threshold_reached(post, group)
    return flag


# A flag's reason sets how urgent its item is; a person reported as being in crisis comes
# first (crisis alerts from the detector rank higher still).
REASON_SEVERITY = {
    Flag.Reason.SELF_HARM: ReviewItem.Severity.HIGH,
    Flag.Reason.HARASSMENT: ReviewItem.Severity.ELEVATED,
    Flag.Reason.PERSONAL_INFO: ReviewItem.Severity.ELEVATED,
}


def _open_flag_score(post: Post, *, exclude_reasons=()) -> tuple[float, int]:
    """Sum of the open flags' weights, counting each reporter once at their highest."""
    open_flags = post.flags.filter(state=Flag.State.OPEN).exclude(reason__in=exclude_reasons)
    weights: dict[int, float] = {}
    for reporter_id, weight in open_flags.values_list("reporter_id", "weight"):
        weights[reporter_id] = max(weight, weights.get(reporter_id, 0.0))
    return round(sum(weights.values()), 3), len(weights)


def _gather_into_review_item(post: Post, group: SupportGroup) -> ReviewItem:
    """All open flags on a post are one queue item, scored by their weights."""
    reasons = set(post.flags.filter(state=Flag.State.OPEN).values_list("reason", flat=True))
    severity = max(
        (REASON_SEVERITY.get(reason, ReviewItem.Severity.LOW) for reason in reasons),
        default=ReviewItem.Severity.LOW,
    )
    score, reporters = _open_flag_score(post)
    labels = ", ".join(sorted(Flag.Reason(reason).label for reason in reasons))
    return review_open(
        kind=ReviewItem.Kind.FLAGGED_POST,
        group=group,
        post=post,
        severity=severity,
        score=score,
        reason=f"Flagged by {reporters} member{'s' if reporters != 1 else ''}: {labels}",
    )


def _hide_if_threshold_reached(post: Post, group: SupportGroup) -> None:
    if post.state != Post.State.PUBLISHED:
        return
    score, reporters = _open_flag_score(post, exclude_reasons=NEVER_AUTO_HIDE)
    if score < group.flag_hide_threshold:
        return
    post_set_state(post, Post.State.HIDDEN)
    audit_post_action(
        actor=None,
        action="post.auto_hide",
        post=post,
        reason=f"Flag score {score:g} reached the group's threshold of "
        f"{group.flag_hide_threshold}.",
        details={"score": score, "reporters": reporters},
    )
    notification_send(
        recipient=post.author,
        kind=Notification.Kind.POST_HIDDEN,
        message="One of your posts is hidden while a facilitator reviews it, as happens after "
        "several reports. You don't need to do anything; you'll hear what they decide.",
        url=post.get_absolute_url(),
    )

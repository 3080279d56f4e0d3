"""The review queue's life cycle: items open (or gather) when something needs a
facilitator, are claimed so two people don't work the same one, and resolve with the
action that settled them."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send
from groups.models import Membership, Post, SupportGroup

from .. import policies, realtime
from ..models import Resource, ReviewItem
from .audit import audit_record

CLAIM_MINUTES = 30


def review_open(
    *,
    kind: str,
    group: SupportGroup | None,
    post: Post | None = None,
    membership: Membership | None = None,
    resource: Resource | None = None,
    severity: int = ReviewItem.Severity.ROUTINE,
    score: float = 0.0,
    reason: str = "",
) -> ReviewItem:
    """Open a review item, or update the open one for the same post / membership /
    resource (severity only ever rises; the score is the caller's current total).
    Runs inside the caller's transaction."""
    key: dict = {"kind": kind, "state": ReviewItem.State.OPEN}
    if post is not None:
        key["post"] = post
    elif membership is not None:
        key["membership"] = membership
    elif resource is not None:
        key["resource"] = resource
    item = ReviewItem.objects.select_for_update(no_key=True).filter(**key).first()
    if item is None:
        item = ReviewItem(**key, group=group)
    item.severity = max(item.severity or 0, severity)
    item.score = score
    item.reason = (reason or item.reason)[:300]
    item.save()
    realtime.publish_queue_changed_on_commit(item.group_id)
    return item


def review_resolve_for(
    *,
    actor: User | None,
    resolution: str,
    post: Post | None = None,
    membership: Membership | None = None,
    resource: Resource | None = None,
    kinds: list[str] | None = None,
) -> int:
    """Resolve the open items about a post, membership or resource (all kinds unless
    ``kinds`` is given). Returns how many were resolved. Never a crisis alert's item: a
    person's risk does not end when their post is removed, approved or deleted, so only
    ``alert_resolve`` closes those."""
    items = ReviewItem.objects.open().exclude(kind=ReviewItem.Kind.CRISIS)
    if post is not None:
        items = items.filter(post=post)
    if membership is not None:
        items = items.filter(membership=membership)
    if resource is not None:
        items = items.filter(resource=resource)
    if kinds:
        items = items.filter(kind__in=kinds)
    for group_id in set(items.values_list("group_id", flat=True)):
        realtime.publish_queue_changed_on_commit(group_id)
    return items.update(
        state=ReviewItem.State.RESOLVED,
        resolved_at=timezone.now(),
        resolved_by=actor,
        resolution=resolution[:40],
        claimed_by=None,
        claimed_at=None,
    )


def claim_is_live(item: ReviewItem, now=None) -> bool:
    now = now or timezone.now()
    return bool(
        item.claimed_by_id
        and item.claimed_at
        and item.claimed_at > now - timedelta(minutes=CLAIM_MINUTES)
    )


@transaction.atomic
def review_claim(*, actor: User, item: ReviewItem) -> ReviewItem:
    """Claim an item for CLAIM_MINUTES so other facilitators see it is being worked.
    Claiming one already claimed by someone else is refused until that claim expires;
    claiming your own again renews it."""
    item = ReviewItem.objects.select_for_update(no_key=True).get(pk=item.pk)
    policies.check_review(actor, item)
    if item.state != ReviewItem.State.OPEN:
        raise PermissionDenied("This item has already been resolved.")
    if claim_is_live(item) and item.claimed_by_id != actor.pk:
        raise PermissionDenied(
            f"{item.claimed_by.handle} is working on this item. Their claim lapses after "
            f"{CLAIM_MINUTES} minutes without activity."
        )
    item.claimed_by = actor
    item.claimed_at = timezone.now()
    item.save(update_fields=["claimed_by", "claimed_at"])
    audit_record(actor=actor, action="review.claim", group=item.group, post=item.post)
    return item


@transaction.atomic
def review_release(*, actor: User, item: ReviewItem) -> ReviewItem:
    item = ReviewItem.objects.select_for_update(no_key=True).get(pk=item.pk)
    policies.check_review(actor, item)
    if item.claimed_by_id == actor.pk:
        item.claimed_by = None
        item.claimed_at = None
        item.save(update_fields=["claimed_by", "claimed_at"])
    return item


def check_not_claimed_by_other(actor: User, item: ReviewItem) -> None:
    """Actions on an item someone else holds a live claim on are refused, so two
    facilitators never work (and message the member about) the same thing."""
    if claim_is_live(item) and item.claimed_by_id != actor.pk:
        raise PermissionDenied(
            f"{item.claimed_by.handle} has claimed this item. Wait for them, or until the "
            f"claim lapses after {CLAIM_MINUTES} minutes."
        )


@transaction.atomic
def review_remind_overdue(*, now=None) -> int:
    """Notify the facilitators of each group whose open items have waited longer than
    the group's ``review_reminder_minutes``, once per item. Idempotent: an item is
    reminded about only once. Returns the number of items reminded about."""
    now = now or timezone.now()
    # Open items are few (a queue, not a table scan), so the per-group threshold is
    # applied in Python rather than as interval arithmetic that differs per database.
    candidates = (
        ReviewItem.objects.open()
        .filter(reminded_at__isnull=True, group__isnull=False)
        .select_related("group")
    )
    overdue = [
        item
        for item in candidates
        if item.created_at <= now - timedelta(minutes=item.group.review_reminder_minutes)
    ]
    by_group: dict[int, list[ReviewItem]] = {}
    for item in overdue:
        by_group.setdefault(item.group_id, []).append(item)
    for items in by_group.values():
        group = items[0].group
        facilitators = User.objects.filter(
            memberships__group=group,
            memberships__role=Membership.Role.FACILITATOR,
            memberships__status=Membership.Status.ACTIVE,
        )
        count = len(items)
        message = (
            f"{count} review item{'s' if count != 1 else ''} in {group.name} "
            f"{'have' if count != 1 else 'has'} waited more than "
            f"{group.review_reminder_minutes} minutes."
        )
        for facilitator in facilitators:
            notification_send(
                recipient=facilitator,
                kind=Notification.Kind.REVIEW_REMINDER,
                message=message,
                url=f"{reverse('moderation:review_queue')}?group={group.slug}",
            )
    ReviewItem.objects.filter(pk__in=[item.pk for item in overdue]).update(reminded_at=now)
    return len(overdue)

"""The review queue as a facilitator sees it: their groups' items (an admin: all), most
severe first, then highest score, then oldest; a fixed number of queries a page."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from groups import policies as group_policies
from groups.models import Post, SupportGroup

from .. import policies
from ..models import Flag, ReviewItem
from ..services.queue import claim_is_live

QUEUE_PAGE_SIZE = 25


@dataclass
class QueueFilters:
    group: SupportGroup | None = None
    kind: str = ""
    state: str = ReviewItem.State.OPEN


def _visible_items(viewer: User) -> QuerySet[ReviewItem]:
    items = ReviewItem.objects.all()
    if not group_policies.is_admin(viewer):
        # Site-wide items are every facilitator's, except a crisis alert with no group,
        # which is the admins' alone (as ``policies.can_view_alert`` says).
        items = items.filter(
            Q(group_id__in=policies.moderated_group_ids(viewer))
            | (Q(group__isnull=True) & ~Q(kind=ReviewItem.Kind.CRISIS))
        )
        # Re-verifying crisis lines is the admins' job (a wrong number does harm).
        items = items.exclude(kind=ReviewItem.Kind.CRISIS_LINE)
    return items


def queue_groups_for(viewer: User) -> QuerySet[SupportGroup]:
    """The groups whose items the viewer reviews (the queue's group filter)."""
    groups = SupportGroup.objects.order_by("name")
    if not group_policies.is_admin(viewer):
        groups = groups.filter(pk__in=policies.moderated_group_ids(viewer))
    return groups


def review_queue_for(viewer: User, filters: QueueFilters, *, page: str | int | None) -> Page:
    """One page of the queue. Queries: count, page, flags with reporters (plus the
    viewer's facilitated groups, memoised)."""
    items = _visible_items(viewer)
    if filters.group is not None:
        items = items.filter(group=filters.group)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.state:
        items = items.filter(state=filters.state)
    items = (
        items.select_related(
            "group",
            "post__thread",
            "post__author",
            "membership__user",
            "resource",
            "crisis_line",
            "crisis_alert__subject",
            "crisis_alert__acknowledged_by",
            "claimed_by",
            "resolved_by",
        )
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.select_related("reporter").order_by("created_at"),
            )
        )
        .queue_order()
    )
    if filters.state == ReviewItem.State.RESOLVED:
        items = items.order_by("-resolved_at", "-id")
    page_obj = Paginator(items, QUEUE_PAGE_SIZE).get_page(page)
    for item in page_obj.object_list:
        item.claim_live = claim_is_live(item)
    return page_obj


def review_counts_for(viewer: User) -> dict[str, int]:
    """Open items by kind, and their total under "all": one query."""
    rows = _visible_items(viewer).open().values("kind").annotate(n=Count("pk")).order_by()
    counts = {row["kind"]: row["n"] for row in rows}
    counts["all"] = sum(counts.values())
    return counts


def review_item_for(viewer: User, item_id: int) -> ReviewItem:
    item = get_object_or_404(
        ReviewItem.objects.select_related(
            "group",
            "post__thread__group",
            "post__author",
            "membership__user",
            "resource",
            "crisis_line",
            "crisis_alert",
            "claimed_by",
            "resolved_by",
        ),
        pk=item_id,
    )
    policies.check_review(viewer, item)
    if item.kind == ReviewItem.Kind.CRISIS_LINE and not group_policies.is_admin(viewer):
        raise group_policies.Hidden("No such review item.")  # admins re-verify crisis lines
    item.claim_live = claim_is_live(item)
    return item


@dataclass
class PostContext:
    """A post with the thread around it: the opening post, the chain of posts it answers,
    and the direct replies to it."""

    post: Post
    opening: Post | None
    ancestors: list[Post] = field(default_factory=list)
    replies: list[Post] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    open_items: list[ReviewItem] = field(default_factory=list)


CONTEXT_REPLIES = 5


def post_context_for(viewer: User, post_id: int) -> PostContext:
    post = get_object_or_404(
        Post.objects.select_related("thread__group", "author", "reply_to__author"), pk=post_id
    )
    policies.check_moderate_post(viewer, post)
    ancestor_ids = [int(part) for part in post.path.split("/")[:-1]]
    around = {
        p.pk: p
        for p in Post.objects.filter(
            Q(pk__in=ancestor_ids) | Q(thread=post.thread, is_opening=True)
        ).select_related("author")
    }
    opening = next((p for p in around.values() if p.is_opening), None)
    replies = list(
        Post.objects.filter(parent=post).select_related("author").order_by("path")[:CONTEXT_REPLIES]
    )
    flags = list(Flag.objects.filter(post=post).select_related("reporter").order_by("-created_at"))
    open_items = list(ReviewItem.objects.open().filter(post=post).select_related("claimed_by"))
    for item in open_items:
        item.claim_live = claim_is_live(item)
    return PostContext(
        post=post,
        opening=opening if opening and opening.pk != post.pk else None,
        ancestors=[around[i] for i in ancestor_ids if i in around and not around[i].is_opening],
        replies=replies,
        flags=flags,
        open_items=open_items,
    )

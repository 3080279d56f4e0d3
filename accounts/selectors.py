from django.core.paginator import Page, Paginator

from .models import Block, Notification, User
from .triggers import filter_for, notification_fold
from .viewer import memo


def notifications_page(viewer: User, *, page: str | int | None) -> Page:
    """The member's notifications, newest first, with who acted and the post (to link to
    it, to keep an anonymous author unnamed and to fold it by the member's trigger
    filters, ``.fold``). Two queries (count, page)."""
    notifications = Notification.objects.filter(recipient=viewer).select_related(
        "actor", "post__thread", "thread"
    )
    paginator = Paginator(notifications, 30)
    page_obj = paginator.get_page(page)
    content_filter = filter_for(viewer)
    for notification in page_obj.object_list:
        # Folded like the post itself: the words are kept behind "Show".
        notification.fold = notification_fold(notification, content_filter)
    return page_obj


def unread_notification_count(viewer: User) -> int:
    if not viewer.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


def blocked_ids(viewer: User) -> frozenset[int]:
    """The ids of the members the viewer blocked. One query per request (kept on the user
    object)."""
    if not viewer.is_authenticated:
        return frozenset()
    cached = memo(viewer).get("_haven_blocked_ids")
    if cached is None:
        cached = frozenset(
            Block.objects.filter(blocker=viewer).values_list("blocked_id", flat=True)
        )
        memo(viewer)["_haven_blocked_ids"] = cached
    return cached


def blocks_of(viewer: User) -> list[Block]:
    """The viewer's blocks for their settings page, newest first. One query."""
    return list(Block.objects.filter(blocker=viewer).select_related("blocked"))


def who_blocked(author_id: int, user_ids) -> set[int]:
    """Of ``user_ids``, those who blocked ``author_id``. One query."""
    if not user_ids:
        return set()
    return set(
        Block.objects.filter(blocked_id=author_id, blocker_id__in=list(user_ids)).values_list(
            "blocker_id", flat=True
        )
    )


def blocked_by_count(member: User) -> int:
    """How many members blocked this one: a signal for facilitators, never shown to
    members."""
    return Block.objects.filter(blocked=member).count()

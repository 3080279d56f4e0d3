"""Single posts as their pages need them: a post the viewer may see, its page in the
thread (permalinks), its earlier versions, one post as the live thread shows it, and the
changes to a thread since a moment (a live page that reconnects)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User

from .. import policies
from ..models import Post, PostRevision, Thread
from .postviews import PostView, _post_views
from .threads import _last_read, _page_posts, _visible_posts, thread_for


def post_for(viewer: User, post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread__group", "author"), pk=post_id)
    policies.check_view_post(viewer, post)
    if not post.thread.is_published and not (
        policies.can_moderate_group(viewer, post.thread.group)
        or (viewer.is_authenticated and post.thread.author_id == viewer.pk)
    ):
        raise policies.Hidden("No such post.")
    return post


def post_page_number(viewer: User, post: Post) -> int:
    """The page of its thread a post is on, for permalinks. One query."""
    moderator = policies.can_moderate_group(viewer, post.thread.group)
    before = _visible_posts(viewer, post.thread, moderator).filter(path__lt=post.path).count()
    return before // settings.HAVEN_POSTS_PER_PAGE + 1


def post_revisions(viewer: User, post: Post) -> list[PostRevision]:
    """Earlier versions for the author and facilitators; what a facilitator redacted
    (``staff_only``) for facilitators only."""
    policies.check_view_revisions(viewer, post)
    revisions = list(post.revisions.select_related("edited_by"))
    # The role is asked only when there is something to withhold (a query saved).
    if any(r.staff_only for r in revisions) and not policies.can_moderate_group(
        viewer, post.thread.group
    ):
        revisions = [r for r in revisions if not r.staff_only]
    return revisions


CATCH_UP_LIMIT = 200


def thread_changes_since(viewer: User, thread_id: int, since) -> dict:
    """For a live page that reconnects: the ids of the posts the viewer has a place for
    that were created, edited, deleted or reacted to after ``since`` ("edited" includes
    what a facilitator changed, hidden, removed, restored or a content warning, and a
    reaction taken back), and the server time to resume from. Raises Http404 if the viewer
    may no longer read the thread. A fixed number of queries."""
    now = timezone.now()
    thread = thread_for(viewer, thread_id)
    moderator = policies.can_moderate_group(viewer, thread.group)
    posts = _visible_posts(viewer, thread, moderator)
    created = list(
        posts.filter(created_at__gt=since)
        .order_by("path")
        .values_list("pk", flat=True)[:CATCH_UP_LIMIT]
    )
    edited = list(
        posts.filter(Q(edited_at__gt=since) | Q(changed_at__gt=since)).values_list("pk", flat=True)[
            :CATCH_UP_LIMIT
        ]
    )
    deleted = list(posts.filter(deleted_at__gt=since).values_list("pk", flat=True)[:CATCH_UP_LIMIT])
    reacted = list(
        posts.filter(reactions__created_at__gt=since)
        .distinct()
        .values_list("pk", flat=True)[:CATCH_UP_LIMIT]
    )
    return {
        "created": created,
        "edited": sorted(set(edited) - set(created)),
        "deleted": sorted(deleted),
        "reacted": sorted(set(reacted) - set(created)),
        "at": now.timestamp(),
    }


@dataclass
class LivePost:
    """One post as the thread page would show it to this viewer, for the live update."""

    thread: Thread
    moderator: bool
    post: PostView


def post_live(viewer: User, post_id: int) -> LivePost:
    """One post rendered for the live thread: the same policies as the thread page
    (Http404 for anyone who may not have a place for it). A fixed number of queries."""
    post = post_for(viewer, post_id)
    thread = thread_for(viewer, post.thread_id)
    moderator = policies.can_moderate_group(viewer, thread.group)
    visible = _visible_posts(viewer, thread, moderator)
    row = _page_posts(viewer, visible, thread.group).filter(pk=post.pk).first()
    if row is None:
        raise policies.Hidden("No such post.")
    refusal = policies.reply_refusal(viewer, thread)
    last_read = _last_read(viewer, thread)
    on_page = {row.pk} | ({row.parent_id} if row.parent_id else set())
    (view,) = _post_views(
        viewer,
        thread,
        [row],
        moderator=moderator,
        refusal=refusal,
        last_read=last_read,
        on_page=on_page,
    )
    return LivePost(thread=thread, moderator=moderator, post=view)

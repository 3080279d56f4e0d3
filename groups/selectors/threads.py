"""A thread page, single posts (permalinks, revisions) and what a live thread page
needs: one post as the page shows it and the changes since a moment."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.http import Http404

from accounts.models import Block, User
from moderation.models import FacilitatorNote
from supportforum.prepared import Prepared

from .. import policies
from ..models import (
    Membership,
    Post,
    Thread,
    ThreadReadState,
    ThreadSubscription,
)
from . import snapshots
from .postviews import (
    PostView,
    _my_reactions,
    _post_views,
    _reactions,
    title_muted,
)


@dataclass
class ThreadPage:
    thread: Thread
    page: Page
    posts: list[PostView]
    moderator: bool
    can_reply: bool
    reply_refusal: str | None
    anonymous_allowed: bool
    last_read_post_id: int
    title_muted: bool = False  # the title has one of the reader's mute words: folded


# What the thread page never reads of a post's row, its author's or its reply target's:
# fewer columns to send and to turn into Python values on every page.
PRIVATE_USER_FIELDS = (
    "password",
    "last_login",
    "email",
    "bio",
    "region",
    "time_zone",
    "guidelines_accepted_at",
    "quiet_hours_start",
    "quiet_hours_end",
    "notifications_paused_until",
    "digest_frequency",
    "last_digest_at",
    "collapse_topics",
    "mute_words",
    "link_interstitial",
    "erasure_due_at",
    "erasure_posts",
    "date_joined",
)
_UNSHOWN = (
    "search_vector",
    "reply_to__search_vector",
    "reply_to__body",
    "reply_to__body_html",
    *(f"author__{f}" for f in PRIVATE_USER_FIELDS),
    *(f"reply_to__author__{f}" for f in PRIVATE_USER_FIELDS),
)


def _thread_query(reader_state: bool, *, thread_id: int, viewer_id: int | None = None):
    threads = Thread.objects.select_related("group", "author", "locked_by")
    if reader_state:  # the thread page reads no private column of the two accounts
        threads = threads.defer(
            *(f"{who}__{f}" for who in ("author", "locked_by") for f in PRIVATE_USER_FIELDS)
        ).annotate(page_version=snapshots.version_of(OuterRef("pk")))
    if viewer_id is not None:
        mine = {"user_id": viewer_id, "thread_id": OuterRef("pk")}
        threads = threads.annotate(
            reader_last_read=Subquery(
                ThreadReadState.objects.filter(**mine).values("last_read_post_id")[:1]
            ),
            reader_subscription=Subquery(
                ThreadSubscription.objects.filter(**mine).values("state")[:1]
            ),
            **(snapshots.reader_differs(viewer_id, OuterRef("pk")) if reader_state else {}),
        )
    return threads.filter(pk=thread_id)


THREAD = Prepared("thread", Thread, _thread_query)


def thread_for(viewer: User, thread_id: int, *, reader_state: bool = False) -> Thread:
    """The thread if the viewer may read it (else Http404). With ``reader_state`` (the
    thread page), the viewer's read marker and follow/mute choice come in the same query
    (``_last_read``, ``audience.subscription_state`` then ask nothing)."""
    values = {"thread_id": _id(thread_id)}
    if reader_state and viewer.is_authenticated:
        values["viewer_id"] = viewer.pk
    found = THREAD.objects((reader_state,), **values)
    if not found:
        raise Http404("No such thread.")
    thread = found[0]
    policies.check_read_group(viewer, thread.group)
    if not thread.is_published and not (
        policies.can_moderate_group(viewer, thread.group)
        or (viewer.is_authenticated and thread.author_id == viewer.pk)
    ):
        raise policies.Hidden("No such thread.")
    return thread


def _id(value) -> int:
    """An id from a URL or a socket's route: anything else is "not found"."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such page.") from None
    if not -(2**63) <= number < 2**63:  # no row has it; SQLite would raise OverflowError
        raise Http404("No such page.")
    return number


def _visible_posts(viewer: User, thread: Thread, moderator: bool) -> QuerySet[Post]:
    return thread.posts.filter(policies.visible_posts_filter(viewer, moderator=moderator))


def _last_read(viewer: User, thread: Thread) -> int:
    """The id of the last post the viewer has read in the thread (0: none). One query."""
    if not viewer.is_authenticated:
        return 0
    if "reader_last_read" in thread.__dict__:  # read with the thread (thread_for)
        return thread.reader_last_read or 0
    return (
        ThreadReadState.objects.filter(user=viewer, thread=thread)
        .values_list("last_read_post_id", flat=True)
        .first()
    ) or 0


def _page_posts(viewer: User, visible: QuerySet[Post], group) -> QuerySet[Post]:
    """The posts as the thread page (and a live post) reads them: with their authors and
    reply targets (none of the accounts' private columns), and per post, in the same
    query: did the viewer block its author (``author_blocked``: the post collapses), did
    its author block the viewer (``blocks_viewer``: no direct reply), is its author an
    active facilitator of the group (``author_facilitates``: the badge) and has it any
    facilitator note (``has_notes``: notes are read only then)."""
    viewer_id = viewer.pk if viewer.is_authenticated else None
    return _with_page_facts(visible, group_id=group.pk, viewer_id=viewer_id)


def _with_page_facts(
    visible: QuerySet[Post], *, group_id: int, viewer_id: int | None
) -> QuerySet[Post]:
    annotations = {
        "author_facilitates": Exists(
            Membership.objects.filter(
                group_id=group_id,
                user_id=OuterRef("author_id"),
                role=Membership.Role.FACILITATOR,
                status=Membership.Status.ACTIVE,
            )
        ),
        "has_notes": Exists(FacilitatorNote.objects.filter(post_id=OuterRef("pk"))),
    }
    if viewer_id is not None:
        annotations["author_blocked"] = Exists(
            Block.objects.filter(blocker_id=viewer_id, blocked_id=OuterRef("author_id"))
        )
        annotations["blocks_viewer"] = Exists(
            Block.objects.filter(blocker_id=OuterRef("author_id"), blocked_id=viewer_id)
        )
    return (
        visible.select_related("author", "reply_to__author")
        .defer(*_UNSHOWN)
        .annotate(**annotations)
    )


def _thread_posts(moderator: bool, *, thread_id: int, viewer_id: int | None) -> QuerySet[Post]:
    """``_visible_posts`` by ids, for the queries kept compiled."""
    shown = policies.visible_posts_q(viewer_id, moderator=moderator)
    return Post.objects.filter(thread_id=thread_id).filter(shown)


def _page_query(
    moderator: bool,
    window: tuple[str, int, int],
    *,
    thread_id: int,
    group_id: int,
    viewer_id: int | None = None,
) -> QuerySet[Post]:
    """One page's posts (``window``: see ``_window``) with ``_page_posts``'s facts."""
    visible = _thread_posts(moderator, thread_id=thread_id, viewer_id=viewer_id)
    posts = _with_page_facts(visible, group_id=group_id, viewer_id=viewer_id)
    how, low, high = window
    if how == "start":
        return posts.order_by("path")[low:high]
    if how == "end":
        return posts.order_by("-path")[low:high]
    on_page = visible.order_by("path" if how == "deep-start" else "-path").values("pk")
    return posts.filter(pk__in=on_page[low:high]).order_by("path")


def _count_query(moderator: bool, *, thread_id: int, viewer_id: int | None = None):
    visible = _thread_posts(moderator, thread_id=thread_id, viewer_id=viewer_id)
    return visible.order_by().values("thread_id").annotate(n=Count("*")).values_list("n", flat=True)


PAGE_POSTS = Prepared("thread page posts", Post, _page_query)
POST_COUNT = Prepared("thread post count", Post, _count_query)


def _window(count: int, page_obj: Page) -> tuple[str, int, int] | None:
    """Which rows make one page, in tree order: a page in the second half of the thread
    is read from the end (``ORDER BY path DESC`` with the smaller offset), so the last
    page of a long thread costs what the first does. Deep in a long thread (an offset
    past two pages), which posts are on the page is found on the visible posts alone,
    inside the query that then joins authors, reply targets and annotations for those
    rows only: with the OFFSET on the joined query PostgreSQL joined every skipped row
    too (2.6 ms instead of 1.2 ms in the middle of a 1,000-post thread)."""
    start, end = page_obj.start_index() - 1, page_obj.end_index()
    if count == 0 or end <= start:
        return None
    from_start = start <= count - end
    low, high = (start, end) if from_start else (count - end, count - start)
    deep = low > 2 * settings.HAVEN_POSTS_PER_PAGE
    return ("deep-" if deep else "") + ("start" if from_start else "end"), low, high


class Counted(Paginator):
    """A paginator told the count (a kept ``COUNT(*)`` query) instead of asking a queryset."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__((), per_page)
        self.__dict__["count"] = count


def thread_page(viewer: User, thread: Thread, *, page: str | int | None) -> ThreadPage:
    """One page of a thread in tree order, nested to HAVEN_MAX_NESTING_DEPTH, with
    reactions, unread markers and what the viewer may do. A fixed number of queries:
    membership, count, posts (with their authors' roles), the reactions, and the
    facilitator notes when a post of the page has one. The count, posts and reactions
    queries are kept compiled (``supportforum.prepared``): only their values change."""
    group = thread.group
    moderator = policies.can_moderate_group(viewer, group)
    refusal = policies.reply_refusal(viewer, thread)
    last_read = _last_read(viewer, thread)
    key = snapshots.key_for(thread, moderator=moderator, page=page)
    kept = snapshots.read(key) if key else None
    # A page that may be kept is read without this reader's id, as every reader it fits
    # sees it (no block annotations; no pending posts of theirs: key_for checked).
    own = {"viewer_id": viewer.pk} if viewer.is_authenticated and not key else {}
    if kept is None:
        kept = _page_rows(thread, moderator=moderator, page=page, ids=own)
        if key:
            snapshots.keep(key, kept)
    if own:  # the counts with the reader's own, in one query
        reactions = _reactions(viewer, [p.pk for p in kept.rows])
    else:
        reactions = (kept.reaction_counts, _my_reactions(viewer, kept.rows))
    page_obj = Counted(kept.count, settings.HAVEN_POSTS_PER_PAGE).get_page(kept.number)
    views = _post_views(
        viewer,
        thread,
        kept.rows,
        moderator=moderator,
        refusal=refusal,
        last_read=last_read,
        reactions=reactions,
    )
    return ThreadPage(
        thread=thread,
        page=page_obj,
        posts=views,
        moderator=moderator,
        can_reply=refusal is None,
        reply_refusal=refusal,
        anonymous_allowed=group.allow_anonymous,
        last_read_post_id=last_read,
        title_muted=title_muted(viewer, thread),
    )


def _page_rows(thread: Thread, *, moderator: bool, page, ids: dict) -> snapshots.PageSnapshot:
    """The count, one page's rows and (without ``ids``) their reaction counts, from the
    database. Without ``ids``, as any reader without a pending post or a block sees them."""
    # A facilitator sees every post: their id is no part of the count.
    counted = POST_COUNT.rows((moderator,), thread_id=thread.pk, **({} if moderator else ids))
    page_obj = Counted(counted[0] if counted else 0, settings.HAVEN_POSTS_PER_PAGE).get_page(page)
    window = _window(page_obj.paginator.count, page_obj)
    rows = []
    if window:
        rows = PAGE_POSTS.objects(
            (moderator, window), thread_id=thread.pk, group_id=thread.group_id, **ids
        )
    if window and window[0] == "end":
        rows.reverse()
    counts = {} if ids else _reactions(AnonymousUser(), [p.pk for p in rows])[0]
    return snapshots.PageSnapshot(page_obj.paginator.count, page_obj.number, rows, counts)

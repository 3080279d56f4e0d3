"""A thread page, single posts (permalinks, revisions) and what a live thread page
needs: one post as the page shows it and the changes since a moment."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import translation

from accounts.models import Block, User
from accounts.triggers import Collapse, ContentFilter, filter_for
from moderation import policies as moderation_policies
from moderation.models import FacilitatorNote, Resource
from supportforum.prepared import Prepared

from .. import policies
from ..models import (
    Membership,
    Post,
    Reaction,
    Thread,
    ThreadReadState,
    ThreadSubscription,
)


class ReactionCount(NamedTuple):
    """One reaction kind under a post: also part of the post's card (hashable)."""

    kind: str
    label: str
    count: int
    mine: bool


@dataclass
class PostView:
    post: Post
    indent: int
    author_label: str
    author_is_facilitator: bool
    show_body: bool
    placeholder: str
    replying_to: Post | None
    replying_to_label: str
    is_new: bool
    reactions: list[ReactionCount]
    has_reactions: bool
    can_edit: bool
    can_delete: bool
    can_react: bool
    can_reply: bool
    can_approve: bool
    can_flag: bool
    can_view_history: bool
    can_add_note: bool = False
    facilitator_notes: list["NoteView"] = field(default_factory=list)
    from_blocked: bool = False  # collapsed: "Post from a member you blocked"
    collapse: Collapse | None = None  # folded by a content warning or the reader's filters


@dataclass
class NoteView:
    """A facilitator note as readers see it: the linked resource only while it is vetted."""

    note: FacilitatorNote
    resource: Resource | None


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
        )
    if viewer_id is not None:
        mine = {"user_id": viewer_id, "thread_id": OuterRef("pk")}
        threads = threads.annotate(
            reader_last_read=Subquery(
                ThreadReadState.objects.filter(**mine).values("last_read_post_id")[:1]
            ),
            reader_subscription=Subquery(
                ThreadSubscription.objects.filter(**mine).values("state")[:1]
            ),
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


def _label(viewer: User, post: Post, moderator: bool) -> str:
    if post.author is None:
        return "Former member"
    if post.is_anonymous and not policies.can_see_author(viewer, post, moderator=moderator):
        return "Anonymous member"
    if post.is_anonymous:
        return f"{post.author.handle} (posted anonymously)"
    return post.author.handle


def _placeholder(post: Post) -> str:
    if post.is_deleted:
        return "This post was deleted by its author."
    if post.state == Post.State.REMOVED:
        return "This post was removed by a facilitator."
    if post.state == Post.State.HIDDEN:
        return "This post is hidden while a facilitator reviews it."
    return ""


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


def _reactions_query(*, ids: list[int], viewer_id: int | None = None):
    given = Count("pk", filter=Q(user_id=viewer_id)) if viewer_id is not None else Value(0)
    return (
        Reaction.objects.filter(post_id__in=ids)
        .values("post_id", "kind")
        .order_by()
        .annotate(n=Count("pk"), given=given)
        .values_list("post_id", "kind", "n", "given")
    )


REACTIONS = Prepared("reactions of a page", Reaction, _reactions_query)


def _reactions(viewer: User, ids: list[int]) -> tuple[dict, dict]:
    """Per post of ``ids``: the count of each reaction kind, and the kinds the viewer gave.
    One indexed aggregate over the page's posts (not a GROUP BY over the posts query,
    which made PostgreSQL count every row of a long thread)."""
    counts: dict[int, dict[str, int]] = {}
    mine: dict[int, set[str]] = {}
    if not ids:
        return counts, mine
    who = {"viewer_id": viewer.pk} if viewer.is_authenticated else {}
    for post_id, kind, n, given_n in REACTIONS.rows(ids=ids, **who):
        counts.setdefault(post_id, {})[kind] = n
        if given_n:
            mine.setdefault(post_id, set()).add(kind)
    return counts, mine


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
    ids = {"viewer_id": viewer.pk} if viewer.is_authenticated else {}
    # A facilitator sees every post: their id is no part of the count.
    counted = POST_COUNT.rows((moderator,), thread_id=thread.pk, **({} if moderator else ids))
    page_obj = Counted(counted[0] if counted else 0, settings.HAVEN_POSTS_PER_PAGE).get_page(page)
    window = _window(page_obj.paginator.count, page_obj)
    rows = []
    if window:
        rows = PAGE_POSTS.objects(
            (moderator, window), thread_id=thread.pk, group_id=group.pk, **ids
        )
    if window and window[0] == "end":
        rows.reverse()
    views = _post_views(
        viewer, thread, rows, moderator=moderator, refusal=refusal, last_read=last_read
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


def _post_views(
    viewer: User,
    thread: Thread,
    rows: list[Post],
    *,
    moderator: bool,
    refusal: str | None,
    last_read: int,
    on_page: set[int] | None = None,
) -> list[PostView]:
    """PostViews for rows read through ``_page_posts``: the reaction counts with the
    viewer's own in one query, the facilitator notes in one more when a row has any."""
    ids = [p.pk for p in rows]
    counts, mine = _reactions(viewer, ids)
    facilitators = {p.author_id for p in rows if p.author_facilitates}
    readable = [
        p.pk
        for p in rows
        if p.has_notes and policies.can_read_post_body(viewer, p, moderator=moderator)
    ]
    notes: dict[int, list[NoteView]] = {}
    if readable:
        for note in FacilitatorNote.objects.filter(post_id__in=readable).select_related(
            "author", "resource"
        ):
            vetted = note.resource_id and note.resource.state == Resource.State.VETTED
            notes.setdefault(note.post_id, []).append(
                NoteView(note, note.resource if vetted else None)
            )
    on_page = set(ids) if on_page is None else on_page
    reaction_kinds = _reaction_kinds(translation.get_language())
    content_filter = filter_for(viewer)
    max_depth = settings.HAVEN_MAX_NESTING_DEPTH
    views = []
    for post in rows:
        post.thread = thread
        show_body = policies.can_read_post_body(viewer, post, moderator=moderator)
        nested_under_target = (
            post.reply_to_id is not None
            and post.reply_to_id == post.parent_id
            and post.parent_id in on_page
            and post.depth <= max_depth
        )
        replying_to = post.reply_to if post.reply_to_id and not nested_under_target else None
        replying_label = ""
        if replying_to is not None:
            replying_to.thread = thread
            replying_label = _label(viewer, replying_to, moderator)
        own = viewer.is_authenticated and post.author_id == viewer.pk
        given = mine.get(post.pk, set())
        counted = counts.get(post.pk, {})
        reactions = [
            ReactionCount(kind, label, counted.get(kind, 0), kind in given)
            for kind, label in reaction_kinds
        ]
        alive = post.state == Post.State.PUBLISHED and not post.is_deleted
        # An anonymous post never collapses as "from a member you blocked": that would
        # tell the reader who wrote it.
        from_blocked = getattr(post, "author_blocked", False) and policies.can_see_author(
            viewer, post, moderator=moderator
        )
        blocks_viewer = getattr(post, "blocks_viewer", False) and not moderator
        views.append(
            PostView(
                post=post,
                indent=min(post.depth, max_depth),
                author_label=_label(viewer, post, moderator),
                author_is_facilitator=post.author_id in facilitators
                and policies.can_see_author(viewer, post, moderator=moderator),
                show_body=show_body,
                placeholder=_placeholder(post),
                replying_to=replying_to,
                replying_to_label=replying_label,
                is_new=viewer.is_authenticated and not own and post.pk > last_read,
                reactions=reactions,
                has_reactions=any(r.count for r in reactions),
                can_edit=own and policies.edit_refusal(viewer, post) is None,
                can_delete=policies.can_delete_post(viewer, post),
                can_react=policies.can_react(viewer, post),
                can_reply=alive and refusal is None and not blocks_viewer,
                can_approve=moderator and post.state == Post.State.PENDING,
                can_flag=moderation_policies.can_flag(viewer, post),
                can_view_history=post.edited_at is not None and (own or moderator),
                can_add_note=moderator and post.state != Post.State.REMOVED and not post.is_deleted,
                facilitator_notes=notes.get(post.pk, []) if show_body else [],
                from_blocked=from_blocked,
                collapse=_collapse(content_filter, post, thread, own=own) if show_body else None,
            )
        )
    return views


@lru_cache(maxsize=16)
def _reaction_kinds(language: str | None) -> tuple[tuple[str, str], ...]:
    """The reaction kinds with their labels in ``language``, as text: once per language,
    not a lazy translation looked up again for each of a page's 20 posts."""
    return tuple((kind, str(label)) for kind, label in Reaction.Kind.choices)


def title_muted(viewer: User, thread: Thread) -> bool:
    """Whether a thread's title folds for the reader (one of their mute words; never
    their own thread)."""
    if viewer.is_authenticated and thread.author_id == viewer.pk:
        return False
    return filter_for(viewer).mutes(thread.title)


def _collapse(content_filter: ContentFilter, post: Post, thread: Thread, *, own: bool):
    """How the post folds for this reader. Their own posts fold only for a written
    warning: the reader's topics and mute words are about what others write."""
    if own:
        content_filter = ContentFilter(frozenset())
    title = thread.title if post.is_opening else ""
    return content_filter.collapse(
        warning=post.content_warning, topics=post.content_topics, texts=(post.body, title)
    )

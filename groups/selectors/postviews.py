"""A post as one reader sees it on a thread page or a live post (``PostView``): its
author's label, placeholder, nesting, reactions (the counts and the reader's own), unread
marker, folding by the reader's filters and what the reader may do with it."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Q, Value
from django.utils import translation

from accounts.models import User
from accounts.triggers import Collapse, ContentFilter, filter_for
from moderation import policies as moderation_policies
from moderation.models import FacilitatorNote, Resource
from supportforum.prepared import Prepared

from .. import policies
from ..models import Post, Reaction, Thread


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


def _my_reactions_query(*, ids: list[int], viewer_id: int):
    return Reaction.objects.filter(post_id__in=ids, user_id=viewer_id).values_list(
        "post_id", "kind"
    )


MY_REACTIONS = Prepared("the reader's reactions on a page", Reaction, _my_reactions_query)


def _my_reactions(viewer: User, rows: list[Post]) -> dict[int, set[str]]:
    """Per post of ``rows``, the reaction kinds the viewer gave (one indexed query)."""
    mine: dict[int, set[str]] = {}
    if rows and viewer.is_authenticated:
        for post_id, kind in MY_REACTIONS.rows(ids=[p.pk for p in rows], viewer_id=viewer.pk):
            mine.setdefault(post_id, set()).add(kind)
    return mine


def _post_views(
    viewer: User,
    thread: Thread,
    rows: list[Post],
    *,
    moderator: bool,
    refusal: str | None,
    last_read: int,
    on_page: set[int] | None = None,
    reactions: tuple[dict, dict] | None = None,
) -> list[PostView]:
    """PostViews for rows read through ``_page_posts``: the reaction counts with the
    viewer's own in one query (unless given as ``reactions``: counts, the viewer's), the
    facilitator notes in one more when a row has any."""
    ids = [p.pk for p in rows]
    counts, mine = reactions if reactions is not None else _reactions(viewer, ids)
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

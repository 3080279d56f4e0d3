"""A post as one reader sees it, flattened into plain values: the whole input of
``groups/_post.html``, and so the key of its rendered HTML.

The thread page renders 20 posts; rendering each through the template costs more than
all its queries. A ``PostCard`` holds every value the fragment reads (no model, no user,
no request), so two readers with equal cards get byte-identical HTML, and the HTML can be
kept by card (``groups.templatetags.groups_tags.post_html``): a facilitator's card (who
wrote an anonymous post, Moderate links) never equals a member's, an edited post has a
new body, a new reaction a new count. The CSRF token, the one per-request value, is put
in after the fragment is taken from the cache."""

from typing import TYPE_CHECKING, NamedTuple

from supportforum.ages import age

from ..models import Post
from .postviews import ReactionCount

if TYPE_CHECKING:
    from .directory import GroupCard


class NoteCard(NamedTuple):
    pk: int
    author_handle: str  # "" when the facilitator's account is gone
    author_badge: str
    created: str  # ISO 8601 in the reader's time zone
    age: str
    body_html: str
    about_misinformation: bool
    resource_url: str  # "" unless the linked resource is vetted
    resource_title: str
    resource_description: str


class PostCard(NamedTuple):
    pk: int
    thread_id: int
    parent_id: int | None
    path: str
    indent: int
    is_new: bool
    muted: bool  # not published, or deleted
    pending: bool
    author_label: str
    author_handle: str  # "" when the author is not shown (anonymous, former member)
    facilitator_badge: str
    created: str
    age: str
    edited: bool
    can_view_history: bool
    replying_to_pk: int | None
    replying_to_label: str
    placeholder: str
    show_body: bool
    from_blocked: bool
    collapse_summary: str  # "" when the post does not fold for this reader
    topic_labels: tuple[str, ...]
    body_html: str
    links_via_page: bool  # the reader chose "show me where a link leads"
    notes: tuple[NoteCard, ...]
    reactions: tuple[ReactionCount, ...]
    show_reactions: bool
    can_react: bool
    can_reply: bool
    can_edit: bool
    can_flag: bool
    can_raise_concern: bool
    can_delete: bool
    block_handle: str  # "" when the reader is not offered "Block"
    moderator: bool
    can_add_note: bool
    can_approve: bool


def _note_card(nv) -> NoteCard:
    note, resource = nv.note, nv.resource
    return NoteCard(
        pk=note.pk,
        author_handle=note.author.handle if note.author else "",
        author_badge=note.author.facilitator_label if note.author else "",
        created=note.created_at.isoformat(),
        age=age(note.created_at),
        body_html=note.body_html,
        about_misinformation=note.about_misinformation,
        resource_url=resource.url if resource else "",
        resource_title=resource.title if resource else "",
        resource_description=resource.description if resource else "",
    )


def post_card(pv, *, viewer, moderator: bool) -> PostCard:
    """The card of a ``PostView`` for ``viewer`` (the thread page's, or a live post's)."""
    post = pv.post
    shown = pv.author_label not in ("Anonymous member", "Former member")
    blockable = (
        viewer.is_authenticated
        and post.author_id
        and post.author_id != viewer.pk
        and pv.author_label != "Anonymous member"
        and not pv.from_blocked
    )
    return PostCard(
        pk=post.pk,
        thread_id=post.thread_id,
        parent_id=post.parent_id,
        path=post.path,
        indent=pv.indent,
        is_new=pv.is_new,
        muted=post.state != Post.State.PUBLISHED or post.is_deleted,
        pending=post.state == Post.State.PENDING,
        author_label=pv.author_label,
        author_handle=post.author.handle if shown and post.author else "",
        facilitator_badge=post.author.facilitator_label if pv.author_is_facilitator else "",
        created=post.created_at.isoformat(),
        age=age(post.created_at),
        edited=post.edited_at is not None,
        can_view_history=pv.can_view_history,
        replying_to_pk=pv.replying_to.pk if pv.replying_to else None,
        replying_to_label=pv.replying_to_label,
        placeholder=pv.placeholder,
        show_body=pv.show_body,
        from_blocked=pv.from_blocked,
        collapse_summary=pv.collapse.summary if pv.collapse else "",
        topic_labels=tuple(post.topic_labels) if post.content_topics else (),
        body_html=post.body_html,
        links_via_page=bool(getattr(viewer, "link_interstitial", False)),
        notes=tuple(_note_card(nv) for nv in pv.facilitator_notes),
        reactions=tuple(pv.reactions),
        show_reactions=pv.has_reactions or pv.can_react,
        can_react=pv.can_react,
        can_reply=pv.can_reply,
        can_edit=pv.can_edit,
        can_flag=pv.can_flag,
        can_raise_concern=pv.can_flag and bool(post.author_id),
        can_delete=pv.can_delete,
        block_handle=post.author.handle if blockable else "",
        moderator=moderator,
        can_add_note=pv.can_add_note,
        can_approve=pv.can_approve,
    )


class GroupCardFace(NamedTuple):
    """A group's card in the directory as one reader sees it, flattened: the whole input
    of ``groups/_group_card.html`` and so the key of its rendered HTML
    (``groups_tags.group_card_html``; the home page shows fifty)."""

    url: str
    name: str
    facilitation: str
    is_private: bool
    join_policy: str
    pending: bool  # the reader asked to join and waits
    facilitates: bool  # the reader facilitates the group
    description: str
    member_count: int


def group_card_face(card: "GroupCard") -> GroupCardFace:
    """The face of a ``directory.GroupCard``."""
    group, membership = card.group, card.membership
    return GroupCardFace(
        url=group.get_absolute_url(),
        name=group.name,
        facilitation=str(group.get_facilitation_display()),
        is_private=group.is_private,
        join_policy=group.join_policy,
        pending=membership is not None and membership.status == membership.Status.PENDING,
        facilitates=membership is not None and membership.is_facilitator,
        description=group.description,
        member_count=card.member_count,
    )

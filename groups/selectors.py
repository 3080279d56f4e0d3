"""Reads shaped for pages. Each takes the viewer, applies visibility through
``policies`` and costs a fixed number of queries whatever the amount of content."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from accounts.models import User
from moderation import policies as moderation_policies
from moderation.models import FacilitatorNote, Resource

from . import policies
from .models import (
    Invitation,
    Membership,
    Post,
    PostRevision,
    Reaction,
    SupportGroup,
    Thread,
    ThreadReadState,
    ThreadSubscription,
)


@dataclass
class GroupCard:
    group: SupportGroup
    member_count: int
    membership: Membership | None


def directory_for(viewer: User) -> tuple[list[GroupCard], list[GroupCard]]:
    """(the viewer's groups, other groups they can find). Unlisted groups appear only to
    their members. Two queries."""
    memberships: dict[int, Membership] = {}
    if viewer.is_authenticated:
        memberships = {m.group_id: m for m in Membership.objects.filter(user=viewer)}
    groups = list(
        SupportGroup.objects.filter(
            ~Q(visibility=SupportGroup.Visibility.UNLISTED) | Q(pk__in=list(memberships))
        ).annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)
            )
        )
    )
    policies.remember_memberships(viewer, list(memberships.values()), groups)
    mine, others = [], []
    for group in groups:
        card = GroupCard(group, group.member_count, memberships.get(group.pk))
        (mine if card.membership is not None else others).append(card)
    return mine, others


def group_by_slug(slug: str) -> SupportGroup:
    return get_object_or_404(SupportGroup, slug=slug)


def _unread_annotation(viewer: User) -> dict:
    if not viewer.is_authenticated:
        return {"last_read_post_id": Value(-1, output_field=IntegerField())}
    read = ThreadReadState.objects.filter(user=viewer, thread=OuterRef("pk"))
    return {"last_read_post_id": Subquery(read.values("last_read_post_id")[:1])}


def _threads_for(viewer: User, group: SupportGroup) -> QuerySet[Thread]:
    threads = Thread.objects.filter(group=group)
    if not policies.can_moderate_group(viewer, group):
        mine = Q(author_id=viewer.pk) if viewer.is_authenticated else Q(pk__in=[])
        threads = threads.filter(Q(is_published=True) | mine)
    return threads.select_related("author").annotate(**_unread_annotation(viewer)).listed_order()


@dataclass
class ThreadRow:
    thread: Thread
    author_label: str
    is_unread: bool


def _thread_rows(viewer: User, page: Page) -> list[ThreadRow]:
    rows = []
    for thread in page.object_list:
        opening_anonymous = getattr(thread, "opening_anonymous", False)
        if opening_anonymous and not (
            policies.can_moderate_group(viewer, thread.group)
            or (viewer.is_authenticated and thread.author_id == viewer.pk)
        ):
            label = "Anonymous member"
        else:
            label = thread.author.handle if thread.author else "Former member"
        last_read = thread.last_read_post_id
        unread = viewer.is_authenticated and (last_read is None or thread.last_post_id > last_read)
        rows.append(ThreadRow(thread, label, bool(unread)))
    return rows


def group_page(
    viewer: User, group: SupportGroup, *, page: str | int | None, unanswered: bool = False
):
    """Threads of a group, pinned first then by last activity. Three queries (membership,
    count, page) whatever the number of threads."""
    policies.check_read_group(viewer, group)
    threads = _threads_for(viewer, group)
    if unanswered:
        threads = threads.filter(reply_count=0, is_locked=False)
    opening = Post.objects.filter(thread=OuterRef("pk"), is_opening=True)
    threads = threads.annotate(opening_anonymous=Subquery(opening.values("is_anonymous")[:1]))
    paginator = Paginator(threads, settings.HAVEN_THREADS_PER_PAGE)
    page_obj = paginator.get_page(page)
    for thread in page_obj.object_list:
        thread.group = group
    return page_obj, _thread_rows(viewer, page_obj)


# --- a thread ---


@dataclass
class ReactionCount:
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


def thread_for(viewer: User, thread_id: int) -> Thread:
    thread = get_object_or_404(
        Thread.objects.select_related("group", "author", "locked_by"), pk=thread_id
    )
    policies.check_read_group(viewer, thread.group)
    if not thread.is_published and not (
        policies.can_moderate_group(viewer, thread.group)
        or (viewer.is_authenticated and thread.author_id == viewer.pk)
    ):
        raise policies.Hidden("No such thread.")
    return thread


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


def _reaction_counts() -> dict:
    return {
        f"n_{kind}": Count("reactions", filter=Q(reactions__kind=kind), distinct=True)
        for kind in Reaction.Kind.values
    }


def thread_page(viewer: User, thread: Thread, *, page: str | int | None) -> ThreadPage:
    """One page of a thread in tree order, nested to HAVEN_MAX_NESTING_DEPTH, with
    reactions, unread markers and what the viewer may do. A fixed number of queries:
    membership, e-mail check, read state, count, posts, the viewer's reactions, the
    authors' facilitator roles and the facilitator notes under posts the viewer can read."""
    group = thread.group
    moderator = policies.can_moderate_group(viewer, group)
    refusal = policies.reply_refusal(viewer, thread)
    last_read = 0
    if viewer.is_authenticated:
        last_read = (
            ThreadReadState.objects.filter(user=viewer, thread=thread)
            .values_list("last_read_post_id", flat=True)
            .first()
        ) or 0
    reaction_counts = _reaction_counts()
    posts = (
        _visible_posts(viewer, thread, moderator)
        .select_related("author", "reply_to__author")
        .annotate(**reaction_counts)
        .order_by("path")
    )
    paginator = Paginator(posts, settings.HAVEN_POSTS_PER_PAGE)
    page_obj = paginator.get_page(page)
    rows: list[Post] = list(page_obj.object_list)
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
    """PostViews for rows annotated with reaction counts: the viewer's reactions, the
    authors' facilitator roles and the facilitator notes in three queries."""
    group = thread.group
    ids = [p.pk for p in rows]
    mine: dict[int, set[str]] = {}
    if viewer.is_authenticated and ids:
        for post_id, kind in Reaction.objects.filter(user=viewer, post_id__in=ids).values_list(
            "post_id", "kind"
        ):
            mine.setdefault(post_id, set()).add(kind)
    author_ids = {p.author_id for p in rows if p.author_id}
    facilitators = (
        set(
            Membership.objects.filter(
                group=group,
                user_id__in=author_ids,
                role=Membership.Role.FACILITATOR,
                status=Membership.Status.ACTIVE,
            ).values_list("user_id", flat=True)
        )
        if author_ids
        else set()
    )
    readable = [p.pk for p in rows if policies.can_read_post_body(viewer, p, moderator=moderator)]
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
        reactions = [
            ReactionCount(kind, label, getattr(post, f"n_{kind}"), kind in given)
            for kind, label in Reaction.Kind.choices
        ]
        alive = post.state == Post.State.PUBLISHED and not post.is_deleted
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
                can_reply=alive and refusal is None,
                can_approve=moderator and post.state == Post.State.PENDING,
                can_flag=moderation_policies.can_flag(viewer, post),
                can_view_history=post.edited_at is not None and (own or moderator),
                can_add_note=moderator and post.state != Post.State.REMOVED and not post.is_deleted,
                facilitator_notes=notes.get(post.pk, []) if show_body else [],
            )
        )
    return views


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
    policies.check_view_revisions(viewer, post)
    return list(post.revisions.select_related("edited_by"))


# --- members, requests, invitations ---


def group_members(viewer: User, group: SupportGroup) -> list[Membership]:
    policies.check_read_group(viewer, group)
    return list(
        Membership.objects.filter(group=group, status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("-role", "user__handle")
    )


def join_requests(viewer: User, group: SupportGroup) -> list[Membership]:
    policies.check_moderate_group(viewer, group)
    return list(
        Membership.objects.filter(group=group, status=Membership.Status.PENDING)
        .select_related("user")
        .order_by("requested_at")
    )


def invitations(viewer: User, group: SupportGroup) -> list[Invitation]:
    policies.check_moderate_group(viewer, group)
    return list(group.invitations.select_related("created_by", "used_by")[:50])


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("group").filter(token=token).first()


@dataclass
class MemberCard:
    member: User
    shared_groups: list[SupportGroup]
    is_facilitator_somewhere: bool


def member_card(viewer: User, handle: str) -> MemberCard:
    """A member's public card: handle, bio, join month, and the groups in common the
    viewer can see. Never the e-mail address."""
    member = get_object_or_404(User, handle__iexact=handle, is_active=True)
    shared: list[SupportGroup] = []
    facilitator = Membership.objects.filter(
        user=member, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
    ).exists()
    if viewer.is_authenticated:
        mine = Membership.objects.filter(user=viewer, status=Membership.Status.ACTIVE).values(
            "group"
        )
        shared = list(
            SupportGroup.objects.filter(
                pk__in=mine,
                memberships__user=member,
                memberships__status=Membership.Status.ACTIVE,
            ).distinct()
        )
    return MemberCard(member, shared, facilitator)


# --- who hears of a post ---


def existing_handles(handles: set[str]) -> set[str]:
    """Which of these (lower-case) handles belong to active members. One query."""
    if not handles:
        return set()
    found = _users_by_handle(handles).values_list("handle", flat=True)
    return {handle.lower() for handle in found}


def _users_by_handle(handles: set[str]) -> QuerySet[User]:
    lowered = [h.lower() for h in handles]
    return User.objects.annotate(handle_lower=Lower("handle")).filter(
        is_active=True, handle_lower__in=lowered
    )


def mention_recipients(post: Post, handles: set[str]) -> list[User]:
    """The members a post mentions who may hear of it: active accounts, never the author.
    This is the hook where members who blocked the author will be left out (blocking
    comes in a later issue); visibility of the group is applied by the caller with the
    other recipients. One query."""
    if not handles:
        return []
    users = _users_by_handle(handles)
    if post.author_id:
        users = users.exclude(pk=post.author_id)
    return list(users)


def thread_followers(thread: Thread) -> list[User]:
    """Active members following a thread. One query."""
    return list(
        User.objects.filter(
            is_active=True,
            thread_subscriptions__thread=thread,
            thread_subscriptions__state=ThreadSubscription.State.FOLLOW,
        )
    )


def who_may_hear(group: SupportGroup, thread: Thread, user_ids: set[int]) -> set[int]:
    """Of ``user_ids``, those who may still see the group, have not muted the thread and
    have not muted the group's notifications. Two queries whatever the number."""
    if not user_ids:
        return set()
    memberships = {
        m.user_id: m for m in Membership.objects.filter(group=group, user_id__in=user_ids)
    }
    muted_threads = set(
        ThreadSubscription.objects.filter(
            thread=thread, user_id__in=user_ids, state=ThreadSubscription.State.MUTE
        ).values_list("user_id", flat=True)
    )
    admins = set()
    if group.is_private:
        admins = set(
            User.objects.filter(pk__in=user_ids, is_active=True, is_staff=True).values_list(
                "pk", flat=True
            )
        )
    allowed = set()
    for user_id in user_ids:
        membership = memberships.get(user_id)
        if user_id in muted_threads or (membership and membership.notifications_muted):
            continue
        # Mirrors policies.can_read_group without a query per member.
        if group.is_private and not (
            (membership is not None and membership.is_active) or user_id in admins
        ):
            continue
        allowed.add(user_id)
    return allowed


def subscription_state(viewer: User, thread: Thread) -> str:
    """ "follow", "mute" or "" (the default) for the thread page's buttons. One query."""
    if not viewer.is_authenticated:
        return ""
    return (
        ThreadSubscription.objects.filter(user=viewer, thread=thread)
        .values_list("state", flat=True)
        .first()
        or ""
    )


CATCH_UP_LIMIT = 200


def thread_changes_since(viewer: User, thread_id: int, since) -> dict:
    """For a live page that reconnects: the ids of the posts the viewer has a place for
    that were created, edited, deleted or reacted to after ``since``, and the server time
    to resume from. Raises Http404 if the viewer may no longer read the thread. A fixed
    number of queries."""
    from django.utils import timezone

    now = timezone.now()
    thread = thread_for(viewer, thread_id)
    moderator = policies.can_moderate_group(viewer, thread.group)
    posts = _visible_posts(viewer, thread, moderator)
    created = list(
        posts.filter(created_at__gt=since)
        .order_by("path")
        .values_list("pk", flat=True)[:CATCH_UP_LIMIT]
    )
    edited = list(posts.filter(edited_at__gt=since).values_list("pk", flat=True)[:CATCH_UP_LIMIT])
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
    row = (
        _visible_posts(viewer, thread, moderator)
        .filter(pk=post.pk)
        .select_related("author", "reply_to__author")
        .annotate(**_reaction_counts())
        .first()
    )
    if row is None:
        raise policies.Hidden("No such post.")
    refusal = policies.reply_refusal(viewer, thread)
    last_read = 0
    if viewer.is_authenticated:
        last_read = (
            ThreadReadState.objects.filter(user=viewer, thread=thread)
            .values_list("last_read_post_id", flat=True)
            .first()
        ) or 0
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

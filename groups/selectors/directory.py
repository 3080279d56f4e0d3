"""The directory, a group's thread list, its members, join requests and invitations,
and member cards."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.shortcuts import get_object_or_404

from accounts.models import Block, User
from accounts.triggers import Collapse, filter_for

from .. import policies
from ..models import (
    Invitation,
    Membership,
    Post,
    SupportGroup,
    Thread,
    ThreadReadState,
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
    annotations = _unread_annotation(viewer)
    if viewer.is_authenticated:
        annotations["author_blocked"] = Exists(
            Block.objects.filter(blocker_id=viewer.pk, blocked_id=OuterRef("author_id"))
        )
    return threads.select_related("author").annotate(**annotations).listed_order()


@dataclass
class ThreadRow:
    thread: Thread
    author_label: str
    is_unread: bool
    from_blocked: bool = False
    collapse: Collapse | None = None  # the opening post's topics or a mute word in the title


def _thread_rows(viewer: User, page: Page) -> list[ThreadRow]:
    rows = []
    content_filter = filter_for(viewer)
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
        # Never for an anonymous thread: folding it would say who started it.
        blocked = getattr(thread, "author_blocked", False) and label != "Anonymous member"
        own = viewer.is_authenticated and thread.author_id == viewer.pk
        collapse = None
        if not own:
            collapse = content_filter.collapse(
                topics=getattr(thread, "opening_topics", None) or (), texts=(thread.title,)
            )
        rows.append(ThreadRow(thread, label, bool(unread), bool(blocked), collapse))
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
    threads = threads.annotate(
        opening_anonymous=Subquery(opening.values("is_anonymous")[:1]),
        opening_topics=Subquery(opening.values("content_topics")[:1]),
    )
    paginator = Paginator(threads, settings.HAVEN_THREADS_PER_PAGE)
    page_obj = paginator.get_page(page)
    for thread in page_obj.object_list:
        thread.group = group
    return page_obj, _thread_rows(viewer, page_obj)


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
    return list(group.invitations.select_related("created_by", "used_by", "invitee")[:50])


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

"""The directory, a group's thread list, its members, join requests and invitations,
and member cards."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.shortcuts import get_object_or_404

from accounts.models import Block, User
from accounts.triggers import Collapse, filter_for
from supportforum import pagecache
from supportforum.prepared import Prepared

from .. import policies
from ..models import (
    Invitation,
    Membership,
    Post,
    SupportGroup,
    Thread,
    ThreadReadState,
)
from .threads import PRIVATE_USER_FIELDS, Counted


@dataclass
class GroupCard:
    group: SupportGroup
    member_count: int
    membership: Membership | None


MEMBER_COUNTS = "member-counts"  # the kind of page fact (supportforum.pagecache)
MEMBER_COUNTS_SECONDS = 60


def member_counts() -> dict[int, int]:
    """Active members per group id, the same for every reader: kept
    ``MEMBER_COUNTS_SECONDS`` in the shared cache and dropped when someone joins, leaves
    or is let in (``groups.services.membership``); other changes (a ban, an erased
    account, the admin) show within the minute. Counting every membership of the site
    took PostgreSQL ~14 ms on each home page of the 5,000-member bench community."""

    def build() -> dict[int, int]:
        active = Membership.objects.filter(status=Membership.Status.ACTIVE)
        return dict(active.order_by().values_list("group_id").annotate(n=Count("*")))

    return pagecache.kept(MEMBER_COUNTS, "all", MEMBER_COUNTS_SECONDS, build)


def directory_for(viewer: User) -> tuple[list[GroupCard], list[GroupCard]]:
    """(the viewer's groups, other groups they can find). Unlisted groups appear only to
    their members. Two queries, and the member counts (``member_counts``)."""
    memberships: dict[int, Membership] = {}
    if viewer.is_authenticated:
        memberships = {m.group_id: m for m in Membership.objects.filter(user=viewer)}
    groups = list(
        SupportGroup.objects.filter(
            ~Q(visibility=SupportGroup.Visibility.UNLISTED) | Q(pk__in=list(memberships))
        )
    )
    counts = member_counts()
    policies.remember_memberships(viewer, list(memberships.values()), groups)
    mine, others = [], []
    for group in groups:
        card = GroupCard(group, counts.get(group.pk, 0), memberships.get(group.pk))
        (mine if card.membership is not None else others).append(card)
    return mine, others


def group_by_slug(slug: str) -> SupportGroup:
    return get_object_or_404(SupportGroup, slug=slug)


def _listed_threads(
    moderator: bool, unanswered: bool, *, group_id: int, viewer_id: int | None
) -> QuerySet[Thread]:
    """The threads of a group the viewer gets listed: all for its facilitators; the
    published ones and their own for others."""
    threads = Thread.objects.filter(group_id=group_id)
    if not moderator:
        shown = Q(is_published=True)
        if viewer_id is not None:
            shown |= Q(author_id=viewer_id)
        threads = threads.filter(shown)
    if unanswered:
        threads = threads.filter(reply_count=0, is_locked=False)
    return threads


def _group_threads_query(
    moderator: bool,
    unanswered: bool,
    low: int,
    high: int,
    *,
    group_id: int,
    viewer_id: int | None = None,
) -> QuerySet[Thread]:
    """One page of a group's thread list, pinned first then by last activity, with the
    author (none of the accounts' private columns) and, per thread, the reader's read
    marker, whether they blocked its author, and the opening post's anonymity and topics."""
    threads = _listed_threads(moderator, unanswered, group_id=group_id, viewer_id=viewer_id)
    if viewer_id is None:
        annotations = {"last_read_post_id": Value(-1, output_field=IntegerField())}
    else:
        read = ThreadReadState.objects.filter(user_id=viewer_id, thread=OuterRef("pk"))
        annotations = {
            "last_read_post_id": Subquery(read.values("last_read_post_id")[:1]),
            "author_blocked": Exists(
                Block.objects.filter(blocker_id=viewer_id, blocked_id=OuterRef("author_id"))
            ),
        }
    opening = Post.objects.filter(thread=OuterRef("pk"), is_opening=True)
    annotations["opening_anonymous"] = Subquery(opening.values("is_anonymous")[:1])
    annotations["opening_topics"] = Subquery(opening.values("content_topics")[:1])
    return (
        threads.select_related("author")
        .defer(*(f"author__{f}" for f in PRIVATE_USER_FIELDS))
        .annotate(**annotations)
        .listed_order()[low:high]
    )


def _group_count_query(
    moderator: bool, unanswered: bool, *, group_id: int, viewer_id: int | None = None
):
    threads = _listed_threads(moderator, unanswered, group_id=group_id, viewer_id=viewer_id)
    return threads.order_by().values("group_id").annotate(n=Count("*")).values_list("n", flat=True)


GROUP_THREADS = Prepared("group page threads", Thread, _group_threads_query)
GROUP_THREAD_COUNT = Prepared("group page thread count", Thread, _group_count_query)


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
    count, page) whatever the number of threads, the last two kept compiled
    (``supportforum.prepared``)."""
    policies.check_read_group(viewer, group)
    moderator = policies.can_moderate_group(viewer, group)
    ids = {"viewer_id": viewer.pk} if viewer.is_authenticated else {}
    shape = (moderator, unanswered)
    # A facilitator sees every thread: their id is no part of the count.
    counted = GROUP_THREAD_COUNT.rows(shape, group_id=group.pk, **({} if moderator else ids))
    count, per_page = (counted[0] if counted else 0), settings.HAVEN_THREADS_PER_PAGE
    page_obj = Counted(count, per_page).get_page(page)
    low = (page_obj.number - 1) * per_page
    high = min(low + per_page, count)
    threads = []
    if high > low:
        threads = GROUP_THREADS.objects((*shape, low, high), group_id=group.pk, **ids)
    for thread in threads:
        thread.group = group
    page_obj.object_list = threads
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

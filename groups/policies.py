"""Who may see and do what in groups: the one place these questions are answered.

``can_*`` functions return a bool and never write; ``check_*`` raise ``PermissionDenied``
(with a message a member can read) or ``Hidden`` (a 404: for content whose very existence
must not leak, such as a private group's threads). Views, selectors, services, consumers
and templates all ask here.

Lookups of the viewer's membership and e-mail verification are memoised on the user
object, so a page asking many questions costs one query per group.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.timesince import timeuntil

from accounts.models import Block, User
from accounts.viewer import memo
from supportforum.prepared import Prepared

from .models import Membership, Post, SupportGroup, Thread

AnyUser = User  # request.user may also be AnonymousUser; both answer is_authenticated


class Hidden(Http404):
    """Raised where the honest answer to 'may I see this?' is 'it does not exist'."""


# --- memoised facts about the viewer ---


def _membership_query(*, user_id: int, group_id: int):
    return Membership.objects.filter(user_id=user_id, group_id=group_id).order_by("pk")[:1]


MEMBERSHIP = Prepared("membership", Membership, _membership_query)


def membership_for(user: AnyUser, group: SupportGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache: dict[int, Membership | None] = memo(user).setdefault("_haven_memberships", {})
    if group.pk not in cache:
        found = MEMBERSHIP.objects(user_id=user.pk, group_id=group.pk)
        cache[group.pk] = found[0] if found else None
    return cache[group.pk]


def forget_viewer_facts(user: AnyUser) -> None:
    """Drop everything memoised about the viewer (memberships, roles, e-mail, sanctions,
    counts): for a user object that outlives a request (a websocket's) or a change made
    in this request."""
    for key in [k for k in memo(user) if k.startswith("_haven_")]:
        del memo(user)[key]


def remember_memberships(user: AnyUser, memberships: list[Membership], groups: list) -> None:
    """Seed the memo from a query a selector already made (no membership means None)."""
    if not user.is_authenticated:
        return
    cache = memo(user).setdefault("_haven_memberships", {})
    by_group = {m.group_id: m for m in memberships}
    for group in groups:
        cache[group.pk] = by_group.get(group.pk)


def has_verified_email(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if "_haven_verified" not in memo(user):
        memo(user)["_haven_verified"] = EmailAddress.objects.filter(
            user=user, verified=True
        ).exists()
    return memo(user)["_haven_verified"]


def sanctions_in_force(user: AnyUser) -> list:
    """The viewer's mutes, suspensions and bans in force now, plus formal warnings not
    yet acknowledged (memoised: one query a request)."""
    if not user.is_authenticated:
        return []
    if "_haven_sanctions" not in memo(user):
        from moderation.models import Sanction

        now = timezone.now()
        in_force = Sanction.objects.in_force(now) | Sanction.objects.filter(
            kind=Sanction.Kind.WARNING, acknowledged_at__isnull=True, revoked_at__isnull=True
        )
        memo(user)["_haven_sanctions"] = list(
            in_force.filter(user=user).select_related("rule", "group").order_by("-ends_at")
        )
    return memo(user)["_haven_sanctions"]


def sanction_refusal(user: AnyUser, group: SupportGroup | None) -> str | None:
    """Why a sanction stops the viewer posting (in ``group``), with the rule and until
    when, or None. Site-wide sanctions apply in every group."""
    from moderation.models import Sanction

    for sanction in sanctions_in_force(user):
        rule = f"rule {sanction.rule.number}, “{sanction.rule.title}”"
        if sanction.kind == Sanction.Kind.BAN:
            return f"Your account is banned from posting on Haven because of {rule}."
        if sanction.kind == Sanction.Kind.SUSPENSION:
            return (
                f"Your account is suspended until {_when(sanction.ends_at)} because of {rule}. "
                "You can still read."
            )
        if (
            sanction.kind == Sanction.Kind.MUTE
            and group is not None
            and (sanction.group_id == group.pk)
        ):
            return (
                f"A facilitator has paused your posting in {group.name} until "
                f"{_when(sanction.ends_at)} because of {rule}."
            )
    for sanction in sanctions_in_force(user):
        if sanction.kind == Sanction.Kind.WARNING:
            return (
                "A facilitator sent you a formal warning. Please read and acknowledge it on "
                "your “Account standing” page before posting again."
            )
    return None


def _when(moment) -> str:
    if moment is None:
        return "a facilitator lifts it"
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y, %H:%M} ({timeuntil(moment)} from now)"


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


# --- groups ---


def is_member(user: AnyUser, group: SupportGroup) -> bool:
    membership = membership_for(user, group)
    return membership is not None and membership.is_active


def is_pending(user: AnyUser, group: SupportGroup) -> bool:
    membership = membership_for(user, group)
    return membership is not None and membership.status == Membership.Status.PENDING


def can_moderate_group(user: AnyUser, group: SupportGroup) -> bool:
    """Facilitators of this group and admins."""
    if is_admin(user):
        return True
    membership = membership_for(user, group)
    return membership is not None and membership.is_facilitator


def can_read_group(user: AnyUser, group: SupportGroup) -> bool:
    """May the viewer read threads, posts and the member list? Listed and unlisted groups
    are readable by anyone with the address; a private group's content by members only."""
    if not group.is_private:
        return True
    return is_member(user, group) or is_admin(user)


def check_read_group(user: AnyUser, group: SupportGroup) -> None:
    if not can_read_group(user, group):
        raise Hidden("No such page.")


def can_join(user: AnyUser, group: SupportGroup) -> bool:
    return join_refusal(user, group) is None


def join_refusal(user: AnyUser, group: SupportGroup, *, invited: bool = False) -> str | None:
    """Why the viewer cannot join (or ask to join) now, or None if they can."""
    if not user.is_authenticated:
        return "Please sign in to join a group."
    membership = membership_for(user, group)
    if membership is not None and membership.is_active:
        return "You are already a member of this group."
    if membership is not None and membership.status == Membership.Status.PENDING:
        return "Your request to join is waiting for a facilitator."
    if group.join_policy == SupportGroup.JoinPolicy.INVITE and not invited:
        return "This group is by invitation only. A facilitator can send you a link."
    return None


def check_join(user: AnyUser, group: SupportGroup, *, invited: bool = False) -> None:
    refusal = join_refusal(user, group, invited=invited)
    if refusal:
        raise PermissionDenied(refusal)


def check_moderate_group(user: AnyUser, group: SupportGroup) -> None:
    if not can_moderate_group(user, group):
        check_read_group(user, group)
        raise PermissionDenied("Only this group's facilitators can do that.")


# --- posting ---


def posting_refusal(user: AnyUser, group: SupportGroup) -> str | None:
    """Why the viewer may not post in this group right now, or None. Slow mode, account
    age and verification all answer here, in words the member can act on."""
    if not user.is_authenticated:
        return "Please sign in to post."
    if not user.is_active:
        return "Your account is not active."
    if not has_verified_email(user):
        return "Please confirm your e-mail address before posting. Check your inbox for the link."
    moderator = can_moderate_group(user, group)
    if not moderator and not is_member(user, group):
        if is_pending(user, group):
            return "You can post once a facilitator has approved your request to join."
        return "Join this group to post in it."
    refusal = sanction_refusal(user, group)
    if refusal:
        return refusal
    if moderator:
        return None
    if group.min_account_age_hours:
        ready_at = user.date_joined + timedelta(hours=group.min_account_age_hours)
        if ready_at > timezone.now():
            return (
                f"New accounts can post in this group after {group.min_account_age_hours} hours. "
                f"You can post here in {timeuntil(ready_at)}."
            )
    if group.slow_mode_seconds:
        last = (
            Post.objects.filter(author=user, thread__group=group)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None:
            ready_at = last + timedelta(seconds=group.slow_mode_seconds)
            wait = (ready_at - timezone.now()).total_seconds()
            if wait > 0:
                return (
                    f"This group has slow mode on: one post every {group.slow_mode_seconds} "
                    f"seconds. You can post again in {int(wait) + 1} seconds."
                )
    return None


def can_start_thread(user: AnyUser, group: SupportGroup) -> bool:
    return can_read_group(user, group) and posting_refusal(user, group) is None


def check_start_thread(user: AnyUser, group: SupportGroup) -> None:
    check_read_group(user, group)
    refusal = posting_refusal(user, group)
    if refusal:
        raise PermissionDenied(refusal)


def can_reply(user: AnyUser, thread: Thread) -> bool:
    return reply_refusal(user, thread) is None


def lock_notice(thread: Thread) -> str:
    """Who locked the thread and why, in the words members see."""
    who = thread.locked_by.handle if thread.locked_by_id and thread.locked_by else "A facilitator"
    notice = f"{who} locked this thread, so it takes no new replies."
    return f"{notice} Reason: {thread.lock_reason}" if thread.lock_reason else notice


def reply_refusal(user: AnyUser, thread: Thread) -> str | None:
    if thread.is_locked and not can_moderate_group(user, thread.group):
        return lock_notice(thread)
    return posting_refusal(user, thread.group)


def check_reply(user: AnyUser, thread: Thread, parent: Post | None = None) -> None:
    check_read_group(user, thread.group)
    refusal = reply_refusal(user, thread)
    if refusal:
        raise PermissionDenied(refusal)
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise PermissionDenied("That post is in another thread.")
        if parent.state != Post.State.PUBLISHED or parent.is_deleted:
            raise PermissionDenied("That post can no longer be replied to.")
        if blocks_direct_reply(user, parent, thread.group):
            raise PermissionDenied(BLOCKED_REPLY)


BLOCKED_REPLY = "You can't reply directly to this post. You can still reply to the thread."


def blocks_direct_reply(user: AnyUser, parent: Post, group: SupportGroup) -> bool:
    """Has the parent's author blocked ``user``? Facilitators and admins of the group are
    never kept from moderation contact. One query."""
    if not user.is_authenticated or parent.author_id is None or parent.author_id == user.pk:
        return False
    if can_moderate_group(user, group):
        return False
    return Block.objects.filter(blocker_id=parent.author_id, blocked_id=user.pk).exists()


def post_needs_approval(user: AnyUser, group: SupportGroup) -> bool:
    """Does the group's posting policy hold this member's next post for a facilitator?"""
    if can_moderate_group(user, group):
        return False
    if group.posting_policy == SupportGroup.PostingPolicy.ALL:
        return True
    if group.posting_policy == SupportGroup.PostingPolicy.FIRST_N:
        published = Post.objects.filter(
            author=user, thread__group=group, state=Post.State.PUBLISHED
        ).count()
        return published < group.premoderate_first_n
    return False


def can_post_anonymously(user: AnyUser, group: SupportGroup) -> bool:
    return group.allow_anonymous


# --- posts ---


def can_read_post_body(user: AnyUser, post: Post, *, moderator: bool | None = None) -> bool:
    """Removed, hidden and pending posts keep their place in the thread but only their
    author (pending) or the group's facilitators see what they said."""
    if moderator is None:
        moderator = can_moderate_group(user, post.thread.group)
    if moderator:
        return True
    if post.is_deleted:
        return False
    if post.state == Post.State.PUBLISHED:
        return True
    return post.state == Post.State.PENDING and user.is_authenticated and post.author_id == user.pk


def visible_posts_filter(user: AnyUser, *, moderator: bool) -> Q:
    """The rows of a thread the viewer gets a place for (body or placeholder)."""
    return visible_posts_q(user.pk if user.is_authenticated else None, moderator=moderator)


def visible_posts_q(viewer_id: int | None, *, moderator: bool) -> Q:
    """``visible_posts_filter`` by the viewer's id (None: signed out), for queries kept
    compiled (``supportforum.prepared``)."""
    if moderator:
        return Q()
    shown = Q(state__in=[Post.State.PUBLISHED, Post.State.HIDDEN, Post.State.REMOVED])
    if viewer_id is not None:
        shown |= Q(state=Post.State.PENDING, author_id=viewer_id)
    return shown


def check_view_post(user: AnyUser, post: Post) -> None:
    check_read_group(user, post.thread.group)
    if post.state == Post.State.PENDING and not can_read_post_body(user, post):
        raise Hidden("No such post.")


def can_see_author(user: AnyUser, post: Post, *, moderator: bool | None = None) -> bool:
    if not post.is_anonymous:
        return True
    if user.is_authenticated and post.author_id == user.pk:
        return True
    if moderator is None:
        moderator = can_moderate_group(user, post.thread.group)
    return moderator


def can_edit_post(user: AnyUser, post: Post) -> bool:
    return edit_refusal(user, post) is None


def edit_refusal(user: AnyUser, post: Post) -> str | None:
    if not user.is_authenticated or post.author_id != user.pk:
        return "Only the author can edit a post."
    if post.is_deleted:
        return "This post was deleted."
    if post.state == Post.State.REMOVED:
        return "A facilitator removed this post, so it cannot be edited."
    if post.thread.is_locked and not can_moderate_group(user, post.thread.group):
        return "This thread is locked."
    if not is_member(user, post.thread.group) and not can_moderate_group(user, post.thread.group):
        return "You are no longer a member of this group."
    return None


def check_edit_post(user: AnyUser, post: Post) -> None:
    check_view_post(user, post)
    refusal = edit_refusal(user, post)
    if refusal:
        raise PermissionDenied(refusal)


def can_delete_post(user: AnyUser, post: Post) -> bool:
    return bool(user.is_authenticated and post.author_id == user.pk and not post.is_deleted)


def check_delete_post(user: AnyUser, post: Post) -> None:
    check_view_post(user, post)
    if not can_delete_post(user, post):
        raise PermissionDenied("Only the author can delete a post.")


def can_view_revisions(user: AnyUser, post: Post) -> bool:
    if user.is_authenticated and post.author_id == user.pk:
        return True
    return can_moderate_group(user, post.thread.group)


def check_view_revisions(user: AnyUser, post: Post) -> None:
    check_view_post(user, post)
    if not can_view_revisions(user, post):
        raise PermissionDenied("Only the author and facilitators can see earlier versions.")


def can_react(user: AnyUser, post: Post) -> bool:
    return (
        user.is_authenticated
        and sanction_refusal(user, post.thread.group) is None
        and post.author_id != user.pk
        and post.state == Post.State.PUBLISHED
        and not post.is_deleted
        and (is_member(user, post.thread.group) or can_moderate_group(user, post.thread.group))
    )


def check_react(user: AnyUser, post: Post) -> None:
    check_view_post(user, post)
    if not can_react(user, post):
        raise PermissionDenied("You can send support to published posts in your groups.")


def check_approve_post(user: AnyUser, post: Post) -> None:
    check_moderate_group(user, post.thread.group)
    if post.state != Post.State.PENDING:
        raise PermissionDenied("This post is not waiting for approval.")


# --- meetings ---

JOIN_DETAILS_BEFORE = timedelta(hours=24)


def can_view_meeting(user: AnyUser, meeting) -> bool:
    """Whoever may read the group sees that a meeting exists (never its join details)."""
    return can_read_group(user, meeting.group)


def check_view_meeting(user: AnyUser, meeting) -> None:
    if not can_view_meeting(user, meeting):
        raise Hidden("No such meeting.")


def attend_refusal(user: AnyUser, meeting, now=None) -> str | None:
    """Why the viewer may not RSVP, or None: members of the group (or, when the meeting
    is open to them, any member of Haven for a listed group), not suspended or banned,
    before the meeting starts."""
    from moderation.models import Sanction

    now = now or timezone.now()
    if not user.is_authenticated:
        return "Sign in to say whether you are coming."
    group = meeting.group
    open_to_all = meeting.open_to_non_members and group.visibility == group.Visibility.LISTED
    if not (is_member(user, group) or open_to_all):
        return "This meeting is for members of the group: join it first."
    barred = {Sanction.Kind.SUSPENSION, Sanction.Kind.BAN}
    if any(s.kind in barred for s in sanctions_in_force(user)):
        return "Your account can't take part in meetings at the moment."
    if meeting.is_cancelled:
        return "This meeting was cancelled."
    if meeting.starts_at <= now:
        return "This meeting has already started."
    return None


def can_see_join_details(user: AnyUser, meeting, rsvp_status: str | None, now=None) -> bool:
    """The link, dial-in or address: the group's facilitators and admins always (they
    run it); a member only while going, from 24 hours before until it ends."""
    if not user.is_authenticated or meeting.is_cancelled:
        return False
    if can_moderate_group(user, meeting.group):
        return True
    now = now or timezone.now()
    return (
        rsvp_status == "going" and meeting.starts_at - JOIN_DETAILS_BEFORE <= now < meeting.ends_at
    )

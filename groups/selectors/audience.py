"""Who hears of a post: mentioned members, followers, and who of them may still see
the group and has not muted it."""

from django.db.models import QuerySet
from django.db.models.functions import Lower

from accounts.models import User

from ..models import (
    Membership,
    Post,
    SupportGroup,
    Thread,
    ThreadSubscription,
)


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
    """The members a post mentions who may hear of it: active accounts, never the author,
    never a member who blocked the author; visibility of the group is applied by the
    caller with the other recipients. One query."""
    if not handles:
        return []
    users = _users_by_handle(handles)
    if post.author_id:
        users = users.exclude(pk=post.author_id).exclude(blocks_made__blocked_id=post.author_id)
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
    """ "follow", "mute" or "" (the default) for the thread page's buttons. One query, or
    none when it came with the thread (``thread_for(..., reader_state=True)``)."""
    if not viewer.is_authenticated:
        return ""
    if "reader_subscription" in thread.__dict__:
        return thread.reader_subscription or ""
    return (
        ThreadSubscription.objects.filter(user=viewer, thread=thread)
        .values_list("state", flat=True)
        .first()
        or ""
    )

"""What a member hears of and has read: following and muting threads, muting a group,
read markers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User

from .. import policies
from ..models import (
    Membership,
    SupportGroup,
    Thread,
    ThreadReadState,
    ThreadSubscription,
)
from .membership import _forget_memberships

SUBSCRIPTION_CHOICES = ("follow", "mute", "default")


@transaction.atomic
def thread_subscription_set(*, user: User, thread: Thread, state: str) -> str:
    """Follow a thread (hear of every reply), mute it (hear nothing of it) or go back to
    the default (replies to you and mentions). Only for members who may read the thread.
    Idempotent. Returns the new state ("" for the default)."""
    if not user.is_authenticated:
        raise PermissionDenied("Please sign in first.")
    policies.check_read_group(user, thread.group)
    if state not in SUBSCRIPTION_CHOICES:
        raise ValidationError({"state": "Choose follow, mute or default."})
    if state == "default":
        ThreadSubscription.objects.filter(user=user, thread=thread).delete()
        return ""
    ThreadSubscription.objects.update_or_create(user=user, thread=thread, defaults={"state": state})
    return state


@transaction.atomic
def group_notifications_mute(*, user: User, group: SupportGroup, muted: bool) -> Membership:
    """A member mutes (or unmutes) everything from a group's threads: no replies, no
    followed threads, no mentions. Members only. Idempotent."""
    membership = Membership.objects.select_for_update().filter(user=user, group=group).first()
    if membership is None or not membership.is_active:
        raise PermissionDenied("Only members of this group can mute it.")
    if membership.notifications_muted != muted:
        membership.notifications_muted = muted
        membership.save(update_fields=["notifications_muted"])
    _forget_memberships(user)
    return membership


def thread_mark_read(*, user: User, thread: Thread, up_to_post_id: int) -> None:
    """Move the reader's marker forward, never back. One upsert statement whatever the
    state, so it is safe under concurrent page loads and costs the same every visit."""
    if not user.is_authenticated or up_to_post_id <= 0:
        return
    table = ThreadReadState._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    sql = (
        f"INSERT INTO {table} (user_id, thread_id, last_read_post_id, updated_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s) ON CONFLICT (user_id, thread_id) DO UPDATE SET "
        f"last_read_post_id = {greatest}({table}.last_read_post_id, excluded.last_read_post_id), "
        "updated_at = excluded.updated_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, thread.pk, up_to_post_id, timezone.now()])

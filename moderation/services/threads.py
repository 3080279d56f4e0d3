"""Thread actions: lock / unlock, pin / unpin, move to another group. Each is taken by a
facilitator of the thread's group (both groups for a move) or an admin, records who and
why on the thread, and writes one audit entry in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Notification, User
from accounts.services import notification_send
from groups import policies as group_policies
from groups.models import Post, SupportGroup, Thread
from moderation.models import ReviewItem

from .audit import audit_record

MAX_REASON = 300


def _clean_reason(reason: str, *, required: bool, what: str) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if required and not reason:
        raise ValidationError(
            {"reason": f"Please give a reason for {what}: the thread shows it to members."}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"A reason can be at most {MAX_REASON} characters."})
    return reason


def _locked_thread(thread: Thread) -> Thread:
    """Re-read the thread under a row lock so two facilitators acting at once serialise."""
    return Thread.objects.select_for_update().get(pk=thread.pk)


def _audit(
    actor: User, thread: Thread, group: SupportGroup, action: str, reason: str, **details
) -> None:
    opening = Post.objects.filter(thread=thread, is_opening=True).first()
    audit_record(
        actor=actor,
        action=action,
        group=group,
        post=opening,
        target_user=thread.author,
        reason=reason,
        details={"thread_id": thread.pk, "thread_title": thread.title, **details},
    )


def _tell_author(actor: User, thread: Thread, message: str, url: str = "") -> None:
    """The thread's author hears about changes to their thread, unless they made them."""
    if thread.author_id is None or thread.author_id == actor.pk:
        return
    notification_send(
        recipient=thread.author,
        kind=Notification.Kind.THREAD_CHANGED,
        message=message,
        url=url or thread.get_absolute_url(),
    )


@transaction.atomic
def thread_lock(*, actor: User, thread: Thread, reason: str) -> Thread:
    """Stop new replies from members (facilitators can still answer). Records who locked it
    and why, which the thread shows; audited; the thread's author is notified. A reason is
    required. Refused if the thread is already locked."""
    thread = _locked_thread(thread)
    group_policies.check_moderate_group(actor, thread.group)
    reason = _clean_reason(reason, required=True, what="locking the thread")
    if thread.is_locked:
        raise ValidationError("This thread is already locked.")
    thread.is_locked = True
    thread.locked_by = actor
    thread.lock_reason = reason
    thread.save(update_fields=["is_locked", "locked_by", "lock_reason"])
    _audit(actor, thread, thread.group, "thread.lock", reason)
    _tell_author(
        actor,
        thread,
        f"A facilitator locked your thread “{thread.title}”, so it takes no new replies. "
        f"Reason: {reason}",
    )
    return thread


@transaction.atomic
def thread_unlock(*, actor: User, thread: Thread, reason: str = "") -> Thread:
    """Open a locked thread to replies again; clears who locked it and why (the audit log
    keeps both). Audited; the thread's author is notified."""
    thread = _locked_thread(thread)
    group_policies.check_moderate_group(actor, thread.group)
    reason = _clean_reason(reason, required=False, what="unlocking the thread")
    if not thread.is_locked:
        raise ValidationError("This thread is not locked.")
    previous = {"locked_by_id": thread.locked_by_id, "lock_reason": thread.lock_reason}
    thread.is_locked = False
    thread.locked_by = None
    thread.lock_reason = ""
    thread.save(update_fields=["is_locked", "locked_by", "lock_reason"])
    _audit(actor, thread, thread.group, "thread.unlock", reason, previous=previous)
    _tell_author(actor, thread, f"Your thread “{thread.title}” is open for replies again.")
    return thread


@transaction.atomic
def thread_pin(*, actor: User, thread: Thread, reason: str) -> Thread:
    """Keep a thread at the top of its group's list. Records who pinned it and why; a reason
    is required. Audited; the author is notified (a pinned thread is seen by more people,
    which matters to someone who shared something personal)."""
    thread = _locked_thread(thread)
    group_policies.check_moderate_group(actor, thread.group)
    reason = _clean_reason(reason, required=True, what="pinning the thread")
    if thread.is_pinned:
        raise ValidationError("This thread is already pinned.")
    thread.is_pinned = True
    thread.pinned_by = actor
    thread.pin_reason = reason
    thread.save(update_fields=["is_pinned", "pinned_by", "pin_reason"])
    _audit(actor, thread, thread.group, "thread.pin", reason)
    _tell_author(
        actor,
        thread,
        f"A facilitator pinned your thread “{thread.title}” to the top of "
        f"{thread.group.name}. Reason: {reason}",
    )
    return thread


@transaction.atomic
def thread_unpin(*, actor: User, thread: Thread, reason: str = "") -> Thread:
    """Return a pinned thread to its place by activity; clears who pinned it and why (the
    audit log keeps both). Audited. The author is not notified: nothing changes for them
    beyond the thread's place in the list."""
    thread = _locked_thread(thread)
    group_policies.check_moderate_group(actor, thread.group)
    reason = _clean_reason(reason, required=False, what="unpinning the thread")
    if not thread.is_pinned:
        raise ValidationError("This thread is not pinned.")
    previous = {"pinned_by_id": thread.pinned_by_id, "pin_reason": thread.pin_reason}
    thread.is_pinned = False
    thread.pinned_by = None
    thread.pin_reason = ""
    thread.save(update_fields=["is_pinned", "pinned_by", "pin_reason"])
    _audit(actor, thread, thread.group, "thread.unpin", reason, previous=previous)
    return thread


@transaction.atomic
def thread_move(*, actor: User, thread: Thread, to_group: SupportGroup, reason: str) -> Thread:
    """Move a thread, with all its posts, to another group. The actor must moderate both
    groups (admins may move anywhere); a reason is required.

    Posts, reactions, counters, read states, facilitator notes and pinned resources follow
    the thread unchanged (they hang off the thread or its posts). Open review items about
    its posts move to the destination's queue, so its facilitators handle them; resolved
    items stay where they were decided. From now on the destination's visibility applies:
    moving into a private group hides the thread from non-members. Audited against the
    source group (the destination is in the details); the author is notified, with a link
    they can follow (the group's page if they cannot read the destination)."""
    thread = _locked_thread(thread)
    source = SupportGroup.objects.get(pk=thread.group_id)
    group_policies.check_moderate_group(actor, source)
    group_policies.check_moderate_group(actor, to_group)
    reason = _clean_reason(reason, required=True, what="moving the thread")
    if to_group.pk == source.pk:
        raise ValidationError({"to_group": f"The thread is already in {source.name}."})
    thread.group = to_group
    thread.save(update_fields=["group"])
    moved_items = ReviewItem.objects.filter(
        state=ReviewItem.State.OPEN, post__thread=thread
    ).update(group=to_group)
    _audit(
        actor,
        thread,
        source,
        "thread.move",
        reason,
        from_group_id=source.pk,
        from_group=source.name,
        to_group_id=to_group.pk,
        to_group=to_group.name,
        review_items_moved=moved_items,
    )
    author = thread.author
    if author is not None and group_policies.can_read_group(author, to_group):
        _tell_author(
            actor,
            thread,
            f"A facilitator moved your thread “{thread.title}” from {source.name} to "
            f"{to_group.name}. Reason: {reason}",
        )
    else:
        _tell_author(
            actor,
            thread,
            f"A facilitator moved your thread “{thread.title}” from {source.name} to "
            f"{to_group.name}, a private group. Ask to join it to keep following the "
            f"thread. Reason: {reason}",
            url=to_group.get_absolute_url(),
        )
    return thread

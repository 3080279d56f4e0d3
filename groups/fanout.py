"""Who hears of a post: the services behind ``groups.tasks``.

One notification per member per post, the strongest reason winning (mention > reply >
reply in a followed thread), through ``accounts.services.notify`` with the key
``post:<id>``; a member already told of the post (by the request, or a first run of the
task) is skipped, so running it twice changes nothing. An anonymous post never names
its author, not even as the notification's actor. Visibility is checked here: only
members who may still see the group, have not muted the thread or the group and have not
blocked the author, hear.
"""

from django.db import transaction

from accounts import selectors as account_selectors
from accounts.models import Notification, User
from accounts.services import notify

from . import selectors
from .models import Post, Reaction
from .rendering import linked_mentions

REPLY = Notification.Kind.REPLY
PRIORITY = {"mention": 3, "reply": 2, "thread_reply": 1}


def post_key(post: Post) -> str:
    return f"post:{post.pk}"


def reactions_key(post: Post) -> str:
    return f"reactions:{post.pk}"


def _actor_and_name(post: Post) -> tuple[User | None, str]:
    if post.is_anonymous:
        return None, "An anonymous member"
    if post.author is None:
        return None, "Someone"
    return post.author, post.author.handle


def _direct_recipient(post: Post) -> User | None:
    if post.is_opening:
        return None
    return post.reply_to.author if post.reply_to_id else post.thread.author


def _message(kind: str, name: str, title: str) -> str:
    if kind == "mention":
        return f"{name} mentioned you in “{title}”."
    if kind == "reply":
        return f"{name} replied to you in “{title}”."
    return f"{name} replied in “{title}”, a thread you follow."


def _deliver(post: Post, wanted: dict[int, str], users: dict[int, User]) -> int:
    thread = post.thread
    allowed = selectors.who_may_hear(thread.group, thread, set(wanted))
    if post.author_id:  # a member who blocked the author hears nothing of their posts
        allowed -= account_selectors.who_blocked(post.author_id, allowed)
    told = set(
        Notification.objects.filter(key=post_key(post), recipient_id__in=allowed).values_list(
            "recipient_id", flat=True
        )
    )
    actor, name = _actor_and_name(post)
    sent = 0
    for user_id in sorted(allowed - told):
        if user_id == post.author_id:
            continue
        kind = wanted[user_id]
        note = notify(
            recipient=users[user_id],
            kind=kind,
            message=_message(kind, name, thread.title),
            url=post.get_absolute_url(),
            actor=actor,
            group=thread.group,
            thread=thread,
            post=post,
            key=post_key(post),
        )
        sent += note is not None
    return sent


def _published(post_id: int) -> Post | None:
    post = (
        Post.objects.select_related("thread__group", "thread__author", "author", "reply_to__author")
        .filter(pk=post_id, state=Post.State.PUBLISHED, deleted_at__isnull=True)
        .first()
    )
    if post is None or not post.thread.is_published:
        return None
    return post


def _want(wanted: dict[int, str], users: dict[int, User], user: User | None, kind: str) -> None:
    if user is None:
        return
    if PRIORITY[kind] > PRIORITY.get(wanted.get(user.pk, ""), 0):
        wanted[user.pk] = kind
        users[user.pk] = user


@transaction.atomic
def post_notify_direct(*, post: Post) -> int:
    """In the request: tell the one member the post answers (or who is mentioned, if they
    are also mentioned). O(1) whatever the thread's followers; the rest is the task's."""
    post = _published(post.pk)
    if post is None:
        return 0
    recipient = _direct_recipient(post)
    if recipient is None:
        return 0
    kind = "mention" if recipient.handle.lower() in linked_mentions(post.body_html) else "reply"
    wanted: dict[int, str] = {}
    users: dict[int, User] = {}
    _want(wanted, users, recipient, kind)
    return _deliver(post, wanted, users)


@transaction.atomic
def post_notify_published(*, post_id: int) -> int:
    """Everyone who should hear of a published post: the member it answers (REPLY), the
    thread's followers (THREAD_REPLY) and the members it mentions (MENTION), each once.
    A post no longer published (or gone) notifies nobody. Idempotent. Returns how many
    notifications were recorded."""
    post = _published(post_id)
    if post is None:
        return 0
    wanted: dict[int, str] = {}
    users: dict[int, User] = {}
    if not post.is_opening:
        for follower in selectors.thread_followers(post.thread):
            _want(wanted, users, follower, "thread_reply")
    _want(wanted, users, _direct_recipient(post), "reply")
    for user in selectors.mention_recipients(post, linked_mentions(post.body_html)):
        _want(wanted, users, user, "mention")
    return _deliver(post, wanted, users)


@transaction.atomic
def post_notify_mentions(*, post_id: int) -> int:
    """After an edit of a published post: the members it now mentions who have not heard
    of it yet (under any reason, key ``post:<id>``). Followers are not told again of an
    edit. Idempotent; returns how many notifications were recorded."""
    post = _published(post_id)
    if post is None:
        return 0
    wanted: dict[int, str] = {}
    users: dict[int, User] = {}
    for user in selectors.mention_recipients(post, linked_mentions(post.body_html)):
        _want(wanted, users, user, "mention")
    return _deliver(post, wanted, users)


@transaction.atomic
def post_notify_reactions(*, post_id: int) -> Notification | None:
    """Tell a post's author, in one consolidated notification (key ``reactions:<id>``),
    how many members sent support ("3 members sent a hug"). The message is recomputed
    from the reactions as they are now, and an unread notice that already says so is left
    alone, so running it twice changes nothing."""
    post = _published(post_id)
    if post is None or post.author is None:
        return None
    thread = post.thread
    if post.author_id not in selectors.who_may_hear(thread.group, thread, {post.author_id}):
        return None
    rows = list(
        Reaction.objects.filter(post=post)
        .exclude(user_id=post.author_id)
        .exclude(user__blocks_received__blocker_id=post.author_id)  # not from those blocked
        .values("user_id", "kind")
    )
    people = {row["user_id"] for row in rows}
    if not people:
        return None
    kinds = sorted({row["kind"] for row in rows})
    labels = dict(Reaction.Kind.choices)
    n = len(people)
    who = "1 member" if n == 1 else f"{n} members"
    if kinds == [Reaction.Kind.HUG]:
        what = "sent a hug"
    elif len(kinds) == 1:
        what = f"sent “{labels[kinds[0]]}”"
    else:
        what = "sent support (" + ", ".join(labels[k].lower() for k in kinds) + ")"
    message = f"{who} {what} for your post in “{thread.title}”."
    unchanged = Notification.objects.filter(
        recipient_id=post.author_id, key=reactions_key(post), read_at__isnull=True, message=message
    ).first()
    if unchanged is not None:
        return unchanged
    return notify(
        recipient=post.author,
        kind=Notification.Kind.REACTIONS,
        message=message,
        url=post.get_absolute_url(),
        group=thread.group,
        thread=thread,
        post=post,
        key=reactions_key(post),
    )

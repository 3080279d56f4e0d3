"""Threads and posts: starting a thread, replying, editing, deleting, approving, and
reactions. Every post is screened (watched words, crisis language) before it is saved."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send
from accounts.triggers import Topic, clean_topics
from moderation.models import ReviewItem
from moderation.services.audit import audit_post_action
from moderation.services.crisis import alert_for_post
from moderation.services.queue import review_open, review_resolve_for
from moderation.services.words import PostScreening, review_watched_words, screen_post

from .. import fanout, policies, realtime, selectors
from ..models import (
    MAX_TREE_DEPTH,
    PATH_DIGITS,
    Post,
    PostRevision,
    Reaction,
    SupportGroup,
    Thread,
    ThreadSubscription,
)
from ..rendering import link_mentions, linked_mentions, mentions_in, render_markdown
from ..tasks import notify_post_mentions as notify_post_mentions_task
from ..tasks import notify_post_published as notify_post_published_task
from ..tasks import notify_reaction as notify_reaction_task

MAX_BODY = 20000
MAX_TITLE = 150


def _clean_text(value: str, *, field: str, label: str, limit: int) -> str:
    value = value.replace("\x00", "").strip()
    if not value:
        raise ValidationError({field: f"Please write a {label}."})
    if len(value) > limit:
        raise ValidationError(
            {field: f"The {label} can be at most {limit:,} characters (it has {len(value):,})."}
        )
    return value


def _clean_warning(value: str) -> str:
    value = value.replace("\x00", "").strip()
    if len(value) > 120:
        raise ValidationError(
            {"content_warning": "A content warning can be at most 120 characters."}
        )
    return value


def _clean_topics(values) -> list[str]:
    """Content-warning topics from the taxonomy (accounts.triggers.Topic), in its order."""
    values = list(values or [])
    unknown = [v for v in values if v not in Topic.values]
    if unknown:
        raise ValidationError({"content_topics": "Please choose topics from the list."})
    return clean_topics(values)


def _insert_post(
    *,
    author: User,
    thread: Thread,
    body: str,
    reply_to: Post | None,
    content_warning: str,
    content_topics: list[str],
    anonymous: bool,
    is_opening: bool,
    screened: PostScreening,
    submission=None,
) -> Post:
    """Save a post screened by ``screen_post``: a watched word to hold (``holds``) or the
    group's posting policy makes it wait for a facilitator; a flag (``flags``) publishes
    it and puts it in the review queue. Crisis language raises an alert in this same
    transaction (``post.crisis_alert``), whether the post is published or held."""
    holds, flags = screened.holds, screened.flags
    group = thread.group
    if anonymous and not policies.can_post_anonymously(author, group):
        raise PermissionDenied("This group does not allow anonymous posts.")
    by_policy = policies.post_needs_approval(author, group)
    state = Post.State.PENDING if holds or by_policy else Post.State.PUBLISHED
    parent = reply_to
    if parent is not None and parent.depth + 1 >= MAX_TREE_DEPTH:
        parent = parent.parent  # past the deepest level a reply becomes its target's sibling
    post = Post(
        thread=thread,
        parent=parent,
        reply_to=reply_to,
        author=author,
        is_opening=is_opening,
        body=body,
        body_html=render_body(body),
        content_warning=content_warning,
        content_topics=content_topics,
        is_anonymous=anonymous,
        state=state,
        depth=0 if parent is None else parent.depth + 1,
        path="pending",
        submission=submission,
    )
    post.full_clean(exclude=["path"])
    post.save()
    own = f"{post.pk:0{PATH_DIGITS}d}"
    post.path = own if parent is None else f"{parent.path}/{own}"
    Post.objects.filter(pk=post.pk).update(path=post.path)
    if state == Post.State.PUBLISHED:
        _count_published(post)
        if flags:
            review_watched_words(kind=ReviewItem.Kind.FLAGGED_POST, post=post, reasons=flags)
    else:
        policy = ["The group's posting policy holds this member's posts for approval."]
        review_open(
            kind=ReviewItem.Kind.PENDING_POST,
            group=group,
            post=post,
            severity=ReviewItem.Severity.LOW,
            reason="; ".join(holds + flags + (policy if by_policy else [])),
        )
    post.crisis_assessment = screened.crisis
    post.crisis_alert = (
        alert_for_post(post=post, assessment=screened.crisis) if screened.crisis else None
    )
    return post


def _review_edit(*, post: Post, holds: list[str], flags: list[str], was_published: bool) -> None:
    """An edit brought in watched words. A hold takes a published post back to awaiting
    approval (and off the thread's reply count until ``post_approve`` counts it again);
    otherwise the words join the post's pending item, or its flagged item."""
    reasons = [f"{reason} (in an edit)" for reason in holds + flags]
    if holds and was_published:
        if not post.is_opening:
            Thread.objects.filter(pk=post.thread_id, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
        kind = ReviewItem.Kind.PENDING_POST
    elif post.state == Post.State.PENDING:
        kind = ReviewItem.Kind.PENDING_POST
    else:
        kind = ReviewItem.Kind.FLAGGED_POST
    review_watched_words(kind=kind, post=post, reasons=reasons)


def _count_published(post: Post) -> None:
    """Keep the thread's denormalised counters in step with a newly published post. The
    newest post and activity time only move forward (a post approved late, or approved
    again after an edit held it, is older than what followed it)."""
    updates = {
        "last_post_id": Greatest(F("last_post_id"), post.pk),
        "last_activity_at": Greatest(F("last_activity_at"), post.created_at),
    }
    if post.is_opening:
        updates["is_published"] = True
    else:
        updates["reply_count"] = F("reply_count") + 1
    Thread.objects.filter(pk=post.thread_id).update(**updates)
    _fan_out_on_commit(post)
    realtime.publish_post_on_commit(post)


def _fan_out_on_commit(post: Post) -> None:
    """A post was published: the member it answers hears now (one notification, O(1));
    followers and mentioned members hear from ``notify_post_published`` after commit,
    off the request path, whatever their number."""
    fanout.post_notify_direct(post=post)
    post_id = post.pk
    transaction.on_commit(lambda: notify_post_published_task.delay(post_id), robust=True)


def keep_revision(post: Post, *, editor: User, staff_only: bool = False) -> PostRevision:
    """Keep the post as it is now in its history, before it changes."""
    return PostRevision.objects.create(
        post=post,
        body=post.body,
        body_html=post.body_html,
        content_warning=post.content_warning,
        content_topics=post.content_topics,
        edited_by=editor,
        staff_only=staff_only,
    )


def render_body(body: str) -> str:
    """Sanitised HTML with @mentions of existing members linked to their cards."""
    html = render_markdown(body)
    return link_mentions(html, selectors.existing_handles(mentions_in(html)))


def _auto_follow(user: User, thread: Thread) -> None:
    """Starting or replying to a thread follows it, unless the member chose otherwise
    (a muted thread stays muted). One statement."""
    ThreadSubscription.objects.get_or_create(
        user=user, thread=thread, defaults={"state": ThreadSubscription.State.FOLLOW}
    )


def _posted_before(author: User, submission) -> Post | None:
    """The post ``author`` already saved from the form ``submission`` names (a retry after
    a dropped connection, a second click), marked ``resubmitted``; None for a new form.
    Callers hold a lock that serialises the same form's requests."""
    if submission is None:
        return None
    post = Post.objects.select_related("thread").filter(author=author, submission=submission)
    post = post.first()
    if post is not None:
        post.resubmitted = True
    return post


@transaction.atomic
def thread_create(
    *,
    author: User,
    group: SupportGroup,
    title: str,
    body: str,
    content_warning: str = "",
    content_topics=(),
    anonymous: bool = False,
    personal_ok: bool = True,
    submission=None,
) -> Thread:
    """Start a thread with its opening post. Under pre-moderation the thread stays out of
    the group's list (but visible to its author) until a facilitator approves the post.
    The same form sent again (``submission``) returns the thread it started."""
    if submission is not None:
        # Two copies of one form, sent at once, wait here in turn.
        User.objects.select_for_update(no_key=True).filter(pk=author.pk).values_list("pk").first()
        already = _posted_before(author, submission)
        if already is not None:
            thread = already.thread
            thread.resubmitted = True
            return thread
    policies.check_start_thread(author, group)
    title = _clean_text(title, field="title", label="title", limit=MAX_TITLE)
    body = _clean_text(body, field="body", label="post", limit=MAX_BODY)
    content_warning = _clean_warning(content_warning)
    content_topics = _clean_topics(content_topics)
    screened = screen_post(
        author=author,
        group=group,
        personal_ok=personal_ok,
        title=title,
        body=body,
        content_warning=content_warning,
    )
    texts = screened.texts
    title, body, content_warning = texts["title"], texts["body"], texts["content_warning"]
    now = timezone.now()
    thread = Thread(
        group=group,
        title=title,
        author=author,
        created_at=now,
        last_activity_at=now,
        is_published=False,
    )
    thread.full_clean()
    thread.save()
    opening = _insert_post(
        author=author,
        thread=thread,
        body=body,
        reply_to=None,
        content_warning=content_warning,
        content_topics=content_topics,
        anonymous=anonymous,
        is_opening=True,
        screened=screened,
        submission=submission,
    )
    _auto_follow(author, thread)
    thread.refresh_from_db()
    # What the opening post raised, for the page the author lands on (the crisis panel).
    thread.crisis_assessment = opening.crisis_assessment
    thread.crisis_alert = opening.crisis_alert
    return thread


@transaction.atomic
def post_create(
    *,
    author: User,
    thread: Thread,
    body: str,
    reply_to: Post | None = None,
    content_warning: str = "",
    content_topics=(),
    anonymous: bool = False,
    personal_ok: bool = True,
    submission=None,
) -> Post:
    """Reply to a thread, or to one post in it. Published at once or held for a
    facilitator by the group's posting policy; the live update goes out after commit.
    The same form sent again (``submission``) returns the reply it saved."""
    # The thread's row alone (locking its group's too queued every reply in the group),
    # NO KEY so rows that point at the thread are written meanwhile.
    thread = (
        Thread.objects.select_for_update(of=("self",), no_key=True)
        .select_related("group")
        .get(pk=thread.pk)
    )
    already = _posted_before(author, submission)
    if already is not None:
        return already
    policies.check_reply(author, thread, reply_to)
    body = _clean_text(body, field="body", label="reply", limit=MAX_BODY)
    content_warning = _clean_warning(content_warning)
    content_topics = _clean_topics(content_topics)
    screened = screen_post(
        author=author,
        group=thread.group,
        personal_ok=personal_ok,
        body=body,
        content_warning=content_warning,
    )
    _auto_follow(author, thread)
    return _insert_post(
        author=author,
        thread=thread,
        body=screened.texts["body"],
        reply_to=reply_to,
        content_warning=screened.texts["content_warning"],
        content_topics=content_topics,
        anonymous=anonymous,
        is_opening=False,
        screened=screened,
        submission=submission,
    )


@transaction.atomic
def post_edit(
    *,
    editor: User,
    post: Post,
    body: str,
    content_warning: str,
    content_topics=None,
    personal_ok: bool = True,
) -> Post:
    """Edit a post, keeping the previous version in its revision history. The new text is
    screened as a new post is: a watched word to hold takes a published post back to
    awaiting approval, one to flag puts it in the review queue. ``content_topics`` None
    keeps the post's topics."""
    post = (
        Post.objects.select_for_update(of=("self",), no_key=True)
        .select_related("thread__group")
        .get(pk=post.pk)
    )
    policies.check_edit_post(editor, post)
    body = _clean_text(body, field="body", label="post", limit=MAX_BODY)
    content_warning = _clean_warning(content_warning)
    topics = post.content_topics if content_topics is None else _clean_topics(content_topics)

    def unchanged() -> bool:
        return (body, content_warning, topics) == (
            post.body,
            post.content_warning,
            post.content_topics,
        )

    if unchanged():
        return post
    screened = screen_post(
        author=editor,
        group=post.thread.group,
        personal_ok=personal_ok,
        body=body,
        content_warning=content_warning,
    )
    holds, flags = screened.holds, screened.flags
    body, content_warning = screened.texts["body"], screened.texts["content_warning"]
    if unchanged():
        return post
    mentioned_before = linked_mentions(post.body_html)
    keep_revision(post, editor=editor)
    post.body = body
    post.body_html = render_body(body)
    post.content_warning = content_warning
    post.content_topics = topics
    post.edited_at = timezone.now()
    was_published = post.state == Post.State.PUBLISHED
    if holds and was_published:
        post.state = Post.State.PENDING
    changed = ["body", "body_html", "content_warning", "content_topics", "edited_at", "state"]
    post.save(update_fields=changed)
    if holds or flags:
        _review_edit(post=post, holds=holds, flags=flags, was_published=was_published)
    post.crisis_assessment = screened.crisis
    post.crisis_alert = (
        alert_for_post(post=post, assessment=screened.crisis, edited=True)
        if screened.crisis
        else None
    )
    if post.state == Post.State.PUBLISHED and linked_mentions(post.body_html) - mentioned_before:
        post_id = post.pk
        transaction.on_commit(lambda: notify_post_mentions_task.delay(post_id), robust=True)
    realtime.publish_post_on_commit(post, event="post.edited")
    return post


@transaction.atomic
def post_delete(*, actor: User, post: Post) -> Post:
    """Soft delete by the author: the place in the thread stays ("deleted by its author")
    so replies keep their context; the text stays in the revision history for facilitators."""
    post = (
        Post.objects.select_for_update(of=("self",), no_key=True)
        .select_related("thread__group")
        .get(pk=post.pk)
    )
    policies.check_delete_post(actor, post)
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    if post.state == Post.State.PUBLISHED and not post.is_opening:
        Thread.objects.filter(pk=post.thread_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
    review_resolve_for(actor=actor, post=post, resolution="deleted by its author")
    realtime.publish_post_on_commit(post, event="post.deleted")
    return post


@transaction.atomic
def post_approve(*, actor: User, post: Post) -> Post:
    """A facilitator publishes a post that was waiting under pre-moderation."""
    post = (
        Post.objects.select_for_update(of=("self",), no_key=True)
        .select_related("thread__group")
        .get(pk=post.pk)
    )
    policies.check_approve_post(actor, post)
    post.state = Post.State.PUBLISHED
    post.save(update_fields=["state"])
    _count_published(post)
    review_resolve_for(
        actor=actor, post=post, kinds=[ReviewItem.Kind.PENDING_POST], resolution="approved"
    )
    audit_post_action(
        actor=actor,
        action="post.approve",
        post=post,
    )
    notification_send(
        recipient=post.author,
        kind=Notification.Kind.POST_APPROVED,
        message=f"A facilitator approved your post in “{post.thread.title}”. It is now visible.",
        url=post.get_absolute_url(),
    )
    return post


@transaction.atomic
def reaction_toggle(*, user: User, post: Post, kind: str) -> bool:
    """Send or take back one kind of support. Returns True if it is now given."""
    policies.check_react(user, post)
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Unknown reaction."})
    deleted, _ = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    realtime.publish_post_on_commit(post, event="post.reacted")
    if deleted:
        # A reaction taken back leaves no row: the time tells reconnecting pages.
        Post.objects.filter(pk=post.pk).update(changed_at=timezone.now())
        return False
    Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    post_id = post.pk
    transaction.on_commit(lambda: notify_reaction_task.delay(post_id), robust=True)
    return True

"""What a facilitator does to a post: approve, hide pending review, restore, remove citing
a rule, add a content warning, and settle the flags on it. Each action is permission-checked,
audited, settles the post's review items and tells the author what happened and why."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send
from accounts.triggers import Topic, clean_topics, topic_labels
from groups import realtime
from groups import services as group_services
from groups.models import Post, Thread

from .. import policies
from ..models import Flag, Guideline, ReviewItem
from ..selectors.guidelines import citable_rules
from .audit import audit_post_action
from .queue import check_not_claimed_by_other, review_resolve_for

REMOVAL_MESSAGE_LIMIT = 1000


def post_set_state(post: Post, state: str) -> None:
    """Move a post between states, keeping its thread's published-reply count in step.
    The one place moderation changes a post's visibility (auto-hide included)."""
    was_public = post.state == Post.State.PUBLISHED and not post.is_deleted
    post.state = state
    post.changed_at = timezone.now()
    post.save(update_fields=["state", "changed_at"])
    is_public = state == Post.State.PUBLISHED and not post.is_deleted
    if post.is_opening:
        # A thread whose opening post is hidden stays listed (readers see why, and the
        # replies); one whose opening post is taken down or not yet approved does not.
        listed = state in (Post.State.PUBLISHED, Post.State.HIDDEN)
        Thread.objects.filter(pk=post.thread_id).update(is_published=listed)
    elif was_public == is_public:
        return
    elif is_public:
        Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") + 1)
    else:
        Thread.objects.filter(pk=post.thread_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
    realtime.publish_post_on_commit(post, event="post.edited")


def _locked_post(actor: User, post: Post) -> Post:
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__group", "author")
        .get(pk=post.pk)
    )
    policies.check_moderate_post(actor, post)
    for item in ReviewItem.objects.open().filter(post=post).select_related("claimed_by"):
        check_not_claimed_by_other(actor, item)
    return post


def check_rule(rule: Guideline | None, group) -> Guideline:
    """Every removal and sanction cites one rule: the site's or the group's own."""
    if rule is None:
        raise ValidationError({"rule": "Please choose the rule this breaks."})
    if rule.pk not in {r.pk for r in citable_rules(group)}:
        raise ValidationError({"rule": "Please choose one of this group's or Haven's rules."})
    return rule


def _settle_flags(post: Post, actor: User, state: str) -> int:
    return Flag.objects.filter(post=post, state=Flag.State.OPEN).update(
        state=state, resolved_at=timezone.now(), resolved_by=actor
    )


def _clean_message(message: str) -> str:
    message = message.replace("\x00", "").strip()
    if len(message) > REMOVAL_MESSAGE_LIMIT:
        raise ValidationError(
            {"message": f"The message can be at most {REMOVAL_MESSAGE_LIMIT} characters."}
        )
    return message


@transaction.atomic
def post_remove(*, actor: User, post: Post, rule: Guideline, message: str = "") -> Post:
    """Take a post down citing a rule. Open flags on it are upheld (their reporters'
    accuracy rises); its review items resolve; the author is told the rule and the
    facilitator's message. The text stays in the database for the audit trail."""
    post = _locked_post(actor, post)
    group = post.thread.group
    rule = check_rule(rule, group)
    message = _clean_message(message)
    if post.state == Post.State.REMOVED:
        raise PermissionDenied("This post has already been removed.")
    post_set_state(post, Post.State.REMOVED)
    upheld = _settle_flags(post, actor, Flag.State.UPHELD)
    review_resolve_for(actor=actor, post=post, resolution="removed")
    audit_post_action(
        actor=actor,
        action="post.remove",
        post=post,
        rule=rule,
        reason=message,
        details={"flags_upheld": upheld},
    )
    text = (
        f"A facilitator removed your post in “{post.thread.title}” because it goes against "
        f"rule {rule.number}, “{rule.title}”."
    )
    if message:
        text += f" Their message: {message}"
    notification_send(
        recipient=post.author,
        kind=Notification.Kind.POST_REMOVED,
        message=text,
        url=post.get_absolute_url(),
    )
    return post


@transaction.atomic
def post_hide(*, actor: User, post: Post, reason: str = "") -> Post:
    """Hide a post from members while it is reviewed (it stays in the queue)."""
    post = _locked_post(actor, post)
    if post.state != Post.State.PUBLISHED:
        raise PermissionDenied("Only a published post can be hidden.")
    post_set_state(post, Post.State.HIDDEN)
    audit_post_action(
        actor=actor,
        action="post.hide",
        post=post,
        reason=reason.strip()[:500],
    )
    notification_send(
        recipient=post.author,
        kind=Notification.Kind.POST_HIDDEN,
        message="A facilitator is reviewing one of your posts and has hidden it meanwhile. "
        "You don't need to do anything; you'll hear what they decide.",
        url=post.get_absolute_url(),
    )
    return post


@transaction.atomic
def post_review_approve(*, actor: User, post: Post, unhelpful: bool = False) -> Post:
    """Settle a post as fine from the queue: publish it if it was waiting (as
    ``groups.services.post_approve`` does) or hidden, dismiss its open flags (marking them
    unhelpful lowers their reporters' weight) and resolve its review items."""
    post = _locked_post(actor, post)
    if post.state == Post.State.REMOVED or post.is_deleted:
        raise PermissionDenied("This post has been taken down; it can't be approved.")
    previous = post.state
    if previous == Post.State.PENDING:
        post = group_services.post_approve(actor=actor, post=post)
    elif previous == Post.State.HIDDEN:
        post_set_state(post, Post.State.PUBLISHED)
        notification_send(
            recipient=post.author,
            kind=Notification.Kind.POST_APPROVED,
            message=f"A facilitator reviewed your post in “{post.thread.title}” and it is "
            "visible again.",
            url=post.get_absolute_url(),
        )
    dismissed = _settle_flags(
        post, actor, Flag.State.DECLINED if unhelpful else Flag.State.DISMISSED
    )
    review_resolve_for(actor=actor, post=post, resolution="approved")
    if previous != Post.State.PENDING or dismissed:
        audit_post_action(
            actor=actor,
            action="flags.dismiss",
            post=post,
            details={"was": previous, "flags": dismissed, "unhelpful": unhelpful},
        )
    return post


@transaction.atomic
def content_warning_set(
    *, actor: User, post: Post, content_warning: str, content_topics=None
) -> Post:
    """A facilitator sets a post's content warning and sensitive topics (None keeps the
    topics): a written warning folds the post for everyone, topics for the members who
    fold them. The author is told."""
    post = _locked_post(actor, post)
    content_warning = content_warning.replace("\x00", "").strip()
    if len(content_warning) > 120:
        raise ValidationError(
            {"content_warning": "A content warning can be at most 120 characters."}
        )
    topics = post.content_topics if content_topics is None else list(content_topics)
    if any(t not in Topic.values for t in topics):
        raise ValidationError({"content_topics": "Please choose topics from the list."})
    topics = clean_topics(topics)
    if not content_warning and not topics:
        raise ValidationError(
            {"content_warning": "Please say what the warning is about, or choose a topic."}
        )
    previous = {"warning": post.content_warning, "topics": post.content_topics}
    post.content_warning = content_warning
    post.content_topics = topics
    post.changed_at = timezone.now()
    post.save(update_fields=["content_warning", "content_topics", "changed_at"])
    audit_post_action(
        actor=actor,
        action="post.content_warning",
        post=post,
        details={"was": previous, "now": {"warning": content_warning, "topics": topics}},
    )
    named = content_warning or ", ".join(topic_labels(topics))
    notification_send(
        recipient=post.author,
        kind=Notification.Kind.CONTENT_WARNING,
        message=f"A facilitator added the content warning “{named}” to your post "
        f"in “{post.thread.title}”, so others can choose when to read it.",
        url=post.get_absolute_url(),
    )
    realtime.publish_post_on_commit(post, event="post.edited")
    return post


REDACTED = "[removed by a facilitator]"


@transaction.atomic
def post_redact(*, actor: User, post: Post, passage: str, reason: str) -> Post:
    """A facilitator removes a passage (a phone number, an address) from a post: every
    occurrence becomes ``REDACTED``. The version before, and any earlier version holding
    the passage, stay in the edit history for facilitators only (``staff_only``). The
    audit log keeps the reason and how much was removed, never the passage itself."""
    post = _locked_post(actor, post)
    passage = passage.replace("\x00", "").strip()
    reason = reason.replace("\x00", "").strip()
    if not passage:
        raise ValidationError({"passage": "Please paste the passage to remove."})
    if not reason:
        raise ValidationError({"reason": "Please say why."})
    occurrences = post.body.count(passage)
    if not occurrences:
        raise ValidationError(
            {"passage": "That passage is not in the post: copy it exactly as it is written."}
        )
    post.revisions.filter(body__contains=passage).update(staff_only=True)
    group_services.keep_revision(post, editor=actor, staff_only=True)
    now = timezone.now()
    post.body = post.body.replace(passage, REDACTED)
    post.body_html = group_services.render_body(post.body)
    post.edited_at = now
    post.changed_at = now
    post.save(update_fields=["body", "body_html", "edited_at", "changed_at"])
    audit_post_action(
        actor=actor,
        action="post.redacted",
        post=post,
        reason=reason,
        details={"occurrences": occurrences, "characters": len(passage)},
    )
    notification_send(
        recipient=post.author,
        kind=Notification.Kind.POST_REDACTED,
        message=f"A facilitator removed part of your post in “{post.thread.title}”: {reason}",
        url=post.get_absolute_url(),
    )
    realtime.publish_post_on_commit(post, event="post.edited")
    return post

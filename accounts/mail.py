"""Composing notification e-mails and digests, and the signed unsubscribe tokens.

An inbox is less private than Haven: an e-mail never holds a post's words, nor anything
of a private group (its name, a thread title) — only "there is a new reply in a private
group" and a link. For listed/unlisted groups the thread title may appear, never bodies.
Who acted is never named (the post may be anonymous)."""

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Notification, User
from .triggers import filter_for, notification_fold

UNSUBSCRIBE_SALT = "accounts.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 90  # seconds: a link in an old e-mail still works
DIGEST = "digest"  # the unsubscribe "kind" that switches the digest off

PHRASES = {
    Notification.Kind.REPLY: "Someone replied to your post",
    Notification.Kind.THREAD_REPLY: "There is a new reply in a thread you follow",
    Notification.Kind.MENTION: "Someone mentioned you in a post",
    Notification.Kind.REACTIONS: "Members responded to your post",
    Notification.Kind.INVITATION: "A facilitator invited you to join a group",
}


def absolute(path: str) -> str:
    domain = Site.objects.get_current().domain
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{domain}{path}"


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; raises ``signing.BadSignature`` (incl. expired)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("Malformed token.")
    return data["u"], str(data.get("k", ""))


def unsubscribe_url(user: User, kind: str) -> str:
    return absolute(reverse("accounts:unsubscribe", args=[unsubscribe_token(user, kind)]))


def notification_group(notification: Notification):
    if notification.group_id:
        return notification.group
    if notification.thread_id:
        return notification.thread.group
    if notification.post_id:
        return notification.post.thread.group
    return None


def describe(notification: Notification) -> dict:
    """What may be said of a notification outside Haven."""
    group = notification_group(notification)
    private = group is not None and group.is_private
    thread = notification.thread if notification.thread_id else None
    if thread is None and notification.post_id:
        thread = notification.post.thread
    fold = notification_fold(notification, filter_for(notification.recipient))
    if private:
        where = "in a private group"
    elif fold is not None and thread is not None:
        # Nothing of a folded post's thread in an inbox; the summary names why.
        where = f"in a thread in {group.name} (folded for you: {fold.summary})"
    elif thread is not None:
        where = f"in “{thread.title}” ({group.name})"
    elif group is not None:
        where = f"in {group.name}"
    else:
        where = ""
    headline = PHRASES.get(notification.kind, notification.get_kind_display())
    if private and notification.kind in (Notification.Kind.REPLY, Notification.Kind.THREAD_REPLY):
        headline = "There is a new reply"
    return {
        "headline": headline,
        "where": where,
        "count": notification.count,
        "url": absolute(notification.url or reverse("accounts:notifications")),
    }


def _send(user: User, subject: str, template: str, context: dict, unsubscribe: str) -> None:
    context = {
        **context,
        "user": user,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe,
        "settings_url": absolute(reverse("accounts:notification_settings")),
    }
    message = EmailMultiAlternatives(
        f"[{settings.SITE_NAME}] {subject}",
        render_to_string(f"accounts/email/{template}.txt", context),
        None,
        [user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"accounts/email/{template}.html", context), "text/html"
    )
    message.send()


def send_notification_email(notification: Notification) -> None:
    item = describe(notification)
    user = notification.recipient
    _send(
        user,
        item["headline"],
        "notification",
        {"item": item, "kind_label": notification.get_kind_display()},
        unsubscribe_url(user, notification.kind),
    )


def send_digest_email(user: User, *, items: list[dict], activity: list[dict]) -> None:
    _send(
        user,
        "Your digest",
        "digest",
        {"items": items, "activity": activity},
        unsubscribe_url(user, DIGEST),
    )


def send_erasure_scheduled_email(address: str, due) -> None:
    """Tell a member when their account will be deleted and how to keep it. Says nothing
    of what they wrote or where."""
    context = {
        "site_name": settings.SITE_NAME,
        "due": due,
        "login_url": absolute(reverse("account_login")),
    }
    EmailMultiAlternatives(
        f"[{settings.SITE_NAME}] Your account will be deleted on {due:%-d %B %Y}",
        render_to_string("accounts/email/erasure_scheduled.txt", context),
        None,
        [address],
    ).send()

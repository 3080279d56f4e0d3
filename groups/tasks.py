"""Notification fan-out, off the request path. Each task takes ids, re-reads the rows
(a post gone or no longer published notifies nobody) and is safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import fanout


@shared_task(
    name="groups.notify_post_published",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def notify_post_published(post_id: int) -> int:
    """Replies, followed threads and mentions of a newly published post (created, or a
    held post approved). Idempotent: keyed ``post:<id>`` per recipient."""
    return fanout.post_notify_published(post_id=post_id)


@shared_task(
    name="groups.notify_post_mentions",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def notify_post_mentions(post_id: int) -> int:
    """Members newly mentioned by an edit of a published post. Idempotent."""
    return fanout.post_notify_mentions(post_id=post_id)


@shared_task(
    name="groups.notify_reaction",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def notify_reaction(post_id: int) -> None:
    """The consolidated "N members sent support" notice for a post's author. Idempotent."""
    fanout.post_notify_reactions(post_id=post_id)


@shared_task(
    name="groups.meeting_reminders_due",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def meeting_reminders_due() -> int:
    """Every few minutes (beat): remind those going 24 hours and 1 hour before a meeting.
    Idempotent: each reminder is claimed on its RSVP before it is recorded."""
    from .services.meetings import meeting_reminders_due as remind

    return remind()

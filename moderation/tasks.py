"""Moderation's periodic work. Each task calls one service and is safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from .services import queue, resources


@shared_task(
    name="moderation.resources_review_stale",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def resources_review_stale_task() -> int:
    """Daily (beat): vetted resources past their review-by date return to the review queue.
    Idempotent: a resource already waiting is not queued again."""
    return resources.resources_review_stale()


@shared_task(
    name="moderation.review_remind_overdue",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def review_remind_overdue_task() -> int:
    """Every few minutes (beat): tell a group's facilitators about review items that have
    waited longer than the group allows. Idempotent: each item is reminded about once."""
    return queue.review_remind_overdue()

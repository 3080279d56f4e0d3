"""Moderation's periodic work. Each task calls one service and is safe to run twice."""

from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .services import crisis_delivery, lexicon, queue, resources


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
    name="moderation.sanctions_ended_notify",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def sanctions_ended_notify_task() -> int:
    """Every 15 minutes (beat): tell members whose mute or suspension ended. Idempotent:
    each sanction's end is told once."""
    from .services.sanctions import sanctions_ended_notify

    return sanctions_ended_notify()


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


@shared_task(
    name="moderation.crisis_lines_review_due",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def crisis_lines_review_due_task() -> int:
    """Daily (beat): crisis lines past their re-verification date go to the admins' review
    queue, and admins are told once. Idempotent: a line already waiting is not queued again."""
    from .services.crisis_lines import crisis_lines_review_due

    return crisis_lines_review_due()


@shared_task(
    name="moderation.lexicon_rescan",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def lexicon_rescan_task(rescan_id: int) -> int:
    """Re-scan recent posts with the current crisis lexicon. Resumable and idempotent: a
    re-run continues after the last post recorded, and never alerts a post twice for the
    same evidence."""
    rescan = lexicon.lexicon_rescan_run(rescan_id)
    return rescan.alerts_raised if rescan is not None else 0


# --- crisis alerts: delivery must survive a lost broker, a killed worker, a restart ---

# Failures worth retrying: the database, Redis (broker or channel layer), the mail server.
TRANSIENT = (
    OperationalError,
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    SMTPException,
    ConnectionError,
    TimeoutError,
)


@shared_task(
    name="moderation.alert_deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=30,
    ignore_result=True,
)
def alert_deliver_task(alert_id: int) -> int:
    """Deliver one crisis alert (after its commit; again from the sweeper if unconfirmed).
    Acknowledged only when done, and redelivered if the worker dies mid-task; idempotent,
    so a repeat tells nobody twice. A missing or resolved alert is a no-op."""
    return crisis_delivery.alert_deliver(alert_id)


@shared_task(
    name="moderation.alert_escalate_due",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def alert_escalate_due_task() -> int:
    """Every 30 s (beat): escalate alerts nobody acknowledged in time. Idempotent: each
    alert escalates to each level once."""
    return crisis_delivery.alert_escalate_due()


@shared_task(
    name="moderation.alert_sweep",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def alert_sweep_task() -> int:
    """Every 30 s (beat): re-dispatch alerts whose delivery was never confirmed (the
    broker was down at posting time, a worker was killed). Idempotent."""
    return crisis_delivery.alert_sweep()


@shared_task(
    name="moderation.alert_follow_up_due",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def alert_follow_up_due_task() -> int:
    """Every 5 minutes (beat): remind resolvers to check in after an outreach outcome.
    Idempotent: each reminder is sent once."""
    return crisis_delivery.alert_follow_up_due()

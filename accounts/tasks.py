"""Accounts' background work: notification e-mails and digests. Each task takes ids,
re-reads the rows, calls one service and is safe to run twice."""

from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT = (OperationalError, InterfaceError, SMTPException, ConnectionError, TimeoutError)


@shared_task(
    name="accounts.notification_email",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=6,
)
def notification_email_task(notification_id: int) -> str:
    """E-mail one notification (after the commit that recorded it). Idempotent via
    ``emailed_at``. During the member's quiet hours it is held (``email_due_at``) and
    ``notification_emails_release_task`` sends it when they end."""
    outcome, _ = services.notification_email_send(notification_id=notification_id)
    return outcome


@shared_task(
    name="accounts.notification_emails_release",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def notification_emails_release_task() -> int:
    """Every few minutes (beat): e-mails held for quiet hours that have now ended, one
    task each. Idempotent: each send re-checks and claims its row."""
    ids = services.notification_emails_release()
    for notification_id in ids:
        notification_email_task.delay(notification_id)
    return len(ids)


@shared_task(
    name="accounts.digest_send_due",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def digest_send_due_task() -> int:
    """Hourly (beat): find members whose digest is due (08:00 in their time zone) and
    hand them out in batches of DIGEST_BATCH. Idempotent: each batch re-checks."""
    ids = services.digest_due_ids()
    for start in range(0, len(ids), services.DIGEST_BATCH):
        digest_send_batch_task.delay(ids[start : start + services.DIGEST_BATCH])
    return len(ids)


@shared_task(
    name="accounts.digest_send_batch",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def digest_send_batch_task(user_ids: list[int]) -> int:
    """Send the digests of up to DIGEST_BATCH members. Safe to retry: a member already
    sent (``last_digest_at``) is skipped. Returns how many e-mails went out."""
    return sum(services.digest_send(user_id=pk) == "sent" for pk in user_ids)


@shared_task(
    name="accounts.data_export_build",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def data_export_build_task(export_id: int) -> str:
    """Build a member's data export (enqueued after the commit that recorded the request).
    Idempotent: an export already built, failed or gone is left alone."""
    return services.export_build(export_id=export_id)


@shared_task(
    name="accounts.account_erasures_due",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def account_erasures_due_task() -> int:
    """Hourly (beat): erase the accounts whose 14-day grace period has ended."""
    return services.account_erasures_due()


@shared_task(
    name="accounts.data_exports_purge",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def data_exports_purge_task() -> int:
    """Hourly (beat): clear the content of data exports past their 24 hours."""
    return services.data_exports_purge()

"""Getting a crisis alert to people, and never losing it on the way.

The alert row (written with the post or concern that raised it) is the source of truth.
``alert_dispatch`` enqueues delivery after commit; ``alert_deliver`` (the task's service)
re-reads the row under a lock and tells whoever has not been told yet (in-app, e-mail,
live), so running it twice, or concurrently, tells nobody twice. ``alert_sweep`` re-queues
alerts whose delivery was never confirmed (the broker was down when the post committed,
a worker died mid-task), and ``alert_escalate_due`` widens the circle when nobody
acknowledges in time. Every message carries severity, group and a link, never a post's
words: the facilitator reads those behind the sign-in and two-factor gate.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send

from .. import realtime
from ..models import AlertDelivery, AlertEscalation, CrisisAlert
from ..selectors.duty import admins, group_facilitators, on_duty_facilitators
from .audit import audit_record

logger = logging.getLogger(__name__)

# Acknowledgement windows for alerts with no group (the admins' own), by severity.
DEFAULT_ACK_MINUTES = {
    CrisisAlert.Severity.IMMINENT: 5,
    CrisisAlert.Severity.HIGH: 15,
    CrisisAlert.Severity.MODERATE: 60,
}
# The sweeper re-queues an undelivered alert this long after its last dispatch, and one
# never dispatched (the broker was down) after a short grace for the on-commit dispatch.
SWEEP_AFTER = timedelta(seconds=60)
SWEEP_GRACE = timedelta(seconds=10)
SWEEP_BATCH = 100
ESCALATE_BATCH = 500
FOLLOW_UP_BATCH = 200
# Publishing to a down broker gives up quickly: the request that raised the alert must not
# hang, and the sweeper redoes the dispatch.
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}


# --- dispatch and the sweeper ---


def alert_dispatch(alert_id: int) -> bool:
    """Queue the delivery of an alert. Never raises: with the broker unreachable it logs a
    warning and leaves ``last_dispatched_at`` as it was, so the sweeper picks the alert up
    on its next run. Returns whether the task was queued."""
    from ..tasks import alert_deliver_task  # tasks import this module

    try:
        alert_deliver_task.apply_async(
            args=[alert_id],
            queue=settings.HAVEN_ALERT_QUEUE,
            retry=True,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except Exception:
        logger.warning(
            "Crisis alert %s: could not queue its delivery; the sweeper will retry.",
            alert_id,
            exc_info=True,
        )
        CrisisAlert.objects.filter(pk=alert_id).update(dispatch_count=F("dispatch_count") + 1)
        return False
    CrisisAlert.objects.filter(pk=alert_id).update(
        dispatch_count=F("dispatch_count") + 1, last_dispatched_at=timezone.now()
    )
    return True


def alert_sweep(now: datetime | None = None) -> int:
    """Re-dispatch unresolved alerts whose delivery has not completed: never dispatched
    (after a short grace) or last dispatched more than ``SWEEP_AFTER`` ago. Bounded batch,
    most severe first. Idempotent (delivery is). Returns how many were re-dispatched."""
    now = now or timezone.now()
    stale = (
        CrisisAlert.objects.unresolved()
        .undelivered()
        .filter(
            Q(last_dispatched_at__isnull=True, created_at__lte=now - SWEEP_GRACE)
            | Q(last_dispatched_at__lte=now - SWEEP_AFTER)
        )
        .order_by("-severity", "created_at", "pk")
        .values_list("pk", "dispatch_count")[:SWEEP_BATCH]
    )
    swept = 0
    for alert_id, dispatches in stale:
        logger.warning(
            "Crisis alert %s is not delivered after %s dispatch(es): dispatching again.",
            alert_id,
            dispatches,
        )
        alert_dispatch(alert_id)
        swept += 1
    return swept


# --- delivery ---


def _locked(alert_id: int) -> CrisisAlert | None:
    """The alert, locked: every writer of deliveries and escalations takes this lock
    first, so concurrent runs (the task and a sweeper's re-dispatch) serialise."""
    return (
        CrisisAlert.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(pk=alert_id)
        .first()
    )


def _without_subject(alert: CrisisAlert, users: list[User]) -> list[User]:
    """Nobody is paged about themselves (a facilitator may be the member at risk)."""
    seen: set[int] = set()
    kept = []
    for user in users:
        if user.pk != alert.subject_id and user.pk not in seen:
            seen.add(user.pk)
            kept.append(user)
    return kept


def _where(alert: CrisisAlert) -> str:
    return f"in {alert.group.name}" if alert.group_id else "for the admins (no group)"


def _severity(alert: CrisisAlert) -> str:
    return CrisisAlert.Severity(alert.severity).label


def _tell(
    alert: CrisisAlert, users: list[User], *, level: int, kind: str, message: str
) -> list[User]:
    """Record a delivery and an in-app notification for each of ``users`` not yet told
    of this alert. Returns those newly told. Inside the alert's lock."""
    told = []
    for user in users:
        _, created = AlertDelivery.objects.get_or_create(
            alert=alert, recipient=user, defaults={"level": level}
        )
        if created:
            notification_send(
                recipient=user, kind=kind, message=message, url=alert.get_absolute_url()
            )
            told.append(user)
    return told


def alert_deliver(alert_id: int) -> int:
    """Deliver an alert to its first recipients: the group's on-duty facilitators, plus
    every admin for an imminent alert or one with no group. In-app notification and one
    e-mail each, then the live event, then ``delivered_at``. When nobody is on duty the
    alert escalates at once (all the group's facilitators; with none, the admins).

    Idempotent and safe to run concurrently: a missing or resolved alert is left alone;
    recipients already told are not told again, and each person gets at most one e-mail
    per alert. Run again for a delivered alert (its severity rose in an edit), it tells
    only the newly due (e.g. the admins, for imminent) and publishes to them alone.
    Raises on a transient failure (database, channel layer, mail) so the task retries;
    whatever was done stays done. Returns how many were newly told."""
    now = timezone.now()
    with transaction.atomic():
        alert = _locked(alert_id)
        if alert is None or alert.state == CrisisAlert.State.RESOLVED:
            return 0
        on_duty = on_duty_facilitators(alert.group, now) if alert.group_id else []
        wanted = list(on_duty)
        if alert.group_id is None or alert.severity == CrisisAlert.Severity.IMMINENT:
            wanted += admins()
        told = _tell(
            alert,
            _without_subject(alert, wanted),
            level=0,
            kind=Notification.Kind.CRISIS_ALERT,
            message=f"{_severity(alert)} crisis alert {_where(alert)}",
        )
        nobody_on_duty = alert.raised_off_duty or not _without_subject(alert, on_duty)
        if alert.group_id and alert.state == CrisisAlert.State.OPEN and nobody_on_duty:
            reason = (
                "Raised while nobody was on duty"
                if alert.raised_off_duty
                else "Nobody on duty could be told"
            )
            told += _escalate(alert, 1, reason, now, remind=False, publish=False)
        if not AlertDelivery.objects.filter(alert=alert).exists():
            # No facilitator and no admin to tell: the queue still shows it, but say so loudly.
            logger.error("Crisis alert %s: there is nobody to deliver it to.", alert.pk)
    _email_pending(alert.pk)
    if alert.delivered_at is None:
        realtime.publish_alert(alert, realtime.CRISIS_ALERT)
        CrisisAlert.objects.filter(pk=alert.pk, delivered_at__isnull=True).update(
            delivered_at=timezone.now()
        )
    elif told:
        realtime.publish_alert_to(alert, [user.pk for user in told])
    return len(told)


# --- escalation ---


def ack_window(alert: CrisisAlert) -> timedelta:
    """How long an alert may wait for acknowledgement before it escalates: the group's
    setting for the severity, or the defaults for an alert with no group."""
    severity = CrisisAlert.Severity(alert.severity)
    if alert.group_id is None:
        return timedelta(minutes=DEFAULT_ACK_MINUTES[severity])
    field = f"crisis_ack_{severity.name.lower()}_minutes"
    return timedelta(minutes=getattr(alert.group, field))


def _due_level(alert: CrisisAlert, now: datetime) -> int | None:
    """The escalation level an open alert is due for at ``now``, if any. Level 1 after one
    window from raising; level 2 after another window from level 1. An alert with no
    group goes straight to the admins (a reminder: they were told at once)."""
    window = ack_window(alert)
    if alert.escalation_level >= AlertEscalation.Level.ADMINS:
        return None
    if alert.group_id is None:
        return AlertEscalation.Level.ADMINS if now >= alert.created_at + window else None
    if alert.escalation_level == 0:
        return AlertEscalation.Level.FACILITATORS if now >= alert.created_at + window else None
    since = alert.escalated_at or alert.created_at
    return AlertEscalation.Level.ADMINS if now >= since + window else None


def _escalate(
    alert: CrisisAlert,
    level: int,
    reason: str,
    now: datetime,
    *,
    remind: bool,
    publish: bool = True,
) -> list[User]:
    """Escalate to ``level`` once (the unique alert+level row makes a repeat a no-op):
    tell those not yet told; with ``remind``, notify those already told too (a timed
    escalation: the alert is still waiting). Audited; live event after commit unless
    the caller publishes its own. A level with nobody in it passes on to the admins.
    Inside the alert's lock. Returns those newly told."""
    if AlertEscalation.objects.filter(alert=alert, level=level).exists():
        return []
    if level == AlertEscalation.Level.FACILITATORS:
        users = group_facilitators(alert.group) if alert.group_id else []
    else:
        users = admins()
    users = _without_subject(alert, users)
    where = _where(alert)
    message = f"Escalated: {_severity(alert).lower()} crisis alert {where}. {reason}."
    told = _tell(
        alert, users, level=level, kind=Notification.Kind.CRISIS_ESCALATION, message=message
    )
    if remind:
        told_ids = {user.pk for user in told}
        for user in users:
            if user.pk not in told_ids:
                notification_send(
                    recipient=user,
                    kind=Notification.Kind.CRISIS_ESCALATION,
                    message=message,
                    url=alert.get_absolute_url(),
                )
    AlertEscalation.objects.create(
        alert=alert, level=level, reason=reason[:200], recipients=len(users), created_at=now
    )
    alert.escalation_level = max(alert.escalation_level, level)
    alert.escalated_at = now
    alert.save(update_fields=["escalation_level", "escalated_at"])
    audit_record(
        actor=None,
        action="crisis.alert_escalated",
        group=alert.group,
        post=alert.post,
        target_user=alert.subject,
        reason=reason,
        details={"alert": alert.pk, "level": level, "recipients": len(users)},
    )
    if not users and level < AlertEscalation.Level.ADMINS:
        told += _escalate(
            alert,
            AlertEscalation.Level.ADMINS,
            "The group has no facilitator to tell",
            now,
            remind=remind,
            publish=False,
        )
    if publish:
        realtime.publish_alert_on_commit(alert, realtime.CRISIS_ALERT_CHANGED)
    return told


def alert_escalate_due(now: datetime | None = None) -> int:
    """Escalate open (unacknowledged) alerts that waited longer than their window: to all
    the group's facilitators, then after another window to the admins. Each escalation is
    recorded once, audited, notified, e-mailed (once per person per alert) and published
    live. Idempotent. Returns how many escalations happened."""
    now = now or timezone.now()
    candidates = (
        CrisisAlert.objects.filter(
            state=CrisisAlert.State.OPEN, escalation_level__lt=AlertEscalation.Level.ADMINS
        )
        .select_related("group")
        .order_by("-severity", "created_at", "pk")[:ESCALATE_BATCH]
    )
    escalated = 0
    for candidate in candidates:
        if _due_level(candidate, now) is None:
            continue
        with transaction.atomic():
            alert = _locked(candidate.pk)
            if alert is None or alert.state != CrisisAlert.State.OPEN:
                continue
            level = _due_level(alert, now)
            if level is None:
                continue
            minutes = int(ack_window(alert).total_seconds() // 60)
            reason = f"Not acknowledged within {minutes} minutes"
            _escalate(alert, level, reason, now, remind=True)
            escalated += 1
        _email_pending(alert.pk)
    return escalated


# --- follow-up ---


def alert_follow_up_due(now: datetime | None = None) -> int:
    """Remind whoever resolved an alert with an outreach outcome to check in on the member
    once ``follow_up_due_at`` has passed: a notification and an e-mail. Sent at most once
    (a conditional update claims the alert first). Returns how many were sent."""
    now = now or timezone.now()
    due = (
        CrisisAlert.objects.filter(
            state=CrisisAlert.State.RESOLVED,
            outcome__in=list(CrisisAlert.OUTREACH_OUTCOMES),
            follow_up_due_at__lte=now,
            follow_up_sent_at__isnull=True,
            resolved_by__isnull=False,
        )
        .select_related("group", "resolved_by")
        .order_by("follow_up_due_at", "pk")[:FOLLOW_UP_BATCH]
    )
    sent = 0
    for alert in due:
        with transaction.atomic():
            claimed = CrisisAlert.objects.filter(
                pk=alert.pk, follow_up_sent_at__isnull=True
            ).update(follow_up_sent_at=now)
            if not claimed:
                continue
            notification_send(
                recipient=alert.resolved_by,
                kind=Notification.Kind.CRISIS_FOLLOW_UP,
                message=(
                    f"Time to check in: the {_severity(alert).lower()} crisis alert "
                    f"{_where(alert)} that you resolved."
                ),
                url=alert.get_absolute_url(),
            )
        if alert.resolved_by.is_active:
            try:
                _email(alert.resolved_by, "crisis_follow_up", alert)
            except Exception:
                # The in-app reminder exists; a second e-mail later would be worse.
                logger.exception("Crisis alert %s: follow-up e-mail failed.", alert.pk)
        sent += 1
    return sent


# --- e-mail ---

SUBJECTS = {
    "crisis_alert": "{severity} crisis alert {where}",
    "crisis_escalation": "Escalated: {severity_lower} crisis alert {where}",
    "crisis_follow_up": "Time to check in after a crisis alert {where}",
}


def _absolute(path: str) -> str:
    domain = Site.objects.get_current().domain
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{domain}{path}"


def _email(user: User, template: str, alert: CrisisAlert) -> None:
    """One calm e-mail: severity, group and a link; never the post's words or who raised
    a concern (an inbox is less private than Haven)."""
    context = {
        "user": user,
        "severity": _severity(alert),
        "severity_lower": _severity(alert).lower(),
        "where": _where(alert),
        "group_name": alert.group.name if alert.group_id else "",
        "escalation_level": alert.escalation_level,
        "url": _absolute(alert.get_absolute_url()),
        "duty_url": _absolute(reverse("moderation:duty")),
        "site_name": settings.SITE_NAME,
    }
    subject = f"[{settings.SITE_NAME}] " + SUBJECTS[template].format(**context)
    send_mail(
        subject,
        render_to_string(f"moderation/email/{template}.txt", context),
        None,
        [user.email],
        html_message=render_to_string(f"moderation/email/{template}.html", context),
    )


def _email_pending(alert_id: int) -> int:
    """E-mail every recipient of the alert not yet e-mailed, each at most once: the row
    is claimed (``emailed_at``) before sending and released if sending fails, so a retry
    sends it and a crash after sending never repeats it. Skipped once the alert is
    resolved. Outside the alert's transaction (mail is slow). Returns how many were sent."""
    alert = CrisisAlert.objects.select_related("group").filter(pk=alert_id).first()
    if alert is None or alert.state == CrisisAlert.State.RESOLVED:
        return 0
    pending = AlertDelivery.objects.filter(alert=alert, emailed_at__isnull=True).select_related(
        "recipient"
    )
    sent = 0
    for delivery in pending:
        claimed = AlertDelivery.objects.filter(pk=delivery.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not delivery.recipient.is_active:
            continue
        template = "crisis_alert" if delivery.level == 0 else "crisis_escalation"
        try:
            _email(delivery.recipient, template, alert)
        except Exception:
            AlertDelivery.objects.filter(pk=delivery.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent

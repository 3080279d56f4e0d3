"""Notifications: recording them (``notify``), preferences, e-mails, quiet hours,
take-a-break, unsubscribe and digests; and the member's profile."""

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .. import mail, preferences, realtime
from ..models import DigestFrequency, Notification, NotificationPreference, User
from ..viewer import memo

if TYPE_CHECKING:
    from groups.models import Post, SupportGroup, Thread

Delivery = NotificationPreference.Delivery


@transaction.atomic
def profile_update(*, user: User, bio: str, region: str, time_zone: str) -> User:
    """Update the member's own profile. Validated with the model's rules."""
    user.bio = bio.replace("\x00", "").strip()
    user.region = region
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["bio", "region", "time_zone"])
    return user


def _email_on_commit(notification_id: int) -> None:
    from ..tasks import notification_email_task  # tasks import this module

    transaction.on_commit(lambda: notification_email_task.delay(notification_id), robust=True)


@transaction.atomic
def notify(
    *,
    recipient: User | None,
    kind: str,
    message: str,
    url: str = "",
    actor: User | None = None,
    group: "SupportGroup | None" = None,
    thread: "Thread | None" = None,
    post: "Post | None" = None,
    key: str = "",
) -> Notification | None:
    """The one way to notify a member. Recorded inside the caller's transaction, so it
    exists exactly when the action that caused it does. Returns None (nothing recorded)
    for no/inactive recipient, the member's own action, or a kind they turned off.

    An unread notification with the same ``key`` is updated instead (count + 1, message
    replaced, moved to the top). After commit: the live unread badge (not while the member
    takes a break, except crisis kinds) and, for delivery "email", the e-mail task
    (idempotent via ``emailed_at``). The caller checks the member may see group/post."""
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    delivery = preferences.delivery_for(recipient, kind)
    if delivery == Delivery.OFF:
        return None
    now = timezone.now()
    message = message.replace("\x00", "")[:300]
    key = key[:120]
    notification = None
    if key:
        # One writer at a time per member, so two concurrent events consolidate. NO KEY:
        # rows that only point at the member (their own new post) need not wait, or a
        # reply and the fan-out task deadlock (found by tests/reliability/).
        User.objects.select_for_update(no_key=True).filter(pk=recipient.pk).first()
        notification = Notification.objects.filter(
            recipient=recipient, key=key, read_at__isnull=True
        ).first()
    if notification is not None:
        notification.count += 1
        notification.message = message
        notification.url = url or notification.url
        notification.actor = actor
        notification.created_at = now
        notification.save(update_fields=["count", "message", "url", "actor", "created_at"])
    else:
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            message=message,
            url=url[:300],
            actor=actor,
            group=group,
            thread=thread,
            post=post,
            key=key,
            created_at=now,
        )
    if kind in preferences.LOCKED_KINDS or not preferences.is_paused(recipient, now):
        realtime.publish_unread_on_commit(recipient.pk)
    if delivery == Delivery.EMAIL and notification.emailed_at is None:
        _email_on_commit(notification.pk)
    return notification


def notification_send(*, recipient: User | None, kind: str, message: str, url: str = "") -> None:
    """Record an in-app notification (thin wrapper over ``notify``, kept for callers)."""
    notify(recipient=recipient, kind=kind, message=message, url=url)


@transaction.atomic
def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the member's notifications read. The live
    badge is updated after commit."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    changed = unread.update(read_at=timezone.now())
    memo(user).pop("_haven_unread", None)  # the page then shows the new count
    if changed:
        realtime.publish_unread_on_commit(user.pk)
    return changed


def notification_email_send(
    *, notification_id: int, now: datetime | None = None
) -> tuple[str, datetime | None]:
    """E-mail one notification, at most once: the row is claimed (``emailed_at``) before
    sending and released if sending fails, so a retry sends it and a repeat never does.
    Not sent when the notification is gone or read, the member is inactive, changed the
    kind away from e-mail, or is taking a break. During quiet hours nothing is sent and
    the end of quiet hours is returned, for the caller to try again then.
    Returns (outcome, wait_until)."""
    now = now or timezone.now()
    notification = (
        Notification.objects.select_related(
            "recipient", "group", "thread__group", "post__thread__group"
        )
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "missing", None
    user = notification.recipient
    if notification.emailed_at is not None:
        return "already", None
    if (
        notification.read_at is not None
        or not user.is_active
        or user.erasure_due_at is not None  # leaving: no more e-mail
        or preferences.delivery_for(user, notification.kind) != Delivery.EMAIL
    ):
        outcome = "skipped"
    elif preferences.is_paused(user, now):
        outcome = "paused"
    else:
        outcome = ""
    if outcome:
        if notification.email_due_at is not None:
            Notification.objects.filter(pk=notification.pk).update(email_due_at=None)
        return outcome, None
    wait_until = preferences.quiet_hours_end(user, now)
    if wait_until is not None:
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            email_due_at=wait_until
        )
        return "quiet", wait_until
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=now, email_due_at=None
    )
    if not claimed:
        return "already", None
    try:
        mail.send_notification_email(notification)
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return "sent", None


RELEASE_BATCH = 500


def notification_emails_release(*, now: datetime | None = None) -> list[int]:
    """The notifications whose e-mail was held for quiet hours that have now ended, oldest
    first (at most RELEASE_BATCH a run; the next run takes the rest). Each is sent by
    ``notification_email_send``, which checks everything again (read since, preferences
    changed, a break taken) and never sends twice."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(email_due_at__lte=now, emailed_at__isnull=True)
        .order_by("email_due_at", "pk")
        .values_list("pk", flat=True)[:RELEASE_BATCH]
    )


@transaction.atomic
def notification_settings_update(
    *,
    user: User,
    deliveries: dict[str, str],
    digest_frequency: str,
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
) -> User:
    """Save the member's delivery per kind (a row only where it differs from the default),
    digest frequency and quiet hours. All or nothing: bad input raises ValidationError
    and changes nothing. Crisis kinds for staff cannot be changed."""
    configurable = dict(preferences.configurable_kinds())
    valid = set(Delivery.values)
    for kind, delivery in deliveries.items():
        if kind not in configurable:
            raise ValidationError("That kind of notification can't be changed.")
        if delivery not in valid:
            raise ValidationError(f"Choose how to receive “{configurable[kind]}”.")
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ValidationError("Give both a start and an end for quiet hours, or neither.")
    if quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        raise ValidationError("Quiet hours need a different start and end.")
    user.digest_frequency = digest_frequency
    user.quiet_hours_start = quiet_hours_start
    user.quiet_hours_end = quiet_hours_end
    user.full_clean(exclude=["password"])
    user.save(update_fields=["digest_frequency", "quiet_hours_start", "quiet_hours_end"])
    for kind, delivery in deliveries.items():
        _preference_set(user=user, kind=kind, delivery=delivery)
    return user


def _preference_set(*, user: User, kind: str, delivery: str) -> None:
    if delivery == preferences.default_delivery(kind):
        NotificationPreference.objects.filter(user=user, kind=kind).delete()
    else:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


@transaction.atomic
def notifications_pause(*, user: User, duration: str, now: datetime | None = None) -> User:
    """Take a break ("day", "week") or come back ("resume"). While paused, notifications
    are still recorded, but there is no badge push, no e-mail and no digest. Crisis
    notices for staff are never paused. Coming back updates the badge."""
    now = now or timezone.now()
    if duration == "resume":
        user.notifications_paused_until = None
        realtime.publish_unread_on_commit(user.pk)
    elif duration in preferences.PAUSE_CHOICES:
        user.notifications_paused_until = now + preferences.PAUSE_CHOICES[duration]
    else:
        raise ValidationError("Choose a day, a week, or to resume.")
    user.save(update_fields=["notifications_paused_until"])
    return user


def unsubscribe_check(*, token: str) -> tuple[User, str, str]:
    """(member, kind, label) a token unsubscribes from; ValidationError when the token is
    bad, expired or no longer applies. Changes nothing."""
    try:
        user_id, kind = mail.unsubscribe_read(token)
    except signing.BadSignature:
        raise ValidationError(
            "This unsubscribe link is not valid or has expired. You can change your "
            "e-mails in your notification settings after signing in."
        ) from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    configurable = dict(preferences.configurable_kinds())
    if user is None or (kind != mail.DIGEST and kind not in configurable):
        raise ValidationError("This unsubscribe link no longer applies.")
    label = "the digest e-mail" if kind == mail.DIGEST else f"e-mails for “{configurable[kind]}”"
    return user, kind, label


@transaction.atomic
def unsubscribe_apply(*, token: str) -> tuple[User, str]:
    """One-click unsubscribe (RFC 8058): that kind goes to in-app only (the digest token
    switches the digest off). Idempotent. ValidationError for a bad token, nothing changed."""
    user, kind, label = unsubscribe_check(token=token)
    if kind == mail.DIGEST:
        user.digest_frequency = DigestFrequency.OFF
        user.save(update_fields=["digest_frequency"])
    else:
        _preference_set(user=user, kind=kind, delivery=Delivery.IN_APP)
    return user, label


# --- Digests ------------------------------------------------------------------------------

DIGEST_HOUR = 8  # local time
DIGEST_BATCH = 200
DIGEST_PERIOD = {
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(weeks=1),
}
# A digest counts as this morning's if sent after this much less than a full period ago.
DIGEST_SLACK = timedelta(hours=12)


def _digest_threshold(zone, now: datetime) -> datetime:
    """Today's DIGEST_HOUR in ``zone``, as an aware datetime."""
    local = now.astimezone(zone)
    return local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)


def digest_due(user: User, now: datetime) -> bool:
    """Due: digest on, active, not paused, it is past 08:00 local and the last digest was
    before this morning's (daily) or more than ~a week ago (weekly)."""
    period = DIGEST_PERIOD.get(user.digest_frequency)
    if (
        period is None
        or not user.is_active
        or user.erasure_due_at
        or preferences.is_paused(user, now)
    ):
        return False
    threshold = _digest_threshold(preferences.member_zone(user), now)
    if now < threshold:
        return False
    return user.last_digest_at is None or user.last_digest_at <= threshold - period + DIGEST_SLACK


def digest_due_ids(*, now: datetime | None = None) -> list[int]:
    """Ids of members whose digest is due now: one query per time zone in use."""
    now = now or timezone.now()
    members = User.objects.filter(
        is_active=True, erasure_due_at__isnull=True, digest_frequency__in=list(DIGEST_PERIOD)
    ).exclude(notifications_paused_until__gt=now)
    due: list[int] = []
    for zone_name in members.values_list("time_zone", flat=True).distinct().order_by():
        probe = User(time_zone=zone_name)
        threshold = _digest_threshold(preferences.member_zone(probe), now)
        if now < threshold:
            continue
        for frequency, period in DIGEST_PERIOD.items():
            due += (
                members.filter(time_zone=zone_name, digest_frequency=frequency)
                .filter(
                    Q(last_digest_at__isnull=True)
                    | Q(last_digest_at__lte=threshold - period + DIGEST_SLACK)
                )
                .values_list("pk", flat=True)
            )
    return sorted(due)


def _digest_activity(user: User, since: datetime) -> list[dict]:
    """New threads and replies by others in the member's groups (not muted) since
    ``since``: counts only; a private group is not even named."""
    from groups.models import Membership, Post

    memberships = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, notifications_muted=False
    ).select_related("group")
    groups = {m.group_id: m.group for m in memberships}
    counts = (
        Post.objects.published()
        .filter(thread__group_id__in=list(groups), created_at__gt=since)
        .exclude(author=user)
        .values("thread__group_id", "is_opening")
        .annotate(n=Count("pk"))
    )
    activity: dict[int, dict] = {}
    for row in counts:
        group = groups[row["thread__group_id"]]
        entry = activity.setdefault(
            group.pk,
            {
                "label": "A private group you belong to" if group.is_private else group.name,
                "url": mail.absolute(group.get_absolute_url()),
                "threads": 0,
                "replies": 0,
            },
        )
        entry["threads" if row["is_opening"] else "replies"] += row["n"]
    return sorted(activity.values(), key=lambda e: (-e["threads"] - e["replies"], e["label"]))


def digest_send(*, user_id: int, now: datetime | None = None) -> str:
    """Send one member's digest if due: their unread notifications with delivery "digest"
    and counts of new threads/replies in their groups since the last digest. Nothing
    happened: no e-mail (but the digest counts as done). Idempotent: ``last_digest_at`` is
    claimed with a conditional update before sending and restored if sending fails."""
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id).first()
    if user is None or not digest_due(user, now):
        return "not_due"
    previous = user.last_digest_at
    claimed = User.objects.filter(pk=user.pk, last_digest_at=previous).update(last_digest_at=now)
    if not claimed:
        return "already"
    since = previous or now - DIGEST_PERIOD[user.digest_frequency]
    digest_kinds = [k for k, d in preferences.deliveries_for(user).items() if d == Delivery.DIGEST]
    notifications = (
        Notification.objects.filter(
            recipient=user, read_at__isnull=True, kind__in=digest_kinds, created_at__gt=since
        )
        .select_related("group", "thread__group", "post__thread__group")
        .order_by("-created_at")[:50]
    )
    items = [mail.describe(n) for n in notifications]
    activity = _digest_activity(user, since)
    if not items and not activity:
        return "empty"
    try:
        mail.send_digest_email(user, items=items, activity=activity)
    except Exception:
        User.objects.filter(pk=user.pk, last_digest_at=now).update(last_digest_at=previous)
        raise
    return "sent"

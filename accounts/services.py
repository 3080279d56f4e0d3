from django.db import transaction
from django.utils import timezone

from .models import Notification, User


@transaction.atomic
def profile_update(*, user: User, bio: str, region: str, time_zone: str) -> User:
    """Update the member's own profile. Validated with the model's rules."""
    user.bio = bio.replace("\x00", "").strip()
    user.region = region
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["bio", "region", "time_zone"])
    return user


def notification_send(*, recipient: User | None, kind: str, message: str, url: str = "") -> None:
    """Record an in-app notification, inside the caller's transaction so it exists exactly
    when the action that caused it does. Nobody is notified of their own action."""
    if recipient is None or not recipient.is_active:
        return
    Notification.objects.create(recipient=recipient, kind=kind, message=message[:300], url=url)


@transaction.atomic
def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the member's notifications read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())

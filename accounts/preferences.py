"""How each kind of notification reaches a member: the gentle defaults, the kinds that
cannot be silenced, quiet hours and "take a break". Pure functions over a member and a
moment; the member's overrides are ``NotificationPreference`` rows."""

import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from .models import Notification, NotificationPreference, User

Kind = Notification.Kind
Delivery = NotificationPreference.Delivery

# Things a member would want to know soon are e-mailed; the rest stays on Haven.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.REPLY: Delivery.EMAIL,
    Kind.MENTION: Delivery.EMAIL,
    Kind.WARNING: Delivery.EMAIL,
    Kind.SANCTION: Delivery.EMAIL,
    Kind.JOIN_ANSWERED: Delivery.EMAIL,
    Kind.INVITATION: Delivery.EMAIL,
    Kind.POST_REMOVED: Delivery.EMAIL,
    Kind.MEETING_REMINDER: Delivery.EMAIL,
    Kind.MEETING_CHANGED: Delivery.EMAIL,
    Kind.MEETING_PLACE: Delivery.EMAIL,
    Kind.THREAD_REPLY: Delivery.DIGEST,
    Kind.REACTIONS: Delivery.IN_APP,
}

# Staff safety notices: always recorded and pushed, never paused, never off. They are
# e-mailed by the crisis pipeline itself (once per person per alert), so here in-app.
LOCKED_KINDS: frozenset[str] = frozenset(
    {Kind.CRISIS_ALERT, Kind.CRISIS_ESCALATION, Kind.CRISIS_FOLLOW_UP, Kind.CRISIS_LINE_DUE}
)
# Kinds never e-mailed on their own by default: reactions are a quiet thing.
NO_EMAIL_KINDS: frozenset[str] = frozenset({Kind.REACTIONS})

PAUSE_CHOICES = {"day": timedelta(days=1), "week": timedelta(weeks=1)}


def default_delivery(kind: str) -> str:
    if kind in LOCKED_KINDS:
        return Delivery.IN_APP
    return DEFAULT_DELIVERY.get(kind, Delivery.IN_APP)


def configurable_kinds() -> list[tuple[str, str]]:
    """(kind, label) a member may change, in the order the settings page shows them."""
    return [(value, label) for value, label in Kind.choices if value not in LOCKED_KINDS]


def deliveries_for(user: User) -> dict[str, str]:
    """Every configurable kind's delivery for ``user``: defaults plus overrides (1 query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, default_delivery(kind)) for kind, _ in configurable_kinds()}


def delivery_for(user: User, kind: str) -> str:
    if kind in LOCKED_KINDS:
        return Delivery.IN_APP
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or default_delivery(kind)


def is_paused(user: User, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return user.notifications_paused_until is not None and user.notifications_paused_until > now


def member_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _in_window(moment: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # across midnight, e.g. 22:00-07:00


def quiet_hours_end(user: User, now: datetime | None = None) -> datetime | None:
    """When the member's quiet hours end, if ``now`` falls inside them; else None."""
    start, end = user.quiet_hours_start, user.quiet_hours_end
    if start is None or end is None:
        return None
    now = now or timezone.now()
    local = now.astimezone(member_zone(user))
    if not _in_window(local.time().replace(tzinfo=None), start, end):
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(UTC)

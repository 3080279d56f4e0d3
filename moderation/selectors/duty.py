"""Who is on duty: a facilitator switched on (or off) by hand until a time, else the
weekly rota in their own time zone. Admins are the escalation chain, not a rota."""

import zoneinfo
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from groups.models import Membership, SupportGroup

from ..models import DutyShift, DutyStatus


def _local(moment: datetime, tz_name: str) -> datetime:
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(zoneinfo.ZoneInfo("UTC"))


def shift_covers(shift: DutyShift, local: datetime) -> bool:
    """Whether a weekly slot covers a local time. A slot ending before it starts runs past
    midnight into the next day; one ending where it starts covers the whole day."""
    now = local.time().replace(tzinfo=None)
    weekday = local.weekday()
    if shift.starts < shift.ends:
        return shift.weekday == weekday and shift.starts <= now < shift.ends
    if shift.starts == shift.ends:
        return shift.weekday == weekday
    if shift.weekday == weekday and now >= shift.starts:
        return True
    return (shift.weekday + 1) % 7 == weekday and now < shift.ends


def on_duty_with(
    user: User, status: DutyStatus | None, shifts: list[DutyShift], at: datetime
) -> bool:
    manual = status is not None and status.mode != DutyStatus.Mode.ROTA
    if manual and (status.until is None or status.until > at):
        return status.mode == DutyStatus.Mode.ON
    local = _local(at, user.time_zone)
    return any(shift_covers(shift, local) for shift in shifts)


def is_on_duty(user: User, at: datetime | None = None) -> bool:
    at = at or timezone.now()
    status = DutyStatus.objects.filter(user=user).first()
    return on_duty_with(user, status, list(DutyShift.objects.filter(user=user)), at)


def group_facilitators(group: SupportGroup) -> list[User]:
    """The group's active facilitators who can still sign in."""
    return list(
        User.objects.filter(
            memberships__group=group,
            memberships__role=Membership.Role.FACILITATOR,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        ).order_by("pk")
    )


def admins() -> list[User]:
    return list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))


def on_duty_among(users: list[User], at: datetime | None = None) -> list[User]:
    """Those of ``users`` on duty at ``at`` (two queries however many)."""
    at = at or timezone.now()
    ids = [user.pk for user in users]
    statuses = {s.user_id: s for s in DutyStatus.objects.filter(user_id__in=ids)}
    shifts: dict[int, list[DutyShift]] = {}
    for shift in DutyShift.objects.filter(user_id__in=ids):
        shifts.setdefault(shift.user_id, []).append(shift)
    return [u for u in users if on_duty_with(u, statuses.get(u.pk), shifts.get(u.pk, []), at)]


def on_duty_facilitators(group: SupportGroup | None, at: datetime | None = None) -> list[User]:
    """The group's facilitators on duty now (none for an alert with no group)."""
    if group is None:
        return []
    return on_duty_among(group_facilitators(group), at)


def group_has_cover(group: SupportGroup, at: datetime | None = None) -> bool:
    """Whether a facilitator of the group is on duty (what members are told)."""
    return bool(on_duty_facilitators(group, at))

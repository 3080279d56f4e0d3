"""Facilitators' cover: switching on or off duty by hand (until a time, or until switched
back), and the weekly rota followed otherwise. Who is on duty at a moment is
``selectors.duty``'s answer; these services only record the facilitator's choices, each
one audited ("duty.changed")."""

from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups import policies as group_policies
from supportforum import pagecache

from .. import policies
from ..models import DutyShift, DutyStatus
from .audit import audit_record

MAX_SHIFTS = 28  # four a day: plenty for a real rota, and a bound on a form-filling loop


def _check(user: User, actor: User | None) -> User:
    """Facilitators set their own duty; an admin may set anyone's (e.g. a colleague who
    left themselves on duty). Returns who acts."""
    actor = actor or user
    if actor.pk != user.pk and not group_policies.is_admin(actor):
        raise PermissionDenied("You can only change your own duty.")
    policies.check_moderator(user)
    return actor


def _audit(actor: User, user: User, change: str, details: dict) -> None:
    pagecache.bump("duty-cover")  # members' pages show the new cover once this commits
    audit_record(
        actor=actor, action="duty.changed", target_user=user, reason=change, details=details
    )


@transaction.atomic
def duty_set(
    *,
    user: User,
    mode: str,
    until: datetime | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> DutyStatus:
    """Switch on duty, off duty, or back to the rota. ``until`` (on/off only) ends a manual
    switch, after which the rota applies again; it must be in the future. Audited."""
    actor = _check(user, actor)
    now = now or timezone.now()
    if mode not in DutyStatus.Mode.values:
        raise ValidationError({"mode": "Please choose on duty, off duty or your rota."})
    if mode == DutyStatus.Mode.ROTA:
        until = None
    elif until is not None and until <= now:
        raise ValidationError({"until": "Please choose a time in the future."})
    status, _ = DutyStatus.objects.select_for_update().get_or_create(user=user)
    status.mode, status.until, status.changed_at = mode, until, now
    status.full_clean()
    status.save()
    label = DutyStatus.Mode(mode).label
    _audit(
        actor,
        user,
        f"{label} until {until:%Y-%m-%d %H:%M} UTC" if until else label,
        {"mode": mode, "until": until.isoformat() if until else None},
    )
    return status


@transaction.atomic
def duty_shift_add(
    *, user: User, weekday: int, starts: time, ends: time, actor: User | None = None
) -> DutyShift:
    """Add a weekly slot in the user's own time zone. An end before the start runs past
    midnight into the next day; an end equal to the start covers the whole day. Refuses an
    exact duplicate and more than ``MAX_SHIFTS`` slots. Audited."""
    actor = _check(user, actor)
    # Lock the user's row so two tabs adding at once cannot pass the count together.
    User.objects.select_for_update(no_key=True).filter(pk=user.pk).first()
    shifts = DutyShift.objects.filter(user=user)
    if shifts.filter(weekday=weekday, starts=starts, ends=ends).exists():
        raise ValidationError("That shift is already on your rota.")
    if shifts.count() >= MAX_SHIFTS:
        raise ValidationError(f"A rota can hold at most {MAX_SHIFTS} shifts.")
    shift = DutyShift(user=user, weekday=weekday, starts=starts, ends=ends)
    shift.full_clean()
    shift.save()
    _audit(
        actor,
        user,
        f"Added a rota shift: {shift} ({user.time_zone})",
        {
            "shift": shift.pk,
            "weekday": weekday,
            "starts": f"{starts:%H:%M}",
            "ends": f"{ends:%H:%M}",
        },
    )
    return shift


@transaction.atomic
def duty_shift_remove(*, user: User, shift: DutyShift, actor: User | None = None) -> None:
    """Remove one of the user's own slots (another's is refused). Audited."""
    actor = _check(user, actor)
    if shift.user_id != user.pk:
        raise ValidationError("That shift is not on your rota.")
    description = str(shift)
    shift_id = shift.pk
    shift.delete()
    _audit(
        actor,
        user,
        f"Removed a rota shift: {description} ({user.time_zone})",
        {"shift": shift_id},
    )

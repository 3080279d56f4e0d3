"""Group meetings: scheduling (once, weekly, fortnightly), RSVPs with a waiting list that
never over-books, cancelling and rescheduling (attendees told), reminders 24 hours and
1 hour before, private session notes, and members' calendar feeds."""

import secrets
import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notify
from moderation.services.audit import audit_record

from .. import policies
from ..calendar import LocalTimeError, occurrences
from ..models import CalendarFeed, Meeting, MeetingNote, MeetingRSVP, SupportGroup

RSVP = MeetingRSVP.Status
MIN_MINUTES, MAX_MINUTES = 15, 8 * 60
MAX_CAPACITY = 500
REMIND_DAY, REMIND_HOUR = timedelta(hours=24), timedelta(hours=1)


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: f"Please add {label}."})
    if len(value) > limit:
        raise ValidationError({field: f"{label.capitalize()} can be at most {limit:,} characters."})
    return value


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({"time_zone": "Please choose a time zone from the list."}) from exc


def _times(
    starts_local: datetime, minutes: int, zone_name: str, recurrence: str, count: int, now
) -> list[tuple[datetime, datetime]]:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": f"A meeting lasts {MIN_MINUTES} minutes to "
                f"{MAX_MINUTES // 60} hours."
            }
        )
    zone = _zone(zone_name)
    try:
        times = occurrences(starts_local, timedelta(minutes=minutes), zone, recurrence, count)
    except LocalTimeError as exc:
        raise ValidationError({"starts_local": str(exc)}) from exc
    if times[0][0] <= now:
        raise ValidationError({"starts_local": "Please choose a time in the future."})
    return times


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    group: SupportGroup,
    title: str,
    starts_local: datetime,
    duration_minutes: int,
    time_zone: str,
    kind: str,
    join_details: str,
    capacity: int,
    description: str = "",
    open_to_non_members: bool = False,
    recurrence: str = Meeting.Recurrence.NONE,
    count: int = 1,
    now: datetime | None = None,
) -> list[Meeting]:
    """Schedule a meeting, or a weekly/fortnightly series of ``count`` (at most 26), at
    the same wall-clock time in ``time_zone``. Facilitators of the group and admins.
    Audited (without the join details)."""
    policies.check_moderate_group(actor, group)
    now = now or timezone.now()
    title = _text(title, field="title", label="a title", limit=120)
    description = _text(
        description, field="description", label="a description", limit=2000, required=False
    )
    join_details = _text(
        join_details,
        field="join_details",
        label="how to join (link, number or address)",
        limit=1000,
    )
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": "Please choose how people meet."})
    if recurrence not in Meeting.Recurrence.values:
        raise ValidationError({"recurrence": "Please choose how often it happens."})
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError({"capacity": f"Places: from 1 to {MAX_CAPACITY}."})
    if open_to_non_members and group.visibility != group.Visibility.LISTED:
        raise ValidationError(
            {"open_to_non_members": "Only a listed group's meetings can be open to non-members."}
        )
    times = _times(starts_local, duration_minutes, time_zone, recurrence, count, now)
    series = secrets.token_hex(8)
    meetings = []
    for starts_at, ends_at in times:
        meeting = Meeting(
            group=group,
            series=series,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=time_zone,
            kind=kind,
            join_details=join_details,
            capacity=capacity,
            open_to_non_members=open_to_non_members,
            recurrence=recurrence,
            created_by=actor,
        )
        meeting.full_clean()
        meeting.save()
        meetings.append(meeting)
    audit_record(
        actor=actor,
        action="meeting.scheduled",
        group=group,
        details={"series": series, "count": len(meetings), "first": meetings[0].pk},
    )
    return meetings


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",), no_key=True)
        .select_related("group")
        .get(pk=meeting.pk)
    )


def _going_count(meeting: Meeting) -> int:
    return MeetingRSVP.objects.filter(meeting=meeting, status=RSVP.GOING).count()


@transaction.atomic
def meeting_rsvp(
    *, user: User, meeting: Meeting, going: bool, now: datetime | None = None
) -> MeetingRSVP:
    """Say whether you are coming. Going takes a place if one is free, else a place on
    the waiting list; not going frees your place for the first on the waiting list, who
    is moved in and told. The meeting row is locked, so concurrent RSVPs never take more
    places than there are."""
    meeting = _locked(meeting)
    refusal = policies.attend_refusal(user, meeting, now)
    if refusal is not None:
        raise PermissionDenied(refusal)
    now = now or timezone.now()
    rsvp = MeetingRSVP.objects.filter(meeting=meeting, user=user).first()
    previous = rsvp.status if rsvp else None
    if going:
        if previous in (RSVP.GOING, RSVP.WAITING):
            return rsvp
        status = RSVP.GOING if _going_count(meeting) < meeting.capacity else RSVP.WAITING
    else:
        status = RSVP.NOT_GOING
    if rsvp is None:
        rsvp = MeetingRSVP(meeting=meeting, user=user, requested_at=now)
    elif going:
        rsvp.requested_at = now  # back in line at the end of the waiting list
    rsvp.status = status
    rsvp.updated_at = now
    rsvp.save()
    if previous == RSVP.GOING and status != RSVP.GOING:
        _fill_places(meeting, now)
    return rsvp


def _fill_places(meeting: Meeting, now: datetime) -> list[MeetingRSVP]:
    """Move the waiting list in, first come first served, while places are free."""
    free = meeting.capacity - _going_count(meeting)
    moved = []
    if free <= 0 or meeting.is_cancelled or meeting.starts_at <= now:
        return moved
    waiting = (
        MeetingRSVP.objects.filter(meeting=meeting, status=RSVP.WAITING)
        .select_related("user")
        .order_by("requested_at", "pk")[:free]
    )
    for rsvp in waiting:
        rsvp.status = RSVP.GOING
        rsvp.updated_at = now
        rsvp.save(update_fields=["status", "updated_at"])
        notify(
            recipient=rsvp.user,
            kind=Notification.Kind.MEETING_PLACE,
            message=f"A place freed up: you are going to “{meeting.title}”.",
            url=meeting.get_absolute_url(),
            group=meeting.group,
            key=f"meeting:{meeting.pk}",
        )
        moved.append(rsvp)
    return moved


def _tell_attendees(meeting: Meeting, message: str) -> int:
    told = 0
    for rsvp in meeting.rsvps.filter(status__in=[RSVP.GOING, RSVP.WAITING]).select_related("user"):
        if notify(
            recipient=rsvp.user,
            kind=Notification.Kind.MEETING_CHANGED,
            message=message,
            url=meeting.get_absolute_url(),
            group=meeting.group,
            key=f"meeting:{meeting.pk}",
        ):
            told += 1
    return told


@transaction.atomic
def meeting_cancel(
    *, actor: User, meeting: Meeting, reason: str, whole_series: bool = False, now=None
) -> list[Meeting]:
    """Cancel this meeting (or it and the series' later ones); those going or waiting
    are told, with the reason. Audited."""
    meeting = _locked(meeting)
    policies.check_moderate_group(actor, meeting.group)
    reason = _text(reason, field="reason", label="a reason for those coming", limit=300)
    now = now or timezone.now()
    targets = [meeting]
    if whole_series:
        targets = list(
            Meeting.objects.select_for_update()
            .filter(series=meeting.series, starts_at__gte=meeting.starts_at)
            .scheduled()
            .select_related("group")
        )
    cancelled = []
    for target in targets:
        if target.is_cancelled or target.ends_at <= now:
            continue
        target.state = Meeting.State.CANCELLED
        target.cancel_reason = reason
        target.save(update_fields=["state", "cancel_reason"])
        _tell_attendees(target, f"“{target.title}” on {_day(target)} is cancelled: {reason}")
        cancelled.append(target)
    if not cancelled:
        raise ValidationError("There is nothing left to cancel: the meeting is over or cancelled.")
    audit_record(
        actor=actor,
        action="meeting.cancelled",
        group=meeting.group,
        reason=reason,
        details={"meetings": [m.pk for m in cancelled]},
    )
    return cancelled


def _day(meeting: Meeting) -> str:
    """The day in the meeting's own zone (each member's page shows their own time)."""
    return f"{meeting.starts_at.astimezone(meeting.zone):%a %d %b}"


@transaction.atomic
def meeting_reschedule(
    *,
    actor: User,
    meeting: Meeting,
    starts_local: datetime,
    duration_minutes: int,
    now: datetime | None = None,
) -> Meeting:
    """Move one meeting (in its own time zone); those going or waiting are told and will
    be reminded again. Audited."""
    meeting = _locked(meeting)
    policies.check_moderate_group(actor, meeting.group)
    now = now or timezone.now()
    if meeting.is_cancelled or meeting.ends_at <= now:
        raise ValidationError("A cancelled or past meeting can't be moved.")
    ((starts_at, ends_at),) = _times(
        starts_local, duration_minutes, meeting.time_zone, "none", 1, now
    )
    was = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.full_clean()
    meeting.save(update_fields=["starts_at", "ends_at"])
    meeting.rsvps.update(reminded_day_at=None, reminded_hour_at=None)
    _tell_attendees(meeting, f"“{meeting.title}” moved to {_day(meeting)}: see the new time.")
    audit_record(
        actor=actor,
        action="meeting.rescheduled",
        group=meeting.group,
        details={"meeting": meeting.pk, "was": was.isoformat(), "now": starts_at.isoformat()},
    )
    return meeting


@transaction.atomic
def meeting_note_add(
    *, actor: User, meeting: Meeting, body: str, now: datetime | None = None
) -> MeetingNote:
    """A short private note after the session (facilitators of the group and admins
    only). Audited without its text, like staff notes."""
    policies.check_moderate_group(actor, meeting.group)
    now = now or timezone.now()
    if meeting.starts_at > now:
        raise ValidationError("Session notes can be added once the meeting has started.")
    body = _text(body, field="body", label="the note", limit=2000)
    note = MeetingNote.objects.create(meeting=meeting, author=actor, body=body, created_at=now)
    audit_record(
        actor=actor,
        action="meeting.note_added",
        group=meeting.group,
        details={"meeting": meeting.pk, "note": note.pk},
    )
    return note


def meeting_notes_read(*, reader: User, meeting: Meeting) -> list[MeetingNote]:
    """The session notes of a meeting for the group's facilitators and admins. Like staff
    notes, reading them is audited (``meeting_notes.read``, the ids) when there are any."""
    policies.check_moderate_group(reader, meeting.group)
    notes = list(meeting.notes.select_related("author"))
    if notes:
        audit_record(
            actor=reader,
            action="meeting_notes.read",
            group=meeting.group,
            details={"meeting": meeting.pk, "note_ids": [n.pk for n in notes]},
        )
    return notes


def meeting_reminders_due(*, now: datetime | None = None) -> int:
    """Remind those going, 24 hours and 1 hour before (beat, every few minutes). Each
    reminder is claimed on its RSVP row before it is recorded, so a second run, or two
    workers at once, never remind twice; someone who said yes within the last hour gets
    only the hour's reminder. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    due = (
        MeetingRSVP.objects.filter(
            status=RSVP.GOING,
            meeting__state=Meeting.State.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + REMIND_DAY,
        )
        .filter(reminded_hour_at__isnull=True)
        .select_related("meeting__group", "user")
    )
    for rsvp in due:
        meeting = rsvp.meeting
        within_hour = meeting.starts_at <= now + REMIND_HOUR
        if not within_hour and rsvp.reminded_day_at is not None:
            continue
        field = "reminded_hour_at" if within_hour else "reminded_day_at"
        with transaction.atomic():
            claimed = MeetingRSVP.objects.filter(pk=rsvp.pk, **{f"{field}__isnull": True}).update(
                **{field: now, **({"reminded_day_at": now} if within_hour else {})}
            )
            if not claimed:
                continue
            when = "in about an hour" if within_hour else "tomorrow at this time"
            notify(
                recipient=rsvp.user,
                kind=Notification.Kind.MEETING_REMINDER,
                message=f"“{meeting.title}” starts {when}. The joining details are on its page.",
                url=meeting.get_absolute_url(),
                group=meeting.group,
                key=f"meeting-reminder:{meeting.pk}:{field}",
            )
        sent += 1
    return sent


def calendar_feed_for(user: User) -> CalendarFeed:
    """The member's calendar feed, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> CalendarFeed:
    """A new secret address: the old one stops working at once."""
    feed = calendar_feed_for(user)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def meeting_minutes(meeting: Meeting) -> int:
    return int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)


def meeting_local_start(meeting: Meeting) -> datetime:
    """The meeting's start as a wall-clock time in its own zone (for the reschedule form)."""
    return meeting.starts_at.astimezone(meeting.zone).replace(tzinfo=None)


__all__ = [
    "calendar_feed_for",
    "calendar_feed_revoke",
    "meeting_cancel",
    "meeting_local_start",
    "meeting_minutes",
    "meeting_note_add",
    "meeting_notes_read",
    "meeting_reminders_due",
    "meeting_reschedule",
    "meeting_rsvp",
    "meeting_schedule",
]

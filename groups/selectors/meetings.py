"""Meetings as pages show them: a group's and a member's upcoming meetings, one meeting
for the viewer (places, their RSVP, join details only when allowed, the list and notes
for facilitators), and a member's calendar feed."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User

from .. import policies
from ..calendar import Entry
from ..models import CalendarFeed, Meeting, MeetingRSVP, SupportGroup

RSVP = MeetingRSVP.Status
FEED_PAST = timedelta(days=30)


def _counted(meetings):
    return meetings.annotate(
        n_going=Count("rsvps", filter=Q(rsvps__status=RSVP.GOING)),
    )


def group_meetings(viewer: User, group: SupportGroup, *, limit: int = 3) -> list[Meeting]:
    """The next scheduled meetings of a group the viewer may read. One query."""
    if not policies.can_read_group(viewer, group):
        return []
    rows = list(_counted(Meeting.objects.upcoming().filter(group=group))[:limit])
    for meeting in rows:
        meeting.group = group
    return rows


@dataclass
class MyMeeting:
    meeting: Meeting
    status: str


def member_meetings(viewer: User, *, limit: int = 5) -> list[MyMeeting]:
    """The viewer's upcoming meetings they are going to or waiting for. One query."""
    if not viewer.is_authenticated:
        return []
    rows = (
        MeetingRSVP.objects.filter(
            user=viewer,
            status__in=[RSVP.GOING, RSVP.WAITING],
            meeting__state=Meeting.State.SCHEDULED,
            meeting__ends_at__gt=timezone.now(),
        )
        .select_related("meeting__group")
        .order_by("meeting__starts_at")[:limit]
    )
    return [MyMeeting(r.meeting, r.status) for r in rows]


@dataclass
class Attendee:
    handle: str
    status: str


@dataclass
class MeetingPage:
    meeting: Meeting
    my_status: str | None
    going: int
    waiting: int
    places_left: int
    refusal: str | None
    show_join_details: bool
    details_from: datetime
    moderator: bool
    attendees: list[Attendee] = field(default_factory=list)
    series: list[Meeting] = field(default_factory=list)


def meeting_page(viewer: User, meeting_id: int, *, now: datetime | None = None) -> MeetingPage:
    """One meeting for the viewer (404 if they may not read its group). A fixed number of
    queries: the meeting, membership, counts, the viewer's RSVP, and for facilitators the
    RSVP list (handles only) and the series. Session notes are read through
    ``services.meeting_notes_read``, which audits the reading."""
    now = now or timezone.now()
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=meeting_id)
    policies.check_view_meeting(viewer, meeting)
    counts = MeetingRSVP.objects.filter(meeting=meeting).aggregate(
        going=Count("pk", filter=Q(status=RSVP.GOING)),
        waiting=Count("pk", filter=Q(status=RSVP.WAITING)),
    )
    mine = (
        MeetingRSVP.objects.filter(meeting=meeting, user=viewer)
        .values_list("status", flat=True)
        .first()
        if viewer.is_authenticated
        else None
    )
    moderator = policies.can_moderate_group(viewer, meeting.group)
    page = MeetingPage(
        meeting=meeting,
        my_status=mine,
        going=counts["going"],
        waiting=counts["waiting"],
        places_left=max(0, meeting.capacity - counts["going"]),
        refusal=policies.attend_refusal(viewer, meeting, now),
        show_join_details=policies.can_see_join_details(viewer, meeting, mine, now),
        details_from=meeting.starts_at - policies.JOIN_DETAILS_BEFORE,
        moderator=moderator,
    )
    if moderator:
        page.attendees = [
            Attendee(handle, status)
            for handle, status in MeetingRSVP.objects.filter(meeting=meeting)
            .exclude(status=RSVP.NOT_GOING)
            .order_by("status", "requested_at")
            .values_list("user__handle", "status")
        ]
        page.series = list(
            Meeting.objects.filter(series=meeting.series).exclude(pk=meeting.pk).upcoming(now)
        )
    return page


def feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("user").filter(token=token).first()


def feed_entries(user: User, *, url_for, now: datetime | None = None) -> list[Entry]:
    """The member's meetings for their calendar: those they are going to, from 30 days
    ago on, with cancelled ones kept as cancelled. A private group's name is left out:
    a calendar is often synced to someone else's cloud. One query."""
    now = now or timezone.now()
    rows = (
        MeetingRSVP.objects.filter(
            user=user, status=RSVP.GOING, meeting__starts_at__gte=now - FEED_PAST
        )
        .select_related("meeting__group")
        .order_by("meeting__starts_at")
    )
    return [meeting_entry(r.meeting, url_for=url_for) for r in rows]


def meeting_entry(meeting: Meeting, *, url_for) -> Entry:
    group = meeting.group
    where = "a private group on Haven" if group.is_private else f"{group.name} on Haven"
    description = (
        f"{meeting.get_kind_display()} meeting of {where}. How to join is shown on the "
        "meeting's page to those going, in the 24 hours before it starts."
    )
    return Entry(
        uid=f"meeting-{meeting.pk}@haven",
        title=meeting.title,
        description=description,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        url=url_for(meeting.get_absolute_url()),
        cancelled=meeting.is_cancelled,
    )

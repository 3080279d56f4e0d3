"""Demo meetings for ``seed_demo``: one starting within a day (its join details already
visible to the demo member, who is going), a small in-person meeting that is full with a
waiting list, and a fortnightly phone line. Idempotent (by group and title)."""

import zoneinfo
from datetime import datetime, timedelta

from accounts.models import User
from groups.models import Meeting, Membership, SupportGroup
from groups.services import meetings as meeting_services

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _local(now: datetime, hours: float) -> datetime:
    """A London wall-clock time about ``hours`` ahead, on the half hour."""
    moment = (now + timedelta(hours=hours)).astimezone(LONDON).replace(tzinfo=None)
    return moment.replace(minute=30 if moment.minute >= 30 else 0, second=0, microsecond=0)


def seed_meetings(*, groups: dict[str, SupportGroup], people: dict, now: datetime) -> int:
    member: User = people["members"][0]
    others: list[User] = people["members"][1:8]
    specs = [
        (
            "anxiety-panic",
            {
                "title": "Evening check-in (video)",
                "description": "A gentle hour to say how the week has been. Cameras optional.",
                "starts_local": _local(now, 20),
                "kind": Meeting.Kind.VIDEO,
                "join_details": "https://meet.example.org/haven-evening PIN 2468",
                "capacity": 12,
                "recurrence": Meeting.Recurrence.WEEKLY,
                "count": 6,
            },
            [member, *others[:3]],
        ),
        (
            "anxiety-panic",
            {
                "title": "Walk and talk in the park",
                "description": "A slow walk; we meet at the café by the north gate.",
                "starts_local": _local(now, 24 * 5),
                "kind": Meeting.Kind.IN_PERSON,
                "join_details": "North gate café, Example Park, 1 Example Road",
                "capacity": 3,
            },
            others[3:7],
        ),
        (
            "grief-loss",
            {
                "title": "Grief circle by phone",
                "description": "Share a memory, or just listen.",
                "starts_local": _local(now, 24 * 3),
                "kind": Meeting.Kind.PHONE,
                "join_details": "0800 000 0000, then PIN 1357#",
                "capacity": 10,
                "recurrence": Meeting.Recurrence.FORTNIGHTLY,
                "count": 4,
            },
            others[:2],
        ),
    ]
    made = 0
    for slug, spec, attendees in specs:
        group = groups[slug]
        if Meeting.objects.filter(group=group, title=spec["title"]).exists():
            continue
        facilitator = User.objects.filter(
            memberships__group=group, memberships__role=Membership.Role.FACILITATOR
        ).first()
        meetings = meeting_services.meeting_schedule(
            actor=facilitator,
            group=group,
            duration_minutes=60,
            time_zone="Europe/London",
            now=now,
            **spec,
        )
        for person in attendees:
            Membership.objects.get_or_create(
                user=person, group=group, defaults={"status": Membership.Status.ACTIVE}
            )
            meeting_services.meeting_rsvp(user=person, meeting=meetings[0], going=True, now=now)
        made += len(meetings)
    return made

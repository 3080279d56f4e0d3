"""Group meetings (video, phone line or in person): occurrences, RSVPs with a waiting
list, facilitators' private session notes, and members' private calendar feeds.

A recurring meeting is stored as one row per occurrence sharing a ``series`` key, so
each date has its own RSVPs, reminders, cancellation and notes; times are stored in UTC
and the series keeps its wall-clock time in ``time_zone`` across daylight-saving changes."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .groups import SupportGroup


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def scheduled(self) -> "MeetingQuerySet":
        return self.filter(state=Meeting.State.SCHEDULED)

    def upcoming(self, now=None) -> "MeetingQuerySet":
        """Scheduled and not yet over."""
        return self.scheduled().filter(ends_at__gt=now or timezone.now())


class Meeting(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone line"
        IN_PERSON = "in_person", "In person"

    class Recurrence(models.TextChoices):
        NONE = "none", "Once"
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="meetings")
    series = models.CharField(max_length=32, db_index=True, editable=False)
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The zone the facilitator scheduled in: a weekly 18:00 stays 18:00 there.
    time_zone = models.CharField(max_length=64, default="UTC")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The link, dial-in or street address: shown only to members who are going, in the
    # 24 hours before the meeting (groups.policies.can_see_join_details), and to staff.
    join_details = models.TextField(max_length=1000)
    capacity = models.PositiveSmallIntegerField()
    open_to_non_members = models.BooleanField(
        default=False,
        help_text="Members of Haven who are not in the group may come (listed groups only).",
    )
    recurrence = models.CharField(
        max_length=12, choices=Recurrence.choices, default=Recurrence.NONE
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["group", "state", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="groups_meeting_ends_after"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="groups_meeting_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M} UTC)"

    def get_absolute_url(self) -> str:
        return reverse("groups:meeting_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class MeetingRSVP(models.Model):
    class Status(models.TextChoices):
        GOING = "going", "Going"
        WAITING = "waiting", "On the waiting list"
        NOT_GOING = "not_going", "Not going"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_rsvps"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    # Order of the waiting list: when the member asked for a place.
    requested_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="groups_rsvp_unique"),
        ]
        indexes = [models.Index(fields=["meeting", "status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.meeting_id}"


class MeetingNote(models.Model):
    """A facilitator's short private note after a session: facilitators only, audited."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Session note on {self.meeting_id}"


class CalendarFeed(models.Model):
    """A member's private calendar feed: its secret token is the only key; revoking
    replaces it, so an old address stops working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    def get_absolute_url(self) -> str:
        return reverse("groups:calendar_feed", args=[self.token])

"""Group meetings: scheduling in time zones (with a daylight-saving change), recurrence,
RSVPs and the waiting list (also under concurrent RSVPs), who sees the join details and
when, reminders, cancel/reschedule, session notes, .ics files and the calendar feed."""

import threading
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts import services as account_services
from accounts.models import Notification
from groups.calendar import LocalTimeError, occurrences
from groups.models import Meeting, MeetingNote, MeetingRSVP
from groups.services import meetings as services
from moderation.models import AuditLogEntry
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
JOIN = "https://video.example/room/7c1f PIN 4401"
SECRET = "7c1f"  # in the join details however they are shown (text or link)
GOING, WAITING, NOT_GOING = "going", "waiting", "not_going"


def schedule_series(
    actor, group, *, in_hours: float = 48, capacity: int = 10, **extra
) -> list[Meeting]:
    """Meetings starting ``in_hours`` from now (UTC wall clock), an hour long, unless
    ``extra`` says otherwise (any argument of ``meeting_schedule``)."""
    start = (timezone.now() + timedelta(hours=in_hours)).astimezone(UTC).replace(tzinfo=None)
    fields = {
        "title": "Tuesday circle",
        "starts_local": start.replace(second=0, microsecond=0),
        "duration_minutes": 60,
        "time_zone": "UTC",
        "kind": Meeting.Kind.VIDEO,
        "join_details": JOIN,
        "capacity": capacity,
    }
    return services.meeting_schedule(actor=actor, group=group, **(fields | extra))


def schedule(actor, group, **extra) -> Meeting:
    return schedule_series(actor, group, **extra)[0]


def members(group, n: int):
    return [MembershipFactory(group=group).user for _ in range(n)]


# --- times, zones and recurrence (pure) ---


@pytest.mark.embedded
def test_weekly_series_keeps_its_wall_clock_time_across_the_clocks_going_back() -> None:
    times = occurrences(datetime(2026, 10, 18, 18, 0), timedelta(hours=1), LONDON, "weekly", 3)
    starts = [s for s, _ in times]
    # British Summer Time ends on 25 October 2026: 18:00 is 17:00 UTC before, 18:00 after.
    assert starts == [
        datetime(2026, 10, 18, 17, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 18, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 18, 0, tzinfo=UTC),
    ]
    assert all(s.astimezone(LONDON).hour == 18 for s in starts)
    assert all(e - s == timedelta(hours=1) for s, e in times)


def test_fortnightly_and_once_and_the_cap() -> None:
    start = datetime(2026, 1, 5, 9, 30)
    assert [s.day for s, _ in occurrences(start, timedelta(hours=1), LONDON, "fortnightly", 3)] == [
        5,
        19,
        2,
    ]
    assert len(occurrences(start, timedelta(hours=1), LONDON, "none", 9)) == 1
    assert len(occurrences(start, timedelta(hours=1), LONDON, "weekly", 500)) == 26


@pytest.mark.parametrize(
    ("local", "word"),
    [(datetime(2026, 3, 29, 1, 30), "does not exist"), (datetime(2026, 10, 25, 1, 30), "twice")],
)
def test_a_time_the_clock_change_skips_or_repeats_is_refused(local, word) -> None:
    with pytest.raises(LocalTimeError, match=word):
        occurrences(local, timedelta(hours=1), LONDON)


def test_a_member_sees_the_time_in_their_own_zone(client, group, facilitator, member) -> None:
    meeting = schedule(
        facilitator,
        group,
        starts_local=datetime(2030, 7, 2, 19, 0),
        duration_minutes=90,
        time_zone="Europe/London",
    )
    assert meeting.starts_at == datetime(2030, 7, 2, 18, 0, tzinfo=UTC)
    member.time_zone = "America/New_York"
    member.save()
    client.force_login(member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Tuesday 2 July 2030, 14:00</time>–15:30" in page and "America/New_York" in page


# --- scheduling ---


def test_schedule_a_series_is_audited_without_the_join_details(group, facilitator) -> None:
    meetings = schedule_series(
        facilitator,
        group,
        starts_local=datetime(2030, 1, 7, 18, 0),
        time_zone="Europe/London",
        kind=Meeting.Kind.IN_PERSON,
        join_details="Room 2, 14 Example Street",
        recurrence="weekly",
        count=4,
    )
    assert len(meetings) == 4 and len({m.series for m in meetings}) == 1
    entry = AuditLogEntry.objects.get(action="meeting.scheduled")
    assert entry.details["count"] == 4
    assert "Example Street" not in str(entry.details) + entry.reason


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"title": " \x00 "}, "title"),
        ({"join_details": ""}, "join_details"),
        ({"kind": "telepathy"}, "kind"),
        ({"in_hours": -2}, "starts_local"),
        ({"open_to_non_members": True}, "open_to_non_members"),
    ],
)
def test_bad_schedules_are_refused_with_a_message(private_group, field, extra) -> None:
    facilitator = MembershipFactory(group=private_group, role="facilitator").user
    with pytest.raises(ValidationError) as refused:
        schedule(facilitator, private_group, **extra)
    assert field in refused.value.message_dict
    assert not Meeting.objects.exists()


def test_only_the_groups_facilitators_and_admins_schedule(group, member, admin_user) -> None:
    with pytest.raises((PermissionDenied, Http404)):
        schedule(member, group)
    assert schedule(admin_user, group).pk


def test_schedule_page_for_facilitators(client, group, facilitator, member) -> None:
    url = reverse("groups:meeting_create", args=[group.slug])
    client.force_login(member)
    assert client.get(url).status_code in (403, 404)
    client.force_login(facilitator)
    response = client.post(
        url,
        {
            "title": "Sunday circle",
            "starts_local": "2031-02-02T18:30",
            "duration_minutes": 60,
            "time_zone": "Europe/Paris",
            "kind": "video",
            "join_details": JOIN,
            "capacity": 10,
            "recurrence": "fortnightly",
            "count": 3,
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(title="Sunday circle").count() == 3
    bad = client.post(url, {"title": "x", "starts_local": "soon"})
    assert bad.status_code == 200 and "Enter the date and time" in bad.content.decode()


# --- RSVPs and the waiting list ---


@pytest.mark.embedded
def test_full_meeting_puts_people_on_a_waiting_list_moved_in_when_a_place_frees(
    group, facilitator
) -> None:
    meeting = schedule(facilitator, group, capacity=2)
    a, b, c, d = members(group, 4)
    assert [
        services.meeting_rsvp(user=u, meeting=meeting, going=True).status for u in (a, b, c, d)
    ] == [
        GOING,
        GOING,
        WAITING,
        WAITING,
    ]
    services.meeting_rsvp(user=a, meeting=meeting, going=False)
    status = dict(MeetingRSVP.objects.filter(meeting=meeting).values_list("user", "status"))
    assert status == {a.pk: NOT_GOING, b.pk: GOING, c.pk: GOING, d.pk: WAITING}
    told = Notification.objects.get(recipient=c, kind="meeting_place")
    assert "you are going" in told.message
    assert not Notification.objects.filter(recipient=d, kind="meeting_place").exists()
    # Saying yes twice keeps your place; coming back puts you at the end of the line.
    assert services.meeting_rsvp(user=b, meeting=meeting, going=True).status == GOING
    assert services.meeting_rsvp(user=a, meeting=meeting, going=True).status == WAITING


@pytest.mark.django_db(transaction=True)
def test_concurrent_rsvps_never_overbook(group, facilitator) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers anyway)")
    meeting = schedule(facilitator, group, capacity=5)
    people = members(group, 16)
    barrier = threading.Barrier(len(people))
    errors = []

    def rsvp(user) -> None:
        try:
            barrier.wait()
            services.meeting_rsvp(user=user, meeting=meeting, going=True)
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=rsvp, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    counts = {
        s: MeetingRSVP.objects.filter(meeting=meeting, status=s).count() for s in (GOING, WAITING)
    }
    assert counts == {GOING: 5, WAITING: 11}


def test_who_may_rsvp(group, private_group, facilitator, outsider) -> None:
    meeting = schedule(facilitator, group)
    with pytest.raises(PermissionDenied, match="members of the group"):
        services.meeting_rsvp(user=outsider, meeting=meeting, going=True)
    open_meeting = schedule(facilitator, group, open_to_non_members=True)
    assert services.meeting_rsvp(user=outsider, meeting=open_meeting, going=True).status == GOING
    started = schedule(facilitator, group, in_hours=0.5)
    member = members(group, 1)[0]
    with (
        time_machine.travel(started.starts_at + timedelta(minutes=1)),
        pytest.raises(PermissionDenied, match="already started"),
    ):
        services.meeting_rsvp(user=member, meeting=started, going=True)


# --- who sees the join details, and when ---


@pytest.fixture
def world(group, facilitator, admin_user, outsider):
    meeting = schedule(facilitator, group, in_hours=30, capacity=2)
    going, waiting_for_place, not_going, no_rsvp = members(group, 4)
    filler = members(group, 1)[0]
    services.meeting_rsvp(user=going, meeting=meeting, going=True)
    services.meeting_rsvp(user=filler, meeting=meeting, going=True)
    services.meeting_rsvp(user=waiting_for_place, meeting=meeting, going=True)
    services.meeting_rsvp(user=not_going, meeting=meeting, going=False)
    return {
        "meeting": meeting,
        "going": going,
        "waiting": waiting_for_place,
        "not_going": not_going,
        "no_rsvp": no_rsvp,
        "facilitator": facilitator,
        "admin": admin_user,
        "outsider": outsider,
    }


SEES = {
    # role: (more than 24 h before, within 24 h, after it ended)
    "anonymous": (False, False, False),
    "outsider": (False, False, False),
    "no_rsvp": (False, False, False),
    "not_going": (False, False, False),
    "waiting": (False, False, False),
    "going": (False, True, False),
    "facilitator": (True, True, True),
    "admin": (True, True, True),
}


@pytest.mark.embedded
@pytest.mark.parametrize("role", list(SEES))
def test_join_details_for_every_role_and_time_window(world, role) -> None:
    meeting = world["meeting"]
    moments = (
        meeting.starts_at - timedelta(hours=25),
        meeting.starts_at - timedelta(hours=23),
        meeting.ends_at + timedelta(minutes=1),
    )
    client = Client()
    for moment, expected in zip(moments, SEES[role], strict=True):
        with time_machine.travel(moment):
            # Signed in at that moment: a session left idle for hours has ended.
            if role != "anonymous":
                client.force_login(world[role])
            response = client.get(meeting.get_absolute_url())
        assert response.status_code == 200
        assert (SECRET in response.content.decode()) is expected, (role, moment)


def test_join_details_never_reach_group_pages_e_mails_or_notifications(
    world, client, django_capture_on_commit_callbacks
) -> None:
    meeting = world["meeting"]
    with time_machine.travel(meeting.starts_at - timedelta(hours=1)):
        client.force_login(world["going"])
        assert SECRET not in client.get(meeting.group.get_absolute_url()).content.decode()
        assert SECRET not in client.get(reverse("groups:directory")).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_reminders_due()
    reminders = Notification.objects.filter(kind="meeting_reminder")
    assert reminders.exists()
    for reminder in reminders:  # e-mailed as the task would
        account_services.notification_email_send(notification_id=reminder.pk)
    assert mail.outbox
    for n in Notification.objects.all():
        assert SECRET not in n.message
    for message in mail.outbox:
        assert SECRET not in message.body
        assert all(SECRET not in alt for alt, _ in message.alternatives)


def test_cancelled_meeting_shows_no_details_even_to_those_going(world, client) -> None:
    meeting = world["meeting"]
    services.meeting_cancel(actor=world["facilitator"], meeting=meeting, reason="Ill, sorry")
    with time_machine.travel(meeting.starts_at - timedelta(hours=2)):
        client.force_login(world["going"])
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert SECRET not in page and "This meeting was cancelled: Ill, sorry" in page


def test_a_private_groups_meeting_is_404_for_non_members(private_group, outsider) -> None:
    facilitator = MembershipFactory(group=private_group, role="facilitator").user
    meeting = schedule(facilitator, private_group)
    client = Client()
    client.force_login(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("groups:meeting_ics", args=[meeting.pk])).status_code == 404


# --- reminders ---


def test_reminders_24_hours_and_1_hour_before_once_each(group, facilitator) -> None:
    meeting = schedule(facilitator, group, in_hours=50)
    person, late = members(group, 2)
    services.meeting_rsvp(user=person, meeting=meeting, going=True)
    assert services.meeting_reminders_due(now=meeting.starts_at - timedelta(hours=25)) == 0
    day = meeting.starts_at - timedelta(hours=23)
    assert services.meeting_reminders_due(now=day) == 1
    assert services.meeting_reminders_due(now=day + timedelta(minutes=5)) == 0
    services.meeting_rsvp(user=late, meeting=meeting, going=True, now=day)
    hour = meeting.starts_at - timedelta(minutes=50)
    assert services.meeting_reminders_due(now=hour) == 2  # person's hour; late's only one
    assert services.meeting_reminders_due(now=hour + timedelta(minutes=5)) == 0
    kinds = Notification.objects.filter(kind="meeting_reminder")
    assert kinds.filter(recipient=person).count() == 2
    assert kinds.filter(recipient=late).count() == 1
    assert "in about an hour" in kinds.filter(recipient=late).get().message


def test_reminders_follow_the_members_preferences(group, facilitator) -> None:
    from accounts.models import NotificationPreference

    meeting = schedule(facilitator, group, in_hours=10)
    person = members(group, 1)[0]
    NotificationPreference.objects.create(user=person, kind="meeting_reminder", delivery="off")
    services.meeting_rsvp(user=person, meeting=meeting, going=True)
    services.meeting_reminders_due()
    assert not Notification.objects.filter(recipient=person, kind="meeting_reminder").exists()


def test_the_beat_schedule_sends_reminders(settings) -> None:
    assert "groups.meeting_reminders_due" in settings.CELERY_BEAT_SCHEDULE


# --- cancel, reschedule, notes ---


def test_cancel_and_reschedule_tell_those_coming_and_are_audited(group, facilitator) -> None:
    first, second = schedule_series(
        facilitator, group, starts_local=datetime(2031, 3, 3, 18, 0), recurrence="weekly", count=2
    )
    person = members(group, 1)[0]
    services.meeting_rsvp(user=person, meeting=first, going=True)
    services.meeting_reschedule(
        actor=facilitator,
        meeting=first,
        starts_local=datetime(2031, 3, 4, 19, 0),
        duration_minutes=45,
    )
    first.refresh_from_db()
    assert first.starts_at == datetime(2031, 3, 4, 19, 0, tzinfo=UTC)
    assert first.ends_at - first.starts_at == timedelta(minutes=45)
    assert "moved to" in Notification.objects.get(recipient=person, kind="meeting_changed").message
    services.meeting_cancel(
        actor=facilitator, meeting=first, reason="Venue closed", whole_series=True
    )
    assert set(Meeting.objects.values_list("state", flat=True)) == {"cancelled"}
    assert AuditLogEntry.objects.filter(action__startswith="meeting.").count() == 3
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=facilitator, meeting=second, reason="again")


def test_session_notes_are_for_facilitators_only_and_audited_without_text(
    group, facilitator, client
) -> None:
    meeting = schedule(facilitator, group, in_hours=1)
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.meeting_note_add(actor=facilitator, meeting=meeting, body="Too early")
    later = meeting.starts_at + timedelta(minutes=70)
    services.meeting_note_add(actor=facilitator, meeting=meeting, body="Quiet session", now=later)
    entry = AuditLogEntry.objects.get(action="meeting.note_added")
    assert "Quiet session" not in str(entry.details) + entry.reason
    person = members(group, 1)[0]
    with pytest.raises((PermissionDenied, Http404)):
        services.meeting_note_add(actor=person, meeting=meeting, body="x", now=later)
    client.force_login(person)
    assert "Quiet session" not in client.get(meeting.get_absolute_url()).content.decode()
    assert not AuditLogEntry.objects.filter(action="meeting_notes.read").exists()
    client.force_login(facilitator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Quiet session" in page and MeetingNote.objects.count() == 1
    read = AuditLogEntry.objects.get(action="meeting_notes.read")
    assert read.actor == facilitator and read.details["note_ids"] == [MeetingNote.objects.get().pk]


def test_rsvp_list_shows_handles_to_facilitators_only(client, group, facilitator) -> None:
    meeting = schedule(facilitator, group)
    person = members(group, 1)[0]
    services.meeting_rsvp(user=person, meeting=meeting, going=True)
    client.force_login(person)
    assert "Who is coming" not in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(facilitator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Who is coming" in page and person.handle in page and person.email not in page


# --- pages ---


def test_rsvp_from_the_page(client, group, facilitator, member) -> None:
    meeting = schedule(facilitator, group, capacity=1)
    client.force_login(member)
    url = reverse("groups:meeting_rsvp", args=[meeting.pk])
    response = client.post(url, {"going": "yes"}, follow=True)
    assert "You&#x27;re going" in response.content.decode()
    assert client.post(url, {"going": "maybe"}).status_code == 302
    assert MeetingRSVP.objects.get(user=member).status == GOING


def test_upcoming_meetings_on_the_group_page_and_home(client, group, facilitator, member) -> None:
    meeting = schedule(facilitator, group)
    schedule(facilitator, group, in_hours=1).delete()
    page = client.get(group.get_absolute_url()).content.decode()
    assert meeting.title in page and meeting.get_absolute_url() in page
    client.force_login(member)
    assert "Your upcoming meetings" not in client.get(reverse("groups:directory")).content.decode()
    services.meeting_rsvp(user=member, meeting=meeting, going=True)
    home = client.get(reverse("groups:directory")).content.decode()
    assert "Your upcoming meetings" in home and meeting.get_absolute_url() in home


# --- calendar files ---


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


@pytest.mark.embedded
def test_ics_download_parses_back_without_join_details(client, group, facilitator) -> None:
    meeting = schedule(facilitator, group)
    response = client.get(reverse("groups:meeting_ics", args=[meeting.pk]))
    (event,) = _parse(response).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert str(event["summary"]) == meeting.title
    assert str(event["uid"]) == f"meeting-{meeting.pk}@haven"
    assert str(event["url"]).endswith(meeting.get_absolute_url())
    assert SECRET not in response.content.decode()


def test_calendar_feed_lists_my_meetings_and_can_be_revoked(
    client, group, private_group, facilitator, member
) -> None:
    going = schedule(facilitator, group)
    schedule(facilitator, group, title="Not mine")
    helper = MembershipFactory(group=private_group, role="facilitator").user
    MembershipFactory(group=private_group, user=member)
    secret = schedule(helper, private_group, title="Private one")
    for meeting in (going, secret):
        services.meeting_rsvp(user=member, meeting=meeting, going=True)
    services.meeting_cancel(actor=helper, meeting=secret, reason="sorry")
    client.force_login(member)
    settings_page = client.get(reverse("groups:calendar_settings")).content.decode()
    feed = services.calendar_feed_for(member)
    assert feed.token in settings_page
    anonymous = Client()
    response = anonymous.get(feed.get_absolute_url())
    events = {str(e["summary"]): e for e in _parse(response).walk("VEVENT")}
    assert set(events) == {"Tuesday circle", "Private one"}
    assert str(events["Private one"]["status"]) == "CANCELLED"
    body = response.content.decode()
    assert private_group.name not in body and SECRET not in body
    old = feed.get_absolute_url()
    client.post(reverse("groups:calendar_settings"))
    assert anonymous.get(old).status_code == 404
    feed.refresh_from_db()
    assert anonymous.get(feed.get_absolute_url()).status_code == 200
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404


def test_feed_of_a_deactivated_member_is_gone(client, member) -> None:
    feed = services.calendar_feed_for(member)
    member.is_active = False
    member.save()
    assert client.get(feed.get_absolute_url()).status_code == 404

"""Facilitators' cover: the rota in their own time zone (across midnight too), switching
on and off by hand with an end time, the duty page and its switch in the navigation,
and what members are told on group and thread pages."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from moderation.models import AuditLogEntry, DutyShift, DutyStatus
from moderation.selectors.coverage import duty_overview_for, group_cover, viewer_on_duty
from moderation.selectors.duty import group_has_cover, is_on_duty
from moderation.services import duty as services
from tests.factories import GroupFactory, MembershipFactory, give_totp, make_thread

pytestmark = pytest.mark.django_db

FRIDAY = 4


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def night_owl(group, facilitator):
    """The group's facilitator, in New York, on duty Friday 22:00 to Saturday 02:00."""
    facilitator.time_zone = "America/New_York"
    facilitator.save()
    services.duty_shift_add(user=facilitator, weekday=FRIDAY, starts=time(22), ends=time(2))
    return facilitator


# 2025-01-10 is a Friday; New York is UTC-5 in January.
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (_utc(2025, 1, 11, 2, 59), False),  # Friday 21:59 in New York
        (_utc(2025, 1, 11, 3, 0), True),  # Friday 22:00
        (_utc(2025, 1, 11, 6, 30), True),  # Saturday 01:30: past midnight, still the shift
        (_utc(2025, 1, 11, 7, 0), False),  # Saturday 02:00: over
        (_utc(2025, 1, 18, 4, 0), True),  # the next Friday 23:00
        (_utc(2025, 1, 12, 4, 0), False),  # Saturday 23:00: not a Saturday shift
    ],
)
def test_rota_runs_past_midnight_in_the_facilitators_time_zone(
    night_owl, group, moment, expected
) -> None:
    assert is_on_duty(night_owl, moment) is expected
    assert viewer_on_duty(night_owl, moment) is expected
    # The group page's one-query answer agrees with the rules in selectors.duty.
    assert group_cover(group, moment) is group_has_cover(group, moment) is expected


def test_the_same_utc_moment_is_a_different_local_day(group, facilitator) -> None:
    colleague = MembershipFactory(
        group=group, role=Membership.Role.FACILITATOR, user__time_zone="Asia/Tokyo"
    ).user
    # Monday 08:00-10:00 in Tokyo is Sunday 23:00-01:00 UTC.
    services.duty_shift_add(user=colleague, weekday=0, starts=time(8), ends=time(10))
    sunday_night_utc = _utc(2025, 1, 12, 23, 30)
    assert is_on_duty(colleague, sunday_night_utc)
    assert group_cover(group, sunday_night_utc)
    assert not group_cover(group, sunday_night_utc + timedelta(hours=2))


def test_a_shift_ending_where_it_starts_covers_the_day(group, facilitator) -> None:
    services.duty_shift_add(user=facilitator, weekday=FRIDAY, starts=time(0), ends=time(0))
    assert group_cover(group, _utc(2025, 1, 10, 23, 59))
    assert not group_cover(group, _utc(2025, 1, 11, 0, 1))


def test_manual_switch_until_a_time_then_the_rota_again(night_owl, group) -> None:
    friday_night = _utc(2025, 1, 11, 4, 0)  # on the rota
    services.duty_set(
        user=night_owl, mode="off", until=friday_night + timedelta(hours=1), now=friday_night
    )
    assert not group_cover(group, friday_night)
    assert not is_on_duty(night_owl, friday_night)
    later = friday_night + timedelta(hours=1, minutes=1)  # the switch has ended
    assert group_cover(group, later) and is_on_duty(night_owl, later)

    tuesday = _utc(2025, 1, 14, 15, 0)  # off the rota
    services.duty_set(user=night_owl, mode="on", now=tuesday)  # no end: until switched back
    assert group_cover(group, tuesday) and group_cover(group, tuesday + timedelta(days=30))
    services.duty_set(user=night_owl, mode="rota", until=tuesday, now=tuesday)
    status = DutyStatus.objects.get(user=night_owl)
    assert (status.mode, status.until) == ("rota", None)  # the rota takes no end time
    assert not group_cover(group, tuesday)


def test_duty_changes_are_audited_and_checked(facilitator, member, admin_user) -> None:
    services.duty_set(user=facilitator, mode="on")
    entry = AuditLogEntry.objects.get(action="duty.changed")
    assert (entry.actor, entry.target_user, entry.reason) == (facilitator, facilitator, "On duty")
    with pytest.raises(ValidationError):
        services.duty_set(user=facilitator, mode="on", until=timezone.now() - timedelta(1))
    with pytest.raises(ValidationError):
        services.duty_set(user=facilitator, mode="sometimes")
    with pytest.raises(PermissionDenied):
        services.duty_set(user=member, mode="on")  # members have no duty
    with pytest.raises(PermissionDenied):
        services.duty_set(user=facilitator, mode="off", actor=member)
    services.duty_set(user=facilitator, mode="off", actor=admin_user)  # an admin may
    assert AuditLogEntry.objects.filter(action="duty.changed", actor=admin_user).exists()
    assert DutyStatus.objects.get(user=facilitator).mode == "off"


def test_shifts_refuse_duplicates_and_other_peoples(facilitator, group) -> None:
    shift = services.duty_shift_add(user=facilitator, weekday=1, starts=time(9), ends=time(12))
    with pytest.raises(ValidationError):
        services.duty_shift_add(user=facilitator, weekday=1, starts=time(9), ends=time(12))
    colleague = MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user
    with pytest.raises(ValidationError):
        services.duty_shift_remove(user=colleague, shift=shift)
    assert DutyShift.objects.filter(pk=shift.pk).exists()


# --- the duty page ---


def test_duty_page_switches_with_an_end_in_local_time(mod_client, facilitator) -> None:
    facilitator.time_zone = "Europe/Berlin"
    facilitator.save()
    url = reverse("moderation:duty")
    response = mod_client.post(url, {"action": "set", "mode": "on", "until": "2030-01-01T10:00"})
    assert response.status_code == 302
    status = DutyStatus.objects.get(user=facilitator)
    assert status.mode == "on" and status.until == _utc(2030, 1, 1, 9, 0)  # Berlin is UTC+1
    page = mod_client.get(url).content.decode()
    assert "You are on duty." in page and "by hand until" in page


def test_duty_page_bad_input_shows_messages_and_changes_nothing(mod_client, facilitator):
    url = reverse("moderation:duty")
    past = mod_client.post(url, {"action": "set", "mode": "off", "until": "2001-01-01T10:00"})
    assert "Please choose a time in the future." in past.content.decode()
    nonsense = mod_client.post(url, {"action": "set", "mode": "nap"})
    assert "Please choose on duty, off duty or your rota." in nonsense.content.decode()
    shift = mod_client.post(url, {"action": "add", "weekday": "9", "starts": "25:00"})
    html = shift.content.decode()
    assert "Please choose a day of the week." in html and "Enter a time like 18:30." in html
    assert "Please give an end time." in html
    assert not DutyStatus.objects.exists() and not DutyShift.objects.exists()
    assert not AuditLogEntry.objects.filter(action="duty.changed").exists()


def test_duty_page_adds_and_removes_shifts(mod_client, facilitator, group) -> None:
    url = reverse("moderation:duty")
    response = mod_client.post(
        url, {"action": "add", "weekday": "4", "starts": "22:00", "ends": "02:00"}, follow=True
    )
    html = response.content.decode()
    assert "Added Friday 22:00–02:00 to your rota." in html and "next day" in html
    duplicate = mod_client.post(
        url, {"action": "add", "weekday": "4", "starts": "22:00", "ends": "02:00"}
    )
    assert "That shift is already on your rota." in duplicate.content.decode()
    shift = DutyShift.objects.get(user=facilitator)

    theirs = services.duty_shift_add(
        user=MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user,
        weekday=0,
        starts=time(9),
        ends=time(17),
    )
    refused = mod_client.post(url, {"action": "remove", "shift": theirs.pk}, follow=True)
    assert "not on your rota" in refused.content.decode()
    assert DutyShift.objects.filter(pk=theirs.pk).exists()

    mod_client.post(url, {"action": "remove", "shift": shift.pk})
    assert not DutyShift.objects.filter(pk=shift.pk).exists()
    assert AuditLogEntry.objects.filter(action="duty.changed").count() == 3


def test_duty_page_shows_who_else_is_on_duty(mod_client, group, facilitator) -> None:
    colleague = MembershipFactory(
        group=group, role=Membership.Role.FACILITATOR, user__handle="evening_lamp"
    ).user
    services.duty_set(user=colleague, mode="on")
    quiet = GroupFactory(name="Quiet corner")
    MembershipFactory(group=quiet, user=facilitator, role=Membership.Role.FACILITATOR)
    page = mod_client.get(reverse("moderation:duty")).content.decode()
    assert "evening_lamp" in page and "Nobody on duty" in page and "Quiet corner" in page
    overview = duty_overview_for(facilitator)
    cover = {c.group.name: [u.handle for u in c.on_duty] for c in overview.groups}
    assert cover == {group.name: ["evening_lamp"], "Quiet corner": []}


def test_duty_overview_query_count_is_fixed(group, facilitator, django_assert_num_queries):
    for _ in range(5):
        other = GroupFactory()
        MembershipFactory(group=other, user=facilitator, role=Membership.Role.FACILITATOR)
        for _ in range(3):
            user = MembershipFactory(group=other, role=Membership.Role.FACILITATOR).user
            services.duty_shift_add(user=user, weekday=2, starts=time(9), ends=time(17))
    facilitator.__dict__.pop("_haven_moderated", None)
    # the viewer's groups, their status, their shifts, the facilitators, the groups, and
    # everyone's duty statuses and shifts
    with django_assert_num_queries(7):
        duty_overview_for(facilitator)


def test_nav_switch_goes_on_duty_and_back_to_the_page(mod_client, facilitator) -> None:
    queue = reverse("moderation:review_queue")
    assert "You are off duty" in mod_client.get(queue).content.decode()
    response = mod_client.post(
        reverse("moderation:duty"), {"action": "set", "mode": "on", "next": queue}
    )
    assert response.status_code == 302 and response["Location"] == queue
    assert "You are on duty" in mod_client.get(queue).content.decode()
    away = mod_client.post(
        reverse("moderation:duty"),
        {"action": "set", "mode": "off", "next": "https://evil.example/"},
    )
    assert away["Location"] == reverse("moderation:duty")


# --- what members see ---


def test_group_page_tells_members_whether_a_facilitator_is_on_duty(
    client, group, member, facilitator
) -> None:
    client.force_login(member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "No facilitator is on duty right now" in page
    assert f'href="{reverse("moderation:help")}"' in page
    services.duty_set(user=facilitator, mode="on")
    page = client.get(group.get_absolute_url()).content.decode()
    assert "A facilitator is available now." in page
    assert "No facilitator is on duty right now" not in page


def test_thread_page_notes_when_nobody_is_on_duty(client, group, member, facilitator) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)
    assert (
        "No facilitator is on duty right now"
        in client.get(thread.get_absolute_url()).content.decode()
    )
    services.duty_set(user=facilitator, mode="on")
    assert (
        "No facilitator is on duty right now"
        not in client.get(thread.get_absolute_url()).content.decode()
    )


def test_a_deactivated_facilitator_is_no_cover(group, facilitator) -> None:
    services.duty_set(user=facilitator, mode="on")
    assert group_cover(group)
    facilitator.is_active = False
    facilitator.save()
    assert not group_cover(group) and not group_has_cover(group)


def test_members_cannot_open_the_duty_page(client, member) -> None:
    give_totp(member)
    client.force_login(member)
    assert client.get(reverse("moderation:duty")).status_code in (403, 404)
    client.post(reverse("moderation:duty"), {"action": "set", "mode": "on"})
    assert not DutyStatus.objects.exists()


# --- the admin ---


def test_admin_switches_a_facilitator_off_and_edits_the_rota(
    client, facilitator, member, admin_user
) -> None:
    services.duty_set(user=facilitator, mode="on")
    status = DutyStatus.objects.get(user=facilitator)
    client.force_login(admin_user)
    change = reverse("admin:moderation_dutystatus_change", args=[status.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, {"mode": "off", "until_0": "", "until_1": ""})
    assert response.status_code == 302
    assert DutyStatus.objects.get(user=facilitator).mode == "off"
    entry = AuditLogEntry.objects.filter(action="duty.changed").latest("pk")
    assert (entry.actor, entry.target_user) == (admin_user, facilitator)

    add = reverse("admin:moderation_dutyshift_add")
    shift = {"weekday": 2, "starts": "09:00", "ends": "17:00"}
    assert client.post(add, {"user": facilitator.pk, **shift}).status_code == 302
    assert DutyShift.objects.filter(user=facilitator, weekday=2).exists()
    again = client.post(add, {"user": facilitator.pk, **shift})
    assert "already on their rota" in again.content.decode()
    refused = client.post(add, {"user": member.pk, **shift})
    assert "Only facilitators have a rota." in refused.content.decode()
    assert not DutyShift.objects.filter(user=member).exists()

"""Meetings in the browser: a facilitator schedules one; a member says they are going and
sees the joining details appear once the meeting is less than 24 hours away (the server's
clock is moved forward with time-machine; the live server runs in this process)."""

from datetime import UTC, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from groups.models import Meeting

from .test_flows import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOIN = "https://meet.example.org/room-5512"


def test_facilitator_schedules_member_rsvps_and_sees_join_details_in_the_window(
    page: Page, browser: Browser, live_server, group, facilitator, member, off_loop
) -> None:
    start = (timezone.now() + timedelta(days=3)).astimezone(UTC).replace(second=0, microsecond=0)
    _sign_in(page, facilitator)
    page.goto(f"/g/{group.slug}/meetings/new/")
    page.get_by_label("Title").fill("Thursday circle")
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Time zone of that time").select_option("UTC")
    page.get_by_label("How people meet").select_option("video")
    page.get_by_label("How to join").fill(JOIN)
    page.get_by_label("Places").fill("8")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", name="Thursday circle")).to_be_visible()
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()
    meeting = off_loop(lambda: Meeting.objects.get(title="Thursday circle"))
    assert meeting.starts_at == start

    other = browser.new_context(base_url=live_server.url)
    other.set_default_timeout(10_000)
    try:
        visitor = other.new_page()
        _sign_in(visitor, member)
        visitor.goto(f"/meetings/{meeting.pk}/")
        expect(visitor.get_by_text(JOIN)).to_have_count(0)
        visitor.get_by_role("button", name="I'm going").click()
        expect(visitor.get_by_text("The joining details appear here from")).to_be_visible()
        expect(visitor.get_by_text(JOIN)).to_have_count(0)

        with time_machine.travel(meeting.starts_at - timedelta(hours=2), tick=True):
            # Days later: the idle session has ended, so the member signs in again.
            _sign_in(visitor, member)
            visitor.goto(f"/meetings/{meeting.pk}/")
            expect(visitor.get_by_role("link", name=JOIN)).to_be_visible()
        visitor.reload()  # back to the present: hidden again
        expect(visitor.get_by_text(JOIN)).to_have_count(0)
    finally:
        other.close()

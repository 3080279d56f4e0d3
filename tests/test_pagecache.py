"""Facts kept for every reader (supportforum.pagecache): kept, dropped on change, and
never needed: with the cache down the database answers."""

from unittest import mock

import pytest
from django.core.cache import cache

from moderation.models import DutyStatus
from moderation.selectors.coverage import group_cover_shown
from moderation.selectors.resources import pinned_resources
from moderation.services import duty
from moderation.services import resources as resource_services
from supportforum import pagecache
from tests.factories import make_thread

pytestmark = pytest.mark.django_db


def test_kept_until_bumped() -> None:
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    assert pagecache.kept("test-kind", "a", 60, build) == 1
    assert pagecache.kept("test-kind", "a", 60, build) == 1  # kept
    assert pagecache.kept("test-kind", "b", 60, build) == 2  # another part
    pagecache.bump("test-kind")
    assert pagecache.kept("test-kind", "a", 60, build) == 3
    assert pagecache.kept("other-kind", "a", 60, build) == 4  # kinds are apart


def test_a_cache_that_fails_costs_only_speed(caplog) -> None:
    down = ConnectionError("redis is down")
    boom = mock.patch.object(cache, "get_many", side_effect=down)
    with boom, mock.patch.object(cache, "set", side_effect=down):
        assert pagecache.kept("test-kind", "a", 60, lambda: "from the database") == (
            "from the database"
        )
        pagecache.bump("test-kind")  # logs, does not raise
    assert "page cache unavailable" in caplog.text


def test_duty_switch_shows_at_once(group, facilitator, member, client) -> None:
    duty.duty_set(user=facilitator, mode=DutyStatus.Mode.OFF)
    assert group_cover_shown(group) is False
    duty.duty_set(user=facilitator, mode=DutyStatus.Mode.ON)
    assert group_cover_shown(group) is True
    client.force_login(member)
    thread = make_thread(author=member, group=group)
    assert "No facilitator is on duty" not in client.get(thread.get_absolute_url()).content.decode()
    duty.duty_set(user=facilitator, mode=DutyStatus.Mode.OFF)
    assert "No facilitator is on duty" in client.get(thread.get_absolute_url()).content.decode()


def test_pins_show_and_go_at_once(group, facilitator, member) -> None:
    thread = make_thread(author=member, group=group)
    fields = {
        "url": "https://www.samaritans.org/",
        "description": "Call 116 123.",
        "kind": "hotline",
        "region": "GB",
    }
    resource = resource_services.resource_create(actor=facilitator, title="Samaritans", **fields)
    assert pinned_resources(thread=thread) == []
    pin = resource_services.resource_pin(actor=facilitator, resource=resource, group=group)
    assert [r.title for r in pinned_resources(thread=thread)] == ["Samaritans"]
    assert [r.title for r in pinned_resources(group=group)] == ["Samaritans"]
    resource_services.resource_update(
        actor=facilitator, resource=resource, title="Samaritans (UK)", **fields
    )
    assert [r.title for r in pinned_resources(thread=thread)] == ["Samaritans (UK)"]
    resource_services.resource_unpin(actor=facilitator, pin=pin)
    assert pinned_resources(thread=thread) == [] and pinned_resources(group=group) == []

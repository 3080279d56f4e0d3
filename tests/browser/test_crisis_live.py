"""A facilitator's open review queue shows a crisis alert live, without a reload, and the
facilitator acknowledges and resolves it in Chromium.

The whole production path runs: the member's post commits with its alert, the delivery
task goes through Redis to a real Celery worker, which publishes on the Redis channel
layer to Haven served by uvicorn (the live_server fixture is WSGI and cannot do
websockets), and moderation-live.js shows the toast and the queue banner."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from playwright.sync_api import Browser, expect

from groups import services
from groups.models import Membership
from moderation.models import CrisisAlert, DutyStatus

from ..factories import GroupFactory, MembershipFactory, make_thread, signed_in_with_mfa
from ..moderation.celery_worker import (
    AsgiServer,
    pipeline_settings_fixture,  # noqa: F401 (fixture "pipeline_settings")
    requires_worker,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    requires_worker,
    pytest.mark.usefixtures("pipeline_settings"),
]


def _in_thread(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """ORM and services away from Playwright's event loop (they publish on commit through
    async_to_sync, which refuses to run beside a running loop)."""

    def work() -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _arrange() -> dict:
    group = GroupFactory(name="Low Mood", slug="low-mood")
    author = MembershipFactory(group=group, user__handle="quiet_harbour").user
    facilitator = MembershipFactory(
        group=group, role=Membership.Role.FACILITATOR, user__handle="harbourlight"
    ).user
    DutyStatus.objects.create(user=facilitator, mode=DutyStatus.Mode.ON)
    thread = make_thread(author=author, group=group, title="Hard week")
    client = signed_in_with_mfa(Client(), facilitator)
    return {
        "author": author,
        "thread": thread,
        "facilitator": facilitator,
        "session": client.cookies["sessionid"].value,
    }


def test_queue_page_shows_crisis_alert_live_then_acknowledge_and_resolve(
    browser: Browser, stack: AsgiServer
) -> None:
    world = _in_thread(_arrange)
    context = browser.new_context(base_url=stack.url)
    context.set_default_timeout(20_000)
    context.add_cookies(
        [{"name": "sessionid", "value": world["session"], "url": stack.url, "httpOnly": True}]
    )
    page = context.new_page()
    page.goto("/mod/queue/")
    expect(page.get_by_text("Nothing is waiting here")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-mod-live", "connected")

    post = _in_thread(
        services.post_create,
        author=world["author"],
        thread=world["thread"],
        body="I'm not okay. I want to kill myself tonight, I have the pills ready.",
    )
    alert = _in_thread(lambda: CrisisAlert.objects.get(post=post))

    toast = page.get_by_role("alert").filter(has_text="Imminent crisis alert in Low Mood")
    expect(toast).to_be_visible()
    expect(toast).not_to_contain_text("pills")
    expect(page.locator("#mod-live-banner")).to_contain_text("New crisis alert")
    live_row = page.locator(".queue-item.mod-live-new")
    expect(live_row).to_contain_text("Imminent crisis alert")
    expect(page.get_by_role("navigation", name="Main").get_by_label("1 waiting")).to_be_visible()
    assert page.url.endswith("/mod/queue/")  # no reload happened

    toast.get_by_role("link", name="Open the alert").click()
    expect(page).to_have_url(f"{stack.url}{alert.get_absolute_url()}")
    page.get_by_role("button", name="Acknowledge: I'm on it").click()
    respond = page.locator(".mod-actions")
    expect(respond.get_by_text("Acknowledged by harbourlight")).to_be_visible()
    page.get_by_label("Reached out privately").check()
    page.get_by_role("button", name="Resolve the alert").click()
    expect(respond.get_by_text("Resolved", exact=True)).to_be_visible()
    expect(respond).to_contain_text("Reached out privately")

    alert = _in_thread(lambda: CrisisAlert.objects.get(pk=alert.pk))
    assert alert.state == CrisisAlert.State.RESOLVED
    assert alert.acknowledged_by_id == alert.resolved_by_id == world["facilitator"].pk
    assert alert.outcome == CrisisAlert.Outcome.REACHED_OUT
    assert alert.delivered_at is not None  # the worker confirmed its delivery
    context.close()

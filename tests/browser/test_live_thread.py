"""Two members in two browser contexts: member A replies in a thread, and member B's open
copy of that thread shows the reply in place, live, while B's notification badge counts
it — no reload. The production path runs: uvicorn (websockets), the Redis channel layer
and a real Celery worker for the fan-out."""

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from ..factories import GroupFactory, MembershipFactory, make_thread
from ..moderation.celery_worker import (
    AsgiServer,
    pipeline_settings_fixture,  # noqa: F401 (fixture "pipeline_settings")
    requires_worker,
)
from .test_crisis_live import _in_thread

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    requires_worker,
    pytest.mark.usefixtures("pipeline_settings"),
]


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _arrange() -> dict:
    group = GroupFactory(name="Carers", slug="carers")
    a = MembershipFactory(group=group, user__handle="tidewater").user
    b = MembershipFactory(group=group, user__handle="lanternfish").user
    thread = make_thread(author=b, group=group, title="Sleepless with worry")
    return {"thread_url": thread.get_absolute_url(), "a": _session(a), "b": _session(b)}


def _page(browser: Browser, stack: AsgiServer, session: str):
    context = browser.new_context(base_url=stack.url)
    context.set_default_timeout(20_000)
    context.add_cookies(
        [{"name": "sessionid", "value": session, "url": stack.url, "httpOnly": True}]
    )
    return context, context.new_page()


def test_reply_appears_live_in_another_members_open_thread_and_badge_counts_it(
    browser: Browser, stack: AsgiServer
) -> None:
    world = _in_thread(_arrange)
    context_b, page_b = _page(browser, stack, world["b"])
    page_b.goto(world["thread_url"])
    badge = page_b.locator("[data-unread-badge]")
    expect(badge).to_be_hidden()  # nothing unread yet
    page_b.wait_for_timeout(500)  # let both sockets connect

    context_a, page_a = _page(browser, stack, world["a"])
    page_a.goto(world["thread_url"])
    reply = "You're not alone in this, the night shifts are the hardest part."
    page_a.locator(".reply-box textarea").fill(reply)
    page_a.get_by_role("button", name="Post reply").click()
    expect(page_a.get_by_text(reply)).to_be_visible()

    url_before = page_b.url
    expect(page_b.locator(".post").filter(has_text=reply)).to_be_visible()
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1")
    assert page_b.url == url_before  # no reload, no navigation
    context_a.close()
    context_b.close()

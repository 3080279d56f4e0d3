"""A member in crisis, in Chromium: the crisis lines for their country appear while they
write (htmx, before posting) and at the top of the page after posting; "I need help now"
is one keyboard step away on every page; asking a facilitator keeps the draft."""

import pytest
from playwright.sync_api import Browser, Page, expect

from groups.models import Post
from moderation.models import CrisisAlert, CrisisLine

from ..factories import GroupFactory, MembershipFactory, make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
CRISIS = "I'm not okay. I want to kill myself."
CALM = "Thanks everyone, the walk helped today."


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _seed_lines() -> None:
    """Transactional tests flush the table the migration seeded: put back what we use."""
    for country, name, phone, web in [
        ("GB", "Samaritans", "116 123", "https://www.samaritans.org"),
        ("AU", "Lifeline", "13 11 14", "https://www.lifeline.org.au"),
    ]:
        CrisisLine.objects.get_or_create(
            country=country,
            name=name,
            defaults={"phone": phone, "web": web, "source": web, "last_verified": "2026-01-01"},
        )


@pytest.fixture
def world(off_loop):
    def arrange():
        _seed_lines()
        group = GroupFactory(name="Low Mood", slug="low-mood")
        member = MembershipFactory(group=group, user__handle="quiet_harbour").user
        member.region = "GB"
        member.save(update_fields=["region"])
        other = MembershipFactory(group=group, user__handle="slow_tide").user
        thread = make_thread(author=other, group=group, title="Checking in", body="How are you?")
        return group, member, other, thread

    return off_loop(arrange)


def test_member_posts_crisis_language_and_sees_their_lines(
    browser: Browser, live_server, world
) -> None:
    _group, member, other, thread = world
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    _sign_in(page, member.email)
    page.goto(thread.get_absolute_url())
    expect(page.locator("#crisis-panel")).to_have_count(0)

    page.get_by_label("Your message").fill(CRISIS)
    page.get_by_role("button", name="Post reply").click()

    panel = page.locator("#crisis-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("You don't have to carry it alone")
    expect(panel.get_by_role("link", name="Call 116 123")).to_have_attribute("href", "tel:116123")
    expect(panel).to_contain_text("Samaritans")
    expect(panel.get_by_role("button", name="Ask a facilitator to contact me")).to_be_visible()
    expect(page.locator(".post-body", has_text="I want to kill myself")).to_be_visible()
    post = Post.objects.get(body=CRISIS)
    assert CrisisAlert.objects.filter(post=post, source="detected").exists()

    # Once: the next visit is the ordinary thread.
    page.reload()
    expect(page.locator("#crisis-panel")).to_have_count(0)
    context.close()

    # Never shown to other readers.
    reader = browser.new_context(base_url=live_server.url)
    reader_page = reader.new_page()
    _sign_in(reader_page, other.email)
    reader_page.goto(thread.get_absolute_url())
    expect(reader_page.locator(".post-body", has_text="I want to kill myself")).to_be_visible()
    expect(reader_page.locator("#crisis-panel")).to_have_count(0)
    reader.close()


def test_draft_panel_appears_while_typing_and_keeps_the_draft(
    browser: Browser, live_server, world
) -> None:
    group, member, _other, thread = world
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    _sign_in(page, member.email)
    page.goto(thread.get_absolute_url())
    body = page.get_by_label("Your message")
    slot = page.locator("#crisis-draft-slot")

    body.press_sequentially("Everyone would be better off without me", delay=5)
    expect(slot.locator("#crisis-panel")).to_be_visible()
    expect(slot).to_contain_text("Samaritans")
    assert not Post.objects.filter(thread=thread, is_opening=False).exists()  # nothing posted

    # Asking a facilitator from the draft panel answers in place; the draft stays.
    slot.get_by_role("button", name="Ask a facilitator to contact me").click()
    expect(slot).to_contain_text("A facilitator will contact you privately")
    expect(body).to_have_value("Everyone would be better off without me")
    alert = CrisisAlert.objects.get(source="help_request", subject=member)
    assert alert.group_id == group.pk

    # Rewritten calmly, the panel goes away; posting still works as an ordinary form.
    body.fill(CALM)
    expect(slot.locator("#crisis-panel")).to_have_count(0)
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".post-body", has_text="the walk helped")).to_be_visible()
    expect(page.locator("#crisis-panel")).to_have_count(0)
    # The live test server has no websockets (the thread's live notice); anything else,
    # such as a CSP violation or an htmx error, is a failure.
    assert [e for e in errors if "WebSocket" not in e] == []
    context.close()


def test_help_link_is_keyboard_reachable_and_works_signed_out(page: Page, world) -> None:
    page.goto("/")
    link = page.get_by_role("link", name="I need help now")
    for _ in range(10):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached “I need help now”")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Help now", exact=True)).to_be_visible()
    expect(page.get_by_text("112 in most of Europe")).to_be_visible()
    page.get_by_label("See the lines for another country").select_option("AU")
    page.get_by_role("button", name="Show lines").click()
    expect(page.get_by_role("link", name="Call 13 11 14")).to_have_attribute("href", "tel:131114")

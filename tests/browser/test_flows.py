"""Flows people click through, driven in Debian's Chromium against the live server."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from accounts.models import User
from groups import services
from groups.models import Membership, Post

from ..factories import GroupFactory, MembershipFactory, UserFactory, make_rule, make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def _sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(user.handle)


def test_member_signs_up_joins_and_holds_a_threaded_conversation(page: Page, mailoutbox) -> None:
    group = GroupFactory(name="Living with grief", slug="living-with-grief")
    make_rule(group, number=1, title="Be gentle", body="With others and with yourself.")
    make_rule(group, number=2, title="No advice unless asked", body="Listen first.")

    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("river@example.org")
    page.get_by_label("Handle (your pseudonym)").fill("calm_river")
    page.fill('input[name="password1"]', "slow-morning-tide-42")
    page.fill('input[name="password2"]', "slow-morning-tide-42")
    page.get_by_label("I have read and accept Haven's community guidelines").check()
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["river@example.org"]
    link = CONFIRM_LINK.search(mailoutbox[0].body)
    assert link is not None, mailoutbox[0].body
    page.goto(urlsplit(link.group()).path)
    page.get_by_role("button", name="Confirm").click()
    # Logged in by the confirmation itself, without typing the password again.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("calm_river")
    user = User.objects.get(handle="calm_river")
    assert user.guidelines_accepted_at is not None
    assert EmailAddress.objects.filter(user=user, email="river@example.org", verified=True).exists()

    page.goto(group.get_absolute_url())
    page.get_by_role("link", name="Join this group").click()
    expect(page.get_by_role("heading", name="The group's guidelines")).to_be_visible()
    expect(page.get_by_text("No advice unless asked.")).to_be_visible()
    expect(page.get_by_text("Listen first.")).to_be_visible()
    page.get_by_label("I have read and accept this group's guidelines").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_text("Welcome to Living with grief.")).to_be_visible()
    membership = Membership.objects.get(user=user, group=group)
    assert membership.is_active
    assert membership.guidelines_accepted_at is not None

    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("The first winter without her")
    page.get_by_label("Your message").fill("Evenings are the hardest part.")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", name="The first winter without her")).to_be_visible()

    reply_box = page.locator("section.reply-box")
    reply_box.get_by_label("Your message").fill("Evenings are hard for me too.")
    reply_box.get_by_role("button", name="Post reply").click()
    reply_article = page.locator("article.post", has_text="Evenings are hard for me too.")
    expect(reply_article).to_be_visible()

    reply_article.get_by_role("link", name="Reply", exact=True).click()
    expect(page.get_by_role("heading", name="Reply to a post")).to_be_visible()
    expect(page.locator("blockquote.quoted")).to_contain_text("Evenings are hard for me too.")
    page.get_by_label("Your message").fill("A walk at dusk helps me a little.")
    page.get_by_role("button", name="Post reply").click()
    nested_article = page.locator("article.post", has_text="A walk at dusk helps me a little.")
    expect(nested_article).to_be_visible()

    opening, reply, nested = Post.objects.filter(thread__group=group).order_by("pk")
    assert (opening.is_opening, opening.parent_id, opening.reply_to_id) == (True, None, None)
    assert (reply.parent_id, reply.reply_to_id, reply.depth) == (None, None, 0)
    assert (nested.parent_id, nested.reply_to_id, nested.depth) == (reply.pk, reply.pk, 1)
    assert opening.thread_id == reply.thread_id == nested.thread_id
    assert {p.author_id for p in (opening, reply, nested)} == {user.pk}
    assert nested.thread.reply_count == 2

    # A reply to the thread sits level with the opening post; a reply to that reply sits
    # one level deeper, right under it, without a "Replying to" line.
    expect(page.locator(f"#post-{opening.pk}")).to_have_class(re.compile(r"\bindent-0\b"))
    expect(page.locator(f"#post-{reply.pk}")).to_have_class(re.compile(r"\bindent-0\b"))
    expect(page.locator(f"#post-{nested.pk}")).to_have_class(re.compile(r"\bindent-1\b"))
    expect(nested_article.locator(".replying-to")).to_have_count(0)
    order = page.locator("#thread-posts > article.post").evaluate_all("els => els.map(e => e.id)")
    assert order == [f"post-{opening.pk}", f"post-{reply.pk}", f"post-{nested.pk}"]
    reply_x = page.locator(f"#post-{reply.pk}").bounding_box()["x"]
    nested_x = page.locator(f"#post-{nested.pk}").bounding_box()["x"]
    assert nested_x > reply_x + 10


def test_member_can_start_the_first_thread_in_an_empty_group(page: Page, group, member) -> None:
    _sign_in(page, member)
    page.goto(group.get_absolute_url())
    expect(page.get_by_text("No threads yet. You could start the first one.")).to_be_visible()
    expect(page.get_by_text("This is a private group")).to_have_count(0)
    page.get_by_role("link", name="Start a thread").click()
    expect(page.get_by_role("heading", name="Start a thread")).to_be_visible()


def test_non_member_gets_404_on_private_group_thread(
    browser: Browser, page: Page, live_server, off_loop
) -> None:
    group = GroupFactory(name="Private circle", slug="private-circle", private=True)
    member = MembershipFactory(group=group).user
    thread = off_loop(
        make_thread, author=member, group=group, title="Something I never told anyone"
    )
    opening = thread.posts.get()
    outsider = UserFactory(handle="passer_by")

    _sign_in(page, outsider)
    for path in (thread.get_absolute_url(), f"/t/{thread.pk}/", opening.get_absolute_url()):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", name="We couldn't find that page")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("Something I never told anyone")

    anonymous = browser.new_context(base_url=live_server.url)
    try:
        anonymous_page = anonymous.new_page()
        response = anonymous_page.goto(thread.get_absolute_url())
        assert response.status == 404
        expect(
            anonymous_page.get_by_role("heading", name="We couldn't find that page")
        ).to_be_visible()
        expect(anonymous_page.get_by_role("link", name="Sign in")).to_be_visible()
    finally:
        anonymous.close()


def test_pages_have_no_csp_violations_or_console_errors(
    page: Page, live_server, group, member, other_member, off_loop
) -> None:
    thread = off_loop(make_thread, author=member, group=group, title="Sleep and racing thoughts")
    reply = off_loop(services.post_create, author=other_member, thread=thread, body="Same here.")
    off_loop(
        services.post_create, author=member, thread=thread, body="*Thank you*.", reply_to=reply
    )
    csp_violations: list[str] = []
    other_errors: list[str] = []
    # Not the app's doing: the live server speaks WSGI, so the thread page's websocket
    # (served by Channels under ASGI) is refused at the handshake.
    websocket_refused = f"WebSocket connection to '{live_server.url.replace('http', 'ws', 1)}/ws/"

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)
        elif not message.text.startswith(websocket_refused):
            other_errors.append(f"{message.location['url']}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: other_errors.append(str(error)))
    _sign_in(page, member)
    for path, landmark in (
        ("/", page.get_by_role("heading", name="Your groups")),
        (group.get_absolute_url(), page.get_by_role("link", name="Sleep and racing thoughts")),
        (thread.get_absolute_url(), page.locator("article.post.indent-1", has_text="Thank you")),
    ):
        response = page.goto(path)
        assert response.status == 200, path
        expect(landmark).to_be_visible()
        page.wait_for_load_state("networkidle")
    assert csp_violations == []
    assert other_errors == []

    # The listener hears violations: an inline <style>, which the policy forbids.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('style'); s.textContent = 'body {}';"
            " document.head.appendChild(s); }"
        )
    assert len(csp_violations) == 1
    assert "style-src" in csp_violations[0]

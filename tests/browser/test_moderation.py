"""A facilitator works the review queue in Chromium: a member flags a post, the facilitator
signs in with a TOTP code, claims the item, removes the post citing a rule, and the author
reads the notice with the rule."""

import pytest
from playwright.sync_api import expect

from groups import services
from groups.models import Membership, Post
from moderation.models import AuditLogEntry, ReviewItem

from ..factories import (
    GroupFactory,
    MembershipFactory,
    give_totp,
    make_rule,
    make_thread,
)
from .signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_flags_facilitator_removes_citing_rule_author_is_told(
    browser, live_server, off_loop
) -> None:
    def arrange():
        group = GroupFactory(name="Low Mood", slug="low-mood")
        author = MembershipFactory(group=group, user__handle="loud_comet").user
        reporter = MembershipFactory(group=group, user__handle="kind_fern").user
        facilitator = MembershipFactory(
            group=group, role=Membership.Role.FACILITATOR, user__handle="harbourlight"
        ).user
        rule = make_rule(group, number=2, title="No medication advice", body="Ask your GP.")
        thread = make_thread(author=reporter, group=group, title="Coming off sertraline")
        reply = services.post_create(
            author=author, thread=thread, body="Just stop taking it, doctors lie."
        )
        return author, reporter, facilitator, rule, reply, give_totp(facilitator)

    author, reporter, facilitator, rule, reply, secret = off_loop(arrange)

    member_context = browser.new_context(base_url=live_server.url)
    member_page = member_context.new_page()
    sign_in(member_page, reporter.email)
    member_page.goto(reply.get_absolute_url())
    member_page.locator(f"#post-{reply.pk}").get_by_role("link", name="Flag").click()
    member_page.get_by_label("Misinformation").check()
    member_page.get_by_label("Anything a facilitator should know? (optional)").fill(
        "Telling people to stop medication"
    )
    member_page.get_by_role("button", name="Send to a facilitator").click()
    expect(member_page.get_by_text("A facilitator will look at this post.")).to_be_visible()
    member_context.close()

    mod_context = browser.new_context(base_url=live_server.url)
    page = mod_context.new_page()
    sign_in(page, facilitator.email, secret)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_label("1 waiting")).to_be_visible()
    nav.get_by_role("link", name="Review queue").click()
    item = page.locator(".queue-item").first
    expect(item).to_contain_text("Telling people to stop medication")
    expect(item).to_contain_text("kind_fern")
    item.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("Claimed by you")).to_be_visible()
    page.locator(".queue-item").first.get_by_role("link", name="Open").click()
    page.get_by_label("Which rule does it break?").select_option(
        label="Low Mood rule 2: No medication advice"
    )
    page.get_by_label("A personal message to the author (optional)").fill(
        "Please talk to your prescriber before changing anything."
    )
    page.get_by_role("button", name="Remove post").click()
    expect(page.get_by_text("Removed. The author has been told")).to_be_visible()
    mod_context.close()

    def outcome():
        return (
            Post.objects.get(pk=reply.pk).state,
            ReviewItem.objects.get().resolution,
            AuditLogEntry.objects.get(action="post.remove").rule_id,
        )

    assert off_loop(outcome) == (Post.State.REMOVED, "removed", rule.pk)

    author_context = browser.new_context(base_url=live_server.url)
    author_page = author_context.new_page()
    sign_in(author_page, author.email)
    author_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Notifications"
    ).click()
    notice = author_page.get_by_text("A facilitator removed your post in “Coming off sertraline”")
    expect(notice).to_be_visible()
    expect(author_page.get_by_text("rule 2, “No medication advice”")).to_be_visible()
    expect(author_page.get_by_text("Please talk to your prescriber")).to_be_visible()
    author_context.close()

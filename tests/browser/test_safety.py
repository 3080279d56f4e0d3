"""Member safety in the browser: blocking folds a member's posts away; a trigger filter
folds a post on a chosen topic; the personal-information guard highlights what a reply
would share."""

import pytest
from playwright.sync_api import Page, expect

from groups.models import Post

from ..factories import make_thread
from .test_flows import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_block_a_member_and_see_their_post_fold_away(
    page: Page, group, member, other_member, off_loop
) -> None:
    from groups import services

    thread = off_loop(make_thread, author=member, group=group, title="Evenings")
    off_loop(services.post_create, author=other_member, thread=thread, body="Harsh words here")
    _sign_in(page, member)
    page.goto(thread.get_absolute_url())
    expect(page.get_by_text("Harsh words here")).to_be_visible()
    page.get_by_role("link", name="Block").first.click()
    expect(page.get_by_role("heading", name=f"Block {other_member.handle}?")).to_be_visible()
    page.get_by_role("button", name=f"Block {other_member.handle}").click()
    expect(page.get_by_role("heading", name="Blocked members")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(other_member.handle)

    page.goto(thread.get_absolute_url())
    folded = page.get_by_text("Post from a member you blocked")
    expect(folded).to_be_visible()
    expect(page.get_by_text("Harsh words here")).to_be_hidden()
    folded.click()  # still there if they want to read it
    expect(page.get_by_text("Harsh words here")).to_be_visible()


def test_personal_information_is_highlighted_before_posting(
    page: Page, group, member, other_member, off_loop
) -> None:
    thread = off_loop(make_thread, author=member, group=group, title="Evenings")
    _sign_in(page, other_member)
    page.goto(f"/t/{thread.pk}/+reply/")
    page.get_by_label("Your message").fill("Text me on 07700 900123 any time")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("alert").first).to_contain_text("a phone number")
    expect(page.locator("mark", has_text="07700 900123")).to_be_visible()
    assert off_loop(lambda: Post.objects.filter(thread=thread).count()) == 1  # not saved
    page.get_by_label("Post it anyway: I have checked what it shares").check()
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Text me on 07700 900123 any time")).to_be_visible()


def test_set_a_trigger_filter_and_see_a_matching_post_fold(
    page: Page, group, member, other_member, off_loop
) -> None:
    from groups import services

    thread = off_loop(make_thread, author=member, group=group, title="Evenings")
    off_loop(
        services.post_create,
        author=other_member,
        thread=thread,
        body="Food has been hard again this week",
        content_topics=["eating"],
    )
    _sign_in(page, member)
    page.goto(thread.get_absolute_url())
    expect(page.get_by_text("Food has been hard again this week")).to_be_visible()
    expect(page.get_by_text("Topics: Eating disorders")).to_be_visible()

    page.goto("/me/filters/")
    expect(page.get_by_text("Until you choose, posts about self-harm and suicide")).to_be_visible()
    page.get_by_label("Eating disorders").check()
    page.get_by_label("Mute words and phrases").fill("payday")
    page.get_by_role("button", name="Save content filters").click()
    expect(page.get_by_text("Your content filters are saved.")).to_be_visible()

    page.goto(thread.get_absolute_url())
    folded = page.get_by_text("Content warning: Eating disorders. Show post")
    expect(folded).to_be_visible()
    expect(page.get_by_text("Food has been hard again this week")).to_be_hidden()
    folded.click()  # one click when they are ready
    expect(page.get_by_text("Food has been hard again this week")).to_be_visible()

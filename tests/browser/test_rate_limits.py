"""A refusal for rate, seen in the browser through htmx: the flag form opened in place is
answered 429, and htmx must show that answer (by default it ignores 4xx), keeping what the
member wrote, and send it when the wait is over."""

import pytest
from playwright.sync_api import Page, expect

from groups import services
from moderation.models import Flag
from tests.factories import make_thread

from .signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_flag_refused_for_rate_is_shown_and_keeps_the_note(
    page: Page, live_server, settings, group, member, other_member, off_loop
) -> None:
    settings.HAVEN_RATE_LIMITS = {**settings.HAVEN_RATE_LIMITS, "flag": "1/1m/user"}
    thread = off_loop(make_thread, author=other_member, group=group, title="Evenings")
    first = off_loop(services.post_create, author=other_member, thread=thread, body="One.")
    second = off_loop(services.post_create, author=other_member, thread=thread, body="Two.")
    sign_in(page, member.email)
    page.goto(thread.get_absolute_url())

    for post, note in ((first, "The first one."), (second, "The second one.")):
        page.locator(f"#post-{post.pk}").get_by_role("link", name="Flag").click()
        slot = page.locator(f"#flag-slot-{post.pk}")
        slot.get_by_label("Misinformation").check()
        slot.get_by_label("Anything a facilitator should know?").fill(note)
        slot.get_by_role("button", name="Send to a facilitator").click()

    expect(page.locator(f"#flag-slot-{first.pk}")).to_contain_text("A facilitator will look")
    refused = page.locator(f"#flag-slot-{second.pk}")
    expect(refused.get_by_role("alert")).to_contain_text("Your flag has not been sent yet.")
    expect(refused.get_by_label("Anything a facilitator should know?")).to_have_value(
        "The second one."
    )

    def notes() -> list[str]:
        return list(Flag.objects.order_by("pk").values_list("note", flat=True))

    assert off_loop(notes) == ["The first one."]

"""Haven with a keyboard only: a member signs in, opens a thread, replies and flags a post
using nothing but Tab, Shift+Tab, Enter, the arrow keys, Space and typing (no clicks, no
fills), and every link and button on the way shows where the focus is."""

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from groups import services
from groups.models import Post, Thread
from moderation.models import Flag

from ..factories import GroupFactory, MembershipFactory, make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"

# What has the focus, and how it is drawn.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(),
    type: e.getAttribute('type') || '',
    name: e.getAttribute('name') || '',
    value: e.value || '',
    text: (e.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    href: e.getAttribute('href') || '',
    post: e.closest('article.post') ? e.closest('article.post').id : '',
    inReplyBox: !!e.closest('.reply-box'),
    inFlagSlot: !!e.closest('.flag-slot'),
    focusVisible: e.matches(':focus-visible'),
    outlineStyle: s.outlineStyle,
    outlineWidth: parseFloat(s.outlineWidth) || 0,
    boxShadow: s.boxShadow,
    box: (() => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })(),
  };
}"""


@dataclass
class Keyboard:
    """Moves the focus with Tab / Shift+Tab only, and checks every link and button it
    lands on draws a visible focus indicator (an outline of 2px or more, or a shadow)."""

    page: Page
    seen: list[str] = field(default_factory=list)
    invisible: list[str] = field(default_factory=list)

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def _note(self, info: dict | None) -> None:
        if info is None or info["tag"] not in {"a", "button"}:
            return
        label = f"{self.page.url} <{info['tag']}> {info['text'] or info['href']!r}"
        self.seen.append(label)
        drawn = (info["outlineStyle"] != "none" and info["outlineWidth"] >= 2) or (
            info["boxShadow"] not in ("", "none")
        )
        if not (info["focusVisible"] and drawn):
            self.invisible.append(f"{label}: {info}")

    def tab_to(self, wanted, *, backwards: bool = False, limit: int = 120) -> dict:
        """Press Tab (Shift+Tab backwards) until ``wanted(info)`` holds for the focused
        element, starting with the element focused now."""
        info = self.focused()
        steps = []
        for _ in range(limit):
            if info is not None and wanted(info):
                return info
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            info = self.focused()
            self._note(info)
            steps.append(info and (info["tag"], info["text"] or info["name"] or info["href"]))
        raise AssertionError(f"focus never reached the element; went through {steps}")


def link(text: str):
    return lambda i: i["tag"] == "a" and i["text"] == text


def button(text: str):
    return lambda i: i["tag"] == "button" and i["text"] == text


def field_named(name: str):
    return lambda i: i["tag"] in {"input", "textarea", "select"} and i["name"] == name


@dataclass
class World:
    member: User
    thread: Thread
    advice: Post


def build_world() -> World:
    group = GroupFactory(name="Anxiety & Panic", slug="anxiety-panic")
    member = MembershipFactory(group=group, user__handle="quiet_harbour").user
    other = MembershipFactory(group=group, user__handle="slow_tide").user
    third = MembershipFactory(group=group, user__handle="loud_comet").user
    thread = make_thread(
        author=other,
        group=group,
        title="Sleep and racing thoughts",
        body="Does anyone else lie awake replaying the day?",
    )
    advice = services.post_create(
        author=third, thread=thread, body="Just stop your medication, doctors lie."
    )
    return World(member, thread, advice)


def test_member_signs_in_replies_and_flags_with_the_keyboard_only(page: Page, off_loop) -> None:
    world = off_loop(build_world)
    keys = Keyboard(page)
    page.goto("/")

    # The first Tab reaches the skip link, and it comes into view.
    skip = keys.tab_to(link("Skip to content"))
    assert skip["box"][0] >= 0 and skip["box"][1] >= 0, skip

    # Sign in.
    keys.tab_to(link("Sign in"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    keys.tab_to(field_named("login"))
    page.keyboard.type(world.member.email)
    keys.tab_to(field_named("password"))
    page.keyboard.type(PASSWORD)
    keys.tab_to(button("Sign In"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Open the thread from the group page.
    keys.tab_to(link("Anxiety & Panic"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Anxiety & Panic")).to_be_visible()
    keys.tab_to(link("Sleep and racing thoughts"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sleep and racing thoughts")).to_be_visible()

    # Reply at the bottom of the thread.
    keys.tab_to(lambda i: i["tag"] == "textarea" and i["inReplyBox"])
    page.keyboard.type("Some nights are like that for me too. Counting breaths helps.")
    keys.tab_to(button("Post reply"))
    page.keyboard.press("Enter")
    reply = page.locator("article.post", has_text="Counting breaths helps.")
    expect(reply).to_be_visible()

    def replies():
        return list(
            Post.objects.filter(thread=world.thread, author=world.member).values_list(
                "body", "is_opening"
            )
        )

    assert off_loop(replies) == [
        ("Some nights are like that for me too. Counting breaths helps.", False)
    ]

    # Flag the advice above it: back up with Shift+Tab to its "Flag" link; the form opens
    # in place, right after the post's actions.
    keys.tab_to(
        lambda i: link("Flag")(i) and i["post"] == f"post-{world.advice.pk}", backwards=True
    )
    page.keyboard.press("Enter")
    slot = page.locator(f"#flag-slot-{world.advice.pk}")
    expect(slot.get_by_role("heading", name="Flag this post for a facilitator")).to_be_visible()
    keys.tab_to(lambda i: field_named("reason")(i) and i["inFlagSlot"])
    page.keyboard.press("ArrowDown")  # from "Harassment or bullying" to "Misinformation"
    page.keyboard.press("Space")
    expect(slot.get_by_label("Misinformation")).to_be_checked()
    keys.tab_to(lambda i: field_named("note")(i) and i["inFlagSlot"])
    page.keyboard.type("Telling people to stop their medication.")
    keys.tab_to(button("Send to a facilitator"))
    page.keyboard.press("Enter")
    expect(slot.get_by_text("A facilitator will look at this post.")).to_be_visible()

    def flags():
        return list(Flag.objects.values_list("post_id", "reporter_id", "reason", "note"))

    assert off_loop(flags) == [
        (
            world.advice.pk,
            world.member.pk,
            Flag.Reason.MISINFORMATION,
            "Telling people to stop their medication.",
        )
    ]

    # Every link and button the focus landed on showed it.
    assert len(keys.seen) >= 15, keys.seen
    assert keys.invisible == [], "\n".join(keys.invisible)

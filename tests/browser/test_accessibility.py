"""WCAG 2.1 AA checks with axe-core on Haven's main pages, as a member, a facilitator and
someone signed out: no violation of impact "serious" or "critical" is allowed.

axe-core comes from the npm registry (package.json, package-lock.json; `make test` runs
`npm ci` first through `make node-packages`). Without it these tests fail: they never skip.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import Notification, User
from accounts.services.notifications import notify
from groups import services
from groups.models import Membership, Post, SupportGroup, Thread
from moderation.models import CrisisAlert, Flag, Resource
from moderation.services.crisis import alert_raise
from moderation.services.flags import flag_create
from moderation.services.resources import resource_create

from ..factories import (
    GroupFactory,
    MembershipFactory,
    give_totp,
    make_rule,
    make_thread,
    totp_code,
)
from .signin import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
BLOCKING = {"serious", "critical"}
BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          const where = el.id ? '#' + el.id : el.tagName.toLowerCase();
          broken.push({target: [where + ' ' + attr + '=' + id], html: el.outerHTML.slice(0, 160)});
        }
      }
    }
  }
  return broken;
}"""
CRISIS_BODY = "Long day at work.\nI want to end it all tonight, I have the pills ready."


@dataclass
class World:
    group: SupportGroup
    member: User
    other: User
    facilitator: User
    secret: str
    thread: Thread
    reply: Post
    flagged: Post
    alert: CrisisAlert


def _finding(body: str, phrase: str, signal: str, severity: int) -> dict:
    """One finding in the crisis detector's ``Finding.to_dict()`` shape."""
    start = body.index(phrase)
    return {
        "start": start,
        "end": start + len(phrase),
        "snippet": phrase,
        "key": f"en.{signal}",
        "signal": signal,
        "severity": severity,
        "severity_name": {0: "none", 3: "high"}[severity],
        "assertion": None,
        "cues": [],
        "rule": None,
    }


def build_world() -> World:
    """A small lived-in community: a group with rules, a thread with replies (one of them
    nested), a notification, a vetted resource, a flagged post waiting in the review queue
    and a crisis alert."""
    group = GroupFactory(name="Anxiety & Panic", slug="anxiety-panic")
    make_rule(group, number=1, title="Be gentle", body="With others and with yourself.")
    member = MembershipFactory(group=group, user__handle="quiet_harbour").user
    other = MembershipFactory(group=group, user__handle="slow_tide").user
    facilitator = MembershipFactory(
        group=group,
        role=Membership.Role.FACILITATOR,
        user__handle="harbourlight",
        user__professional_title="Licensed social worker",
        user__professional_title_verified=True,
    ).user
    secret = give_totp(facilitator)
    thread = make_thread(
        author=member,
        group=group,
        title="Sleep and racing thoughts",
        body="Does anyone else lie awake *replaying* the day?",
    )
    reply = services.post_create(author=other, thread=thread, body="Every night. Breathing helps.")
    services.post_create(author=member, thread=thread, body="Thank you.", reply_to=reply)
    flagged = services.post_create(
        author=other, thread=thread, body="Just stop your medication, doctors lie."
    )
    flag_create(
        reporter=member, post=flagged, reason=Flag.Reason.MISINFORMATION, note="Risky advice"
    )
    make_thread(author=other, group=group, title="Small wins this week", body="I went outside.")
    if not Notification.objects.filter(recipient=member).exists():
        notify(
            recipient=member,
            kind="reply",
            message="slow_tide replied in “Sleep and racing thoughts”",
            url=thread.get_absolute_url(),
            actor=other,
            group=group,
            thread=thread,
            post=reply,
        )
    resource_create(
        actor=facilitator,
        title="Samaritans",
        url="https://www.samaritans.org/",
        kind=Resource.Kind.HOTLINE,
        description="Someone to talk to, day or night.",
        region="GB",
    )
    crisis = make_thread(author=other, group=group, title="Tonight", body=CRISIS_BODY)
    # Posting it raises the alert (the crisis detector); raise one by hand if it did not.
    crisis_post = crisis.posts.get()
    alert = CrisisAlert.objects.filter(post=crisis_post).first() or alert_raise(
        source="detected",
        severity=4,
        subject=other,
        group=group,
        post=crisis_post,
        findings={
            "severity": 4,
            "severity_name": "imminent",
            "findings": [
                _finding(CRISIS_BODY, "want to end it all", "intent", 3),
                _finding(CRISIS_BODY, "tonight", "timeframe", 0),
            ],
        },
    )
    return World(group, member, other, facilitator, secret, thread, reply, flagged, alert)


def axe_context(browser: Browser, live_server) -> BrowserContext:
    # bypass_csp for the axe runs only: Haven's CSP forbids inline scripts, and
    # add_script_tag(content=...) injects axe as one. Every other browser test keeps the
    # policy (test_flows checks the pages raise no CSP violation).
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    return context


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it stands; the serious and critical violations."""
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `make node-packages` (npm ci)"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = [v for v in result["violations"] if v["impact"] in BLOCKING]
    # axe only lists these as "needs review": a description or name pointing at nothing.
    broken = page.evaluate(BROKEN_REFERENCES)
    if broken:
        found.append(
            {
                "id": "aria-reference-missing",
                "impact": "serious",
                "help": "aria-describedby and aria-labelledby must name elements on the page",
                "helpUrl": "https://www.w3.org/TR/wai-aria-1.2/#aria-describedby",
                "nodes": broken,
            }
        )
    return found


def report(violations_by_page: dict[str, list[dict]]) -> str:
    lines = []
    for label, violations in violations_by_page.items():
        for v in violations:
            lines.append(f"{label}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:8]:
                lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def audit(page: Page, pages: list[tuple[str, str]]) -> dict[str, list[dict]]:
    """Visit each (label, path), check it answered 200, and run axe on it."""
    found: dict[str, list[dict]] = {}
    for label, path in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, (label, path, response)
        found[f"{label} {path}"] = axe_violations(page)
    return found


def member_pages(world: World) -> list[tuple[str, str]]:
    thread = world.thread
    return [
        ("home", "/"),
        ("group", world.group.get_absolute_url()),
        ("thread", thread.get_absolute_url()),
        ("compose", f"/g/{world.group.slug}/new/"),
        ("reply form", f"/t/{thread.pk}/+reply/?to={world.reply.pk}"),
        ("notifications", "/me/notifications/"),
        ("profile", "/me/profile/"),
        ("member card", f"/members/{world.other.handle}/"),
        ("notification settings", "/me/notifications/settings/"),
        ("account settings (e-mail)", "/accounts/email/"),
        ("account settings (password)", "/accounts/password/change/"),
        ("resources", "/resources/"),
        ("help", "/help/"),
    ]


def test_member_pages_have_no_serious_axe_violations(browser, live_server, off_loop) -> None:
    world = off_loop(build_world)
    context = axe_context(browser, live_server)
    try:
        page = context.new_page()
        sign_in(page, world.member.email)
        pages = [*member_pages(world), ("flag form", f"/p/{world.flagged.pk}/flag/")]
        found = audit(page, pages)
        # The thread page with a flag form opened in place (htmx), as a member sees it.
        page.goto(world.thread.get_absolute_url())
        page.locator(f"#post-{world.reply.pk}").get_by_role("link", name="Flag").click()
        expect(page.locator(f"#flag-slot-{world.reply.pk} form")).to_be_visible()
        found["thread with the flag form open"] = axe_violations(page)
    finally:
        context.close()
    assert not any(found.values()), "\n" + report(found)


def test_signed_out_pages_have_no_serious_axe_violations(browser, live_server, off_loop) -> None:
    world = off_loop(build_world)
    context = axe_context(browser, live_server)
    try:
        page = context.new_page()
        found = audit(
            page,
            [
                ("sign-up", "/accounts/signup/"),
                ("log-in", "/accounts/login/"),
                ("password reset", "/accounts/password/reset/"),
                ("home", "/"),
                ("group", world.group.get_absolute_url()),
                ("guidelines", "/guidelines/"),
                ("resources", "/resources/"),
                ("help", "/help/"),
            ],
        )
        # The sign-up form as it comes back with errors.
        page.goto("/accounts/signup/")
        page.fill('input[name="email"]', "river@example.org")
        page.fill('input[name="username"]', "calm_river")
        page.check('input[name="accept_guidelines"]')
        page.fill('input[name="password1"]', "slow-morning-tide-42")
        page.fill('input[name="password2"]', "a-different-password-7")
        page.get_by_role("button", name="Sign Up").click()
        expect(page.locator(".errorlist").first).to_be_visible()
        found["sign-up with errors"] = axe_violations(page)
    finally:
        context.close()
    assert not any(found.values()), "\n" + report(found)


def test_facilitator_pages_have_no_serious_axe_violations(browser, live_server, off_loop) -> None:
    world = off_loop(build_world)
    item = off_loop(lambda: world.flagged.flags.get().review_item_id)
    context = axe_context(browser, live_server)
    try:
        page = context.new_page()
        # The two-factor step of signing in, then the facilitator's pages.
        page.goto("/accounts/login/")
        page.fill('input[name="login"]', world.facilitator.email)
        page.fill('input[name="password"]', PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        expect(page.locator('input[name="code"]')).to_be_visible()
        found = {"log-in, two-factor step": axe_violations(page)}
        page.fill('input[name="code"]', totp_code(world.secret))
        page.get_by_role("button", name="Sign In").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        found |= audit(
            page,
            [
                ("review queue", "/mod/queue/"),
                ("review item", f"/mod/queue/{item}/"),
                ("alert list", "/mod/alerts/"),
                ("alert detail", f"/mod/alerts/{world.alert.pk}/"),
                ("moderate post", f"/mod/p/{world.flagged.pk}/"),
                *member_pages(world),
            ],
        )
    finally:
        context.close()
    assert not any(found.values()), "\n" + report(found)


def test_the_check_sees_serious_violations(browser, live_server) -> None:
    """The check can fail: a button without a name, an image without a text alternative,
    pale text and a description pointing at nothing, added to a real page, are reported."""
    context = axe_context(browser, live_server)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        assert axe_violations(page) == []
        page.evaluate(
            """() => {
                const main = document.querySelector('main');
                main.insertAdjacentHTML('beforeend', '<button type="button"></button>');
                main.insertAdjacentHTML('beforeend', '<img src="/static/img/favicon.svg">');
                main.insertAdjacentHTML('beforeend', '<p style="color: #c8c8c8">Pale words</p>');
                main.insertAdjacentHTML('beforeend', '<p aria-describedby="nowhere">Lost</p>');
            }"""
        )
        found = {"log-in, broken on purpose": axe_violations(page)}
    finally:
        context.close()
    ids = {v["id"] for v in found["log-in, broken on purpose"]}
    assert ids == {"button-name", "image-alt", "color-contrast", "aria-reference-missing"}
    text = report(found)
    assert "[critical] button-name" in text and 'button[type="button"]' in text, text

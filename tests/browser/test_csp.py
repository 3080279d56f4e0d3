"""The Content-Security-Policy in a real browser: Chromium walks Haven's main pages as a
visitor, a member and a facilitator (signed in with TOTP) and reports every violation the
policy raised (the ``securitypolicyviolation`` event and the console), every page error and
every response without the policy. Expected: none."""

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Browser, Page, expect

from groups import services
from moderation.models import Flag
from moderation.services.flags import flag_create
from moderation.services.resources import resource_create
from tests.factories import MembershipFactory, UserFactory, give_totp, make_thread
from tests.moderation.test_alert_views import make_alert

from .signin import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Heard before any of the page's own scripts run, so nothing is missed.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
    + ` at ${e.sourceFile || document.location.pathname}:${e.lineNumber}`);
});
"""

REQUIRED = (
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


class Walk:
    """One browser page that visits addresses and keeps what went wrong."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.problems: list[str] = []
        self.visited: list[str] = []
        ws_origin = origin.replace("http", "ws", 1)
        page.add_init_script(LISTEN)

        def on_console(message) -> None:
            # The live server speaks WSGI: the pages' websocket is refused at the
            # handshake (tests/browser/test_live_thread.py covers it under ASGI).
            if message.type == "error" and f"WebSocket connection to '{ws_origin}" not in (
                message.text
            ):
                self.problems.append(f"{page.url}: console: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None, path
        if response.status != 200:
            self.problems.append(f"{path}: status {response.status}")
        policy = response.headers.get("content-security-policy", "")
        missing = [d for d in REQUIRED if d not in policy]
        if missing or "unsafe-inline" in policy or "unsafe-eval" in policy:
            self.problems.append(f"{path}: policy {policy!r} (missing {missing})")
        self.page.wait_for_load_state("networkidle")
        violations = self.page.evaluate("window.__violations")
        self.problems.extend(f"{path}: {v}" for v in violations)
        self.visited.append(path)


def _optional(name: str) -> list[str]:
    """Addresses of apps that may not be installed in every configuration."""
    try:
        return [reverse(name)]
    except NoReverseMatch:
        return []


def _world(group, member, other_member, facilitator) -> dict:
    thread = make_thread(author=member, group=group, title="Nights are the hardest")
    reply = services.post_create(author=other_member, thread=thread, body="*Same* for me.")
    services.post_create(author=member, thread=thread, body="Thank you.", reply_to=reply)
    flag_create(reporter=member, post=reply, reason=Flag.Reason.OTHER, note="Unsure about this")
    alert = make_alert(group, other_member)
    resource_create(
        actor=facilitator,
        title="Samaritans",
        url="https://www.samaritans.org/",
        kind="hotline",
        description="Free, day or night.",
    )
    return {"thread": thread, "reply": reply, "alert": alert, "secret": give_totp(facilitator)}


def test_main_pages_raise_no_csp_violation(
    browser: Browser, live_server, group, member, other_member, facilitator, off_loop
) -> None:
    world = off_loop(_world, group, member, other_member, facilitator)
    thread = world["thread"]
    visitor_pages = [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("guidelines"),
        reverse("moderation:help"),
    ]
    member_pages = [
        reverse("groups:directory"),
        group.get_absolute_url(),
        thread.get_absolute_url(),
        reverse("groups:thread_create", args=[group.slug]),
        reverse("groups:search") + "?q=nights",
        reverse("accounts:notifications"),
        reverse("accounts:notification_settings"),
        reverse("accounts:profile"),
        reverse("accounts:data"),
        reverse("accounts:member_card", args=[other_member.handle]),
        reverse("moderation:resource_library"),
        reverse("moderation:account_standing"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        *_optional("usersessions_list"),
    ]
    facilitator_pages = [
        reverse("moderation:review_queue"),
        reverse("moderation:alert_list"),
        reverse("moderation:alert_detail", args=[world["alert"].pk]),
        reverse("moderation:duty"),
        reverse("moderation:metrics"),
        reverse("moderation:audit_log"),
        reverse("moderation:member", args=[other_member.handle]),
        reverse("moderation:thread_tools", args=[thread.pk]),
        reverse("moderation:resource_manage"),
    ]
    walks = []
    for role, pages, email, secret in (
        ("visitor", visitor_pages, None, None),
        ("member", member_pages, member.email, None),
        ("facilitator", facilitator_pages, facilitator.email, world["secret"]),
    ):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            walk = Walk(page, live_server.url)
            if email:
                sign_in(page, email, secret)
            for path in pages:
                walk.visit(path)
            walks.append((role, walk))
        finally:
            context.close()

    problems = [f"{role}: {p}" for role, walk in walks for p in walk.problems]
    assert problems == []
    assert sum(len(walk.visited) for _, walk in walks) >= 29


def test_the_walk_hears_a_violation(page: Page, live_server, member) -> None:
    """The listener is live: an inline script, which the policy forbids, is reported."""
    walk = Walk(page, live_server.url)
    walk.visit(reverse("account_login"))
    assert walk.problems == []
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__violations.length > 0")
    assert "script-src" in page.evaluate("window.__violations")[0]


def test_unverified_member_pages_have_the_policy_too(page: Page, live_server, group) -> None:
    """Someone who signed up but has not verified their address sees allauth's pages."""
    user = UserFactory(handle="new_leaf", verified=False)
    MembershipFactory(group=group, user=user)
    walk = Walk(page, live_server.url)
    page.goto(reverse("account_login"))
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    walk.visit(reverse("account_email_verification_sent"))
    assert walk.problems == []

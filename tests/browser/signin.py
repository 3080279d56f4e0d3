"""Signing in through the real log-in form (and the TOTP step when a secret is given), as
a person does: the browser tests' one way in."""

from playwright.sync_api import Page, expect

from ..factories import totp_code

PASSWORD = "a-long-test-password"  # tests/factories.py UserFactory's


def sign_in(page: Page, email: str, secret: str | None = None) -> None:
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if secret is not None:
        page.fill('input[name="code"]', totp_code(secret))
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

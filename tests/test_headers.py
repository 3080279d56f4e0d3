"""Production's headers and cookies, read off real responses of the production settings
(``DEBUG=False``, in a fresh process): HSTS, nosniff, Referrer-Policy, COOP, frame denial,
the Content-Security-Policy, and cookies that are Secure, HttpOnly (the session's) and
SameSite."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.embedded

# Signs a member in over HTTPS the way a browser does and prints what came back. The
# static files storage is swapped for the plain one only because a test checkout has no
# collected static files (production runs `collectstatic`); nothing else is changed.
SCRIPT = r"""
import json, os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "supportforum.settings"
django.setup()
from django.core.management import call_command
from django.test import Client, override_settings
from allauth.account.models import EmailAddress
from accounts.models import User

call_command("migrate", verbosity=0)
user = User.objects.create_user(
    handle="quiet_harbour", email="q@example.org", password="a-long-pass-42"
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
with override_settings(STORAGES=plain):
    client = Client(HTTP_HOST="127.0.0.1")
    insecure = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
    signed_in = client.post(
        "/accounts/login/", {"login": user.email, "password": "a-long-pass-42"}, secure=True
    )
    home = client.get("/", secure=True)

def cookies(response):
    return {
        name: {k: str(v) for k, v in morsel.items() if v}
        for name, morsel in response.cookies.items()
    }

print(json.dumps({
    "insecure": [insecure.status_code, insecure.get("Location", "")],
    "page": [page.status_code, dict(page.headers.items()), cookies(page)],
    "signed_in": [signed_in.status_code, cookies(signed_in)],
    "home": [home.status_code, dict(home.headers.items())],
}))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="False",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-for-the-headers-test",
        SQLITE_PATH=":memory:",
        ALLOWED_HOSTS="127.0.0.1",
        # A Fernet key (32 bytes, URL-safe base64) for two-factor secrets at rest.
        MFA_ENCRYPTION_KEY=base64.urlsafe_b64encode(b"headers-test-key".ljust(32, b"-")).decode(),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_sent_to_https(production: dict) -> None:
    status, location = production["insecure"]
    assert status == 301
    assert location.startswith("https://127.0.0.1/accounts/login/")


def test_production_headers(production: dict) -> None:
    status, headers, _ = production["page"]
    assert status == 200
    headers = {k.lower(): v for k, v in headers.items()}
    hsts = headers["strict-transport-security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in headers["content-security-policy"].split(";")
        if directive.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_production_cookies(production: dict) -> None:
    _, _, page_cookies = production["page"]
    csrf = page_cookies["csrftoken"]
    assert csrf["secure"] == "True"
    assert csrf["samesite"] == "Lax"
    status, cookies = production["signed_in"]
    assert status == 302
    session = cookies["sessionid"]
    assert session["secure"] == "True"
    assert session["httponly"] == "True"
    assert session["samesite"] == "Lax"
    # "Remember me" is off: the session cookie ends with the browser.
    assert "expires" not in session and "max-age" not in session


def test_signed_in_pages_are_never_cached(production: dict) -> None:
    status, headers = production["home"]
    assert status == 200
    cache_control = {k.lower(): v for k, v in headers.items()}["cache-control"]
    assert "no-store" in cache_control and "private" in cache_control

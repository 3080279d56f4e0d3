"""Sessions: a new key at each sign-in step, a browser-session cookie ("remember me" off),
signed out after a while without activity (written at most every few minutes), members
see and end their sessions (no IP addresses kept), and password changes end the others."""

import re
from importlib import import_module

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject

from accounts.adapter import NO_IP
from supportforum.middleware import ACTIVE_AT, IdleTimeoutMiddleware, LoadedUserMiddleware
from tests.factories import UserFactory, give_totp, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
PROFILE = "/me/profile/"


def _store(key: str | None):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def _exists(key: str) -> bool:
    return _store(None).exists(key)


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _with_anonymous_session(client: Client) -> str:
    """A session that exists before signing in (as a visitor's would, or an attacker's
    planted one): its key must be worth nothing afterwards."""
    session = _store(None)
    session["visited"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def _sign_in(client: Client, user, **extra):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, **extra}
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    return response


def _signed_in(client: Client) -> bool:
    return client.get(PROFILE).status_code == 200


# --- rotation --------------------------------------------------------------------------


def test_the_session_key_changes_at_sign_in(client) -> None:
    user = UserFactory()
    planted = _with_anonymous_session(client)
    _sign_in(client, user)
    assert _key(client) != planted
    assert not _exists(planted)
    assert _signed_in(client)


def test_the_session_key_changes_after_the_password_and_again_after_the_code(client) -> None:
    user = UserFactory()
    secret = give_totp(user)
    planted = _with_anonymous_session(client)

    after_password = _sign_in(client, user)
    assert after_password["Location"] == reverse("mfa_authenticate")
    first = _key(client)
    assert first != planted and not _exists(planted)
    assert not _signed_in(client)  # the code is still to come

    after_code = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert after_code.status_code == 302
    second = _key(client)
    assert second != first and not _exists(first)
    assert _signed_in(client)


# --- "remember me" off: a browser-session cookie ----------------------------------------------


def test_the_session_cookie_ends_with_the_browser(client) -> None:
    form = client.get(reverse("account_login")).content.decode()
    assert 'name="remember"' not in form
    response = _sign_in(client, UserFactory(), remember="on")  # even if a form asked
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert _signed_in(client)


# --- idle timeout ----------------------------------------------------------------------------


def _stamp(client: Client):
    return _store(_key(client)).get(ACTIVE_AT)


def test_an_idle_session_is_signed_out_with_a_calm_message(client, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 60
    user = UserFactory()
    _sign_in(client, user)
    assert _signed_in(client)
    key = _key(client)
    assert UserSession.objects.filter(session_key=key).exists()

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61), tick=False):
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        login_page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 60 minutes without activity" in login_page
    assert not _exists(key)  # the server-side session is gone, not only forgotten
    assert not UserSession.objects.filter(session_key=key).exists()
    assert not _signed_in(client)


def test_a_public_page_still_opens_after_an_idle_sign_out(client, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 60
    _sign_in(client, UserFactory())
    client.get(PROFILE)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=90), tick=False):
        response = client.get(reverse("moderation:help"))
    assert response.status_code == 200
    assert "signed out after 60 minutes" in response.content.decode()


def test_activity_keeps_the_session_and_is_written_only_every_few_minutes(
    client, settings, monkeypatch
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 60
    settings.SESSION_ACTIVITY_WRITE_SECONDS = 300
    _sign_in(client, UserFactory())
    assert _signed_in(client)
    first = _stamp(client)
    assert isinstance(first, int)

    saves = []
    store_class = type(_store(None))
    original = store_class.save
    monkeypatch.setattr(
        store_class, "save", lambda self, *a, **k: (saves.append(1), original(self, *a, **k))[1]
    )
    start = timezone.now()
    # Ten pages within the write interval: the session is not written once.
    for _ in range(10):
        assert _signed_in(client)
    assert saves == [] and _stamp(client) == first

    # Active every 40 minutes for two hours: still signed in (each visit renews the stamp).
    for minutes in (40, 80, 120):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False):
            assert _signed_in(client), f"signed out at {minutes} minutes"
    assert len(saves) == 3
    assert _stamp(client) > first


def test_the_idle_timeout_is_a_setting(client, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 15
    settings.SESSION_ACTIVITY_WRITE_SECONDS = 60
    _sign_in(client, UserFactory())
    client.get(PROFILE)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=14), tick=False):
        assert _signed_in(client)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=30), tick=False):
        response = client.get(PROFILE, follow=True)
    assert "signed out after 15 minutes" in response.content.decode()


# --- members see and end their sessions ---------------------------------------------------------


def _browser(user, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="203.0.113.9")
    _sign_in(client, user)
    return client


def test_a_member_sees_their_sessions_without_ip_addresses_and_ends_the_others() -> None:
    user = UserFactory()
    laptop = _browser(user, "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    library = _browser(user, "Mozilla/5.0 (Windows NT 10.0) Chrome/141.0")
    someone_else = _browser(UserFactory(), "Mozilla/5.0 (Macintosh) Safari/18.0")

    profile = laptop.get(PROFILE).content.decode()
    assert reverse("usersessions_list") in profile
    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert "Firefox/140.0" in page and "Chrome/141.0" in page
    assert "Safari/18.0" not in page  # another member's session
    assert "This browser" in page
    assert "203.0.113.9" not in page and "IP Address" not in page
    assert set(UserSession.objects.values_list("ip", flat=True)) == {NO_IP}

    library_key = _key(library)
    ended = laptop.post(reverse("usersessions_list"))
    assert ended.status_code == 302
    assert not _exists(library_key)
    assert not _signed_in(library)
    assert _signed_in(laptop) and _signed_in(someone_else)
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        _key(laptop)
    ]


def test_the_sessions_page_shows_when_each_was_last_active(settings) -> None:
    settings.SESSION_ACTIVITY_WRITE_SECONDS = 60
    user = UserFactory()
    client = _browser(user, "Firefox/140.0")
    later = timezone.now() + timezone.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        assert _signed_in(client)
    seen = UserSession.objects.get(session_key=_key(client)).last_seen_at
    assert abs((seen - later).total_seconds()) < 5


def test_logout_deletes_the_server_side_session(client) -> None:
    _sign_in(client, UserFactory())
    key = _key(client)
    assert _exists(key)
    client.post(reverse("account_logout"))
    assert not _exists(key)
    assert not UserSession.objects.filter(session_key=key).exists()


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one() -> None:
    user = UserFactory()
    here = _browser(user, "Firefox/140.0")
    elsewhere = _browser(user, "Chrome/141.0")
    elsewhere_key = _key(elsewhere)
    changed = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another long passphrase",
            "password2": ("another long passphrase"),
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:1000]
    assert _signed_in(here)
    assert not _exists(elsewhere_key)
    assert not _signed_in(elsewhere)
    assert UserSession.objects.filter(user=user).count() == 1


def test_resetting_the_password_ends_every_session() -> None:
    user = UserFactory()
    first, second = _browser(user, "Firefox/140.0"), _browser(user, "Chrome/141.0")
    keys = [_key(first), _key(second)]

    stranger = Client()
    stranger.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    form = stranger.get(link.group(1), follow=True)
    done = stranger.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"password1": "a new long passphrase", "password2": "a new long passphrase"},
    )
    assert done.status_code == 302, done.content.decode()[:1000]
    assert not any(_exists(key) for key in keys)
    assert not _signed_in(first) and not _signed_in(second)
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("timeout", [60, 0])
def test_views_get_the_user_itself_not_the_lazy_proxy(rf, settings, timeout) -> None:
    """``LoadedUserMiddleware``: the view's ``request.user`` is the signed-in member (or
    the anonymous user), loaded once, with or without the idle time-out."""

    settings.SESSION_IDLE_TIMEOUT = timeout
    seen = []

    def view(request):
        seen.append(request.user)
        return HttpResponse("ok")

    chain = SessionMiddleware(
        AuthenticationMiddleware(IdleTimeoutMiddleware(LoadedUserMiddleware(view)))
    )
    member = UserFactory()
    client = Client()
    client.force_login(member)
    signed_in = rf.get("/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    chain(signed_in)
    chain(rf.get("/"))
    assert not any(isinstance(user, LazyObject) for user in seen)
    assert seen[0] == member and type(seen[0]) is type(member)
    assert isinstance(seen[1], AnonymousUser)

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.validators import HANDLE_VALIDATORS
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

SIGNUP = "/accounts/signup/"


def _signup(client, **overrides):
    data = {
        "email": "river@example.org",
        "username": "river_stone",
        "password1": "a kind and long passphrase",
        "password2": "a kind and long passphrase",
        "accept_guidelines": "on",
    }
    data.update(overrides)
    return client.post(SIGNUP, data)


def _validate(handle: str) -> None:
    for validator in HANDLE_VALIDATORS:
        validator(handle)


def test_signup_creates_pseudonymous_member_and_sends_verification(client) -> None:
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="river@example.org")
    assert user.handle == "river_stone"
    assert user.guidelines_accepted_at is not None
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1 and "/accounts/confirm-email/" in mail.outbox[0].body


def test_signup_form_asks_for_handle_never_real_name(client) -> None:
    html = client.get(SIGNUP).content.decode()
    assert "Handle (your pseudonym)" in html
    assert "first_name" not in html and "last_name" not in html and "Full name" not in html


def test_signup_without_accepting_guidelines_refused(client) -> None:
    response = _signup(client, accept_guidelines="")
    assert response.status_code == 200
    assert "Please accept the community guidelines" in response.content.decode()
    assert not User.objects.exists()


def test_signup_handle_unique_case_insensitively(client) -> None:
    UserFactory(handle="River_Stone")
    response = _signup(client)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "handle",
    [
        "Haven_Admin",
        "h4v3n",
        "moderator7",
        "the-facilitator",
        "mod",
        "Support",
        "staff_team",
        "Crisis_Line",
        "anonymous",
        "Former-a1b2c3",
    ],
)
def test_signup_refuses_reserved_handles(client, handle: str) -> None:
    response = _signup(client, username=handle)
    assert response.status_code == 200
    assert "reserved" in response.content.decode() or "may not contain" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "handle, message",
    [
        ("ab", "3 to 30"),
        ("x" * 31, "3 to 30"),
        ("river@example.org", "never an e-mail"),
        ("_river", "starting with a letter"),
        ("river stone", "letters, digits"),
        ("rivér", "letters, digits"),
    ],
)
def test_handle_validation_messages(handle: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _validate(handle)
    assert message in " ".join(exc.value.messages)


@pytest.mark.parametrize("handle", ["quiet_harbour", "MoonlitFern", "tea-and-toast", "Sam2"])
def test_handle_validation_accepts_ordinary_pseudonyms(handle: str) -> None:
    _validate(handle)


def test_unverified_member_cannot_sign_in_until_verified(client) -> None:
    _signup(client)
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "river@example.org", "password": "a kind and long passphrase"}
    )
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]

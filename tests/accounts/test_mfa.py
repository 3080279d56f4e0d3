"""Two-factor secrets are encrypted at rest (accounts.adapter.HavenMFAAdapter, keys from
MFA_ENCRYPTION_KEY, rotatable; a migration encrypts those stored before), and the
moderators' socket asks what the moderation pages ask: a session that passed the second
factor, still signed in and not idle too long."""

import importlib
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.adapter import decrypt_secret, encrypt_secret
from groups.models import Membership
from moderation import realtime
from supportforum.middleware import ACTIVE_AT
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    give_totp,
    signed_in_with_mfa,
    totp_code,
)

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
MIGRATION = importlib.import_module("accounts.migrations.0013_encrypt_mfa_secrets")


def _raw_rows() -> str:
    """The authenticators' data as the database holds it (no adapter, no JSON decoding)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, data FROM mfa_authenticator ORDER BY id")
        return repr(cursor.fetchall())


def _signs_in_with(user, code) -> bool:
    """Password, then ``code()`` (called only then: a TOTP code must not cross into the
    next 30-second window on the way)."""
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code()})
    return response.status_code == 302 and client.get("/me/profile/").status_code == 200


@pytest.mark.django_db
def test_the_totp_secret_and_recovery_seed_are_not_stored_in_the_clear() -> None:
    user = UserFactory()
    secret = give_totp(user)
    codes = RecoveryCodes.activate(user)
    seed = decrypt_secret(Authenticator.objects.get(user=user, type="recovery_codes").data["seed"])

    raw = _raw_rows()
    assert secret not in raw and seed not in raw
    assert raw.count("fernet:") == 2
    # ... and they still work: a TOTP code, then a recovery code, sign in.
    assert _signs_in_with(user, lambda: totp_code(secret))
    assert _signs_in_with(user, lambda: codes.get_unused_codes()[0])


@pytest.mark.django_db
def test_an_old_key_still_decrypts_after_rotation(settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old]
    user = UserFactory()
    secret = give_totp(user)
    stored_with_old = Authenticator.objects.get(user=user).data["secret"]

    settings.MFA_ENCRYPTION_KEYS = [new, old]  # a new key first; the old one kept to read
    assert _signs_in_with(user, lambda: totp_code(secret))
    fresh = encrypt_secret("JBSWY3DPEHPK3PXP")
    settings.MFA_ENCRYPTION_KEYS = [new]
    assert decrypt_secret(fresh) == "JBSWY3DPEHPK3PXP"  # new values use the new key
    with pytest.raises(ValueError, match="No MFA_ENCRYPTION_KEY opens"):
        decrypt_secret(stored_with_old)


@pytest.mark.django_db
def test_a_plaintext_secret_is_refused_not_used() -> None:
    with pytest.raises(ValueError, match="not encrypted"):
        decrypt_secret("JBSWY3DPEHPK3PXP")


@pytest.mark.django_db
def test_the_migration_encrypts_secrets_stored_in_the_clear_once() -> None:
    user = UserFactory()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    seed = "ab" * 40
    # As allauth stored them before Haven's adapter: straight into the table.
    Authenticator.objects.bulk_create(
        [
            Authenticator(user=user, type="totp", data={"secret": secret}),
            Authenticator(
                user=user,
                type="recovery_codes",
                data={"seed": seed, "used_mask": 0, "migrated_codes": ["12345678"]},
            ),
        ]
    )
    editor = SimpleNamespace(connection=connection)

    MIGRATION.encrypt(apps, editor)
    raw = _raw_rows()
    assert secret not in raw and seed not in raw and "12345678" not in raw
    once = {a.type: a.data for a in Authenticator.objects.all()}
    assert _signs_in_with(user, lambda: totp_code(secret))
    codes = RecoveryCodes(Authenticator.objects.get(type="recovery_codes"))
    assert codes.get_unused_codes() == ["12345678"]

    MIGRATION.encrypt(apps, editor)  # idempotent: nothing encrypted twice
    assert {a.type: a.data for a in Authenticator.objects.all()} == once

    MIGRATION.decrypt(apps, editor)  # and reversible
    data = {a.type: a.data for a in Authenticator.objects.all()}
    assert data["totp"] == {"secret": secret}
    assert data["recovery_codes"]["seed"] == seed
    assert data["recovery_codes"]["migrated_codes"] == ["12345678"]


# --- the moderators' socket -------------------------------------------------------------------


@sync_to_async
def _facilitator_cookie(*, passed_mfa: bool) -> tuple[bytes, str, int]:
    group = GroupFactory()
    user = MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user
    client = Client()
    if passed_mfa:
        signed_in_with_mfa(client, user)
    else:
        give_totp(user)
        client.force_login(user)
    key = client.cookies["sessionid"].value
    return f"sessionid={key}".encode(), key, group.pk


@sync_to_async
def _last_active(key: str, minutes_ago: int) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    store[ACTIVE_AT] = int((timezone.now() - timedelta(minutes=minutes_ago)).timestamp())
    store.save()


@sync_to_async
def _end(key: str) -> None:
    import_module(settings.SESSION_ENGINE).SessionStore(key).delete()


def _socket(cookie: bytes) -> WebsocketCommunicator:
    from supportforum.asgi import application

    return WebsocketCommunicator(
        application, "/ws/mod/", headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)]
    )


async def _closes_on_next_alert(socket, group_id: int) -> bool:
    event = {"type": "crisis.alert", "alert_id": 1, "severity": 3, "state": "open"}
    await get_channel_layer().group_send(
        realtime.group_channel(group_id), {**event, "group_id": group_id}
    )
    return await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_refuses_a_session_that_did_not_pass_the_second_factor() -> None:
    cookie, _, _ = await _facilitator_cookie(passed_mfa=False)
    assert await _socket(cookie).connect() == (False, 4403)

    cookie, _, _ = await _facilitator_cookie(passed_mfa=True)
    socket = _socket(cookie)
    connected, _ = await socket.connect()
    assert connected
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_refuses_an_idle_session(settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 60
    cookie, key, _ = await _facilitator_cookie(passed_mfa=True)
    await _last_active(key, minutes_ago=10)
    socket = _socket(cookie)
    assert (await socket.connect())[0]
    await socket.disconnect()
    await _last_active(key, minutes_ago=61)
    assert await _socket(cookie).connect() == (False, 4403)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_open_socket_closes_once_its_session_went_idle(settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 60
    cookie, key, group_id = await _facilitator_cookie(passed_mfa=True)
    await _last_active(key, minutes_ago=10)
    socket = _socket(cookie)
    assert (await socket.connect())[0]
    await _last_active(key, minutes_ago=61)  # the page left open, nobody there
    assert await _closes_on_next_alert(socket, group_id)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_open_socket_closes_once_its_session_ended() -> None:
    cookie, key, group_id = await _facilitator_cookie(passed_mfa=True)
    socket = _socket(cookie)
    assert (await socket.connect())[0]
    await _end(key)  # signed out, or ended from the sessions page on another device
    assert await _closes_on_next_alert(socket, group_id)

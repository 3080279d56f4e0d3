"""Member sockets (``ws/me/`` and a thread's ``ws/threads/<id>/``) follow the session they
were opened with: once it ends (signed out here or from another device) or has been idle
past ``SESSION_IDLE_TIMEOUT``, the socket closes with 4401 and relays nothing more, as the
moderation socket already did."""

import time
from importlib import import_module

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import path

from accounts import realtime as account_realtime
from accounts.consumers import MEMBER_CLOSED, NotificationConsumer
from groups.consumers import ThreadConsumer
from groups.realtime import thread_channel_group
from supportforum.middleware import ACTIVE_AT
from tests.factories import MembershipFactory, make_thread

pytestmark = [
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
]


@pytest.fixture(autouse=True)
def _memory_layer(settings) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _store(key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


@sync_to_async
def _member_with_session():
    membership = MembershipFactory()
    client = Client()
    client.force_login(membership.user)
    session = _store(client.session.session_key)
    session[ACTIVE_AT] = int(time.time())
    session.save()
    thread = make_thread(author=membership.user, group=membership.group)
    return membership.user, thread, session.session_key


def _socket(route: str, consumer, path_: str, user, key: str) -> WebsocketCommunicator:
    app = URLRouter([path(route, consumer.as_asgi())])
    communicator = WebsocketCommunicator(app, path_)
    communicator.scope["user"] = user
    communicator.scope["session"] = _store(key)
    return communicator


async def _closed_with(socket: WebsocketCommunicator) -> int | None:
    message = await socket.receive_output(timeout=3)
    return message.get("code") if message["type"] == "websocket.close" else None


@sync_to_async
def _end(key: str) -> None:
    _store(key).delete()  # signed out from another device


@sync_to_async
def _age(key: str, seconds: int) -> None:
    session = _store(key)
    session[ACTIVE_AT] = int(time.time()) - seconds
    session.save()


async def test_the_unread_socket_closes_once_its_session_ends() -> None:
    user, _, key = await _member_with_session()
    socket = _socket("ws/me/", NotificationConsumer, "/ws/me/", user, key)
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["type"] == "unread"
    await _end(key)
    await get_channel_layer().group_send(
        account_realtime.notify_channel(user.pk), {"type": "notify.unread", "count": 3}
    )
    assert await _closed_with(socket) == MEMBER_CLOSED


async def test_a_thread_socket_closes_once_its_session_has_been_idle_too_long() -> None:
    user, thread, key = await _member_with_session()
    route = "ws/threads/<int:thread_id>/"
    socket = _socket(route, ThreadConsumer, f"/ws/threads/{thread.pk}/", user, key)
    assert (await socket.connect())[0]
    await _age(key, settings.SESSION_IDLE_TIMEOUT * 60 + 60)
    await get_channel_layer().group_send(
        thread_channel_group(thread.pk),
        {"type": "post.created", "post_id": 1, "at": time.time()},
    )
    assert await _closed_with(socket) == MEMBER_CLOSED


async def test_a_live_session_keeps_hearing() -> None:
    user, thread, key = await _member_with_session()
    route = "ws/threads/<int:thread_id>/"
    socket = _socket(route, ThreadConsumer, f"/ws/threads/{thread.pk}/", user, key)
    assert (await socket.connect())[0]
    await get_channel_layer().group_send(
        thread_channel_group(thread.pk),
        {"type": "post.created", "post_id": 7, "at": time.time()},
    )
    assert (await socket.receive_json_from(timeout=3))["post_id"] == 7
    await socket.disconnect()


async def test_an_ended_session_cannot_open_a_socket() -> None:
    user, _, key = await _member_with_session()
    await _end(key)
    socket = _socket("ws/me/", NotificationConsumer, "/ws/me/", user, key)
    connected, code = await socket.connect()
    assert not connected and code == MEMBER_CLOSED

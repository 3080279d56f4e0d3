"""Live thread updates over websockets, on the real channel layer (Redis in `make test`)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from groups import services
from groups.consumers import ThreadConsumer
from tests.factories import GroupFactory, MembershipFactory, UserFactory, make_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _communicator(thread_id: int, user) -> WebsocketCommunicator:
    from channels.routing import URLRouter
    from django.urls import path

    app = URLRouter([path("ws/threads/<int:thread_id>/", ThreadConsumer.as_asgi())])
    communicator = WebsocketCommunicator(app, f"/ws/threads/{thread_id}/")
    communicator.scope["user"] = user
    return communicator


@sync_to_async
def _world(private: bool):
    group = GroupFactory(private=True) if private else GroupFactory()
    author = MembershipFactory(group=group).user
    replier = MembershipFactory(group=group).user
    thread = make_thread(author=author, group=group)
    return group, author, replier, thread


async def test_thread_consumer_relays_new_reply_after_commit() -> None:
    _, author, replier, thread = await _world(private=False)
    communicator = _communicator(thread.pk, author)
    connected, _ = await communicator.connect()
    assert connected
    post = await sync_to_async(services.post_create)(author=replier, thread=thread, body="live!")
    event = await communicator.receive_json_from(timeout=5)
    assert {k: v for k, v in event.items() if k != "at"} == {
        "type": "post.created",
        "post_id": post.pk,
    }
    await communicator.disconnect()


async def test_thread_consumer_refuses_non_member_of_private_group() -> None:
    _, _, _, thread = await _world(private=True)
    stranger = await sync_to_async(UserFactory)()
    for user in (stranger, AnonymousUser()):
        communicator = _communicator(thread.pk, user)
        connected, code = await communicator.connect()
        assert not connected and code == 4403


async def test_thread_consumer_never_sends_pending_posts() -> None:
    group, author, replier, thread = await _world(private=False)
    group.posting_policy = "all"
    await sync_to_async(group.save)()
    communicator = _communicator(thread.pk, author)
    assert (await communicator.connect())[0]
    await sync_to_async(services.post_create)(author=replier, thread=thread, body="held back")
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()

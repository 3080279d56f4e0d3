"""The review queue's live counts (flags, pending posts, join requests) over ``ws/mod/``:
only the group's facilitators and admins hear, and only after commit."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.urls import path

from groups import services as group_services
from groups.models import Membership
from moderation.consumers import ModerationConsumer
from moderation.services import flags
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    give_totp,
    make_thread,
    mfa_session,
)

from .celery_worker import pipeline_settings_fixture  # noqa: F401 (fixture "pipeline_settings")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("pipeline_settings"),
]


async def _socket(user) -> WebsocketCommunicator:
    app = URLRouter([path("ws/mod/", ModerationConsumer.as_asgi())])
    communicator = WebsocketCommunicator(app, "/ws/mod/")
    communicator.scope["user"] = user
    communicator.scope["session"] = await sync_to_async(mfa_session)(user)
    return communicator


async def _next_counts(socket, timeout: float = 5) -> dict:
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message["type"] == "queue.changed":
            return message["counts"]


async def _no_counts(socket) -> bool:
    while not await socket.receive_nothing(timeout=0.5):
        message = await socket.receive_json_from(timeout=5)
        if message["type"] == "queue.changed":
            return False
    return True


@sync_to_async
def _world():
    group = GroupFactory(private=True)
    facilitator = MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user
    other_group = GroupFactory()
    other_facilitator = MembershipFactory(group=other_group, role=Membership.Role.FACILITATOR).user
    admin = UserFactory(is_staff=True, is_superuser=True)
    for user in (facilitator, other_facilitator, admin):
        give_totp(user)
    member = MembershipFactory(group=group).user
    return group, facilitator, other_facilitator, admin, member


async def test_queue_counts_live_for_join_request_flag_and_pending_post() -> None:
    group, facilitator, other_facilitator, admin, member = await _world()
    sockets = {
        name: await _socket(user)
        for name, user in [("fac", facilitator), ("other", other_facilitator), ("admin", admin)]
    }
    for socket in sockets.values():
        assert (await socket.connect(timeout=5))[0]
    applicant = await sync_to_async(UserFactory)()
    request = await sync_to_async(group_services.group_join)(
        user=applicant, group=group, accept_guidelines=True, entry_answer="hello"
    )
    counts = await _next_counts(sockets["fac"])
    assert counts["join_request"] == 1 and counts["all"] == 1
    assert (await _next_counts(sockets["admin"]))["join_request"] == 1
    assert await _no_counts(sockets["other"])  # another group's facilitator hears nothing

    await sync_to_async(group_services.join_request_decide)(
        actor=facilitator, membership=request, approve=True
    )
    assert (await _next_counts(sockets["fac"]))["join_request"] == 0

    thread = await sync_to_async(make_thread)(author=member, group=group)
    post = await sync_to_async(thread.posts.get)()
    await sync_to_async(flags.flag_create)(reporter=applicant, post=post, reason="spam")
    assert (await _next_counts(sockets["fac"]))["flagged_post"] == 1

    group.posting_policy = "all"
    await sync_to_async(group.save)()
    await sync_to_async(group_services.post_create)(author=member, thread=thread, body="held")
    assert (await _next_counts(sockets["fac"]))["pending_post"] == 1
    for socket in sockets.values():
        await socket.disconnect(timeout=5)


async def test_queue_counts_nothing_when_rolled_back() -> None:
    group, facilitator, _, _, _ = await _world()
    socket = await _socket(facilitator)
    assert (await socket.connect(timeout=5))[0]

    @sync_to_async
    def rolled_back() -> None:
        applicant = UserFactory()
        with pytest.raises(RuntimeError), transaction.atomic():
            group_services.group_join(
                user=applicant, group=group, accept_guidelines=True, entry_answer="x"
            )
            raise RuntimeError

    await rolled_back()
    assert await _no_counts(socket)
    await socket.disconnect(timeout=5)

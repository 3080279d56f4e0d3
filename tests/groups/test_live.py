"""The live thread: the socket's authorisation and events (real channel layer), the
catch-up after a reconnect, and the one-post fragment the page fetches."""

import time

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.urls import path, reverse

from groups import services
from groups.consumers import ThreadConsumer
from groups.models import Membership
from tests.factories import GroupFactory, MembershipFactory, make_thread


def _socket(thread_id: int, user) -> WebsocketCommunicator:
    app = URLRouter([path("ws/threads/<int:thread_id>/", ThreadConsumer.as_asgi())])
    communicator = WebsocketCommunicator(app, f"/ws/threads/{thread_id}/")
    communicator.scope["user"] = user
    return communicator


@sync_to_async
def _world(private: bool = False):
    group = GroupFactory(private=True) if private else GroupFactory()
    author = MembershipFactory(group=group).user
    replier = MembershipFactory(group=group).user
    thread = make_thread(author=author, group=group)
    return group, author, replier, thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_live_events_edit_react_delete() -> None:
    _, author, replier, thread = await _world()
    socket = _socket(thread.pk, author)
    assert (await socket.connect(timeout=5))[0]
    post = await sync_to_async(services.post_create)(author=replier, thread=thread, body="one")
    created = await socket.receive_json_from(timeout=5)
    assert created["type"] == "post.created" and created["post_id"] == post.pk
    assert isinstance(created["at"], float) and set(created) == {"type", "post_id", "at"}
    await sync_to_async(services.post_edit)(
        editor=replier, post=post, body="two", content_warning=""
    )
    assert (await socket.receive_json_from(timeout=5))["type"] == "post.edited"
    await sync_to_async(services.reaction_toggle)(user=author, post=post, kind="hug")
    assert (await socket.receive_json_from(timeout=5))["type"] == "post.reacted"
    await sync_to_async(services.post_delete)(actor=replier, post=post)
    assert (await socket.receive_json_from(timeout=5))["type"] == "post.deleted"
    await socket.disconnect(timeout=5)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_live_nothing_if_the_transaction_rolls_back() -> None:
    _, author, replier, thread = await _world()
    socket = _socket(thread.pk, author)
    assert (await socket.connect(timeout=5))[0]

    @sync_to_async
    def rolled_back() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.post_create(author=replier, thread=thread, body="never")
            raise RuntimeError

    await rolled_back()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect(timeout=5)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_live_private_group_events_never_reach_other_groups_members() -> None:
    _, _, _, open_thread = await _world()
    _, _, p_replier, private_thread = await _world(private=True)
    open_member = await sync_to_async(lambda: MembershipFactory(group=open_thread.group).user)()
    refused = _socket(private_thread.pk, open_member)
    connected, code = await refused.connect(timeout=5)
    assert not connected and code == 4403
    watching = _socket(open_thread.pk, open_member)
    assert (await watching.connect(timeout=5))[0]
    await sync_to_async(services.post_create)(author=p_replier, thread=private_thread, body="x")
    assert await watching.receive_nothing(timeout=0.5)
    await watching.disconnect(timeout=5)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_live_member_who_leaves_a_private_group_stops_hearing() -> None:
    _, author, replier, thread = await _world(private=True)
    socket = _socket(thread.pk, replier)
    assert (await socket.connect(timeout=5))[0]
    await sync_to_async(Membership.objects.filter(user=replier).delete)()
    await sync_to_async(services.post_create)(author=author, thread=thread, body="private")
    assert (await socket.receive_output(timeout=5))["type"] == "websocket.close"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_live_catch_up_returns_ids_changed_since() -> None:
    _, author, replier, thread = await _world()
    before = time.time()
    post = await sync_to_async(services.post_create)(author=replier, thread=thread, body="missed")
    opening = await sync_to_async(lambda: thread.posts.get(is_opening=True))()
    await sync_to_async(services.reaction_toggle)(user=replier, post=opening, kind="hug")
    socket = _socket(thread.pk, author)
    assert (await socket.connect(timeout=5))[0]
    await socket.send_json_to({"type": "catch_up", "since": before})
    answer = await socket.receive_json_from(timeout=5)
    assert answer["type"] == "catch_up"
    assert answer["created"] == [post.pk] and answer["reacted"] == [opening.pk]
    assert answer["at"] >= before
    await socket.send_json_to({"type": "catch_up", "since": answer["at"] + 1})
    assert (await socket.receive_json_from(timeout=5))["created"] == []
    await socket.send_json_to({"type": "catch_up", "since": "yesterday"})
    assert (await socket.receive_json_from(timeout=5))["type"] == "error"
    await socket.disconnect(timeout=5)


# --- the fragment ---


@pytest.mark.django_db
def test_post_live_fragment_follows_the_page_policy(client, private_group, outsider) -> None:
    author = MembershipFactory(group=private_group).user
    thread = make_thread(author=author, group=private_group)
    reply = services.post_create(author=author, thread=thread, body="inside only")
    url = reverse("groups:post_live", args=[reply.pk])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(author)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "inside only" in html
    assert f'data-post-id="{reply.pk}"' in html and f'data-path="{reply.path}"' in html
    assert "<html" not in html


@pytest.mark.django_db
def test_post_live_fragment_pending_and_removed(client, group, member, other_member, facilitator):
    thread = make_thread(author=member, group=group)
    group.posting_policy = "all"
    group.save()
    held = services.post_create(author=other_member, thread=thread, body="waiting")
    url = reverse("groups:post_live", args=[held.pk])
    client.force_login(member)
    assert client.get(url).status_code == 404  # pending: only its author and facilitators
    client.force_login(other_member)
    assert "Awaiting a facilitator" in client.get(url).content.decode()
    services.post_approve(actor=facilitator, post=held)
    services.post_delete(actor=other_member, post=held)
    client.force_login(member)
    html = client.get(url).content.decode()
    assert "deleted by its author" in html and "waiting" not in html


@pytest.mark.django_db
def test_post_live_fragment_fixed_queries(
    client, group, member, other_member, django_assert_max_num_queries
):
    thread = make_thread(author=member, group=group)
    reply = services.post_create(author=other_member, thread=thread, body="x")
    for _ in range(5):
        services.reaction_toggle(user=MembershipFactory(group=group).user, post=reply, kind="hug")
    client.force_login(member)
    # The posts' query brings the author's badge and whether notes exist (issue 8: 9 -> 7).
    with django_assert_max_num_queries(7):
        assert client.get(reverse("groups:post_live", args=[reply.pk])).status_code == 200


@pytest.mark.django_db
def test_thread_page_has_live_hooks_without_inline_script(client, group, member) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)
    html = Client().get(thread.get_absolute_url()).content.decode()
    assert 'data-thread-socket="/ws/threads/' in html and 'id="live-offline"' in html
    assert "<script>" not in html and "onclick" not in html


# --- catch-up of what leaves no row of its own ---


@pytest.mark.django_db
def test_catch_up_includes_facilitator_hides_and_reactions_taken_back(
    group, member, other_member, facilitator
) -> None:
    from django.utils import timezone

    from groups import selectors
    from moderation.services import posts as moderation_posts

    thread = make_thread(author=member, group=group)
    hidden = services.post_create(author=other_member, thread=thread, body="to hide")
    hugged = services.post_create(author=other_member, thread=thread, body="to hug")
    services.reaction_toggle(user=member, post=hugged, kind="hug")
    since = timezone.now()
    assert selectors.thread_changes_since(member, thread.pk, since)["edited"] == []
    moderation_posts.post_hide(actor=facilitator, post=hidden, reason="checking")
    services.reaction_toggle(user=member, post=hugged, kind="hug")  # taken back
    changes = selectors.thread_changes_since(member, thread.pk, since)
    assert changes["edited"] == sorted([hidden.pk, hugged.pk])
    assert changes["created"] == [] and changes["deleted"] == []

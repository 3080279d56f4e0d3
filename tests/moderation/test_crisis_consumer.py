"""The moderators' socket (``ws/mod/``): who may connect, what a reconnecting page catches
up on, and that every relayed event is re-checked against the viewer's current roles."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import path
from django.utils import timezone

from groups.models import Membership
from moderation import realtime
from moderation.consumers import CATCH_UP_LIMIT, ModerationConsumer
from moderation.models import CrisisAlert, Sanction
from moderation.services import crisis
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    make_rule,
    mfa_session,
    signed_in_with_mfa,
)

from .celery_worker import pipeline_settings_fixture  # noqa: F401 (fixture "pipeline_settings")

pytestmark = [
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("pipeline_settings"),
]


async def _socket(user, query: str = "") -> WebsocketCommunicator:
    app = URLRouter([path("ws/mod/", ModerationConsumer.as_asgi())])
    communicator = WebsocketCommunicator(app, f"/ws/mod/{query}")
    communicator.scope["user"] = user
    if user.is_authenticated:
        communicator.scope["session"] = await sync_to_async(mfa_session)(user)
    return communicator


def _facilitator(group, **user):
    return MembershipFactory(
        group=group, role=Membership.Role.FACILITATOR, **{f"user__{k}": v for k, v in user.items()}
    ).user


def _alert(group, *, severity: int = 3, subject=None) -> CrisisAlert:
    return crisis.alert_raise(
        source=CrisisAlert.Source.DETECTED,
        severity=severity,
        subject=subject or UserFactory(),
        group=group,
    )


async def _next_alert(socket, timeout: float = 5) -> dict:
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message["type"] != "review.changed":
            return message


async def _refused(user) -> bool:
    connected, code = await (await _socket(user)).connect()
    return not connected and code == 4403


async def test_moderation_consumer_refuses_everyone_but_active_moderators() -> None:
    @sync_to_async
    def people():
        group = GroupFactory()
        member = MembershipFactory(group=group).user
        inactive = _facilitator(group, is_active=False)
        suspended = _facilitator(group)
        Sanction.objects.create(
            user=suspended,
            kind=Sanction.Kind.SUSPENSION,
            rule=make_rule(number=9),
            message="Suspended for a week.",
            ends_at=timezone.now() + timedelta(days=7),
        )
        return member, inactive, suspended, _facilitator(group), UserFactory(is_staff=True)

    member, inactive, suspended, facilitator, admin = await people()
    for user in (AnonymousUser(), member, inactive, suspended):
        assert await _refused(user), user
    for user in (facilitator, admin):
        socket = await _socket(user)
        assert (await socket.connect())[0]
        await socket.disconnect()


async def test_moderation_consumer_catch_up_sends_missed_unresolved_visible_alerts() -> None:
    @sync_to_async
    def world():
        group, other = GroupFactory(), GroupFactory()
        facilitator, admin = _facilitator(group), UserFactory(is_staff=True)
        seen = _alert(group)
        missed = _alert(group, severity=4)
        resolved = _alert(group)
        crisis.alert_resolve(alert=resolved, actor=facilitator, outcome="false_alarm")
        foreign = _alert(other)
        groupless = crisis.alert_raise(
            source=CrisisAlert.Source.HELP_REQUEST, severity=3, subject=UserFactory()
        )
        about_self = _alert(group, subject=facilitator)
        return facilitator, admin, seen, missed, foreign, groupless, about_self

    facilitator, admin, seen, missed, foreign, groupless, about_self = await world()

    socket = await _socket(facilitator)
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "catch_up", "since": seen.pk})
    reply = await socket.receive_json_from()
    assert reply["type"] == "crisis.catch_up" and reply["more"] is False
    assert [a["alert_id"] for a in reply["alerts"]] == [missed.pk]
    sent = reply["alerts"][0]
    assert sent["severity"] == 4 and sent["url"] == missed.get_absolute_url()
    assert "subject_id" not in sent and set(sent) >= {"group_name", "created_at", "state"}
    await socket.send_json_to({"type": "catch_up", "since": "yesterday"})
    assert (await socket.receive_json_from())["type"] == "error"
    await socket.disconnect()

    socket = await _socket(admin, f"?since={seen.pk}")
    assert (await socket.connect())[0]
    reply = await socket.receive_json_from()
    assert [a["alert_id"] for a in reply["alerts"]] == sorted(
        [missed.pk, foreign.pk, groupless.pk, about_self.pk]
    )
    await socket.disconnect()


async def test_moderation_consumer_catch_up_is_capped() -> None:
    @sync_to_async
    def world():
        group = GroupFactory()
        for _ in range(CATCH_UP_LIMIT + 2):
            _alert(group)
        return _facilitator(group)

    facilitator = await world()
    socket = await _socket(facilitator, "?since=0")
    assert (await socket.connect())[0]
    reply = await socket.receive_json_from()
    assert len(reply["alerts"]) == CATCH_UP_LIMIT and reply["more"] is True
    await socket.disconnect()


async def test_moderation_consumer_stops_relaying_when_a_role_is_taken_away() -> None:
    @sync_to_async
    def world():
        group, other = GroupFactory(), GroupFactory()
        facilitator = _facilitator(group)
        MembershipFactory(user=facilitator, group=other, role=Membership.Role.FACILITATOR)
        return group, other, facilitator

    group, other, facilitator = await world()
    socket = await _socket(facilitator)
    assert (await socket.connect())[0]

    first = await sync_to_async(_alert)(group)
    await sync_to_async(realtime.publish_alert)(first)
    assert (await _next_alert(socket))["alert_id"] == first.pk

    await Membership.objects.filter(user=facilitator, group=group).aupdate(
        role=Membership.Role.MEMBER
    )
    second = await sync_to_async(_alert)(group)
    await sync_to_async(realtime.publish_alert)(second)
    elsewhere = await sync_to_async(_alert)(other)
    await sync_to_async(realtime.publish_alert)(elsewhere)
    assert (await _next_alert(socket))["alert_id"] == elsewhere.pk  # not second

    await Membership.objects.filter(user=facilitator).aupdate(role=Membership.Role.MEMBER)
    third = await sync_to_async(_alert)(other)
    await sync_to_async(realtime.publish_alert)(third)
    closed = await socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_moderation_consumer_relays_once_and_never_pages_the_subject() -> None:
    @sync_to_async
    def world():
        group = GroupFactory()
        admin = UserFactory(is_staff=True)
        MembershipFactory(user=admin, group=group, role=Membership.Role.FACILITATOR)
        return group, admin

    group, admin = await world()
    socket = await _socket(admin)
    assert (await socket.connect())[0]
    alert = await sync_to_async(_alert)(group, subject=admin)
    await sync_to_async(realtime.publish_alert)(alert)
    # Only queue counts (5 s: on a loaded 2-core machine 0.5 s was once too short).
    assert (await socket.receive_json_from(timeout=5))["type"] == "review.changed"
    while not await socket.receive_nothing(timeout=0.3):
        assert (await socket.receive_json_from())["type"] == "review.changed"

    other = await sync_to_async(_alert)(group)
    await other.arefresh_from_db()  # as delivery left it (eager on the embedded default)
    await sync_to_async(realtime.publish_alert)(other)  # mod.group.<id> and mod.admins
    event = await _next_alert(socket)
    assert event["type"] == "crisis.alert" and event["alert_id"] == other.pk
    while not await socket.receive_nothing(timeout=0.3):
        assert (await socket.receive_json_from())["type"] == "review.changed"
    await socket.disconnect()


async def test_moderation_consumer_review_changed_sends_the_viewers_count() -> None:
    @sync_to_async
    def world():
        group = GroupFactory()
        facilitator = _facilitator(group)
        _alert(group)
        _alert(group)
        return group, facilitator

    group, facilitator = await world()
    socket = await _socket(facilitator)
    assert (await socket.connect())[0]
    await sync_to_async(lambda: realtime.publish_review_changed_on_commit(group.pk))()
    assert await socket.receive_json_from(timeout=5) == {"type": "review.changed", "count": 2}
    await socket.disconnect()


# --- through the whole ASGI application: origin check and session sign-in ---


def _signed_in_cookie(user) -> bytes:
    client = signed_in_with_mfa(Client(), user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_moderation_socket_through_asgi_checks_origin_and_session() -> None:
    from supportforum.asgi import application

    group = await sync_to_async(GroupFactory)()
    facilitator = await sync_to_async(_facilitator)(group)
    cookie = await sync_to_async(_signed_in_cookie)(facilitator)

    foreign = WebsocketCommunicator(
        application,
        "/ws/mod/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)],
    )
    connected, _ = await foreign.connect()
    assert not connected

    anonymous = WebsocketCommunicator(
        application, "/ws/mod/", headers=[(b"origin", b"http://testserver")]
    )
    assert await anonymous.connect() == (False, 4403)

    own = WebsocketCommunicator(
        application,
        "/ws/mod/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)],
    )
    connected, _ = await own.connect()
    assert connected
    await own.disconnect()

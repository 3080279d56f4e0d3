"""The member's socket (``ws/me/``): who may connect, the live unread badge, and that a
suspension or ban closes every socket of the member (``MemberSocketMixin``)."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.urls import path
from django.utils import timezone

from accounts import services
from accounts.consumers import MemberSocketMixin, NotificationConsumer
from accounts.models import Notification
from accounts.tasks import notification_email_task
from moderation.models import Sanction
from moderation.services import sanctions
from tests.factories import GroupFactory, MembershipFactory, UserFactory, make_rule

pytestmark = [
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
]


class EchoConsumer(MemberSocketMixin, AsyncJsonWebsocketConsumer):
    """Any page's socket that uses the mixin (as the thread and moderation sockets do)."""

    async def connect(self) -> None:
        await self.accept()


@pytest.fixture(autouse=True)
def _no_mail_queue(monkeypatch):
    monkeypatch.setattr(notification_email_task, "delay", lambda pk: None)


def _socket(user, route: str = "ws/me/", consumer=NotificationConsumer) -> WebsocketCommunicator:
    app = URLRouter([path(route, consumer.as_asgi())])
    communicator = WebsocketCommunicator(app, f"/{route}")
    communicator.scope["user"] = user
    return communicator


async def test_notification_consumer_refuses_anonymous_inactive_and_suspended() -> None:
    @sync_to_async
    def people():
        inactive = UserFactory(is_active=False)
        suspended = UserFactory()
        Sanction.objects.create(
            user=suspended,
            kind=Sanction.Kind.SUSPENSION,
            rule=make_rule(number=99),
            message="Suspended for a week.",
            ends_at=timezone.now() + timedelta(days=7),
        )
        return inactive, suspended

    inactive, suspended = await people()
    for user in (AnonymousUser(), inactive, suspended):
        connected, code = await _socket(user).connect(timeout=5)
        assert not connected and code == 4403, user


async def test_notification_consumer_sends_count_on_connect_and_on_change() -> None:
    @sync_to_async
    def world():
        member, other = UserFactory(), UserFactory()
        services.notify(recipient=member, kind=Notification.Kind.REPLY, message="one")
        return member, other

    member, other = await world()
    socket = _socket(member)
    assert (await socket.connect(timeout=5))[0]
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "count": 1}
    await sync_to_async(services.notify)(
        recipient=member, kind=Notification.Kind.MENTION, message="two"
    )
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "count": 2}
    await sync_to_async(services.notify)(
        recipient=other, kind=Notification.Kind.MENTION, message="not yours"
    )
    await sync_to_async(services.notifications_mark_read)(user=member)
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "count": 0}
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_no_badge_push_while_taking_a_break() -> None:
    member = await sync_to_async(UserFactory)()
    await sync_to_async(services.notifications_pause)(user=member, duration="day")
    socket = _socket(member)
    assert (await socket.connect(timeout=5))[0]
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "count": 0}
    await sync_to_async(services.notify)(
        recipient=member, kind=Notification.Kind.REPLY, message="kept for later"
    )
    assert await socket.receive_nothing(timeout=0.5)
    assert await sync_to_async(Notification.objects.filter(recipient=member).count)() == 1
    await socket.disconnect()


@pytest.mark.parametrize("kind", [Sanction.Kind.SUSPENSION, Sanction.Kind.BAN])
async def test_suspension_or_ban_closes_the_members_sockets(kind) -> None:
    @sync_to_async
    def world():
        group = GroupFactory()
        member = MembershipFactory(group=group).user
        bystander = MembershipFactory(group=group).user
        admin = UserFactory(is_staff=True, is_superuser=True)
        return group, member, bystander, admin

    group, member, bystander, admin = await world()
    badge, page, other = (
        _socket(member),
        _socket(member, "ws/page/", EchoConsumer),
        _socket(bystander, "ws/page/", EchoConsumer),
    )
    for socket in (badge, page, other):
        assert (await socket.connect(timeout=5))[0]
    await badge.receive_json_from(timeout=5)

    @sync_to_async
    def sanction():
        rule = make_rule(number=97)
        sanctions.sanction_apply(
            actor=admin,
            member=member,
            kind=kind,
            rule=rule,
            group=group,
            duration=timedelta(days=7),
            message="Taking a pause.",
        )

    await sanction()
    for socket in (badge, page):
        closed = await socket.receive_output(timeout=5)
        while closed["type"] != "websocket.close":
            closed = await socket.receive_output(timeout=5)
        assert closed["code"] == 4401
    assert await other.receive_nothing(timeout=0.3)
    await other.disconnect()
    connected, code = await _socket(member).connect(timeout=5)
    assert not connected and code == 4403


async def test_a_warning_does_not_close_sockets() -> None:
    @sync_to_async
    def world():
        group = GroupFactory()
        member = MembershipFactory(group=group).user
        admin = UserFactory(is_staff=True, is_superuser=True)
        return group, member, admin

    group, member, admin = await world()
    page = _socket(member, "ws/page/", EchoConsumer)
    assert (await page.connect(timeout=5))[0]
    await sync_to_async(sanctions.sanction_apply)(
        actor=admin,
        member=member,
        kind=Sanction.Kind.WARNING,
        rule=await sync_to_async(make_rule)(number=97),
        group=group,
        message="Please be kind.",
    )
    assert await page.receive_nothing(timeout=0.3)
    await page.disconnect()

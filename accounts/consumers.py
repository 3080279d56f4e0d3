"""Member sockets. ``MemberSocketMixin`` makes any consumer close when its member is
suspended or banned; ``NotificationConsumer`` (``ws/me/``) keeps the header's unread
badge live. Authorised on connect (close 4403); relays counts, nothing else."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from groups import policies as group_policies
from supportforum.middleware import idle_expired, stored_session

from . import realtime, selectors
from .models import User

MEMBER_CLOSED = 4401
FORBIDDEN = 4403


class MemberSocketMixin:
    """Put first in a consumer's bases. On connect, a signed-in socket joins
    ``member.<user_id>``; a ``member.close`` event (a suspension or ban started) closes
    it with code 4401. Leaves the group on disconnect."""

    member_channel: str | None = None

    async def websocket_connect(self, message: dict) -> None:
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            self.member_channel = realtime.member_channel(user.pk)
            await self.channel_layer.group_add(self.member_channel, self.channel_name)
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message: dict) -> None:
        if self.member_channel is not None:
            await self.channel_layer.group_discard(self.member_channel, self.channel_name)
            self.member_channel = None
        await super().websocket_disconnect(message)

    async def member_close(self, event: dict) -> None:
        await self.close(code=MEMBER_CLOSED)

    async def _still_signed_in(self) -> bool:
        """Before each event: a signed-in socket whose session has ended since it
        connected (signed out, ended from another device, idle past
        ``SESSION_IDLE_TIMEOUT``) closes with 4401 and hears nothing more, as the pages
        would send that person to the sign-in page."""
        if await self._session_ended():
            await self.close(code=MEMBER_CLOSED)
            return False
        return True

    @database_sync_to_async
    def _session_ended(self) -> bool:
        user = self.scope.get("user")
        # Haven's routing (AuthMiddlewareStack) always puts the session in the scope; a
        # scope built without one is judged by its user alone.
        if user is None or not user.is_authenticated or "session" not in self.scope:
            return False
        session = stored_session(self.scope)
        return session is None or idle_expired(session)


def member_may_connect(user: User | None) -> User | None:
    """The socket's member as the database has them now, if signed in, active and not
    suspended or banned."""
    if user is None or not user.is_authenticated:
        return None
    fresh = User.objects.filter(pk=user.pk, is_active=True).first()
    if fresh is None:
        return None
    from moderation.models import Sanction

    barred = {Sanction.Kind.SUSPENSION, Sanction.Kind.BAN}
    if any(s.kind in barred for s in group_policies.sanctions_in_force(fresh)):
        return None
    return fresh


class NotificationConsumer(MemberSocketMixin, AsyncJsonWebsocketConsumer):
    """``ws/me/``: sends ``{"type": "unread", "count": n}`` on connect and whenever the
    member's unread count changes (``accounts.realtime``)."""

    notify_channel: str | None = None

    async def connect(self) -> None:
        if not await self._still_signed_in():
            return
        count = await self._unread()
        if count is None:
            await self.close(code=FORBIDDEN)
            return
        self.notify_channel = realtime.notify_channel(self.scope["user"].pk)
        await self.channel_layer.group_add(self.notify_channel, self.channel_name)
        await self.accept()
        await self.send_json({"type": "unread", "count": count})

    async def disconnect(self, code: int) -> None:
        if self.notify_channel is not None:
            await self.channel_layer.group_discard(self.notify_channel, self.channel_name)

    async def receive_json(self, content: object, **kwargs) -> None:
        return  # nothing to say to the server on this socket

    async def notify_unread(self, event: dict) -> None:
        if not await self._still_signed_in():
            return
        count = event.get("count")
        if isinstance(count, int) and count >= 0:
            await self.send_json({"type": "unread", "count": count})

    @database_sync_to_async
    def _unread(self) -> int | None:
        fresh = member_may_connect(self.scope.get("user"))
        if fresh is None:
            return None
        return selectors.unread_notification_count(fresh)

"""Live updates for one open thread (``ws/threads/<id>/``)."""

from datetime import UTC, datetime

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from accounts.consumers import MemberSocketMixin

from . import policies, selectors
from .realtime import thread_channel_group


class ThreadConsumer(MemberSocketMixin, AsyncJsonWebsocketConsumer):
    """Authorised on connect with the same policy as the page, and again before each
    event of a private group's thread (a member who left stops hearing at once). Relays
    ids only, so each page fetches what its own viewer may see. A page that reconnects
    sends ``{"type": "catch_up", "since": <the last "at" it saw>}`` and gets the ids of
    the posts changed since then."""

    async def connect(self) -> None:
        self.thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        if not await self._still_signed_in():
            return
        access = await self._access()
        if access is None:
            await self.close(code=4403)
            return
        self.private = access
        self.channel_group = thread_channel_group(self.thread_id)
        await self.channel_layer.group_add(self.channel_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "channel_group"):
            await self.channel_layer.group_discard(self.channel_group, self.channel_name)

    async def receive_json(self, content: object, **kwargs) -> None:
        if not await self._still_signed_in():
            return
        if not isinstance(content, dict) or content.get("type") != "catch_up":
            await self.send_json({"type": "error", "message": "Unknown message."})
            return
        try:
            since = datetime.fromtimestamp(float(content.get("since")), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            await self.send_json({"type": "error", "message": "since must be a timestamp."})
            return
        changes = await self._changes_since(since)
        if changes is None:
            await self.close(code=4403)
            return
        await self.send_json({"type": "catch_up", **changes})

    @database_sync_to_async
    def _access(self) -> bool | None:
        """None: may not read the thread; else whether its group is private. Fresh each
        time: memberships change while a page stays open."""
        user = self.scope["user"]
        policies.forget_viewer_facts(user)
        try:
            thread = selectors.thread_for(user, self.thread_id)
        except Http404:
            return None
        return thread.group.is_private

    @database_sync_to_async
    def _changes_since(self, since: datetime) -> dict | None:
        policies.forget_viewer_facts(self.scope["user"])
        try:
            return selectors.thread_changes_since(self.scope["user"], self.thread_id, since)
        except Http404:
            return None

    async def _relay(self, event: dict) -> None:
        if not await self._still_signed_in():
            return
        if self.private and await self._access() is None:
            await self.close(code=4403)
            return
        await self.send_json(
            {"type": event["type"], "post_id": event["post_id"], "at": event.get("at")}
        )

    async def post_created(self, event: dict) -> None:
        await self._relay(event)

    async def post_edited(self, event: dict) -> None:
        await self._relay(event)

    async def post_deleted(self, event: dict) -> None:
        await self._relay(event)

    async def post_reacted(self, event: dict) -> None:
        await self._relay(event)

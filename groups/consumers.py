from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from . import selectors
from .realtime import thread_channel_group


class ThreadConsumer(AsyncJsonWebsocketConsumer):
    """Live updates for one open thread. Authorised on connect with the same policy as
    the page; relays ids only, so each page fetches what its own viewer may see."""

    async def connect(self) -> None:
        thread_id = self.scope["url_route"]["kwargs"]["thread_id"]
        if not await self._may_read(thread_id):
            await self.close(code=4403)
            return
        self.channel_group = thread_channel_group(thread_id)
        await self.channel_layer.group_add(self.channel_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "channel_group"):
            await self.channel_layer.group_discard(self.channel_group, self.channel_name)

    @database_sync_to_async
    def _may_read(self, thread_id: int) -> bool:
        try:
            selectors.thread_for(self.scope["user"], thread_id)
        except Http404:
            return False
        return True

    async def post_created(self, event: dict) -> None:
        await self.send_json({"type": "post.created", "post_id": event["post_id"]})

    async def post_edited(self, event: dict) -> None:
        await self.send_json({"type": "post.edited", "post_id": event["post_id"]})

    async def post_deleted(self, event: dict) -> None:
        await self.send_json({"type": "post.deleted", "post_id": event["post_id"]})

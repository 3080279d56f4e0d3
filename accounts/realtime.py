"""The only place in accounts that publishes to the channel layer, always after commit.

Channel-layer groups: ``notify.<user_id>`` (the member's open pages, for the unread badge:
event ``notify.unread`` with a count, nothing else) and ``member.<user_id>`` (every socket
of the member on any page: event ``member.close`` when a suspension or ban starts)."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)

UNREAD = "notify.unread"
MEMBER_CLOSE = "member.close"


def notify_channel(user_id: int) -> str:
    return f"notify.{user_id}"


def member_channel(user_id: int) -> str:
    return f"member.{user_id}"


def _send(channel: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(channel, message)


def publish_unread(user_id: int) -> None:
    """Publish the member's unread count now (read fresh). Call after commit."""
    count = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
    _send(notify_channel(user_id), {"type": UNREAD, "count": count})


def publish_unread_on_commit(user_id: int) -> None:
    """After commit (at once outside a transaction). Robust: a channel-layer hiccup is
    logged and never turns a saved action into an error page."""
    transaction.on_commit(lambda: publish_unread(user_id), robust=True)


def publish_member_sockets_close_on_commit(user_id: int) -> None:
    """Close every open socket of the member (a suspension or ban started). Robust."""
    message = {"type": MEMBER_CLOSE}
    transaction.on_commit(lambda: _send(member_channel(user_id), message), robust=True)

"""The only place in groups that publishes to the channel layer, always after commit.

Events on ``thread.<id>``: ``post.created``, ``post.edited``, ``post.deleted`` and
``post.reacted``, carrying ids and the time of the change only: each open page fetches
what its own viewer may see (``groups:post_live``), and a page that reconnects asks
the consumer what changed since the last ``at`` it saw."""

import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import Post

EVENTS = ("post.created", "post.edited", "post.deleted", "post.reacted")


def thread_channel_group(thread_id: int) -> str:
    return f"thread.{thread_id}"


def publish_post_on_commit(post: Post, *, event: str = "post.created") -> None:
    """Tell open pages of the thread that a post appeared or changed. Carries ids only:
    each page fetches what its own viewer may see. Nothing is sent if the transaction
    rolls back, nor for a post that is not published yet."""
    if event not in EVENTS:
        raise ValueError(f"Unknown thread event {event!r}.")
    group = thread_channel_group(post.thread_id)
    post_id, thread_id = post.pk, post.thread_id

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            message = {"type": event, "post_id": post_id, "thread_id": thread_id}
            message["at"] = time.time()
            async_to_sync(layer.group_send)(group, message)

    if post.state == Post.State.PUBLISHED or event not in ("post.created", "post.reacted"):
        # robust: a channel-layer hiccup must never turn a saved post into an error page.
        transaction.on_commit(send, robust=True)

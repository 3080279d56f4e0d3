"""The only place in groups that publishes to the channel layer, always after commit."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import Post


def thread_channel_group(thread_id: int) -> str:
    return f"thread.{thread_id}"


def publish_post_on_commit(post: Post, *, event: str = "post.created") -> None:
    """Tell open pages of the thread that a post appeared or changed. Carries ids only:
    each page fetches what its own viewer may see."""
    message = {"type": event, "post_id": post.pk, "thread_id": post.thread_id}
    group = thread_channel_group(post.thread_id)

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    if post.state == Post.State.PUBLISHED or event != "post.created":
        # robust: a channel-layer hiccup must never turn a saved post into an error page.
        transaction.on_commit(send, robust=True)

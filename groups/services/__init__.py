"""Every write in groups: one function per use case, keyword-only, in a transaction,
permission-checked first. Side effects run after commit.

One module per area; the names callers use are re-exported here
(``from groups import services``; ``services.post_create``)."""

from .following import (
    SUBSCRIPTION_CHOICES,
    group_notifications_mute,
    thread_mark_read,
    thread_subscription_set,
)
from .membership import (
    group_join,
    group_leave,
    group_save,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    join_request_decide,
)
from .posts import (
    MAX_BODY,
    MAX_TITLE,
    keep_revision,
    post_approve,
    post_create,
    post_delete,
    post_edit,
    reaction_toggle,
    render_body,
    thread_create,
)

__all__ = [
    "MAX_BODY",
    "MAX_TITLE",
    "SUBSCRIPTION_CHOICES",
    "group_join",
    "group_leave",
    "group_notifications_mute",
    "group_save",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "join_request_decide",
    "keep_revision",
    "post_approve",
    "post_create",
    "post_delete",
    "post_edit",
    "reaction_toggle",
    "render_body",
    "thread_create",
    "thread_mark_read",
    "thread_subscription_set",
]

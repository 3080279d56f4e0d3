"""Reads shaped for pages. Each takes the viewer, applies visibility through
``policies`` and costs a fixed number of queries whatever the amount of content.

One module per area; the names callers use are re-exported here
(``from groups import selectors``; ``selectors.thread_page``)."""

from .audience import (
    existing_handles,
    mention_recipients,
    subscription_state,
    thread_followers,
    who_may_hear,
)
from .directory import (
    GroupCard,
    MemberCard,
    ThreadRow,
    directory_for,
    group_by_slug,
    group_members,
    group_page,
    invitation_by_token,
    invitations,
    join_requests,
    member_card,
)
from .posts import (
    CATCH_UP_LIMIT,
    LivePost,
    post_for,
    post_live,
    post_page_number,
    post_revisions,
    thread_changes_since,
)
from .postviews import NoteView, PostView, ReactionCount
from .search import (
    SearchPage,
    SearchResult,
    SearchScope,
    search,
    search_scope,
)
from .threads import (
    ThreadPage,
    thread_for,
    thread_page,
)

__all__ = [
    "CATCH_UP_LIMIT",
    "GroupCard",
    "LivePost",
    "MemberCard",
    "NoteView",
    "PostView",
    "ReactionCount",
    "SearchPage",
    "SearchResult",
    "SearchScope",
    "ThreadPage",
    "ThreadRow",
    "directory_for",
    "existing_handles",
    "group_by_slug",
    "group_members",
    "group_page",
    "invitation_by_token",
    "invitations",
    "join_requests",
    "member_card",
    "mention_recipients",
    "post_for",
    "post_live",
    "post_page_number",
    "post_revisions",
    "search",
    "search_scope",
    "subscription_state",
    "thread_changes_since",
    "thread_followers",
    "thread_for",
    "thread_page",
    "who_may_hear",
]

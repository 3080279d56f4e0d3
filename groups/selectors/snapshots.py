"""What a thread page shows of everyone, kept in the cache under the thread's version.

A thread page's posts, their authors' handles and badges, the reaction counts and whether
a post has facilitator notes are the same for every signed-in member without a block
and without a post awaiting approval in the thread, and for every facilitator of the
group. They are most of a page's cost (two queries over the posts, 60 model objects).
``PageSnapshot`` keeps them, per thread, page and audience (members or facilitators),
under the thread's ``ThreadPageVersion``: a random value PostgreSQL's triggers replace in
the same transaction as any change to those rows, however it is made. The version is
read with the thread on every page, so a snapshot of rows that have changed since is
never read again; it simply expires.

What stays per reader is computed on every page as before: what they may do with each
post, their own reactions, their unread marker, their mute words and content filters.

Kept only for readers it fits, and built by queries that do not know the reader:
- a reader with a post awaiting approval in the thread sees it, others do not;
- a reader who blocked someone, or was blocked, sees those posts folded or without
  "Reply": both read the page as before, from the database.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, Q, Subquery

from accounts.models import Block

from ..models import Post, ThreadPageVersion

SNAPSHOT_SECONDS = 600
MAX_PAGE = 1_000_000  # a page number past any thread's; others are not kept

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSnapshot:
    count: int  # the posts the audience sees in the thread
    number: int  # the page these rows make
    rows: list[Post]  # in page order, with their authors and reply targets
    reaction_counts: dict[int, dict[str, int]]  # post id -> kind -> count


def version_of(thread_ref) -> Subquery:
    """The thread's page version (None: no row yet, never kept), for the thread query."""
    return Subquery(ThreadPageVersion.objects.filter(thread_id=thread_ref).values("version")[:1])


def reader_differs(viewer_id: int, thread_ref) -> dict:
    """Annotations for the thread query: does this reader see the thread differently
    from the rest of its audience (their own post awaiting approval; a block either
    way)?"""
    return {
        "reader_pending": Exists(
            Post.objects.filter(thread_id=thread_ref, author_id=viewer_id, state=Post.State.PENDING)
        ),
        "reader_blocks": Exists(
            Block.objects.filter(Q(blocker_id=viewer_id) | Q(blocked_id=viewer_id))
        ),
    }


def key_for(thread, *, moderator: bool, page) -> str | None:
    """The cache key of this page for this reader, or None when it is not kept for them
    (see the module)."""
    version = getattr(thread, "page_version", None)
    if (
        not settings.HAVEN_THREAD_SNAPSHOTS
        or version is None
        or getattr(thread, "reader_pending", False)
        or getattr(thread, "reader_blocks", False)
    ):
        return None
    if page is None:
        number = 1
    else:
        try:
            number = int(page)
        except (TypeError, ValueError):
            return None  # "last", nonsense: the paginator decides, from the database
        if not 1 <= number <= MAX_PAGE:
            return None
    audience = "facilitators" if moderator else "members"
    return f"thread-page:{thread.pk}:{version}:{audience}:{number}"


def read(key: str) -> PageSnapshot | None:
    try:
        found = cache.get(key)
    except Exception:  # the cache is an optimisation: the database answers
        log.warning("page cache unavailable; asking the database", exc_info=True)
        return None
    return found if isinstance(found, PageSnapshot) else None


def keep(key: str, snapshot: PageSnapshot) -> None:
    try:
        cache.set(key, snapshot, SNAPSHOT_SECONDS)
    except Exception:  # not kept: the next page asks the database again
        log.warning("page cache unavailable; not kept", exc_info=True)

"""A large, realistic community for benchmarks (``manage.py bench_dataset``).

The whole community is planned in memory first (who is in which group, every thread's
tree of posts, reactions, flags), then written table by table: with ``COPY`` on
PostgreSQL, with ``bulk_create`` elsewhere (SQLite, for tiny scales only). The rows are
what the services would have written:

- a post's ``path`` / ``depth`` / ``parent`` / ``reply_to`` follow ``groups.services.posts``:
  a reply to the thread is a root (``parent`` empty, depth 0), a reply to a post sits
  under it, and past ``MAX_TREE_DEPTH`` it becomes its target's sibling. Ids follow time
  across the whole site (posts of different threads interleave, as they do live), so a
  parent's id is always smaller than its children's;
- a thread's ``reply_count`` / ``last_post_id`` / ``last_activity_at`` are its published
  replies, its newest post and that post's time (every generated post is published);
- ``body_html`` is ``services.render_body`` of the body, rendered once per distinct body;
- ``search_vector`` is written by the PostgreSQL trigger of migration 0007, which fires
  for ``COPY`` too (nothing to compute here);
- starting or replying to a thread follows it (``ThreadSubscription``), as the services do;
- a flag is one member's report, gathered into an open ``ReviewItem`` (some are already
  settled: declined or dismissed, the post left published, as ``flags_dismiss`` leaves it).

Deterministic for a seed: the same rows, ids and texts (times are relative to now).
"""

from .plan import Plan, Report, Scale
from .texts import (
    BENCH_FACILITATOR_EMAIL,
    BENCH_MEMBER_EMAIL,
    BENCH_PASSWORD,
    BENCH_TOTP_SECRET,
)
from .write import build

__all__ = [
    "BENCH_FACILITATOR_EMAIL",
    "BENCH_MEMBER_EMAIL",
    "BENCH_PASSWORD",
    "BENCH_TOTP_SECRET",
    "Plan",
    "Report",
    "Scale",
    "build",
]

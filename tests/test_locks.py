"""Row locks taken while members post, react, flag and are notified: only the row that
serialises the work, in PostgreSQL's ``FOR NO KEY UPDATE`` mode.

A plain ``select_for_update()`` with ``select_related`` locks every joined row too: each
reply locked its group's row, so every reply in a group queued behind the others, and a
``FOR UPDATE`` on a member's row waited for any transaction inserting a row that points
at the member (their own new post). Under 50 concurrent posters that deadlocked replies
against the notification task (found by the fault suite, tests/reliability/)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups import services
from groups.models import Reaction
from moderation.services import flags as flag_services
from tests.factories import make_thread

pytestmark = pytest.mark.django_db

LOCK = re.compile(
    r"\bFOR (NO KEY UPDATE|UPDATE|SHARE|KEY SHARE)\b(?: OF ([^;]+?))?(?: NOWAIT| SKIP LOCKED)?$"
)


def _locks(run) -> list[tuple[str, str, str]]:
    with CaptureQueriesContext(connection) as ctx:
        run()
    found = []
    for query in ctx.captured_queries:
        sql = query["sql"].strip()
        match = LOCK.search(sql)
        if match:
            table = re.search(r'FROM "(\w+)"', sql).group(1)
            found.append((table, match.group(1), match.group(2) or ""))
    return found


def test_replies_reactions_flags_and_notifications_lock_only_what_they_serialise(
    group, member, other_member
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes no row locks")
    thread = make_thread(author=member, group=group)
    first = services.post_create(author=other_member, thread=thread, body="first")
    taken = []
    taken += _locks(
        lambda: services.post_create(
            author=member, thread=thread, body="an answer", reply_to=first
        )  # notifies other_member in the request
    )
    taken += _locks(
        lambda: services.post_edit(
            editor=other_member, post=first, body="edited", content_warning=""
        )
    )
    taken += _locks(
        lambda: services.reaction_toggle(user=member, post=first, kind=Reaction.Kind.HUG)
    )
    taken += _locks(
        lambda: flag_services.flag_create(reporter=member, post=first, reason="harassment", note="")
    )
    tables = {table for table, _, _ in taken}
    assert {"groups_thread", "groups_post", "accounts_user"} <= tables, taken
    for table, mode, of in taken:
        assert mode == "NO KEY UPDATE", (table, mode)
        if table in {"groups_thread", "groups_post"}:
            # Joined for reading (select_related), never locked with it.
            assert of and "supportgroup" not in of, (table, of)

"""Index budget: every query the hot pages run is EXPLAINed on PostgreSQL with
``enable_seqscan = off`` (which makes the planner use an index whenever one fits, so a
sequential scan in the plan means no index fits, even on this small dataset). None may
scan the posts, threads, notifications, RSVPs or review items tables sequentially.

The queries are those the pages really run (captured while rendering them), not copies."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification
from groups import services
from groups.models import ThreadReadState
from tests.factories import MembershipFactory, make_thread, signed_in_with_mfa

pytestmark = pytest.mark.django_db

HOT_TABLES = (
    "groups_post",
    "groups_thread",
    "groups_threadreadstate",
    "accounts_notification",
    "groups_meetingrsvp",
    "moderation_reviewitem",
)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")


@pytest.fixture
def data(group, member, other_member, facilitator):
    thread = make_thread(author=member, group=group, title="Sleep and worry")
    opening = thread.posts.get()
    for i in range(45):
        services.post_create(
            author=other_member if i % 2 else member,
            thread=thread,
            body=f"Reply {i} about sleep",
            reply_to=opening if i % 3 == 0 else None,
        )
    for i in range(25):
        make_thread(author=other_member, group=group, title=f"Other {i}")
    services.reaction_toggle(user=other_member, post=opening, kind="hug")
    ThreadReadState.objects.update_or_create(
        user=member, thread=thread, defaults={"last_read_post_id": opening.pk}
    )
    for _ in range(5):
        MembershipFactory(group=group)
    return {"thread": thread, "group": group}


def _plans(sql_list: list[str]) -> list[tuple[str, str]]:
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql in sql_list:
                cursor.execute("EXPLAIN " + sql)
                plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
        finally:
            cursor.execute("RESET enable_seqscan")
    return plans


def _captured(client, urls: list[str]) -> list[str]:
    selects = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        selects += [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT")
            and any(f'"{table}"' in q["sql"] for table in HOT_TABLES)
        ]
    return selects


def _seq_scans(plans) -> list[str]:
    bad = []
    for sql, plan in plans:
        for table in HOT_TABLES:
            if re.search(rf"Seq Scan on {table}\b", plan):
                bad.append(f"{table}: {sql[:300]}\n{plan}")
    return bad


def test_member_pages_use_indexes(client, data, member) -> None:
    thread = data["thread"]
    client.force_login(member)
    urls = [
        thread.get_absolute_url(),
        thread.get_absolute_url() + "?page=2",
        thread.get_absolute_url() + "?page=3",
        data["group"].get_absolute_url(),
        reverse("groups:directory"),
        reverse("groups:search") + "?q=sleep",
        reverse("accounts:notifications"),
    ]
    selects = _captured(client, urls)
    assert len(selects) >= 10  # the capture really saw the pages' queries
    assert _seq_scans(_plans(selects)) == []


def test_review_queue_uses_indexes(client, data, facilitator, member) -> None:
    from moderation.services.flags import flag_create

    post = data["thread"].posts.exclude(author=member).first()
    flag_create(reporter=member, post=post, reason="other", note="please look")
    signed_in_with_mfa(client, facilitator)
    selects = _captured(client, [reverse("moderation:review_queue")])
    assert selects
    assert _seq_scans(_plans(selects)) == []


def test_the_check_can_fail() -> None:
    """Without an index that fits, the plan shows a sequential scan and the check sees it."""
    plans = _plans(['SELECT * FROM "accounts_notification" WHERE "message" = \'x\''])
    assert _seq_scans(plans) and Notification._meta.db_table == "accounts_notification"

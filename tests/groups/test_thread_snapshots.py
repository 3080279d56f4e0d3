"""A thread page kept in the cache (groups/selectors/snapshots.py) is the page the
database gives, after any change to what it shows, however the change is made.

Each case below opens the page (kept), changes one thing through a service or straight
through the ORM (as the admin, an erasure or a script would, with no service to drop
anything), then checks that the next view, taken from the cache where it still may be,
is byte for byte the page read from the database with nothing kept. A version trigger
that misses a kind of change fails here: the old page would be shown."""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.services.blocks import member_block
from groups import services
from groups.models import Membership, Post, Reaction, Thread, ThreadPageVersion
from moderation.services.facilitator_notes import facilitator_note_add
from moderation.services.posts import post_hide
from tests.factories import MembershipFactory, make_thread

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pages are kept only on PostgreSQL"
    ),
]

# What differs between two views of one page by design: the CSRF token's mask, the CSP
# nonce, the moment the page was opened, the reply form's one-time submission id.
_PER_REQUEST = [
    (re.compile(r'value="[0-9a-f]{32}" id="id_submission"'), 'id="id_submission"'),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'data-opened-at="[^"]*"'), 'data-opened-at=""'),
]


def _view(client, url: str) -> tuple[str, list[str]]:
    """The page's HTML (per-request values blanked) and the SQL it ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    for pattern, blank in _PER_REQUEST:
        html = pattern.sub(blank, html)
    return html, [q["sql"] for q in ctx.captured_queries]


def _reads_posts(sqls: list[str]) -> bool:
    """Did the page read the thread's posts or count them (not: ask whether the reader
    has one awaiting approval, a subquery of the thread's query)?"""
    return any(
        sql.startswith(('SELECT "groups_post"."id"', 'SELECT COUNT(*) AS "n" FROM "groups_post"'))
        for sql in sqls
    )


def _from_database(client, url: str, settings) -> str:
    settings.HAVEN_THREAD_SNAPSHOTS = False
    try:
        return _view(client, url)[0]
    finally:
        settings.HAVEN_THREAD_SNAPSHOTS = True


def _same_as_database(client, url: str, settings) -> str:
    """View the page twice (the second from the cache if it may be) and check both
    against the page read from the database. Returns the page."""
    _view(client, url)  # moves the read marker, keeps the page
    kept, _ = _view(client, url)
    fresh = _from_database(client, url, settings)
    assert kept == fresh
    return kept


@pytest.fixture
def scene(group, facilitator, member, other_member):
    """A thread by ``other_member`` with replies, reactions, an anonymous reply and the
    facilitator's; ``member`` reads it."""
    group.allow_anonymous = True
    group.save()
    author = other_member
    thread = make_thread(author=author, group=group, title="Evenings are the hardest")
    opening = thread.posts.get()
    replies = [
        services.post_create(author=facilitator, thread=thread, body="Thank you for writing."),
        services.post_create(author=author, thread=thread, body="It helped to say it."),
        services.post_create(
            author=author, thread=thread, body="Some nights are worse.", anonymous=True
        ),
    ]
    services.reaction_toggle(user=facilitator, post=opening, kind=Reaction.Kind.HUG)
    return {
        "thread": thread,
        "opening": opening,
        "replies": replies,
        "author": author,
        "facilitator": facilitator,
        "member": member,
        "group": group,
    }


def _reply(s):
    services.post_create(author=s["facilitator"], thread=s["thread"], body="A new reply, late.")


def _reply_to_reply(s):
    services.post_create(
        author=s["member"], thread=s["thread"], body="Me too, nested.", reply_to=s["replies"][1]
    )


def _edit(s):
    services.post_edit(
        editor=s["author"],
        post=s["replies"][1],
        body="It helped to say it out loud.",
        content_warning="",
    )


def _delete(s):
    services.post_delete(actor=s["author"], post=s["replies"][1])


def _hide(s):
    post_hide(actor=s["facilitator"], post=s["replies"][1], reason="Checking a link")


def _remove_by_update(s):  # no service: as a script or the admin would
    Post.objects.filter(pk=s["replies"][1].pk).update(state=Post.State.REMOVED)


def _delete_row(s):
    Post.objects.filter(pk=s["replies"][2].pk).delete()


def _react(s):
    services.reaction_toggle(user=s["author"], post=s["replies"][0], kind=Reaction.Kind.THANK_YOU)


def _unreact(s):
    services.reaction_toggle(user=s["facilitator"], post=s["opening"], kind=Reaction.Kind.HUG)


def _reader_reacts(s):  # the reader's own reaction: theirs, not kept, but the count is
    services.reaction_toggle(user=s["member"], post=s["opening"], kind=Reaction.Kind.ME_TOO)


def _note(s):
    facilitator_note_add(
        actor=s["facilitator"], post=s["replies"][1], body="A vetted line on sleep."
    )


def _rename(s):
    User.objects.filter(pk=s["author"].pk).update(handle="renamed_tide")


def _retitle(s):
    User.objects.filter(pk=s["facilitator"].pk).update(professional_title="Clinical lead")


def _unverify(s):
    User.objects.filter(pk=s["facilitator"].pk).update(professional_title_verified=False)


def _make_facilitator(s):
    Membership.objects.filter(user=s["author"], group=s["group"]).update(
        role=Membership.Role.FACILITATOR
    )


def _stop_facilitating(s):
    Membership.objects.filter(user=s["facilitator"], group=s["group"]).delete()


def _facilitation_paused(s):  # the badge shows for active facilitators only
    Membership.objects.filter(user=s["facilitator"], group=s["group"]).update(
        status=Membership.Status.PENDING
    )


def _account_deleted(s):
    User.objects.get(pk=s["author"].pk).delete()


CHANGES: dict[str, Callable] = {
    "reply": _reply,
    "nested reply": _reply_to_reply,
    "edit": _edit,
    "author deletes": _delete,
    "facilitator hides": _hide,
    "removed by an UPDATE": _remove_by_update,
    "row deleted": _delete_row,
    "reaction added": _react,
    "reaction taken back": _unreact,
    "the reader's own reaction": _reader_reacts,
    "facilitator note": _note,
    "handle renamed": _rename,
    "title changed": _retitle,
    "title unverified": _unverify,
    "made a facilitator": _make_facilitator,
    "stops facilitating": _stop_facilitating,
    "facilitation paused": _facilitation_paused,
    "account deleted": _account_deleted,
}


@pytest.mark.parametrize("reader", ["member", "facilitator", "signed out"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_kept_page_is_the_database_page_after_each_change(
    client, scene, settings, change, reader
) -> None:
    if reader != "signed out":
        client.force_login(scene[reader])
    url = scene["thread"].get_absolute_url()
    before = _same_as_database(client, url, settings)
    # The page is kept: viewed again, its posts are not read from the database.
    html, sqls = _view(client, url)
    assert html == before
    assert not _reads_posts(sqls), "the page was not kept"
    CHANGES[change](scene)
    after = _same_as_database(client, url, settings)
    assert after != before, "the change shows on the page"


def test_a_post_awaiting_approval_shows_only_to_its_author_and_facilitators(
    client, scene, settings
) -> None:
    thread, member = scene["thread"], scene["member"]
    waiting = services.post_create(author=member, thread=thread, body="Waiting for a facilitator")
    Post.objects.filter(pk=waiting.pk).update(state=Post.State.PENDING)
    url = thread.get_absolute_url()
    outsider_view = MembershipFactory(group=scene["group"]).user
    for reader, sees in (
        (scene["facilitator"], True),  # kept for facilitators
        (outsider_view, False),  # kept for members: not theirs
        (member, True),  # the author's page is never kept, nor taken from the cache
        (outsider_view, False),
        (scene["facilitator"], True),
    ):
        client.force_login(reader)
        html = _same_as_database(client, url, settings)
        assert ("Waiting for a facilitator" in html) is sees, reader.handle
    client.force_login(member)
    _view(client, url)
    assert _reads_posts(_view(client, url)[1]), "the author's own page is read each time"


def test_a_block_changes_the_page_of_both_members_only(client, scene, settings) -> None:
    author, member = scene["author"], scene["member"]
    bystander = MembershipFactory(group=scene["group"]).user
    url = scene["thread"].get_absolute_url()
    client.force_login(bystander)
    kept = _same_as_database(client, url, settings)
    member_block(user=member, target=author)
    client.force_login(member)
    folded = _same_as_database(client, url, settings)
    assert "Post from a member you blocked" in folded
    assert _reads_posts(_view(client, url)[1]), "a member with a block reads the database"
    client.force_login(author)
    _same_as_database(client, url, settings)
    assert _reads_posts(_view(client, url)[1]), "a blocked member reads the database"
    client.force_login(bystander)
    html, sqls = _view(client, url)
    assert html == kept and not _reads_posts(sqls)
    assert "Post from a member you blocked" not in html


def _version(thread: Thread) -> int | None:
    row = ThreadPageVersion.objects.filter(thread_id=thread.pk).first()
    return row.version if row else None


def test_what_does_not_show_on_the_page_does_not_change_its_version(scene) -> None:
    thread = scene["thread"]
    version = _version(thread)
    assert version is not None
    MembershipFactory(group=scene["group"])  # a member joins: nothing of theirs shows
    User.objects.filter(pk=scene["author"].pk).update(bio="Changed my bio")
    services.thread_mark_read(
        user=scene["member"], thread=thread, up_to_post_id=scene["replies"][-1].pk
    )
    assert _version(thread) == version
    other = make_thread(author=scene["member"], group=scene["group"])
    assert _version(thread) == version, "another thread's post"
    assert _version(other) is not None
    _reply(scene)
    assert _version(thread) != version


def test_a_deleted_thread_leaves_no_version(scene) -> None:
    thread = scene["thread"]
    thread.delete()
    assert not ThreadPageVersion.objects.filter(thread_id=thread.pk).exists()


def test_the_page_is_read_from_the_database_when_the_cache_fails(
    client, scene, settings, monkeypatch
) -> None:
    from groups.selectors import snapshots

    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    client.force_login(scene["member"])
    url = scene["thread"].get_absolute_url()
    _view(client, url)  # moves the read marker
    fresh = _from_database(client, url, settings)
    monkeypatch.setattr(snapshots, "cache", Down())
    for _ in range(2):
        html, sqls = _view(client, url)
        assert html == fresh and _reads_posts(sqls)


def test_every_page_of_a_thread_is_kept_as_the_database_gives_it(client, scene, settings) -> None:
    settings.HAVEN_POSTS_PER_PAGE = 2
    thread = scene["thread"]
    for i in range(5):
        services.post_create(author=scene["member"], thread=thread, body=f"Reply number {i}")
    client.force_login(scene["facilitator"])
    url = thread.get_absolute_url()
    pages = {}
    # Past the end shows the last page; words are not kept but still answer.
    for page in ("", "?page=1", "?page=2", "?page=3", "?page=5", "?page=99", "?page=last"):
        pages[page] = _same_as_database(client, url + page, settings)
    assert pages[""] == pages["?page=1"] != pages["?page=2"]
    assert pages["?page=99"] == pages["?page=5"]
    assert "Reply number 4" in pages["?page=5"]

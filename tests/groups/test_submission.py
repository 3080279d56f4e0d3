"""The same form sent twice saves one post: a retry after a dropped connection (the server
committed, the answer never arrived), a second click, the browser's "resend". Each thread
and reply form carries a token of its own (``Post.submission``)."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from groups import services
from groups.models import Post, Thread
from groups.views.threads import ALREADY_SAVED
from tests.factories import make_thread

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="submission" value="([^"]+)"')


def _token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    found = TOKEN.findall(response.content.decode())
    assert len(found) == 1, found
    return found[0]


@pytest.mark.embedded
def test_every_form_shown_carries_a_new_token(client, group, member) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)
    reply_url = reverse("groups:post_reply", args=[thread.pk])
    tokens = [
        _token(client, thread.get_absolute_url()),  # the reply box under the thread
        _token(client, thread.get_absolute_url()),
        _token(client, reply_url),
        _token(client, reply_url),
        _token(client, reverse("groups:thread_create", args=[group.slug])),
    ]
    assert len(set(tokens)) == len(tokens)
    assert all(uuid.UUID(token) for token in tokens)


@pytest.mark.embedded
def test_a_reply_sent_twice_is_saved_once(client, group, member) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)
    url = reverse("groups:post_reply", args=[thread.pk])
    form = {"body": "Thank you all for listening", "submission": _token(client, url)}
    first = client.post(url, form)
    second = client.post(url, form)
    post = Post.objects.get(body=form["body"])
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == post.get_absolute_url()
    thread.refresh_from_db()
    assert thread.reply_count == 1
    followed = client.get(second["Location"], follow=True)
    assert ALREADY_SAVED in followed.content.decode()
    # A new form (a new token) with the same words is a new reply: people repeat themselves.
    client.post(url, {**form, "submission": _token(client, url)})
    assert Post.objects.filter(body=form["body"]).count() == 2


@pytest.mark.embedded
def test_a_thread_sent_twice_is_started_once(client, group, member) -> None:
    client.force_login(member)
    url = reverse("groups:thread_create", args=[group.slug])
    form = {"title": "A long night", "body": "Is anyone awake?", "submission": _token(client, url)}
    first = client.post(url, form)
    second = client.post(url, form)
    thread = Thread.objects.get(title="A long night")
    assert first["Location"] == second["Location"] == thread.get_absolute_url()
    assert Post.objects.filter(thread=thread).count() == 1


@pytest.mark.embedded
def test_a_token_is_the_members_own(client, group, member, other_member) -> None:
    """Another member's copy of the token (a shared page, a crafted request) saves their
    own reply: the token never hands out someone else's post."""
    thread = make_thread(author=member, group=group)
    token = str(uuid.uuid4())
    mine = services.post_create(author=member, thread=thread, body="mine", submission=token)
    theirs = services.post_create(
        author=other_member, thread=thread, body="theirs", submission=token
    )
    assert mine.pk != theirs.pk and theirs.author == other_member


@pytest.mark.embedded
@pytest.mark.parametrize("bad", ["not-a-uuid", "", "' OR 1=1 --", "0" * 64])
def test_a_bad_token_counts_as_none(client, group, member, bad) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)
    url = reverse("groups:post_reply", args=[thread.pk])
    for _ in range(2):
        response = client.post(url, {"body": "still here", "submission": bad})
        assert response.status_code == 302
    assert list(Post.objects.filter(body="still here").values_list("submission", flat=True)) == [
        None,
        None,
    ]


@pytest.mark.django_db(transaction=True)
def test_two_copies_sent_at_once_save_one_thread(group, member) -> None:
    """Concurrent copies of one form (a double click on a slow line) wait for each other
    on the member's row: one thread, and both answers name it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; the race needs PostgreSQL")
    token = uuid.uuid4()
    results: list = []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        try:
            thread = services.thread_create(
                author=member, group=group, title="Twice", body="once", submission=token
            )
            results.append(thread.pk)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert len(results) == 2 and len(set(results)) == 1
    assert Thread.objects.filter(title="Twice").count() == 1

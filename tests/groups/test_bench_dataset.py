"""The benchmark dataset generator (``manage.py bench_dataset``) at a tiny scale: the rows
it writes are the rows the services would have written, and the two known accounts can
use the pages a benchmark drives."""

import json
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Max
from django.urls import reverse

from accounts.models import User
from groups import bench_dataset as bench
from groups import selectors, services
from groups.models import (
    MAX_TREE_DEPTH,
    PATH_DIGITS,
    Membership,
    Post,
    Reaction,
    SupportGroup,
    Thread,
    ThreadReadState,
)
from moderation.models import Flag, ReviewItem
from tests.factories import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def manifest(tmp_path) -> dict:
    path = tmp_path / "bench.json"
    call_command("bench_dataset", scale=0.001, seed=7, manifest=path, quiet=True)
    return json.loads(path.read_text())


def _check_counts(manifest: dict) -> None:
    counts = manifest["counts"]
    assert SupportGroup.objects.count() == counts["groups"] >= 2
    assert User.objects.count() == counts["members"] + 2  # and the two bench accounts
    assert Thread.objects.count() == counts["threads"]
    assert Post.objects.count() == counts["posts"] == 1000
    assert Post.objects.filter(thread_id=manifest["big_thread_id"]).count() == 30
    assert counts["big_thread_posts"] == 30
    assert Reaction.objects.count() == counts["reactions"]
    assert Flag.objects.count() == counts["flags"]
    assert Flag.objects.filter(state=Flag.State.OPEN).count() == counts["open_flags"] >= 2


def _check_threads() -> None:
    threads = Thread.objects.annotate(
        posts_n=Count("posts"), newest=Max("posts__id"), latest=Max("posts__created_at")
    )
    for thread in threads:
        assert thread.reply_count == thread.posts_n - 1, thread.pk
        assert thread.last_post_id == thread.newest, thread.pk
        assert thread.last_activity_at == thread.latest, thread.pk
    # Exactly one opening post per thread, and it is the thread's first.
    openings = Post.objects.filter(is_opening=True).values_list("thread_id", "id")
    assert len(openings) == len({thread_id for thread_id, _ in openings}) == threads.count()
    for thread_id, post_id in openings:
        assert not Post.objects.filter(thread_id=thread_id, id__lt=post_id).exists()


def _check_paths() -> None:
    posts = {p.pk: p for p in Post.objects.all()}
    capped = 0
    for post in posts.values():
        own = f"{post.pk:0{PATH_DIGITS}d}"
        assert post.depth == post.path.count("/")
        if post.parent_id is None:
            assert post.path == own and post.depth == 0
        else:
            parent = posts[post.parent_id]
            assert parent.thread_id == post.thread_id and parent.pk < post.pk
            assert post.path == f"{parent.path}/{own}"
            assert post.depth == parent.depth + 1 < MAX_TREE_DEPTH
        if post.reply_to_id is None:
            assert post.parent_id is None
        elif post.reply_to_id != post.parent_id:
            # Past the deepest level a reply becomes its target's sibling.
            target = posts[post.reply_to_id]
            assert target.depth == MAX_TREE_DEPTH - 1
            assert post.parent_id == target.parent_id
            capped += 1
    assert capped, "the big thread's long back-and-forth reaches the depth limit"


def test_bench_dataset_counts_match_the_manifest(manifest):
    _check_counts(manifest)
    assert (
        manifest["big_thread_url"]
        == Thread.objects.get(pk=manifest["big_thread_id"]).get_absolute_url()
    )
    big = Thread.objects.get(pk=manifest["big_thread_id"])
    assert big.group.slug == manifest["big_thread_group_slug"]
    assert manifest["normal_group_slug"] != manifest["big_thread_group_slug"]
    assert SupportGroup.objects.filter(slug=manifest["normal_group_slug"]).exists()


def test_bench_dataset_threads_keep_their_counters(manifest):
    _check_threads()


def test_bench_dataset_paths_are_what_replies_get(manifest):
    _check_paths()


def test_bench_dataset_rows_follow_the_models_rules(manifest):
    # Bodies come from a pool, rendered once each through the project's pipeline.
    for body, html in Post.objects.values_list("body", "body_html").distinct()[:50]:
        assert html == services.render_body(body)
    assert Post.objects.values("body").distinct().count() > 50
    assert not Post.objects.exclude(state=Post.State.PUBLISHED).exists()
    # Reactions: never on one's own post, unique per (post, user, kind).
    assert not Reaction.objects.filter(user_id=F("post__author_id")).exists()
    # Every author is an active member of the thread's group.
    for author_id, group_id in Post.objects.values_list("author_id", "thread__group_id").distinct():
        assert Membership.objects.filter(
            user_id=author_id, group_id=group_id, status=Membership.Status.ACTIVE
        ).exists()
    # Every flag sits in one review item about its post; open flags, open items.
    for flag in Flag.objects.select_related("review_item"):
        assert flag.review_item.post_id == flag.post_id
        assert (flag.state == Flag.State.OPEN) == (flag.review_item.state == "open")
    # Handles and e-mails are unique and every member has a verified address.
    users = User.objects.all()
    assert users.values("handle").distinct().count() == users.count()
    assert all(u.emailaddress_set.filter(verified=True).exists() for u in users[:100])


def test_bench_dataset_sequences_continue_after_copy(manifest, client):
    member = User.objects.get(email=bench.BENCH_MEMBER_EMAIL)
    thread = Thread.objects.get(pk=manifest["big_thread_id"])
    newest = Post.objects.aggregate(m=Max("id"))["m"]
    post = services.post_create(author=member, thread=thread, body="Thank you all for this.")
    assert post.pk == newest + 1
    thread.refresh_from_db()
    assert thread.reply_count == 30 and thread.last_post_id == post.pk


def test_bench_dataset_refuses_a_non_empty_database(manifest, tmp_path):
    with pytest.raises(CommandError, match="already holds"):
        call_command("bench_dataset", scale=0.001, quiet=True)


def test_bench_member_logs_in_and_reads_the_big_thread(manifest, client):
    response = client.post(
        reverse("account_login"),
        {"login": manifest["member_email"], "password": manifest["password"]},
    )
    assert response.status_code == 302
    assert response.url == reverse("groups:directory")
    member = User.objects.get(email=manifest["member_email"])
    state = ThreadReadState.objects.get(user=member, thread_id=manifest["big_thread_id"])
    assert state.last_read_post_id == manifest["member_last_read_post_id"]
    assert Reaction.objects.filter(user=member, post__thread_id=manifest["big_thread_id"]).exists()

    response = client.get(manifest["big_thread_url"])
    assert response.status_code == 200
    opening = Post.objects.get(thread_id=manifest["big_thread_id"], is_opening=True)
    assert opening.body_html in response.content.decode()


def test_bench_facilitator_logs_in_and_sees_the_open_flags(manifest, client):
    response = client.post(
        reverse("account_login"),
        {"login": manifest["facilitator_email"], "password": manifest["password"]},
    )
    # Moderators have two-factor authentication: the code comes from the manifest's secret.
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(manifest["facilitator_totp_secret"])}
    )
    assert response.status_code == 302

    response = client.get(reverse("moderation:review_queue"))
    assert response.status_code == 200
    group = SupportGroup.objects.get(slug=manifest["big_thread_group_slug"])
    open_items = ReviewItem.objects.filter(
        group=group, state=ReviewItem.State.OPEN, kind=ReviewItem.Kind.FLAGGED_POST
    )
    assert open_items.count() >= 2
    assert response.context["page"].paginator.count == open_items.count()
    assert {i.pk for i in response.context["page"].object_list} <= set(
        open_items.values_list("pk", flat=True)
    )


def test_bench_dataset_search_finds_words_from_the_bodies(manifest, client):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search needs PostgreSQL")
    assert not Post.objects.filter(search_vector__isnull=True).exists()
    member = User.objects.get(email=manifest["member_email"])
    source = Post.objects.filter(thread_id=manifest["big_thread_id"], is_opening=False).first()
    word = max(re.findall(r"[A-Za-z]{6,}", source.body), key=len)
    matching = Post.objects.filter(search_vector=SearchQuery(word, config="english"))
    assert source in matching
    assert selectors.search(member, q=word).results

    client.force_login(member)
    response = client.get(reverse("groups:search"), {"q": word})
    assert response.status_code == 200
    assert "<mark>" in response.content.decode()


@pytest.mark.embedded
def test_bench_dataset_builds_on_either_database(tmp_path):
    path = tmp_path / "bench.json"
    call_command("bench_dataset", scale=0.001, seed=3, manifest=path, quiet=True)
    manifest = json.loads(path.read_text())
    _check_counts(manifest)
    _check_threads()
    _check_paths()

"""Querysets kept compiled (supportforum.prepared): the same rows and objects as the ORM,
compiled once per shape, and refused or caught where the kept SQL could be wrong."""

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import Block
from groups import selectors, services
from groups.models import Post
from supportforum.prepared import Prepared, PreparedMismatch

from .factories import make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def _posts(ordered_by: str, *, thread_id: int, viewer_id: int):
    return (
        Post.objects.filter(thread_id=thread_id)
        .select_related("author", "reply_to__author")
        .defer("body", "author__email")
        .annotate(
            author_blocked=Exists(
                Block.objects.filter(blocker_id=viewer_id, blocked_id=OuterRef("author_id"))
            )
        )
        .order_by(ordered_by)[:10]
    )


@pytest.fixture
def two_threads(group, member, other_member):
    first = make_thread(author=member, group=group, title="First")
    second = make_thread(author=other_member, group=group, title="Second")
    for thread, who in ((first, other_member), (second, member)):
        opening = thread.posts.get()
        services.post_create(author=who, thread=thread, body="A reply", reply_to=opening)
    Block.objects.create(blocker=member, blocked=other_member)
    return first, second


def _same(kept: list[Post], orm: list[Post]) -> None:
    assert [p.pk for p in kept] == [p.pk for p in orm]
    for a, b in zip(kept, orm, strict=True):
        assert a.__dict__.keys() - {"_state"} == b.__dict__.keys() - {"_state"}
        assert a.author_blocked == b.author_blocked
        assert a.author.handle == b.author.handle
        assert a.get_deferred_fields() == b.get_deferred_fields() == {"body"}
        if b.reply_to_id:
            assert a.reply_to.author.handle == b.reply_to.author.handle
        else:
            assert a.reply_to is None


def test_prepared_objects_are_the_orm_objects_for_each_value(
    two_threads, member, other_member, django_assert_num_queries
) -> None:
    kept = Prepared("test posts", Post, _posts)
    for thread in two_threads:
        for viewer in (member, other_member):
            with django_assert_num_queries(1):
                found = kept.objects(("path",), thread_id=thread.pk, viewer_id=viewer.pk)
            _same(found, list(_posts("path", thread_id=thread.pk, viewer_id=viewer.pk)))
    blocked = kept.objects(("path",), thread_id=two_threads[0].pk, viewer_id=member.pk)
    assert [p.author_blocked for p in blocked] == [False, True]  # the reply is the blocked one


def test_prepared_compiles_once_per_shape(two_threads, member, settings) -> None:
    settings.HAVEN_PREPARED_CHECK = False
    built = []

    def build(ordered_by, **values):
        built.append(values)
        return _posts(ordered_by, **values)

    kept = Prepared("test posts", Post, build)
    for thread in two_threads:
        kept.objects(("path",), thread_id=thread.pk, viewer_id=member.pk)
    kept.objects(("-path",), thread_id=two_threads[0].pk, viewer_id=member.pk)
    assert len(built) == 2  # one per ordering; the second thread reused the first's SQL
    assert all(v["thread_id"] < 0 for v in built)  # built with sentinels, not real ids


def test_prepared_rows_of_values_list(two_threads, member) -> None:
    def counts(*, ids):
        return (
            Post.objects.filter(thread_id__in=ids)
            .values("thread_id")
            .annotate(n=Count("*"))
            .order_by("thread_id")
            .values_list("thread_id", "n")
        )

    kept = Prepared("test counts", Post, counts)
    ids = [t.pk for t in two_threads]
    assert kept.rows(ids=ids) == [(ids[0], 2), (ids[1], 2)]
    assert kept.rows(ids=ids[:1]) == [(ids[0], 2)]  # another length, another shape

    def flat(*, thread_id):
        return Post.objects.filter(thread_id=thread_id).order_by("pk").values_list("pk", flat=True)

    kept_flat = Prepared("test flat", Post, flat)
    assert kept_flat.rows(thread_id=ids[1]) == list(flat(thread_id=ids[1]))


def test_prepared_refuses_a_value_the_sql_holds_as_text(two_threads) -> None:
    def sliced(*, thread_id, limit):
        return Post.objects.filter(thread_id=thread_id)[:limit]  # LIMIT is not a parameter

    def written(*, thread_id):
        return Post.objects.filter(thread_id=thread_id).annotate(
            echo=RawSQL(f"SELECT {thread_id}", ())  # noqa: S611 (an int, for the test)
        )

    def unused(*, thread_id, viewer_id):
        return Post.objects.filter(thread_id=thread_id)

    thread_id = two_threads[0].pk
    with pytest.raises(TypeError, match="part of the shape"):
        Prepared("test sliced", Post, sliced).objects(thread_id=thread_id, limit=5)
    with pytest.raises(TypeError, match="written into its text"):
        Prepared("test written", Post, written).objects(thread_id=thread_id)
    with pytest.raises(TypeError, match="viewer_id"):
        Prepared("test unused", Post, unused).objects(thread_id=thread_id, viewer_id=1)


def test_prepared_check_catches_sql_that_depends_on_a_value(two_threads, settings) -> None:
    """A builder that changes its query for some values cannot be kept: with the check
    (on for the whole suite) the difference fails loudly instead of answering wrongly."""

    def wrong(*, thread_id):
        posts = Post.objects.filter(thread_id=thread_id)
        return posts.filter(is_opening=True) if thread_id > 0 else posts

    kept = Prepared("test wrong", Post, wrong)
    with pytest.raises(PreparedMismatch):
        kept.objects(thread_id=two_threads[0].pk)


def test_prepared_takes_ints_only_and_answers_none_for_ids_out_of_range(two_threads) -> None:
    kept = Prepared("test posts", Post, _posts)
    if connection.vendor == "postgresql":  # Django's SQLite backend raises OverflowError
        assert kept.objects(("path",), thread_id=2**70, viewer_id=1) == []
    with pytest.raises(TypeError, match="int"):
        kept.objects(("path",), thread_id="1", viewer_id=1)


def test_thread_for_answers_not_found_for_ids_that_are_not_numbers(member, group) -> None:
    thread = make_thread(author=member, group=group)
    assert selectors.thread_for(member, str(thread.pk)) == thread
    for bad in ("abc", None, "1e3", 2**70):
        with pytest.raises(Http404):
            selectors.thread_for(member, bad)


def test_thread_page_counts_and_pages_with_kept_queries(group, member, settings) -> None:
    settings.HAVEN_POSTS_PER_PAGE = 20
    thread = make_thread(author=member, group=group)
    opening = thread.posts.get()
    for i in range(24):
        services.post_create(author=member, thread=thread, body=f"Reply {i}", reply_to=opening)
    first = selectors.thread_page(member, thread, page=1)
    last = selectors.thread_page(member, thread, page=2)
    assert first.page.paginator.count == 25 and first.page.paginator.num_pages == 2
    shown = [pv.post.pk for pv in first.posts + last.posts]
    assert shown == list(thread.posts.order_by("path").values_list("pk", flat=True))

"""The thread page's kept post HTML (issue 8): a card holds everything a post's HTML is
made of, so kept HTML never crosses from one reader to another who should see less, and
pages read from either end of a thread come out in the same order."""

import re

import pytest
from django.test import Client, RequestFactory

from groups import services
from groups.models import Post, Reaction
from groups.templatetags.groups_tags import _post_html
from moderation.services import posts as moderation_services
from supportforum.views import bench_hello, bench_one_query
from tests.factories import MembershipFactory, make_rule, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_post(group, member, other_member):
    group.allow_anonymous = True
    group.save()
    thread = make_thread(author=other_member, group=group)
    post = services.post_create(
        author=member, thread=thread, body="I have not told anyone yet.", anonymous=True
    )
    return post


@pytest.mark.parametrize("facilitator_first", [True, False])
def test_post_html_kept_html_never_shows_a_member_who_wrote_an_anonymous_post(
    anonymous_post, member, other_member, mod_client, facilitator_first
) -> None:
    _post_html.cache_clear()
    url = anonymous_post.thread.get_absolute_url()
    reader = Client()
    reader.force_login(other_member)
    pages = {}
    for who in ("facilitator", "member") if facilitator_first else ("member", "facilitator"):
        client = mod_client if who == "facilitator" else reader
        pages[who] = client.get(url).content.decode()
    assert f"{member.handle} (posted anonymously)" in pages["facilitator"]
    assert "Moderate</a>" in pages["facilitator"]
    assert member.handle not in pages["member"]
    assert "Anonymous member" in pages["member"]
    assert "Moderate</a>" not in pages["member"]
    # The same reader gets the same post whether it was kept or rendered anew.
    kept = reader.get(url).content.decode()
    _post_html.cache_clear()
    fresh = reader.get(url).content.decode()
    post_html = re.compile(r'<article class="post.*?</article>', re.S)

    def posts(page: str) -> list[str]:  # the CSRF token is masked anew on every request
        return post_html.findall(re.sub(r'csrfmiddlewaretoken" value="\w+"', "", page))

    assert posts(kept) == posts(fresh)
    assert len(posts(kept)) == 2


def test_post_html_counts_move_with_a_new_reaction(anonymous_post, other_member, group) -> None:
    _post_html.cache_clear()
    client = Client()
    client.force_login(other_member)
    url = anonymous_post.thread.get_absolute_url()
    assert "Hug · 1" not in client.get(url).content.decode()
    giver = MembershipFactory(group=group).user
    Reaction.objects.create(post=anonymous_post, user=giver, kind="hug")
    assert "Hug · 1" in client.get(url).content.decode()


def test_post_html_forms_carry_this_requests_csrf_token(anonymous_post, other_member) -> None:
    """Kept HTML holds no token: each page gets its reader's, and it is accepted."""
    _post_html.cache_clear()
    first = Client(enforce_csrf_checks=True)
    first.force_login(other_member)
    url = anonymous_post.thread.get_absolute_url()
    first.get(url)  # the HTML is kept now
    second = Client(enforce_csrf_checks=True)
    second.force_login(other_member)
    page = second.get(url).content.decode()
    react = re.search(
        rf'action="/p/{anonymous_post.pk}/react/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
        re.S,
    )
    assert react, "the reaction form has its token"
    response = second.post(
        f"/p/{anonymous_post.pk}/react/",
        {"kind": "hug", "csrfmiddlewaretoken": react.group(1)},
    )
    assert response.status_code in (200, 302)
    assert Reaction.objects.filter(post=anonymous_post, user=other_member, kind="hug").exists()


def test_thread_pages_from_either_end_keep_tree_order(group, member, other_member, client) -> None:
    """Pages past the middle are read from the end (ORDER BY path DESC); all pages
    together are the thread in tree order, each post once."""
    thread = make_thread(author=member, group=group)
    posts = list(thread.posts.all())
    for i in range(52):
        reply_to = posts[i // 2] if i % 3 == 0 else None
        posts.append(
            services.post_create(
                author=other_member if i % 2 else member,
                thread=thread,
                body=f"reply {i}",
                reply_to=reply_to,
            )
        )
    client.force_login(member)
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"{thread.get_absolute_url()}?page={page}").content.decode()
        seen += [int(pk) for pk in re.findall(r'<article class="post[^"]*" id="post-(\d+)"', html)]
    in_tree_order = list(thread.posts.order_by("path").values_list("pk", flat=True))
    assert len(in_tree_order) == 53
    assert seen == in_tree_order


def test_bench_views_are_not_routed_unless_asked(client, group) -> None:
    assert client.get("/bench/hello/").status_code == 404
    assert client.get("/bench/one-query/").status_code == 404
    factory = RequestFactory()
    assert bench_hello(factory.get("/")).content == b"Hello, world"
    assert bench_one_query(factory.get("/", {"slug": group.slug})).content.decode() == group.name
    assert bench_one_query(factory.get("/", {"slug": "no-such"})).content == b""


def test_post_card_of_a_removed_post_shows_no_body_to_members(
    anonymous_post, other_member, mod_client, facilitator
) -> None:
    rule = make_rule(anonymous_post.thread.group)
    moderation_services.post_remove(actor=facilitator, post=anonymous_post, rule=rule)
    anonymous_post.refresh_from_db()
    assert anonymous_post.state == Post.State.REMOVED
    client = Client()
    client.force_login(other_member)
    page = client.get(anonymous_post.thread.get_absolute_url()).content.decode()
    assert "I have not told anyone yet." not in page
    assert "This post was removed by a facilitator." in page
    assert (
        "I have not told anyone yet."
        in mod_client.get(anonymous_post.thread.get_absolute_url()).content.decode()
    )

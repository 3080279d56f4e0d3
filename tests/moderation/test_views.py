import pytest
from django.urls import reverse

from moderation.models import Flag
from tests.factories import make_thread

pytestmark = pytest.mark.django_db


def test_member_flags_a_post_without_javascript(client, group, member, other_member) -> None:
    post = make_thread(author=member, group=group).posts.get()
    client.force_login(other_member)
    thread_html = client.get(post.thread.get_absolute_url()).content.decode()
    url = reverse("moderation:flag_create", args=[post.pk])
    assert f'href="{url}"' in thread_html
    page = client.get(url).content.decode()
    assert "Misinformation" in page and 'type="radio"' in page
    response = client.post(url, {"reason": "misinformation", "note": "risky advice"}, follow=True)
    assert "A facilitator will look at this post" in response.content.decode()
    assert Flag.objects.get().reporter == other_member


def test_author_sees_no_flag_link_and_cannot_flag(client, group, member) -> None:
    post = make_thread(author=member, group=group).posts.get()
    client.force_login(member)
    url = reverse("moderation:flag_create", args=[post.pk])
    assert f'href="{url}"' not in client.get(post.thread.get_absolute_url()).content.decode()
    response = client.post(url, {"reason": "spam"})
    assert "can&#x27;t flag your own post" in response.content.decode()
    assert not Flag.objects.exists()


def test_flag_without_reason_shows_message(client, group, member, other_member) -> None:
    post = make_thread(author=member, group=group).posts.get()
    client.force_login(other_member)
    response = client.post(reverse("moderation:flag_create", args=[post.pk]), {"reason": ""})
    assert "Please choose a reason." in response.content.decode()
    assert not Flag.objects.exists()


def test_hidden_post_shows_placeholder_to_members(client, group, member, facilitator) -> None:
    from moderation.services import flags as services

    post = make_thread(author=member, group=group, body="the original words").posts.get()
    services.flag_create(reporter=facilitator, post=post, reason="harassment")
    client.logout()
    html = client.get(post.thread.get_absolute_url()).content.decode()
    assert "hidden while a facilitator reviews it" in html and "the original words" not in html


def test_flag_dialog_with_htmx_answers_in_place(client, group, member, other_member) -> None:
    post = make_thread(author=member, group=group).posts.get()
    client.force_login(other_member)
    url = reverse("moderation:flag_create", args=[post.pk])
    thread_page = client.get(post.thread.get_absolute_url()).content.decode()
    assert f'hx-get="{url}"' in thread_page and f'id="flag-slot-{post.pk}"' in thread_page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and f'hx-post="{url}"' in fragment
    invalid = client.post(url, {"note": "x"}, headers={"HX-Request": "true"}).content.decode()
    assert "Please choose a reason." in invalid and "<html" not in invalid
    done = client.post(url, {"reason": "spam"}, headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert "A facilitator will look at this post" in done.content.decode()
    assert Flag.objects.get().reporter == other_member

"""The notifications page: counts, links to the exact post, anonymous actors unnamed,
and a fixed number of queries."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Notification
from groups import services as group_services
from tests.factories import make_thread

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def test_page_shows_count_actor_and_exact_post_link(client, group, member, other_member):
    thread = make_thread(author=member, group=group)
    post = group_services.post_create(author=other_member, thread=thread, body="hi")
    Notification.objects.all().delete()
    for _ in range(3):
        services.notify(
            recipient=member,
            kind=Kind.REACTIONS,
            message="3 members sent a hug",
            actor=other_member,
            post=post,
            key=f"reactions:{post.pk}",
        )
    client.force_login(member)
    html = client.get(reverse("accounts:notifications")).content.decode()
    assert "3 members sent a hug" in html and "3 updates" in html
    assert f'value="{post.get_absolute_url()}"' in html
    assert "latest from slow_tide" in html


def test_page_never_names_the_actor_of_an_anonymous_post(client, group, member, other_member):
    group.allow_anonymous = True
    group.save()
    thread = make_thread(author=member, group=group)
    post = group_services.post_create(author=other_member, thread=thread, body="x", anonymous=True)
    services.notify(
        recipient=member,
        kind=Kind.MENTION,
        message="Someone mentioned you",
        actor=other_member,
        post=post,
    )
    client.force_login(member)
    html = client.get(reverse("accounts:notifications")).content.decode()
    assert "Someone mentioned you" in html and other_member.handle not in html


def test_page_query_count_is_fixed(client, group, member, other_member):
    thread = make_thread(author=member, group=group)
    post = group_services.post_create(author=other_member, thread=thread, body="hi")
    client.force_login(member)

    def load() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:notifications")).status_code == 200
        return len(queries)

    few = load()
    for n in range(5):
        services.notify(
            recipient=member, kind=Kind.MENTION, message=f"m{n}", actor=other_member, post=post
        )
    assert load() == few


def test_mark_all_read(client, member) -> None:
    for kind in (Kind.REPLY, Kind.MENTION):
        services.notify(recipient=member, kind=kind, message="x")
    client.force_login(member)
    client.post(reverse("accounts:notifications_read"))
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()

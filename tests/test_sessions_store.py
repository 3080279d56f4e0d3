"""Sessions with Redis gone (supportforum/sessions.py): a signed-in member still reads,
posts and signs out, from the database. The fault suite stops a real Redis for a minute;
these tests point the cache at a port where nothing listens."""

import pytest
from django.urls import reverse

from groups.models import Post
from supportforum.sessions import SessionStore
from tests.factories import make_thread
from tests.moderation.celery_worker import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "supportforum.redis_pool.SharedRedisCache",
            "LOCATION": dead,
            "KEY_PREFIX": "down",
        }
    }
    settings.SESSION_ENGINE = "supportforum.sessions"


def test_the_store_reads_saves_and_deletes_from_the_database(cache_down, caplog) -> None:
    store = SessionStore()
    store["note"] = "kept"
    store.save()
    again = SessionStore(store.session_key)
    assert again.load() == {"note": "kept"}
    assert again.exists(store.session_key)
    again.delete()
    assert not SessionStore().exists(store.session_key)
    assert SessionStore(store.session_key).load() == {}
    assert "cache is unavailable" in caplog.text or "not from the cache" in caplog.text


def test_a_member_reads_replies_and_signs_out_with_the_cache_down(
    cache_down, client, group, member
) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200 and member.handle in page.content.decode()
    reply = client.post(reverse("groups:post_reply", args=[thread.pk]), {"body": "still here"})
    assert reply.status_code == 302
    assert Post.objects.filter(body="still here", author=member).exists()
    client.post(reverse("account_logout"))
    assert client.get(reverse("groups:post_reply", args=[thread.pk])).status_code == 302

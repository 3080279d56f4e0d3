"""Haven keeps no IP addresses: a member's whole first visit (sign up, confirm, sign in,
post, reply, flag, react, search) leaves neither the connecting address nor a forwarded
one in any table, and no model has a field meant for one."""

import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.models import User
from groups.models import Post, Reaction, Thread
from moderation.models import Flag
from tests.accounts.test_data import _rows_mentioning
from tests.factories import make_thread

pytestmark = pytest.mark.django_db

REMOTE_ADDR = "203.0.113.77"
FORWARDED_FOR = "198.51.100.23"
EMAIL = "tide.pool@example.org"
PASSWORD = "a kind and long passphrase"


def _visit(client: Client) -> User:
    """Everything a new member does on a first evening, through the pages."""
    signup = client.post(
        "/accounts/signup/",
        {
            "email": EMAIL,
            "username": "tide_pool",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_guidelines": "on",
        },
    )
    assert signup.status_code == 302
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    assert confirm, mail.outbox[-1].body
    assert client.post(confirm.group(1)).status_code == 302
    client.post("/accounts/logout/")
    wrong = client.post("/accounts/login/", {"login": EMAIL, "password": "not the password"})
    assert wrong.status_code == 200
    signed_in = client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    assert "/accounts/confirm-email/" not in signed_in["Location"]
    return User.objects.get(email=EMAIL)


def test_a_first_visit_stores_no_ip_address(group, other_member) -> None:
    others_post = make_thread(author=other_member, group=group, title="Evenings").posts.get()
    client = Client(
        REMOTE_ADDR=REMOTE_ADDR, HTTP_X_FORWARDED_FOR=FORWARDED_FOR, HTTP_X_REAL_IP=FORWARDED_FOR
    )
    user = _visit(client)
    join = client.post(reverse("groups:group_join", args=[group.slug]), {"accept_guidelines": "on"})
    assert join.status_code == 302
    created = client.post(
        reverse("groups:thread_create", args=[group.slug]),
        {
            "title": "Hello from the tide",
            "body": "First time here, sleep is hard.",
            "content_warning": "",
        },
    )
    assert created.status_code == 302
    thread = Thread.objects.get(author=user)
    replied = client.post(
        reverse("groups:post_reply", args=[thread.pk]),
        {"body": "Thank you all for reading.", "content_warning": ""},
    )
    assert replied.status_code == 302
    flagged = client.post(
        reverse("moderation:flag_create", args=[others_post.pk]),
        {"reason": "other", "note": "This worried me a little."},
    )
    assert flagged.status_code in (200, 302)
    client.post(reverse("groups:post_react", args=[others_post.pk]), {"kind": "hug"})
    assert client.get(reverse("groups:search"), {"q": "sleep"}).status_code == 200

    # Each step really happened, so the search below looks at a database that holds them.
    assert Post.objects.filter(author=user).count() == 2
    assert Flag.objects.filter(reporter=user).exists()
    assert Reaction.objects.filter(user=user).exists()
    assert Session.objects.exists()
    assert _rows_mentioning(user.handle), "the all-tables search must find a known value"

    assert _rows_mentioning(REMOTE_ADDR, FORWARDED_FOR) == []
    # Session data is signed and encoded, so the search above cannot read it: decode it.
    for session in Session.objects.all():
        decoded = repr(session.get_decoded())
        assert REMOTE_ADDR not in decoded and FORWARDED_FOR not in decoded


def test_no_model_has_an_ip_address_field() -> None:
    found = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.GenericIPAddressField)
    ]
    # allauth.usersessions' list of a member's sessions has a required address column that
    # cannot be configured away: Haven stores only a placeholder in it (accounts/adapter.py,
    # NO_IP; tests/accounts/test_sessions.py checks the rows), and the first-visit test
    # above searches every table for the real addresses.
    assert found == ["usersessions.UserSession.ip"]

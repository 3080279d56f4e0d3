"""The personal-information guard on posting: the member is warned with the parts
highlighted and nothing is saved until they edit or confirm; crisis posts are saved (and
alert) but held; facilitators and the site's crisis lines are not flagged."""

from datetime import date

import pytest
from django.urls import reverse

from groups import services as group_services
from groups.models import Post
from moderation.models import CrisisAlert, CrisisLine, ReviewItem
from moderation.services.personal import CRISIS_HOLD, PersonalInformationFound
from tests.factories import CRISIS_TEXT, make_thread

pytestmark = pytest.mark.usefixtures("fresh_lexicon")

PHONE_TEXT = "Happy to talk more, my number is 07700 900123 or jo.smith@example.com"


@pytest.fixture
def thread(member, group):
    return make_thread(author=member, group=group, title="Evenings")


def test_reply_with_personal_information_warns_and_saves_nothing(client, other_member, thread):
    client.force_login(other_member)
    url = reverse("groups:post_reply", args=[thread.pk])
    before = Post.objects.count()
    response = client.post(url, {"body": PHONE_TEXT})
    page = response.content.decode()
    assert response.status_code == 200
    assert Post.objects.count() == before
    assert "a phone number and an e-mail address" in page
    assert '<mark title="a phone number">07700 900123</mark>' in page
    assert '<mark title="an e-mail address">jo.smith@example.com</mark>' in page
    assert 'type="checkbox" name="personal_ok"' in page
    assert PHONE_TEXT in page  # the text is kept in the form to edit

    confirmed = client.post(url, {"body": PHONE_TEXT, "personal_ok": "on"})
    assert confirmed.status_code == 302
    post = Post.objects.latest("pk")
    assert post.body == PHONE_TEXT and post.state == Post.State.PUBLISHED


def test_the_warning_escapes_what_the_member_wrote(client, other_member, thread):
    client.force_login(other_member)
    body = "<script>alert(1)</script> call me on +44 7700 900123"
    page = client.post(reverse("groups:post_reply", args=[thread.pk]), {"body": body})
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_new_thread_and_edit_are_guarded_too(client, member, group, thread):
    client.force_login(member)
    response = client.post(
        reverse("groups:thread_create", args=[group.slug]),
        {"title": "Find me on insta @jo.smith99", "body": "Hello all"},
    )
    assert "a social-media handle or profile link" in response.content.decode()
    opening = thread.posts.get(is_opening=True)
    edit = client.post(
        reverse("groups:post_edit", args=[opening.pk]),
        {"body": "I live at 221B Baker Street", "content_warning": ""},
    )
    assert "a street address" in edit.content.decode()
    opening.refresh_from_db()
    assert "Baker Street" not in opening.body


def test_service_refuses_unconfirmed_and_accepts_confirmed(other_member, thread):
    with pytest.raises(PersonalInformationFound) as found:
        group_services.post_create(
            author=other_member, thread=thread, body=PHONE_TEXT, personal_ok=False
        )
    assert [f.kind for f in found.value.findings["body"]] == ["phone", "email"]
    post = group_services.post_create(
        author=other_member, thread=thread, body=PHONE_TEXT, personal_ok=True
    )
    assert post.state == Post.State.PUBLISHED


def test_crisis_post_with_personal_information_is_saved_held_and_alerts(other_member, thread):
    body = f"{CRISIS_TEXT} If anyone wants to reach me: 07700 900123"
    post = group_services.post_create(
        author=other_member, thread=thread, body=body, personal_ok=False
    )
    assert post.state == Post.State.PENDING  # not public with the phone number in it
    assert CrisisAlert.objects.filter(post=post).exists()  # the alert did not wait
    held = ReviewItem.objects.get(post=post, kind=ReviewItem.Kind.PENDING_POST)
    assert CRISIS_HOLD in held.reason


def test_facilitators_and_the_sites_crisis_lines_are_not_flagged(facilitator, other_member, thread):
    service = "Samaritans: 116 123, or our service's line 0300 555 0199"
    with pytest.raises(PersonalInformationFound):  # a member would be asked
        group_services.post_create(
            author=other_member, thread=thread, body=service, personal_ok=False
        )
    post = group_services.post_create(
        author=facilitator, thread=thread, body=service, personal_ok=False
    )
    assert post.state == Post.State.PUBLISHED
    CrisisLine.objects.create(
        country="ZZ",
        name="Local line",
        phone="0800 123 4567",
        source="https://example.org",
        last_verified=date(2026, 11, 1),
    )
    reply = group_services.post_create(
        author=other_member,
        thread=thread,
        body="The local line 0800 123 4567 helped me last night",
        personal_ok=False,
    )
    assert reply.state == Post.State.PUBLISHED

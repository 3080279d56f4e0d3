"""Personal information, the facilitator's side: a group policy that holds posts with
personal information for a facilitator, and redaction of a passage of a post with the
original kept in the edit history for facilitators only."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Notification
from groups import services as group_services
from groups.models import Post, PostRevision
from moderation.models import AuditLogEntry, ReviewItem
from moderation.services import posts as services
from moderation.services.personal import GROUP_HOLD, PersonalInformationFound
from moderation.services.posts import REDACTED
from tests.factories import make_thread

pytestmark = pytest.mark.usefixtures("fresh_lexicon")

PHONE = "07700 900123"
BODY = f"Text me on {PHONE} any evening, or again on {PHONE} at weekends."


@pytest.fixture
def thread(member, group):
    return make_thread(author=member, group=group, title="Evenings")


@pytest.fixture
def reply(thread, other_member):
    return group_services.post_create(author=other_member, thread=thread, body=BODY)


# --- the group policy: hold instead of publishing ---


def test_holding_group_still_warns_first(client, other_member, thread, group):
    group.hold_personal_information = True
    group.save()
    client.force_login(other_member)
    url = reverse("groups:post_reply", args=[thread.pk])
    response = client.post(url, {"body": BODY})
    page = response.content.decode()
    assert Post.objects.filter(body=BODY).count() == 0
    assert '<mark title="a phone number">07700 900123</mark>' in page
    assert "asks a facilitator to read such posts before they appear" in page


def test_holding_group_holds_a_confirmed_post_for_a_facilitator(other_member, thread, group):
    group.hold_personal_information = True
    group.save()
    post = group_services.post_create(
        author=other_member, thread=thread, body=BODY, personal_ok=True
    )
    assert post.state == Post.State.PENDING
    item = ReviewItem.objects.get(post=post, kind=ReviewItem.Kind.PENDING_POST)
    assert GROUP_HOLD in item.reason
    thread.refresh_from_db()
    assert thread.reply_count == 0  # not counted until approved


def test_warn_only_group_publishes_a_confirmed_post(other_member, thread, group):
    assert group.hold_personal_information is False
    post = group_services.post_create(
        author=other_member, thread=thread, body=BODY, personal_ok=True
    )
    assert post.state == Post.State.PUBLISHED
    assert not ReviewItem.objects.filter(post=post).exists()


def test_holding_group_does_not_hold_posts_without_personal_information(
    other_member, thread, group
):
    group.hold_personal_information = True
    group.save()
    post = group_services.post_create(author=other_member, thread=thread, body="Same here.")
    assert post.state == Post.State.PUBLISHED


def test_the_warning_names_the_holding_policy(other_member, thread, group):
    group.hold_personal_information = True
    group.save()
    with pytest.raises(PersonalInformationFound) as found:
        group_services.post_create(author=other_member, thread=thread, body=BODY, personal_ok=False)
    assert found.value.held
    assert "asks a facilitator to read it before it appears" in found.value.messages[0]


# --- redaction ---


@pytest.mark.embedded
def test_redact_replaces_every_occurrence_and_keeps_the_original_for_staff(
    reply, facilitator, other_member
):
    services.post_redact(actor=facilitator, post=reply, passage=PHONE, reason="a phone number")
    reply.refresh_from_db()
    assert PHONE not in reply.body and PHONE not in reply.body_html
    assert reply.body.count(REDACTED) == 2
    assert reply.edited_at is not None and reply.changed_at is not None
    original = PostRevision.objects.get(post=reply)
    assert original.staff_only and original.body == BODY and original.edited_by == facilitator


def test_redact_is_audited_without_the_passage_and_the_author_is_told(
    reply, facilitator, other_member
):
    services.post_redact(actor=facilitator, post=reply, passage=PHONE, reason="a phone number")
    entry = AuditLogEntry.objects.get(action="post.redacted")
    assert entry.reason == "a phone number"
    assert entry.details == {"occurrences": 2, "characters": len(PHONE)}
    assert PHONE not in json.dumps(entry.details) and PHONE not in entry.reason
    notice = Notification.objects.get(recipient=other_member, kind="post_redacted")
    assert "a phone number" in notice.message and PHONE not in notice.message


def test_earlier_versions_holding_the_passage_become_staff_only(thread, facilitator, other_member):
    post = group_services.post_create(author=other_member, thread=thread, body="Hello all")
    group_services.post_edit(editor=other_member, post=post, body=BODY, content_warning="")
    group_services.post_edit(
        editor=other_member, post=post, body=BODY + " Thanks.", content_warning=""
    )
    services.post_redact(actor=facilitator, post=post, passage=PHONE, reason="phone")
    rows = dict(PostRevision.objects.filter(post=post).values_list("body", "staff_only"))
    assert rows == {"Hello all": False, BODY: True, BODY + " Thanks.": True}


def test_a_passage_only_in_the_history_is_refused(reply, facilitator, other_member):
    group_services.post_edit(
        editor=other_member, post=reply, body="Nothing personal here.", content_warning=""
    )
    with pytest.raises(ValidationError) as missing:
        services.post_redact(actor=facilitator, post=reply, passage=PHONE, reason="phone")
    assert "not in the post" in str(missing.value)
    assert not PostRevision.objects.filter(post=reply, staff_only=True).exists()


def test_history_page_hides_the_original_from_the_author_but_not_facilitators(
    mod_client, reply, facilitator, other_member
):
    group_services.post_edit(
        editor=other_member, post=reply, body=BODY + " Thanks.", content_warning=""
    )
    services.post_redact(actor=facilitator, post=reply, passage=PHONE, reason="a phone number")
    url = reverse("groups:post_history", args=[reply.pk])
    author = Client()
    author.force_login(other_member)
    author_view = author.get(url).content.decode()
    assert PHONE not in author_view
    assert REDACTED in author_view
    staff_view = mod_client.get(url).content.decode()
    assert staff_view.count(PHONE) >= 2  # both earlier versions, marked as staff only
    assert "Visible to facilitators only" in staff_view


def test_redacted_original_is_not_in_the_authors_export(reply, facilitator, other_member):
    services.post_redact(actor=facilitator, post=reply, passage=PHONE, reason="a phone number")
    export = account_services.export_request(user=other_member)
    account_services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert PHONE not in export.payload
    assert REDACTED in export.payload


def test_redact_refuses_bad_input_and_changes_nothing(reply, facilitator):
    for passage, reason, field in [
        ("", "why", "passage"),
        ("   ", "why", "passage"),
        (PHONE, "", "reason"),
        (PHONE, "\x00 ", "reason"),
        ("not in the post", "why", "passage"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.post_redact(actor=facilitator, post=reply, passage=passage, reason=reason)
        assert field in refused.value.message_dict
    reply.refresh_from_db()
    assert reply.body == BODY
    assert not PostRevision.objects.filter(post=reply).exists()
    assert not AuditLogEntry.objects.filter(action="post.redacted").exists()


def test_members_cannot_redact(reply, member):
    with pytest.raises(Http404):  # a member is not told the moderation action exists
        services.post_redact(actor=member, post=reply, passage=PHONE, reason="mine")
    reply.refresh_from_db()
    assert reply.body == BODY


def test_redact_from_the_moderation_page(mod_client, reply):
    url = reverse("moderation:post_moderate", args=[reply.pk])
    page = mod_client.get(url).content.decode()
    assert "Remove personal details from the post" in page
    response = mod_client.post(
        url, {"action": "redact", "passage": PHONE, "reason": "a phone number"}, follow=True
    )
    assert response.status_code == 200
    assert "The original is in the edit history" in response.content.decode()
    reply.refresh_from_db()
    assert PHONE not in reply.body
    refused = mod_client.post(url, {"action": "redact", "passage": "absent", "reason": "x"})
    assert "not in the post" in refused.content.decode()

import pytest
from django.urls import reverse

from accounts.models import Notification
from groups import services as group_services
from groups.models import Membership, SupportGroup
from moderation.services import flags as moderation_services
from tests.factories import MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


def test_reply_notifies_the_person_answered_not_the_replier(group, member, other_member) -> None:
    thread = make_thread(author=member, group=group, title="Evenings")
    reply = group_services.post_create(author=other_member, thread=thread, body="me too")
    note = Notification.objects.get(recipient=member)
    assert note.kind == "reply" and "slow_tide replied to you in “Evenings”" in note.message
    assert note.url == reply.get_absolute_url()
    group_services.post_create(author=member, thread=thread, body="thanks", reply_to=reply)
    assert Notification.objects.get(recipient=other_member).kind == "reply"
    group_services.post_create(author=member, thread=thread, body="talking to myself")
    assert Notification.objects.filter(recipient=member).count() == 1


def test_anonymous_reply_notification_does_not_name_the_author(group, member, other_member):
    group.allow_anonymous = True
    group.save()
    thread = make_thread(author=member, group=group)
    group_services.post_create(author=other_member, thread=thread, body="x", anonymous=True)
    message = Notification.objects.get(recipient=member).message
    assert "An anonymous member replied" in message and other_member.handle not in message


def test_pending_reply_notifies_only_once_approved(group, member, other_member, facilitator):
    thread = make_thread(author=member, group=group)
    group.posting_policy = SupportGroup.PostingPolicy.ALL
    group.save()
    reply = group_services.post_create(author=other_member, thread=thread, body="held")
    assert not Notification.objects.filter(recipient=member).exists()
    group_services.post_approve(actor=facilitator, post=reply)
    assert Notification.objects.get(recipient=member).kind == "reply"
    assert Notification.objects.get(recipient=other_member).kind == "post_approved"


def test_join_decision_is_notified(private_group) -> None:
    facilitator = MembershipFactory(group=private_group, role=Membership.Role.FACILITATOR).user
    applicant = UserFactory()
    pending = group_services.group_join(
        user=applicant, group=private_group, accept_guidelines=True, entry_answer="hi"
    )
    group_services.join_request_decide(actor=facilitator, membership=pending, approve=False)
    note = Notification.objects.get(recipient=applicant)
    assert note.kind == "join_answered" and "not accepted" in note.message


def test_auto_hide_tells_the_author_gently(group, member, facilitator) -> None:
    post = make_thread(author=member, group=group).posts.get()
    moderation_services.flag_create(reporter=facilitator, post=post, reason="spam")
    note = Notification.objects.get(recipient=member, kind="post_hidden")
    assert "hidden while a facilitator reviews it" in note.message
    assert facilitator.handle not in note.message  # reporters stay anonymous to the author


def test_unread_badge_and_mark_read(client, group, member, other_member) -> None:
    thread = make_thread(author=member, group=group)
    reply = group_services.post_create(author=other_member, thread=thread, body="hello")
    client.force_login(member)
    html = client.get("/").content.decode()
    assert 'aria-label="1 unread"' in html
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "replied to you" in page
    note = Notification.objects.get(recipient=member)
    response = client.post(
        reverse("accounts:notifications_read"),
        {"notification": note.pk, "next": reply.get_absolute_url()},
    )
    assert response["Location"] == reply.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'aria-label="1 unread"' not in client.get("/").content.decode()


def test_mark_read_never_redirects_off_site_or_touches_others(client, group, member, other_member):
    thread = make_thread(author=member, group=group)
    group_services.post_create(author=other_member, thread=thread, body="hello")
    theirs = Notification.objects.get(recipient=member)
    client.force_login(other_member)
    response = client.post(
        reverse("accounts:notifications_read"),
        {"notification": theirs.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("accounts:notifications")
    theirs.refresh_from_db()
    assert theirs.read_at is None

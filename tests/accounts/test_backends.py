"""The signed-in member is loaded with the facts every page asks (accounts.backends): the
answers must be exactly those the policies give when they ask the database themselves."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts.backends import AuthenticationBackend, ModelBackend
from accounts.models import Notification, User
from accounts.services import notification_send, notifications_mark_read
from accounts.viewer import memo
from groups import policies as group_policies
from groups.models import Membership
from moderation import policies as moderation_policies
from moderation.models import Guideline, Sanction
from moderation.services import sanctions as sanction_services
from tests.factories import GroupFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


def _plain(user: User) -> User:
    """A copy with no memo: every policy asks the database."""
    return User.objects.get(pk=user.pk)


def _loaded(user: User) -> User:
    loaded = ModelBackend().get_user(user.pk)
    assert "_haven_verified" in memo(loaded)  # the facts came with the row
    return loaded


def _answers(user: User, group) -> tuple:
    return (
        group_policies.has_verified_email(user),
        Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        if "_haven_unread" not in memo(user)
        else memo(user)["_haven_unread"],
        sorted(s.pk for s in group_policies.sanctions_in_force(user)),
        group_policies.sanction_refusal(user, group),
        moderation_policies.is_moderator(user),
        sorted(moderation_policies.moderated_group_ids(user)),
    )


def _sanction(member, kind, *, group=None, starts=None, ends=None, **extra) -> Sanction:
    rule = Guideline.objects.get(group__isnull=True, number=1)
    return Sanction.objects.create(
        user=member,
        kind=kind,
        group=group,
        rule=rule,
        message="Please be kinder.",
        starts_at=starts or timezone.now() - timedelta(hours=1),
        ends_at=ends,
        **extra,
    )


def test_a_plain_member_gets_the_same_answers(member, group) -> None:
    assert _answers(_loaded(member), group) == _answers(_plain(member), group)
    assert _answers(_loaded(member), group)[:5] == (True, 0, [], None, False)


def test_unverified_and_unread(group) -> None:
    person = UserFactory(verified=False)
    EmailAddress.objects.create(user=person, email="old@example.org", verified=False)
    for n in range(3):
        notification_send(recipient=person, kind="reply", message=f"Reply {n}")
    notifications_mark_read(user=person, notification_id=Notification.objects.first().pk)
    loaded = _loaded(person)
    assert _answers(loaded, group) == _answers(_plain(person), group)
    assert memo(loaded)["_haven_verified"] is False
    assert memo(loaded)["_haven_unread"] == 2


def test_facilitators_and_admins(facilitator, group, admin_user) -> None:
    other = GroupFactory()
    MembershipFactory(user=facilitator, group=other, role=Membership.Role.FACILITATOR)
    pending = GroupFactory()
    MembershipFactory(
        user=facilitator,
        group=pending,
        role=Membership.Role.FACILITATOR,
        status=Membership.Status.PENDING,
    )
    loaded = _loaded(facilitator)
    assert _answers(loaded, group) == _answers(_plain(facilitator), group)
    assert sorted(moderation_policies.moderated_group_ids(loaded)) == sorted([group.pk, other.pk])
    assert _answers(_loaded(admin_user), group) == _answers(_plain(admin_user), group)
    assert moderation_policies.is_moderator(_loaded(admin_user))


@pytest.mark.parametrize(
    "kind, starts, ends, extra, in_force",
    [
        ("suspension", -1, 24, {}, True),
        ("suspension", -48, -24, {}, False),  # over
        ("ban", -1, None, {}, True),
        ("ban", -1, None, {"revoked_at": 0}, False),  # lifted
        ("mute", -1, 2, {}, True),
        ("mute", 1, 3, {}, False),  # not yet
        ("warning", -1, None, {}, True),  # to acknowledge
        ("warning", -1, None, {"acknowledged_at": 0}, False),
        ("warning", -400 * 24, -300 * 24, {}, True),  # old but never acknowledged
    ],
)
def test_sanctions_are_exactly_the_policies(
    member, group, kind, starts, ends, extra, in_force
) -> None:
    now = timezone.now()
    extra = dict.fromkeys(extra, now)
    sanction = _sanction(
        member,
        kind,
        group=group if kind == "mute" else None,
        starts=now + timedelta(hours=starts),
        ends=now + timedelta(hours=ends) if ends is not None else None,
        **extra,
    )
    loaded, plain = _loaded(member), _plain(member)
    assert _answers(loaded, group) == _answers(plain, group)
    assert (sanction.pk in [s.pk for s in group_policies.sanctions_in_force(loaded)]) is in_force
    assert (group_policies.sanction_refusal(loaded, group) is not None) is in_force


def test_a_suspended_member_signed_in_is_refused_a_reply(client, member, group) -> None:
    thread = make_thread(author=member, group=group, title="Hello")
    client.force_login(member)
    _sanction(member, "suspension", ends=timezone.now() + timedelta(days=1))
    page = client.get(thread.get_absolute_url())
    assert "suspended" in page.content.decode()
    response = client.post(reverse("groups:post_reply", args=[thread.pk]), {"body": "Hi again"})
    assert thread.posts.count() == 1
    assert response.status_code in (200, 403)


def test_acknowledging_a_warning_frees_posting_in_the_same_request(member, group) -> None:
    warning = _sanction(member, "warning")
    loaded = _loaded(member)
    assert group_policies.sanction_refusal(loaded, group)
    sanction_services.warning_acknowledge(user=loaded, sanction=warning)
    assert group_policies.sanction_refusal(loaded, group) is None


def test_the_header_count_follows_marking_read(client, member) -> None:
    notification_send(recipient=member, kind="reply", message="Someone replied")
    client.force_login(member)
    assert 'aria-label="1 unread"' in client.get(reverse("groups:directory")).content.decode()
    notification = Notification.objects.get(recipient=member)
    client.post(reverse("accounts:notifications_read"), {"notification": notification.pk})
    assert 'aria-label="0 unread"' in client.get(reverse("groups:directory")).content.decode()
    loaded = _loaded(member)
    notification_send(recipient=member, kind="reply", message="Another reply")
    notifications_mark_read(user=loaded)
    assert "_haven_unread" not in memo(loaded)  # the same request asks anew


def test_allauth_backend_and_inactive_members(member) -> None:
    assert "_haven_unread" in memo(AuthenticationBackend().get_user(member.pk))
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert ModelBackend().get_user(member.pk) is None
    assert ModelBackend().get_user(10**9) is None

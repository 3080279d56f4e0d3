""" "I'm worried about this member": concerns open or gather on one alert for the group's
facilitators, are limited per sender and per member (configurable), and the member
concerned never learns who raised one."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Notification
from groups.models import Membership
from moderation.models import AuditLogEntry, CrisisAlert, ReviewItem, WellbeingConcern
from moderation.services.concerns import (
    ALREADY_KNOWN,
    ConcernAboutSelf,
    ConcernAlreadyKnown,
    concern_raise,
)
from tests.factories import GroupFactory, MembershipFactory, make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_lexicon")]

SENDER = "watchful_friend"
NOTE = "NOTE-SECRET-she-said-she-gave-her-cat-away"
# The detector reads the first person; a note quoting the member is read as they wrote it.
HIGH_NOTE = "She told me: I want to kill myself."


@pytest.fixture
def sender(group):
    return MembershipFactory(group=group, user__handle=SENDER).user


@pytest.fixture
def post(member, group):
    return make_thread(
        author=member, group=group, title="Tired", body="So tired lately."
    ).posts.get()


def _peer(group):
    return MembershipFactory(group=group).user


# --- the service ---


def test_concern_about_a_post_opens_a_concern_alert(sender, member, group, post) -> None:
    concern = concern_raise(sender=sender, subject=member, post=post, note=NOTE)
    alert = concern.alert
    assert alert.source == CrisisAlert.Source.CONCERN
    assert alert.severity == CrisisAlert.Severity.MODERATE
    assert alert.subject == member and alert.group == group and alert.post == post
    assert alert.review_item.kind == ReviewItem.Kind.CRISIS
    assert concern.raised_by == sender and concern.note == NOTE
    entry = AuditLogEntry.objects.get(action="crisis.concern_raised")
    assert entry.actor is None and entry.target_user == member
    assert entry.details["alert"] == alert.pk


def test_concern_about_a_member_goes_to_a_shared_group(sender, member, group) -> None:
    concern = concern_raise(sender=sender, subject=member)
    assert concern.alert.group == group and concern.post is None


def test_concerns_gather_on_one_open_alert(sender, member, group, post) -> None:
    first = concern_raise(sender=sender, subject=member, post=post)
    second = concern_raise(sender=_peer(group), subject=member, note="Worried too")
    assert first.alert_id == second.alert_id
    assert CrisisAlert.objects.filter(source="concern", subject=member).count() == 1
    assert first.alert.concerns.count() == 2
    assert AuditLogEntry.objects.filter(action="crisis.alert_raised").count() == 1


def test_a_resolved_alert_is_not_gathered_on(sender, member, group) -> None:
    first = concern_raise(sender=sender, subject=member)
    CrisisAlert.objects.filter(pk=first.alert_id).update(state=CrisisAlert.State.RESOLVED)
    second = concern_raise(sender=_peer(group), subject=member)
    assert second.alert_id != first.alert_id


def test_concerns_in_different_groups_are_separate_alerts(sender, member, group) -> None:
    other = GroupFactory(name="Sleep")
    MembershipFactory(group=other, user=member)
    MembershipFactory(group=other, user=sender)
    a = concern_raise(sender=sender, subject=member, group=group)
    b = concern_raise(sender=sender, subject=member, group=other)
    assert a.alert_id != b.alert_id and b.alert.group == other


def test_a_worrying_note_makes_it_high(sender, member) -> None:
    assert concern_raise(sender=sender, subject=member, note=HIGH_NOTE).alert.severity == 3


def test_a_crisis_post_makes_it_high(sender, member, group) -> None:
    post = make_thread(author=member, group=group, body="I want to kill myself.").posts.get()
    concern = concern_raise(sender=sender, subject=member, post=post)
    assert concern.alert.severity == CrisisAlert.Severity.HIGH


def test_a_later_high_concern_raises_the_gathered_alert(sender, member, group) -> None:
    first = concern_raise(sender=sender, subject=member)
    concern_raise(sender=_peer(group), subject=member, note=HIGH_NOTE)
    first.alert.refresh_from_db()
    assert first.alert.severity == CrisisAlert.Severity.HIGH
    assert first.alert.review_item.severity == CrisisAlert.Severity.HIGH


def test_concern_about_oneself_is_refused(member, post) -> None:
    with pytest.raises(ConcernAboutSelf):
        concern_raise(sender=member, subject=member, post=post)
    assert not WellbeingConcern.objects.exists()


def test_per_sender_limit(sender, group) -> None:
    for _ in range(3):
        concern_raise(sender=sender, subject=_peer(group))
    with pytest.raises(PermissionDenied, match="most we take from one member"):
        concern_raise(sender=sender, subject=_peer(group))
    assert WellbeingConcern.objects.filter(raised_by=sender).count() == 3


def test_per_target_limit_is_refused_politely_and_recorded_nowhere(member, group) -> None:
    for _ in range(5):
        concern_raise(sender=_peer(group), subject=member)
    alerts, audit = CrisisAlert.objects.count(), AuditLogEntry.objects.count()
    with pytest.raises(ConcernAlreadyKnown) as refused:
        concern_raise(sender=_peer(group), subject=member)
    assert str(refused.value) == ALREADY_KNOWN
    assert WellbeingConcern.objects.filter(subject=member).count() == 5
    assert (CrisisAlert.objects.count(), AuditLogEntry.objects.count()) == (alerts, audit)


def test_limits_are_configurable_at_call_time(settings, sender, member, group) -> None:
    settings.HAVEN_CONCERN_LIMITS = {"per_sender_per_day": 1, "per_target_per_day": 2}
    concern_raise(sender=sender, subject=member)
    with pytest.raises(PermissionDenied):
        concern_raise(sender=sender, subject=_peer(group))
    concern_raise(sender=_peer(group), subject=member)
    with pytest.raises(ConcernAlreadyKnown):
        concern_raise(sender=_peer(group), subject=member)
    del settings.HAVEN_CONCERN_LIMITS  # missing: the defaults
    concern_raise(sender=_peer(group), subject=_peer(group))


def test_old_concerns_do_not_count(sender, group) -> None:
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(3):
        concern_raise(sender=sender, subject=_peer(group))
    WellbeingConcern.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    concern_raise(sender=sender, subject=_peer(group))


def test_no_shared_group_is_refused(outsider, member) -> None:
    with pytest.raises(PermissionDenied, match="group you share"):
        concern_raise(sender=outsider, subject=member)


def test_unverified_sender_is_refused(group, member) -> None:
    unverified = MembershipFactory(group=group, user__verified=False).user
    with pytest.raises(PermissionDenied, match="confirm your e-mail"):
        concern_raise(sender=unverified, subject=member)


def test_post_they_cannot_read_is_hidden(private_group, outsider) -> None:
    from django.http import Http404

    author = MembershipFactory(group=private_group).user
    post = make_thread(author=author, group=private_group).posts.get()
    with pytest.raises(Http404):
        concern_raise(sender=outsider, subject=author, post=post)


def test_post_must_be_by_the_subject(sender, other_member, post) -> None:
    with pytest.raises(PermissionDenied, match="isn't by that member"):
        concern_raise(sender=sender, subject=other_member, post=post)


# --- the person concerned never learns who raised it ---


def test_subject_sees_nothing_of_the_sender(client, sender, member, group, post) -> None:
    client.force_login(sender)
    client.post(reverse("moderation:concern_post", args=[post.pk]), {"note": NOTE})
    assert WellbeingConcern.objects.filter(raised_by=sender, note=NOTE).exists()
    assert not Notification.objects.filter(recipient=member).exists()
    assert not AuditLogEntry.objects.filter(actor=sender).exists()

    client.force_login(member)
    pages = [
        post.thread.get_absolute_url(),
        group.get_absolute_url(),
        reverse("accounts:notifications"),
        reverse("accounts:profile"),
        reverse("accounts:member_card", args=[member.handle]),
        reverse("moderation:account_standing"),
        reverse("moderation:help"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert SENDER not in html and NOTE not in html, url


# --- the pages ---


def test_concern_page_without_js_then_thanks(client, sender, member, post) -> None:
    client.force_login(sender)
    url = reverse("moderation:concern_post", args=[post.pk])
    page = client.get(url).content.decode()
    assert "not for rule breaking" in page and "Flag" in page
    assert "Tell a facilitator" in page
    response = client.post(url, {"note": "Seems low"})
    assert response.status_code == 302 and response["Location"] == url
    thanks = client.get(url).content.decode()
    assert "A facilitator will check in with them privately" in thanks
    assert "know it was you" in thanks
    assert WellbeingConcern.objects.get().note == "Seems low"


def test_concern_with_htmx_answers_in_place(client, sender, member, post) -> None:
    client.force_login(sender)
    url = reverse("moderation:concern_post", args=[post.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in form and f'hx-post="{url}"' in form
    response = client.post(url, {"note": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "A facilitator will check in with them privately" in html


def test_target_limit_reads_as_thanks_on_the_page(client, sender, member, group, post) -> None:
    for _ in range(5):
        concern_raise(sender=_peer(group), subject=member)
    client.force_login(sender)
    url = reverse("moderation:concern_post", args=[post.pk])
    client.post(url, {"note": "Also worried"})
    assert ALREADY_KNOWN in client.get(url).content.decode()
    assert not WellbeingConcern.objects.filter(raised_by=sender).exists()


def test_sender_limit_shows_as_an_error(client, sender, member, group, post) -> None:
    for _ in range(3):
        concern_raise(sender=sender, subject=_peer(group))
    client.force_login(sender)
    response = client.post(reverse("moderation:concern_post", args=[post.pk]), {"note": ""})
    assert response.status_code == 200
    assert "most we take from one member" in response.content.decode()


def test_concern_about_yourself_goes_to_the_help_page(client, member, post) -> None:
    client.force_login(member)
    for url in (
        reverse("moderation:concern_post", args=[post.pk]),
        reverse("moderation:concern_member", args=[member.handle]),
    ):
        response = client.post(url, {"note": "me"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("moderation:help")
        assert "you can reach someone now" in response.content.decode()
    assert not WellbeingConcern.objects.exists()


def test_member_concern_chooses_among_shared_groups(client, sender, member, group) -> None:
    other = GroupFactory(name="Sleep")
    MembershipFactory(group=other, user=member)
    MembershipFactory(group=other, user=sender)
    client.force_login(sender)
    url = reverse("moderation:concern_member", args=[member.handle])
    page = client.get(url).content.decode()
    assert "Which group do you know them from?" in page
    assert client.post(url, {"note": ""}).status_code == 200  # a group is required
    assert not WellbeingConcern.objects.exists()
    client.post(url, {"group": other.pk})
    assert WellbeingConcern.objects.get().alert.group == other


def test_member_concern_refused_without_a_shared_group(client, outsider, member) -> None:
    client.force_login(outsider)
    url = reverse("moderation:concern_member", args=[member.handle])
    html = client.get(url).content.decode()
    assert "group you share" in html and "Tell a facilitator</button>" not in html
    client.post(url, {"note": "x"})
    assert not WellbeingConcern.objects.exists()


def test_concern_page_for_a_private_groups_post_is_hidden(client, private_group, outsider):
    author = MembershipFactory(group=private_group).user
    post = make_thread(author=author, group=private_group).posts.get()
    client.force_login(outsider)
    assert client.get(reverse("moderation:concern_post", args=[post.pk])).status_code == 404


def test_links_appear_for_others_not_oneself(client, sender, member, group, post) -> None:
    link = "Worried about this member?"
    assert link not in client.get(post.thread.get_absolute_url()).content.decode()
    client.force_login(member)
    assert link not in client.get(post.thread.get_absolute_url()).content.decode()
    own_card = client.get(reverse("accounts:member_card", args=[member.handle]))
    assert "Worried about" not in own_card.content.decode()
    client.force_login(sender)
    html = client.get(post.thread.get_absolute_url()).content.decode()
    assert reverse("moderation:concern_post", args=[post.pk]) in html and link in html
    card = client.get(reverse("accounts:member_card", args=[member.handle])).content.decode()
    assert reverse("moderation:concern_member", args=[member.handle]) in card


def test_facilitator_can_raise_a_concern_too(facilitator, member, group) -> None:
    assert Membership.objects.filter(user=facilitator, group=group).exists()
    concern = concern_raise(sender=facilitator, subject=member)
    assert concern.alert.group == group


def test_closed_account_cannot_be_the_subject(sender, group) -> None:
    gone = MembershipFactory(group=group).user
    gone.is_active = False
    gone.save()
    with pytest.raises(PermissionDenied, match="closed"):
        concern_raise(sender=sender, subject=gone)

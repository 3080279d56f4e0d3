"""Blocking: silent, reversible; the blocked member's posts fold away for the blocker,
they cannot reply directly to the blocker's posts, mention or notify them; moderation
contact is never blocked; facilitators see how many members blocked someone."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Block, Notification
from groups import fanout
from groups import services as group_services
from moderation.services.posts import post_remove
from tests.factories import MembershipFactory, make_rule, make_thread

pytestmark = pytest.mark.django_db

BLOCKED_NOTICE = "Post from a member you blocked"


@pytest.fixture
def thread(group, member):
    return make_thread(author=member, group=group, title="Evenings", body="My evenings are hard")


@pytest.fixture
def blocked(member, other_member):
    services.member_block(user=member, target=other_member)
    return other_member


def test_block_and_unblock_from_the_card_and_settings(client, member, other_member) -> None:
    client.force_login(member)
    card = reverse("accounts:member_card", args=[other_member.handle])
    assert "Block slow_tide" in client.get(card).content.decode()
    block_url = reverse("accounts:member_block", args=[other_member.handle])
    assert "They are not told" in client.get(block_url).content.decode()  # confirm first
    assert not Block.objects.exists()
    client.post(block_url)
    assert Block.objects.filter(blocker=member, blocked=other_member).exists()
    assert "You blocked slow_tide" in client.get(card).content.decode()
    settings_page = client.get(reverse("accounts:blocks")).content.decode()
    assert "slow_tide" in settings_page
    client.post(reverse("accounts:member_unblock", args=[other_member.handle]))
    assert not Block.objects.exists()
    assert not Notification.objects.filter(recipient=other_member).exists()  # silent


def test_cannot_block_yourself(member) -> None:
    with pytest.raises(ValidationError, match="yourself"):
        services.member_block(user=member, target=member)


def test_blocked_members_posts_fold_away_for_the_blocker_only(
    client, group, member, blocked, thread, facilitator
) -> None:
    group_services.post_create(author=blocked, thread=thread, body="unkind words")
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert BLOCKED_NOTICE in page and "unkind words" in page  # folded, can be opened
    client.force_login(facilitator)
    assert BLOCKED_NOTICE not in client.get(thread.get_absolute_url()).content.decode()


def test_an_anonymous_post_never_folds_as_blocked(client, group, member, blocked, thread):
    group.allow_anonymous = True
    group.save()
    group_services.post_create(author=blocked, thread=thread, body="secret", anonymous=True)
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert BLOCKED_NOTICE not in page  # folding would reveal who wrote it
    assert "Anonymous member" in page


def test_blocked_threads_fold_in_the_group_listing(client, group, member, blocked) -> None:
    make_thread(author=blocked, group=group, title="Loud thread")
    client.force_login(member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "A thread from a member you blocked" in page


def test_blocked_member_cannot_reply_directly_but_can_reply_to_the_thread(
    client, member, blocked, thread, facilitator
) -> None:
    opening = thread.posts.get(is_opening=True)
    with pytest.raises(PermissionDenied, match="reply directly"):
        group_services.post_create(author=blocked, thread=thread, body="hey", reply_to=opening)
    group_services.post_create(author=blocked, thread=thread, body="to the thread")
    client.force_login(blocked)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f"?to={opening.pk}" not in page  # no Reply link under the blocker's post
    # A facilitator the member blocked still answers them (moderation contact).
    services.member_block(user=member, target=facilitator)
    group_services.post_create(author=facilitator, thread=thread, body="hi", reply_to=opening)


def test_blocked_member_cannot_mention_or_notify_the_blocker(group, member, blocked, thread):
    follower = MembershipFactory(group=group, user__handle="steady_oak").user
    group_services.thread_subscription_set(user=follower, thread=thread, state="follow")
    reply = group_services.post_create(
        author=blocked, thread=thread, body="@quiet_harbour look at this"
    )
    fanout.post_notify_published(post_id=reply.pk)
    assert not Notification.objects.filter(recipient=member).exists()
    assert Notification.objects.filter(recipient=follower, post=reply).exists()  # others do


def test_reactions_from_a_blocked_member_are_not_counted(group, member, blocked, thread):
    opening = thread.posts.get(is_opening=True)
    third = MembershipFactory(group=group).user
    group_services.reaction_toggle(user=blocked, post=opening, kind="hug")
    assert fanout.post_notify_reactions(post_id=opening.pk) is None
    group_services.reaction_toggle(user=third, post=opening, kind="hug")
    note = fanout.post_notify_reactions(post_id=opening.pk)
    assert note.message.startswith("1 member sent a hug")


def test_moderation_messages_still_reach_a_member_who_blocked_the_facilitator(
    group, member, facilitator, thread
) -> None:
    services.member_block(user=member, target=facilitator)
    reply = group_services.post_create(author=member, thread=thread, body="a reply")
    post_remove(actor=facilitator, post=reply, rule=make_rule(group))
    assert Notification.objects.filter(recipient=member, kind="post_removed").exists()


def test_facilitators_see_how_many_blocked_someone(client, member, blocked, facilitator) -> None:
    from tests.factories import give_totp

    card = reverse("accounts:member_card", args=[blocked.handle])
    client.force_login(member)
    assert "Blocked by" not in client.get(card).content.decode()
    give_totp(facilitator)
    client.force_login(facilitator)
    assert "Blocked by 1 member" in client.get(card).content.decode()


def test_search_results_from_a_blocked_member_are_folded(client, group, member, blocked):
    from django.db import connection

    make_thread(author=blocked, group=group, title="Lanterns", body="lanterns at dusk")
    client.force_login(member)
    page = client.get(reverse("groups:search"), {"q": "lanterns"}).content.decode()
    assert BLOCKED_NOTICE in page
    if connection.vendor == "postgresql":
        assert "<mark>lanterns</mark>" in page.lower()

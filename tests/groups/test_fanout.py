"""Who hears of a published post (``groups.tasks``), run as the worker runs it."""

import pytest
from django.urls import reverse

from accounts.models import Notification
from groups import fanout, services, tasks
from groups.models import Membership, SupportGroup, ThreadSubscription
from tests.factories import MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


def _kinds(post) -> dict[str, str]:
    notes = Notification.objects.filter(key=f"post:{post.pk}").select_related("recipient")
    return {note.recipient.handle: note.kind for note in notes}


@pytest.fixture
def thread(group, member):
    return make_thread(author=member, group=group, title="Evenings")


@pytest.fixture
def follower(group, thread):
    user = MembershipFactory(group=group, user__handle="steady_oak").user
    services.thread_subscription_set(user=user, thread=thread, state="follow")
    return user


def test_fan_out_reply_follower_and_mention_once_each(
    group, member, other_member, thread, follower
):
    mentioned = MembershipFactory(group=group, user__handle="calm_river").user
    reply = services.post_create(
        author=other_member, thread=thread, body="Hi @calm_river and @steady_oak"
    )
    tasks.notify_post_published.run(reply.pk)
    assert _kinds(reply) == {
        member.handle: "reply",  # the thread's author, answered directly (also a follower)
        follower.handle: "mention",  # mention beats following
        mentioned.handle: "mention",
    }
    assert other_member.handle not in _kinds(reply)  # never the author themself
    note = Notification.objects.get(recipient=mentioned)
    assert note.message == "slow_tide mentioned you in “Evenings”."
    assert note.url == reply.get_absolute_url() and note.post_id == reply.pk


def test_fan_out_follower_hears_thread_reply(group, member, other_member, thread, follower):
    reply = services.post_create(author=other_member, thread=thread, body="me too")
    tasks.notify_post_published.run(reply.pk)
    note = Notification.objects.get(recipient=follower)
    assert note.kind == "thread_reply"
    assert "slow_tide replied in “Evenings”" in note.message


def test_fan_out_is_idempotent(group, member, other_member, thread, follower):
    reply = services.post_create(author=other_member, thread=thread, body="hello @steady_oak")
    assert tasks.notify_post_published.run(reply.pk) == 1  # member was told in the request
    assert tasks.notify_post_published.run(reply.pk) == 0
    assert Notification.objects.filter(key=f"post:{reply.pk}").count() == 2
    assert Notification.objects.get(recipient=follower).count == 1


def test_fan_out_respects_thread_mute_and_group_mute(group, member, other_member, thread, follower):
    services.thread_subscription_set(user=follower, thread=thread, state="mute")
    services.group_notifications_mute(user=member, group=group, muted=True)
    reply = services.post_create(author=other_member, thread=thread, body="hi @steady_oak")
    tasks.notify_post_published.run(reply.pk)
    assert _kinds(reply) == {}


def test_fan_out_skips_who_may_not_see_a_private_group(private_group):
    author = MembershipFactory(group=private_group).user
    replier = MembershipFactory(group=private_group).user
    left = MembershipFactory(group=private_group, user__handle="gone_away").user
    outsider = UserFactory(handle="not_inside")
    thread = make_thread(author=author, group=private_group)
    services.thread_subscription_set(user=left, thread=thread, state="follow")
    Membership.objects.filter(user=left).delete()
    reply = services.post_create(
        author=replier, thread=thread, body="@not_inside @gone_away you should see this"
    )
    tasks.notify_post_published.run(reply.pk)
    assert _kinds(reply) == {author.handle: "reply"}
    assert not Notification.objects.filter(recipient__in=[left, outsider]).exists()


def test_fan_out_anonymous_post_never_reveals_the_author(
    group, member, other_member, thread, follower
):
    group.allow_anonymous = True
    group.save()
    reply = services.post_create(
        author=other_member, thread=thread, body="quietly, @steady_oak", anonymous=True
    )
    tasks.notify_post_published.run(reply.pk)
    notes = Notification.objects.filter(key=f"post:{reply.pk}")
    assert notes.count() == 2
    for note in notes:
        assert note.actor_id is None
        assert "An anonymous member" in note.message and other_member.handle not in note.message


def test_fan_out_waits_for_approval(group, member, other_member, thread, follower, facilitator):
    group.posting_policy = SupportGroup.PostingPolicy.ALL
    group.save()
    reply = services.post_create(author=other_member, thread=thread, body="held @steady_oak")
    assert tasks.notify_post_published.run(reply.pk) == 0
    assert _kinds(reply) == {}
    services.post_approve(actor=facilitator, post=reply)
    tasks.notify_post_published.run(reply.pk)
    assert _kinds(reply) == {member.handle: "reply", follower.handle: "mention"}


def test_fan_out_enqueued_on_commit_only(
    group, member, other_member, thread, django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[int] = []
    monkeypatch.setattr(tasks.notify_post_published, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_create(author=other_member, thread=thread, body="x")
    assert queued == [reply.pk]


def test_request_cost_does_not_grow_with_followers(
    group, member, other_member, thread, django_assert_max_num_queries
):
    for _ in range(30):
        user = MembershipFactory(group=group).user
        ThreadSubscription.objects.create(user=user, thread=thread)
    with django_assert_max_num_queries(60):
        services.post_create(author=other_member, thread=thread, body="hello all")
    assert Notification.objects.filter(kind="thread_reply").count() == 0  # the task's job


def test_auto_follow_on_start_and_reply_but_a_mute_stays(group, member, other_member, thread):
    assert ThreadSubscription.objects.get(user=member, thread=thread).state == "follow"
    services.thread_subscription_set(user=other_member, thread=thread, state="mute")
    services.post_create(author=other_member, thread=thread, body="x")
    assert ThreadSubscription.objects.get(user=other_member, thread=thread).state == "mute"
    third = MembershipFactory(group=group).user
    services.post_create(author=third, thread=thread, body="y")
    assert ThreadSubscription.objects.get(user=third, thread=thread).state == "follow"


def test_reactions_consolidated_and_idempotent(group, member, thread):
    post = thread.posts.get()
    huggers = [MembershipFactory(group=group).user for _ in range(3)]
    for user in huggers:
        services.reaction_toggle(user=user, post=post, kind="hug")
        tasks.notify_reaction.run(post.pk)
    tasks.notify_reaction.run(post.pk)
    note = Notification.objects.get(recipient=member, kind="reactions")
    assert note.message == "3 members sent a hug for your post in “Evenings”."
    assert note.key == f"reactions:{post.pk}"
    services.reaction_toggle(user=huggers[0], post=post, kind="thank_you")
    tasks.notify_reaction.run(post.pk)
    note = Notification.objects.get(recipient=member, kind="reactions")
    assert note.message.startswith("3 members sent support (")


def test_reactions_not_notified_after_leaving_a_private_group(private_group):
    author = MembershipFactory(group=private_group).user
    thread = make_thread(author=author, group=private_group)
    post = thread.posts.get()
    other = MembershipFactory(group=private_group).user
    services.reaction_toggle(user=other, post=post, kind="hug")
    Membership.objects.filter(user=author).delete()
    tasks.notify_reaction.run(post.pk)
    assert not Notification.objects.filter(kind="reactions").exists()


def test_missing_post_is_fine() -> None:
    assert tasks.notify_post_published.run(987654) == 0
    assert fanout.post_notify_reactions(post_id=987654) is None


# --- follow / mute views ---


def test_follow_view_toggles_and_htmx_returns_buttons(client, group, member, other_member, thread):
    client.force_login(other_member)
    url = reverse("groups:thread_subscription", args=[thread.pk])
    response = client.post(url, {"state": "follow"})
    assert response.status_code == 302
    assert ThreadSubscription.objects.get(user=other_member, thread=thread).state == "follow"
    response = client.post(url, {"state": "mute"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "You have muted this thread" in response.content.decode()
    client.post(url, {"state": "default"})
    assert not ThreadSubscription.objects.filter(user=other_member, thread=thread).exists()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'value="follow"' in page


def test_follow_view_bad_input_changes_nothing(client, group, other_member, thread):
    client.force_login(other_member)
    url = reverse("groups:thread_subscription", args=[thread.pk])
    response = client.post(url, {"state": "explode"}, HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200
        and "Choose follow, mute or default." in response.content.decode()
    )
    assert not ThreadSubscription.objects.filter(user=other_member).exists()
    assert client.get(url).status_code == 405


def test_follow_view_private_thread_is_hidden_from_outsiders(client, private_group, outsider):
    author = MembershipFactory(group=private_group).user
    thread = make_thread(author=author, group=private_group)
    client.force_login(outsider)
    response = client.post(
        reverse("groups:thread_subscription", args=[thread.pk]), {"state": "follow"}
    )
    assert response.status_code == 404
    assert not ThreadSubscription.objects.filter(user=outsider).exists()


def test_group_mute_view_for_members_only(client, group, member, outsider):
    url = reverse("groups:group_mute", args=[group.slug])
    client.force_login(member)
    client.post(url, {"muted": "1"})
    assert Membership.objects.get(user=member, group=group).notifications_muted
    assert "Unmute notifications" in client.get(group.get_absolute_url()).content.decode()
    client.post(url, {"muted": "0"})
    assert not Membership.objects.get(user=member, group=group).notifications_muted
    client.force_login(outsider)
    response = client.post(url, {"muted": "1"}, follow=True)
    assert "Only members of this group can mute it." in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


def test_mention_renders_link_only_for_members_that_exist(group, member, other_member):
    thread = make_thread(
        author=member, group=group, body="Hello @slow_tide and @nobody_here, `@slow_tide`"
    )
    html = thread.posts.get().body_html
    assert (
        '<a class="mention" href="/members/slow_tide/" data-handle="slow_tide">@slow_tide</a>'
        in html
    )
    assert "@nobody_here" in html and 'data-handle="nobody_here"' not in html
    assert "<code>@slow_tide</code>" in html


def test_edit_that_adds_a_mention_tells_the_new_member_once(
    group, member, other_member, thread, follower, django_capture_on_commit_callbacks, monkeypatch
):
    mentioned = MembershipFactory(group=group, user__handle="calm_river").user
    reply = services.post_create(author=other_member, thread=thread, body="me too")
    tasks.notify_post_published.run(reply.pk)
    queued: list[int] = []
    monkeypatch.setattr(tasks.notify_post_mentions, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            editor=other_member,
            post=reply,
            body="me too, @calm_river and @steady_oak",
            content_warning="",
        )
    assert queued == [reply.pk]
    assert tasks.notify_post_mentions.run(reply.pk) == 1
    kinds = _kinds(reply)
    assert kinds[mentioned.handle] == "mention"
    assert kinds[follower.handle] == "thread_reply"  # already heard of this post: not again
    assert tasks.notify_post_mentions.run(reply.pk) == 0  # idempotent


def test_edit_without_new_mentions_enqueues_nothing(
    group, member, other_member, thread, django_capture_on_commit_callbacks, monkeypatch
):
    MembershipFactory(group=group, user__handle="calm_river")
    reply = services.post_create(author=other_member, thread=thread, body="hi @calm_river")
    queued: list[int] = []
    monkeypatch.setattr(tasks.notify_post_mentions, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            editor=other_member, post=reply, body="hi again @calm_river", content_warning=""
        )
    assert queued == []


def test_mention_added_to_a_held_post_waits_for_approval(
    group, member, other_member, thread, django_capture_on_commit_callbacks, monkeypatch
):
    mentioned = MembershipFactory(group=group, user__handle="calm_river").user
    group.posting_policy = SupportGroup.PostingPolicy.ALL
    group.save()
    reply = services.post_create(author=other_member, thread=thread, body="hello")
    queued: list[int] = []
    monkeypatch.setattr(tasks.notify_post_mentions, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            editor=other_member, post=reply, body="hello @calm_river", content_warning=""
        )
    assert queued == []
    assert fanout.post_notify_mentions(post_id=reply.pk) == 0  # not published: nobody
    assert not Notification.objects.filter(recipient=mentioned).exists()

"""Thread actions (lock, pin, move): services, the lock as members meet it, and the
thread tools page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.models import Notification
from groups import services as group_services
from groups.models import Membership, SupportGroup, Thread, ThreadReadState
from moderation.models import AuditLogEntry, ReviewItem
from moderation.services import flags as flag_services
from moderation.services import threads as services
from tests.factories import GroupFactory, MembershipFactory, make_thread, signed_in_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(group, member, other_member):
    thread = make_thread(author=member, group=group, title="Night-time panic")
    group_services.post_create(author=other_member, thread=thread, body="Breathing helps me.")
    thread.refresh_from_db()
    return thread


@pytest.fixture
def second_group(facilitator):
    """Another group the same facilitator runs."""
    other = GroupFactory(name="Sleep", slug="sleep")
    MembershipFactory(group=other, user=facilitator, role=Membership.Role.FACILITATOR)
    return other


@pytest.fixture
def other_facilitator(db):
    """Facilitates a different group only."""
    elsewhere = GroupFactory(name="Grief", slug="grief")
    return MembershipFactory(group=elsewhere, role=Membership.Role.FACILITATOR).user


def _thread_changed(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=Notification.Kind.THREAD_CHANGED))


# --- lock / unlock ---


def test_thread_lock_records_who_and_why_audits_and_tells_the_author(
    thread, facilitator, member, group
) -> None:
    services.thread_lock(actor=facilitator, thread=thread, reason="  Heated; cooling off  ")
    thread.refresh_from_db()
    assert thread.is_locked
    assert thread.locked_by == facilitator
    assert thread.lock_reason == "Heated; cooling off"
    entry = AuditLogEntry.objects.get(action="thread.lock")
    assert (entry.actor, entry.group, entry.target_user) == (facilitator, group, member)
    assert entry.reason == "Heated; cooling off"
    assert entry.post == thread.posts.get(is_opening=True)
    assert entry.details["thread_id"] == thread.pk
    [note] = _thread_changed(member)
    assert "locked your thread" in note.message and "Heated; cooling off" in note.message
    assert note.url == thread.get_absolute_url()


@pytest.mark.parametrize("reason", ["", "   "])
def test_thread_lock_requires_a_reason(thread, facilitator, reason) -> None:
    with pytest.raises(ValidationError) as exc:
        services.thread_lock(actor=facilitator, thread=thread, reason=reason)
    assert "reason" in exc.value.message_dict
    thread.refresh_from_db()
    assert not thread.is_locked
    assert not AuditLogEntry.objects.exists()


def test_thread_lock_refuses_a_reason_over_300_characters(thread, facilitator) -> None:
    with pytest.raises(ValidationError):
        services.thread_lock(actor=facilitator, thread=thread, reason="x" * 301)
    thread.refresh_from_db()
    assert not thread.is_locked


def test_thread_lock_refused_for_members_and_other_groups_facilitators(
    thread, member, other_member, other_facilitator
) -> None:
    for actor in (member, other_member, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.thread_lock(actor=actor, thread=thread, reason="no")
    thread.refresh_from_db()
    assert not thread.is_locked
    assert not AuditLogEntry.objects.exists()
    assert not _thread_changed(thread.author)


def test_thread_lock_in_a_private_group_is_hidden_from_outside_facilitators(
    private_group, other_facilitator
) -> None:
    owner = MembershipFactory(group=private_group).user
    thread = make_thread(author=owner, group=private_group)
    with pytest.raises(Http404):
        services.thread_lock(actor=other_facilitator, thread=thread, reason="no")


def test_admin_may_lock_without_being_a_member(thread, admin_user) -> None:
    services.thread_lock(actor=admin_user, thread=thread, reason="Site-wide pause")
    thread.refresh_from_db()
    assert thread.is_locked and thread.locked_by == admin_user


def test_thread_lock_twice_is_refused(thread, facilitator) -> None:
    services.thread_lock(actor=facilitator, thread=thread, reason="first")
    with pytest.raises(ValidationError, match="already locked"):
        services.thread_lock(actor=facilitator, thread=thread, reason="second")
    thread.refresh_from_db()
    assert thread.lock_reason == "first"


def test_lock_stops_member_replies_with_who_and_why(thread, facilitator, other_member) -> None:
    services.thread_lock(actor=facilitator, thread=thread, reason="Please take a break")
    with pytest.raises(PermissionDenied) as exc:
        group_services.post_create(author=other_member, thread=thread, body="one more")
    assert "harbourlight locked this thread" in str(exc.value)
    assert "Please take a break" in str(exc.value)
    assert thread.posts.count() == 2
    # A facilitator can still answer in a locked thread.
    group_services.post_create(author=facilitator, thread=thread, body="Closing words")
    assert thread.posts.count() == 3


def test_locked_thread_page_shows_who_locked_it_and_why(
    client, thread, facilitator, other_member
) -> None:
    services.thread_lock(actor=facilitator, thread=thread, reason="Please take a break")
    client.force_login(other_member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "harbourlight locked this thread, so it takes no new replies." in html
    assert "Reason: Please take a break" in html
    assert 'name="body"' not in html  # no reply form
    response = client.post(reverse("groups:post_reply", args=[thread.pk]), {"body": "hello"})
    assert "harbourlight locked this thread" in response.content.decode()
    assert thread.posts.count() == 2


def test_thread_unlock_clears_the_lock_audits_and_reopens_replies(
    thread, facilitator, member, other_member
) -> None:
    services.thread_lock(actor=facilitator, thread=thread, reason="pause")
    services.thread_unlock(actor=facilitator, thread=thread, reason="calmer now")
    thread.refresh_from_db()
    assert (thread.is_locked, thread.locked_by, thread.lock_reason) == (False, None, "")
    entry = AuditLogEntry.objects.get(action="thread.unlock")
    assert entry.actor == facilitator and entry.reason == "calmer now"
    assert entry.details["previous"]["lock_reason"] == "pause"
    assert len(_thread_changed(member)) == 2
    group_services.post_create(author=other_member, thread=thread, body="thanks")
    assert thread.posts.count() == 3


def test_thread_unlock_refused_for_members_and_when_not_locked(
    thread, facilitator, other_member
) -> None:
    with pytest.raises(ValidationError, match="not locked"):
        services.thread_unlock(actor=facilitator, thread=thread)
    services.thread_lock(actor=facilitator, thread=thread, reason="pause")
    with pytest.raises(PermissionDenied):
        services.thread_unlock(actor=other_member, thread=thread)
    thread.refresh_from_db()
    assert thread.is_locked


def test_author_is_not_notified_of_their_own_action(group, facilitator) -> None:
    own = make_thread(author=facilitator, group=group)
    services.thread_lock(actor=facilitator, thread=own, reason="announcement only")
    services.thread_pin(actor=facilitator, thread=own, reason="announcement")
    assert not _thread_changed(facilitator)


# --- pin / unpin ---


def test_thread_pin_records_who_and_why_audits_and_tells_the_author(
    thread, facilitator, member, group
) -> None:
    newer = make_thread(author=member, group=group, title="Newer")
    services.thread_pin(actor=facilitator, thread=thread, reason="Helpful for newcomers")
    thread.refresh_from_db()
    assert (thread.is_pinned, thread.pinned_by, thread.pin_reason) == (
        True,
        facilitator,
        "Helpful for newcomers",
    )
    assert list(Thread.objects.filter(group=group).listed_order())[:2] == [thread, newer]
    entry = AuditLogEntry.objects.get(action="thread.pin")
    assert entry.actor == facilitator and entry.reason == "Helpful for newcomers"
    [note] = _thread_changed(member)
    assert "pinned your thread" in note.message


def test_thread_pin_requires_a_reason_and_a_facilitator(thread, facilitator, member) -> None:
    with pytest.raises(ValidationError):
        services.thread_pin(actor=facilitator, thread=thread, reason="")
    with pytest.raises(PermissionDenied):
        services.thread_pin(actor=member, thread=thread, reason="mine first")
    thread.refresh_from_db()
    assert not thread.is_pinned
    assert not AuditLogEntry.objects.exists()


def test_thread_pin_refused_for_another_groups_facilitator(thread, other_facilitator) -> None:
    with pytest.raises(PermissionDenied):
        services.thread_pin(actor=other_facilitator, thread=thread, reason="x")
    thread.refresh_from_db()
    assert not thread.is_pinned


def test_thread_unpin_clears_the_pin_and_is_audited_quietly(thread, facilitator, member) -> None:
    services.thread_pin(actor=facilitator, thread=thread, reason="for a week")
    services.thread_unpin(actor=facilitator, thread=thread, reason="week is over")
    thread.refresh_from_db()
    assert (thread.is_pinned, thread.pinned_by, thread.pin_reason) == (False, None, "")
    entry = AuditLogEntry.objects.get(action="thread.unpin")
    assert entry.reason == "week is over"
    assert entry.details["previous"]["pin_reason"] == "for a week"
    assert len(_thread_changed(member)) == 1  # the pin, not the unpin
    with pytest.raises(ValidationError, match="not pinned"):
        services.thread_unpin(actor=facilitator, thread=thread)


def test_thread_unpin_refused_for_members(thread, facilitator, other_member) -> None:
    services.thread_pin(actor=facilitator, thread=thread, reason="for a week")
    with pytest.raises(PermissionDenied):
        services.thread_unpin(actor=other_member, thread=thread)
    thread.refresh_from_db()
    assert thread.is_pinned


# --- move ---


def test_thread_move_keeps_posts_counters_and_read_states(
    thread, facilitator, member, second_group, group
) -> None:
    post_ids = set(thread.posts.values_list("pk", flat=True))
    group_services.thread_mark_read(user=member, thread=thread, up_to_post_id=max(post_ids))
    before = (thread.reply_count, thread.last_post_id, thread.last_activity_at)
    services.thread_move(
        actor=facilitator, thread=thread, to_group=second_group, reason="About sleep"
    )
    thread.refresh_from_db()
    assert thread.group == second_group
    assert set(thread.posts.values_list("pk", flat=True)) == post_ids
    assert (thread.reply_count, thread.last_post_id, thread.last_activity_at) == before
    assert ThreadReadState.objects.get(user=member, thread=thread).last_read_post_id == max(
        post_ids
    )
    entry = AuditLogEntry.objects.get(action="thread.move")
    assert entry.group == group and entry.reason == "About sleep"
    assert entry.details["to_group_id"] == second_group.pk
    assert entry.details["from_group_id"] == group.pk
    [note] = _thread_changed(member)
    assert "from Anxiety & Panic to Sleep" in note.message and "About sleep" in note.message
    assert note.url == thread.get_absolute_url()


def test_thread_move_takes_open_review_items_along_but_not_resolved_ones(
    thread, facilitator, other_member, member, second_group, group
) -> None:
    reply = thread.posts.get(is_opening=False)
    flag_services.flag_create(reporter=member, post=reply, reason="misinformation")
    open_item = ReviewItem.objects.get(post=reply)
    opening = thread.posts.get(is_opening=True)
    old_item = ReviewItem.objects.create(
        kind=ReviewItem.Kind.FLAGGED_POST,
        group=group,
        post=opening,
        state=ReviewItem.State.RESOLVED,
    )
    unrelated = make_thread(author=member, group=group, title="Elsewhere").posts.get()
    flag_services.flag_create(reporter=other_member, post=unrelated, reason="spam")
    services.thread_move(actor=facilitator, thread=thread, to_group=second_group, reason="sleep")
    open_item.refresh_from_db()
    old_item.refresh_from_db()
    assert open_item.group == second_group
    assert old_item.group == group
    assert ReviewItem.objects.get(post=unrelated).group == group
    assert AuditLogEntry.objects.get(action="thread.move").details["review_items_moved"] == 1


def test_thread_move_needs_both_groups(thread, facilitator, group, member) -> None:
    unmoderated = GroupFactory(name="Elsewhere", slug="elsewhere")
    with pytest.raises(PermissionDenied):
        services.thread_move(actor=facilitator, thread=thread, to_group=unmoderated, reason="x")
    thread.refresh_from_db()
    assert thread.group == group
    # A facilitator of only the destination cannot pull threads in either.
    MembershipFactory(group=unmoderated, user=member, role=Membership.Role.FACILITATOR)
    with pytest.raises(PermissionDenied):
        services.thread_move(actor=member, thread=thread, to_group=unmoderated, reason="x")
    thread.refresh_from_db()
    assert thread.group == group
    assert not AuditLogEntry.objects.exists()


def test_thread_move_refused_for_another_groups_facilitator(
    thread, other_facilitator, group
) -> None:
    destination = Membership.objects.get(user=other_facilitator).group
    with pytest.raises(PermissionDenied):
        services.thread_move(
            actor=other_facilitator, thread=thread, to_group=destination, reason="mine"
        )
    thread.refresh_from_db()
    assert thread.group == group


def test_thread_move_requires_a_reason_and_another_group(
    thread, facilitator, second_group, group
) -> None:
    with pytest.raises(ValidationError):
        services.thread_move(actor=facilitator, thread=thread, to_group=second_group, reason="")
    with pytest.raises(ValidationError, match="already in"):
        services.thread_move(actor=facilitator, thread=thread, to_group=group, reason="x")
    thread.refresh_from_db()
    assert thread.group == group


def test_admin_may_move_between_any_groups(thread, admin_user) -> None:
    anywhere = GroupFactory(name="Anywhere", slug="anywhere")
    services.thread_move(actor=admin_user, thread=thread, to_group=anywhere, reason="tidy")
    thread.refresh_from_db()
    assert thread.group == anywhere


def test_move_into_a_private_group_hides_it_from_non_members(
    client, thread, facilitator, member, outsider
) -> None:
    private = GroupFactory(name="Closed room", slug="closed-room", private=True)
    MembershipFactory(group=private, user=facilitator, role=Membership.Role.FACILITATOR)
    url = thread.get_absolute_url()
    client.force_login(outsider)
    assert client.get(url).status_code == 200
    services.thread_move(actor=facilitator, thread=thread, to_group=private, reason="privacy")
    assert client.get(url).status_code == 404
    client.force_login(member)  # the author, not a member of the private group
    assert client.get(url).status_code == 404
    [note] = _thread_changed(member)
    assert "a private group" in note.message and note.url == private.get_absolute_url()


# --- pages ---


def test_thread_tools_link_only_for_the_groups_facilitators(
    client, thread, facilitator, other_member, other_facilitator
) -> None:
    tools = reverse("moderation:thread_tools", args=[thread.pk])
    for viewer in (other_member, other_facilitator):
        client.force_login(viewer)
        assert tools not in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(facilitator)
    assert f'href="{tools}"' in client.get(thread.get_absolute_url()).content.decode()


def test_thread_tools_page_locks_with_a_reason(mod_client, thread, facilitator) -> None:
    url = reverse("moderation:thread_tools", args=[thread.pk])
    page = mod_client.get(url).content.decode()
    assert "Lock the thread" in page and "Pin the thread" in page
    response = mod_client.post(url, {"action": "lock", "lock-reason": "Going in circles"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.is_locked and thread.lock_reason == "Going in circles"
    page = mod_client.get(url).content.decode()
    assert "Unlock the thread" in page and "Going in circles" in page
    mod_client.post(url, {"action": "unlock", "unlock-reason": ""})
    thread.refresh_from_db()
    assert not thread.is_locked


def test_thread_tools_page_explains_a_missing_reason(mod_client, thread) -> None:
    url = reverse("moderation:thread_tools", args=[thread.pk])
    response = mod_client.post(url, {"action": "pin", "pin-reason": ""})
    assert response.status_code == 200
    assert "Please give a reason." in response.content.decode()
    thread.refresh_from_db()
    assert not thread.is_pinned


def test_thread_tools_page_pins_and_unpins(mod_client, thread) -> None:
    url = reverse("moderation:thread_tools", args=[thread.pk])
    mod_client.post(url, {"action": "pin", "pin-reason": "Weekly check-in"})
    thread.refresh_from_db()
    assert thread.is_pinned and thread.pin_reason == "Weekly check-in"
    mod_client.post(url, {"action": "unpin", "unpin-reason": ""})
    thread.refresh_from_db()
    assert not thread.is_pinned


def test_thread_tools_move_offers_only_groups_the_facilitator_runs(
    mod_client, thread, second_group
) -> None:
    foreign = GroupFactory(name="Not yours", slug="not-yours")
    url = reverse("moderation:thread_tools", args=[thread.pk])
    page = mod_client.get(url).content.decode()
    assert f'value="{second_group.pk}"' in page
    assert "Not yours" not in page
    assert f'<option value="{thread.group_id}"' not in page
    response = mod_client.post(
        url, {"action": "move", "move-to_group": foreign.pk, "move-reason": "x"}
    )
    assert "You can only move threads into groups you facilitate." in response.content.decode()
    thread.refresh_from_db()
    assert thread.group != foreign
    mod_client.post(
        url, {"action": "move", "move-to_group": second_group.pk, "move-reason": "About sleep"}
    )
    thread.refresh_from_db()
    assert thread.group == second_group


def test_thread_tools_unknown_action_changes_nothing(mod_client, thread) -> None:
    url = reverse("moderation:thread_tools", args=[thread.pk])
    response = mod_client.post(url, {"action": "delete", "lock-reason": "x"})
    assert response.status_code == 200
    assert "Please choose one of the actions below." in response.content.decode()
    thread.refresh_from_db()
    assert not thread.is_locked


def test_thread_tools_page_access_by_role(client, thread, member, other_facilitator) -> None:
    url = reverse("moderation:thread_tools", args=[thread.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(member)
    assert client.get(url).status_code == 403
    signed_in_with_mfa(client, other_facilitator)
    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "lock", "lock-reason": "x"})
    assert response.status_code == 404
    thread.refresh_from_db()
    assert not thread.is_locked


def test_thread_tools_page_hides_private_threads_from_outside_facilitators(
    client, private_group, other_facilitator
) -> None:
    owner = MembershipFactory(group=private_group).user
    thread = make_thread(author=owner, group=private_group)
    signed_in_with_mfa(client, other_facilitator)
    assert client.get(reverse("moderation:thread_tools", args=[thread.pk])).status_code == 404


def test_thread_tools_page_needs_mfa(client, thread, facilitator) -> None:
    client.force_login(facilitator)
    response = client.get(reverse("moderation:thread_tools", args=[thread.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_admin_uses_thread_tools_on_any_group(admin_client_mfa, thread) -> None:
    url = reverse("moderation:thread_tools", args=[thread.pk])
    anywhere = SupportGroup.objects.create(name="Anywhere", slug="anywhere")
    page = admin_client_mfa.get(url).content.decode()
    assert f'value="{anywhere.pk}"' in page
    admin_client_mfa.post(url, {"action": "lock", "lock-reason": "admin pause"})
    thread.refresh_from_db()
    assert thread.is_locked


def test_thread_tools_page_reports_a_colleagues_lock_once(mod_client, thread, group) -> None:
    colleague = MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user
    services.thread_lock(actor=colleague, thread=thread, reason="first")
    url = reverse("moderation:thread_tools", args=[thread.pk])
    response = mod_client.post(url, {"action": "lock", "lock-reason": "second"})
    assert response.content.decode().count("This thread is already locked.") == 1
    thread.refresh_from_db()
    assert thread.lock_reason == "first" and thread.locked_by == colleague

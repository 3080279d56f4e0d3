from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from groups import services
from groups.models import (
    MAX_TREE_DEPTH,
    Invitation,
    Membership,
    Post,
    Reaction,
    SupportGroup,
    Thread,
)
from tests.factories import GroupFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


# --- joining ---


def test_group_join_open_group_records_guidelines_acceptance(group, outsider) -> None:
    membership = services.group_join(user=outsider, group=group, accept_guidelines=True)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.guidelines_accepted_at is not None
    assert membership.role == Membership.Role.MEMBER


def test_group_join_without_accepting_guidelines_is_refused(group, outsider) -> None:
    with pytest.raises(ValidationError) as exc:
        services.group_join(user=outsider, group=group, accept_guidelines=False)
    assert "guidelines" in str(exc.value)
    assert not Membership.objects.filter(user=outsider).exists()


def test_group_join_request_group_needs_an_answer_and_waits(private_group, outsider) -> None:
    with pytest.raises(ValidationError):
        services.group_join(user=outsider, group=private_group, accept_guidelines=True)
    membership = services.group_join(
        user=outsider, group=private_group, accept_guidelines=True, entry_answer="I care for my dad"
    )
    assert membership.status == Membership.Status.PENDING
    assert membership.entry_answer == "I care for my dad"


def test_group_join_invite_only_needs_an_invitation(outsider) -> None:
    group = GroupFactory(join_policy=SupportGroup.JoinPolicy.INVITE)
    with pytest.raises(PermissionDenied, match="invitation"):
        services.group_join(user=outsider, group=group, accept_guidelines=True)


def test_join_request_decide_by_facilitator(private_group, outsider) -> None:
    facilitator = MembershipFactory(group=private_group, role=Membership.Role.FACILITATOR).user
    pending = services.group_join(
        user=outsider, group=private_group, accept_guidelines=True, entry_answer="hello"
    )
    decided = services.join_request_decide(actor=facilitator, membership=pending, approve=True)
    assert decided.status == Membership.Status.ACTIVE
    assert decided.decided_by == facilitator
    with pytest.raises(PermissionDenied, match="already"):
        services.join_request_decide(actor=facilitator, membership=pending, approve=False)


def test_join_request_decide_refused_for_plain_member(private_group, outsider) -> None:
    plain = MembershipFactory(group=private_group).user
    pending = services.group_join(
        user=outsider, group=private_group, accept_guidelines=True, entry_answer="hello"
    )
    with pytest.raises(PermissionDenied):
        services.join_request_decide(actor=plain, membership=pending, approve=True)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_group_leave_removes_membership(group, member) -> None:
    services.group_leave(user=member, group=group)
    assert not Membership.objects.filter(user=member, group=group).exists()


# --- invitations ---


def test_invitation_is_single_use(facilitator, group, outsider) -> None:
    group.join_policy = SupportGroup.JoinPolicy.INVITE
    group.save()
    invitation = services.invitation_create(actor=facilitator, group=group, note="for A")
    membership = services.invitation_accept(
        user=outsider, token=invitation.token, accept_guidelines=True
    )
    assert membership.is_active
    invitation.refresh_from_db()
    assert invitation.used_by == outsider
    second = UserFactory()
    with pytest.raises(PermissionDenied, match="expired or was already used"):
        services.invitation_accept(user=second, token=invitation.token, accept_guidelines=True)
    assert not Membership.objects.filter(user=second).exists()


def test_invitation_expires(facilitator, group, outsider) -> None:
    invitation = services.invitation_create(actor=facilitator, group=group)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(PermissionDenied):
        services.invitation_accept(user=outsider, token=invitation.token, accept_guidelines=True)


def test_invitation_by_handle_notifies_the_member_and_only_they_can_use_it(
    facilitator, group, outsider, member
) -> None:
    group.join_policy = SupportGroup.JoinPolicy.INVITE
    group.save()
    invitation = services.invitation_create(
        actor=facilitator, group=group, handle=f"@{outsider.handle.upper()}"
    )
    assert invitation.invitee == outsider
    note = Notification.objects.get(recipient=outsider)
    assert note.kind == Notification.Kind.INVITATION
    assert note.url == invitation.get_absolute_url() and note.group == group
    assert group.name in note.message
    someone_else = UserFactory()
    with pytest.raises(PermissionDenied, match="addressed to another member"):
        services.invitation_accept(
            user=someone_else, token=invitation.token, accept_guidelines=True
        )
    assert not Membership.objects.filter(user=someone_else, group=group).exists()
    assert services.invitation_accept(
        user=outsider, token=invitation.token, accept_guidelines=True
    ).is_active


@pytest.mark.parametrize(
    ("handle", "message"), [("nobody_here", "No member is called"), ("MEMBER", "already a member")]
)
def test_invitation_by_handle_refuses_unknown_or_existing_members(
    facilitator, group, member, handle, message
) -> None:
    handle = member.handle if handle == "MEMBER" else handle
    with pytest.raises(ValidationError, match=message):
        services.invitation_create(actor=facilitator, group=group, handle=handle)
    assert not Invitation.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.INVITATION).exists()


def test_invitation_create_needs_facilitator(member, group) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=member, group=group)


# --- threads and posts ---


def test_thread_create_publishes_opening_post(member, group) -> None:
    thread = make_thread(author=member, group=group, title="  Hello there  ", body="**Hi**")
    assert thread.title == "Hello there"
    assert thread.is_published
    opening = thread.posts.get()
    assert opening.is_opening and opening.state == Post.State.PUBLISHED
    assert opening.body_html == "<p><strong>Hi</strong></p>\n"
    assert thread.last_post_id == opening.pk
    assert thread.reply_count == 0


def test_thread_create_refused_for_non_member(outsider, group) -> None:
    with pytest.raises(PermissionDenied, match="Join this group"):
        make_thread(author=outsider, group=group)
    assert not Thread.objects.exists()


def test_thread_create_unverified_email_refused(group) -> None:
    unverified = MembershipFactory(group=group, user__verified=False).user
    with pytest.raises(PermissionDenied, match="confirm your e-mail"):
        make_thread(author=unverified, group=group)


def test_thread_create_title_too_long_names_limit(member, group) -> None:
    with pytest.raises(ValidationError, match="150"):
        make_thread(author=member, group=group, title="x" * 151)
    assert not Thread.objects.exists()


def test_post_create_threads_replies_in_tree_order(member, other_member, group) -> None:
    thread = make_thread(author=member, group=group)
    first = services.post_create(author=other_member, thread=thread, body="first reply")
    services.post_create(author=member, thread=thread, body="second reply")
    nested = services.post_create(author=member, thread=thread, body="answer", reply_to=first)
    ordered = list(thread.posts.order_by("path").values_list("body", flat=True))
    assert ordered == ["Hello", "first reply", "answer", "second reply"]
    assert nested.parent == first and nested.reply_to == first and nested.depth == 1
    thread.refresh_from_db()
    assert thread.reply_count == 3
    assert thread.last_post_id == nested.pk


def test_post_create_past_max_depth_becomes_sibling(member, other_member, group) -> None:
    thread = make_thread(author=member, group=group)
    target = None
    for i in range(MAX_TREE_DEPTH + 2):
        author = member if i % 2 else other_member
        target = services.post_create(author=author, thread=thread, body=f"r{i}", reply_to=target)
    assert target.depth == MAX_TREE_DEPTH - 1
    assert target.reply_to.depth == MAX_TREE_DEPTH - 1
    assert target.parent_id == target.reply_to.parent_id
    assert len(target.path) < 255


def test_post_create_anonymous_only_where_allowed(member, group) -> None:
    thread = make_thread(author=member, group=group)
    with pytest.raises(PermissionDenied, match="anonymous"):
        services.post_create(author=member, thread=thread, body="x", anonymous=True)
    group.allow_anonymous = True
    group.save()
    post = services.post_create(author=member, thread=thread, body="x", anonymous=True)
    assert post.is_anonymous and post.author == member


def test_post_create_locked_thread_refused_but_facilitator_may(member, facilitator, group) -> None:
    thread = make_thread(author=member, group=group)
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    with pytest.raises(PermissionDenied, match="locked"):
        services.post_create(author=member, thread=thread, body="x")
    post = services.post_create(author=facilitator, thread=thread, body="A note from us")
    assert post.state == Post.State.PUBLISHED


def test_slow_mode_enforced_in_service(member, group) -> None:
    group.slow_mode_seconds = 120
    group.save()
    thread = make_thread(author=member, group=group)
    with pytest.raises(PermissionDenied, match=r"slow mode.*again in \d+ seconds"):
        services.post_create(author=member, thread=thread, body="too soon")
    Post.objects.filter(author=member).update(created_at=timezone.now() - timedelta(seconds=121))
    assert services.post_create(author=member, thread=thread, body="now fine").pk


def test_minimum_account_age_enforced(group) -> None:
    group.min_account_age_hours = 24
    group.save()
    fresh = MembershipFactory(group=group, user__date_joined=timezone.now()).user
    with pytest.raises(PermissionDenied, match="24 hours"):
        make_thread(author=fresh, group=group)


def test_premoderation_first_n_posts(member, facilitator, group) -> None:
    group.posting_policy = SupportGroup.PostingPolicy.FIRST_N
    group.premoderate_first_n = 1
    group.save()
    thread = make_thread(author=member, group=group)
    assert not thread.is_published
    opening = thread.posts.get()
    assert opening.state == Post.State.PENDING
    services.post_approve(actor=facilitator, post=opening)
    thread.refresh_from_db()
    assert thread.is_published and thread.last_post_id == opening.pk
    reply = services.post_create(author=member, thread=thread, body="second post")
    assert reply.state == Post.State.PUBLISHED


def test_premoderation_all_holds_replies_and_counts_after_approval(
    member, other_member, facilitator, group
) -> None:
    thread = make_thread(author=member, group=group)
    group.posting_policy = SupportGroup.PostingPolicy.ALL
    group.save()
    reply = services.post_create(author=other_member, thread=thread, body="held")
    assert reply.state == Post.State.PENDING
    thread.refresh_from_db()
    assert thread.reply_count == 0
    with pytest.raises(PermissionDenied):
        services.post_approve(actor=member, post=reply)
    services.post_approve(actor=facilitator, post=reply)
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_cannot_reply_to_pending_or_foreign_post(member, other_member, group) -> None:
    thread = make_thread(author=member, group=group)
    other = make_thread(author=member, group=group, title="Other")
    foreign = other.posts.get()
    with pytest.raises(PermissionDenied, match="another thread"):
        services.post_create(author=other_member, thread=thread, body="x", reply_to=foreign)


def test_post_edit_keeps_revision(member, group) -> None:
    thread = make_thread(author=member, group=group, body="before")
    post = thread.posts.get()
    services.post_edit(editor=member, post=post, body="after", content_warning="grief")
    post.refresh_from_db()
    assert post.body == "after" and post.content_warning == "grief" and post.edited_at
    revision = post.revisions.get()
    assert revision.body == "before" and revision.edited_by == member


def test_post_edit_by_someone_else_refused(member, other_member, group) -> None:
    post = make_thread(author=member, group=group, body="mine").posts.get()
    with pytest.raises(PermissionDenied, match="Only the author"):
        services.post_edit(editor=other_member, post=post, body="theirs", content_warning="")
    post.refresh_from_db()
    assert post.body == "mine" and not post.revisions.exists()


def test_post_delete_is_soft_and_keeps_place(member, other_member, group) -> None:
    thread = make_thread(author=member, group=group)
    reply = services.post_create(author=other_member, thread=thread, body="oops")
    services.post_delete(actor=other_member, post=reply)
    reply.refresh_from_db()
    assert reply.deleted_at is not None and reply.body == "oops"
    thread.refresh_from_db()
    assert thread.reply_count == 0
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=member, post=thread.posts.get(is_opening=False))


def test_reaction_toggle_one_of_each_kind(member, other_member, group) -> None:
    post = make_thread(author=member, group=group).posts.get()
    assert services.reaction_toggle(user=other_member, post=post, kind="hug") is True
    assert services.reaction_toggle(user=other_member, post=post, kind="me_too") is True
    assert Reaction.objects.filter(post=post).count() == 2
    assert services.reaction_toggle(user=other_member, post=post, kind="hug") is False
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["me_too"]


def test_reaction_on_own_post_refused(member, group) -> None:
    post = make_thread(author=member, group=group).posts.get()
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=member, post=post, kind="hug")


def test_reaction_unknown_kind_refused(member, other_member, group) -> None:
    post = make_thread(author=member, group=group).posts.get()
    with pytest.raises(ValidationError):
        services.reaction_toggle(user=other_member, post=post, kind="downvote")
    assert not Reaction.objects.exists()


def test_thread_mark_read_never_moves_back(member, group) -> None:
    thread = make_thread(author=member, group=group)
    services.thread_mark_read(user=member, thread=thread, up_to_post_id=10)
    services.thread_mark_read(user=member, thread=thread, up_to_post_id=5)
    assert thread.read_states.get(user=member).last_read_post_id == 10


def test_post_create_publishes_live_update_after_commit(
    member, other_member, group, django_capture_on_commit_callbacks
) -> None:
    thread = make_thread(author=member, group=group)
    with django_capture_on_commit_callbacks() as callbacks:
        services.post_create(author=other_member, thread=thread, body="live")
    names = [callback.__qualname__ for callback in callbacks]
    assert sum("publish_post_on_commit" in name for name in names) == 1
    assert sum("_fan_out_on_commit" in name for name in names) == 1


def test_reaction_allowed_in_locked_thread_and_page_offers_it(
    client, member, other_member, group
) -> None:
    """Locking stops new replies, not support for what was already said."""
    thread = make_thread(author=member, group=group)
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    post = thread.posts.get()
    assert services.reaction_toggle(user=other_member, post=post, kind="thank_you") is True
    client.force_login(other_member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert 'name="kind" value="hug"' in html


def test_a_threads_address_follows_its_title(group, member) -> None:
    """Thread addresses are remembered by id and title (groups.models.threads)."""
    thread = make_thread(author=member, group=group, title="Nights are hard")
    assert thread.get_absolute_url() == f"/t/{thread.pk}/nights-are-hard/"
    thread.title = "Mornings are harder"
    assert thread.get_absolute_url() == f"/t/{thread.pk}/mornings-are-harder/"
    thread.title = "¿?"
    assert thread.get_absolute_url() == f"/t/{thread.pk}/thread/"

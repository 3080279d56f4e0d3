"""Who may do what in a group: roles x group kinds x actions, checked against a table of
what a safe peer-support forum should allow (DESIGN.md), not against what the code does.

Each case builds a small world: a group of the given kind, a plain member (the *author*)
who opened a thread and wrote a reply, an anonymous reply and a reply still waiting for a
facilitator; then asks ``groups.policies`` one question as one role.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import User
from groups import policies, services
from groups.models import Membership, Post, SupportGroup, Thread
from tests.factories import GroupFactory, MembershipFactory, UserFactory, make_thread

ROLES = (
    "anonymous",  # not signed in
    "non_member",  # signed in, e-mail verified, no membership
    "pending",  # asked to join, waiting for a facilitator
    "member",  # active member (not the author of the post asked about)
    "facilitator",  # facilitator of this group
    "other_facilitator",  # facilitator of another group only
    "admin",  # is_staff, no membership
    "author",  # the plain member who wrote the post asked about
)

Y, N = True, False

# Columns follow ROLES:
#   anonymous, non_member, pending, member, facilitator, other_facilitator, admin, author
# "locked" is a listed open group whose thread a facilitator has locked; only the
# thread-level actions are asked there.
# fmt: off
EXPECTED: dict[str, dict[str, tuple[bool, ...]]] = {
    # Listed and unlisted groups are readable by anyone with the address; a private
    # group's content by its members, its facilitators and admins only.
    "can_read_group": {
        "listed":   (Y, Y, Y, Y, Y, Y, Y, Y),
        "unlisted": (Y, Y, Y, Y, Y, Y, Y, Y),
        "private":  (N, N, N, Y, Y, N, Y, Y),
        "invite":   (Y, Y, Y, Y, Y, Y, Y, Y),
    },
    # Signing in comes first; nobody joins twice or re-asks while waiting; an
    # invite-only group takes nobody without an invitation.
    "can_join": {
        "listed":   (N, Y, N, N, N, Y, Y, N),
        "unlisted": (N, Y, N, N, N, Y, Y, N),
        "private":  (N, Y, N, N, N, Y, Y, N),
        "invite":   (N, N, N, N, N, N, N, N),
    },
    # Only active members, the group's facilitators and admins post; reading a group
    # never lets anyone post in it.
    "can_start_thread": {
        "listed":   (N, N, N, Y, Y, N, Y, Y),
        "unlisted": (N, N, N, Y, Y, N, Y, Y),
        "private":  (N, N, N, Y, Y, N, Y, Y),
        "invite":   (N, N, N, Y, Y, N, Y, Y),
    },
    "can_reply": {
        "listed":   (N, N, N, Y, Y, N, Y, Y),
        "unlisted": (N, N, N, Y, Y, N, Y, Y),
        "private":  (N, N, N, Y, Y, N, Y, Y),
        "invite":   (N, N, N, Y, Y, N, Y, Y),
        "locked":   (N, N, N, N, Y, N, Y, N),
    },
    # This group's facilitators and admins; a facilitator elsewhere has no say here.
    "can_moderate_group": {
        "listed":   (N, N, N, N, Y, N, Y, N),
        "unlisted": (N, N, N, N, Y, N, Y, N),
        "private":  (N, N, N, N, Y, N, Y, N),
        "invite":   (N, N, N, N, Y, N, Y, N),
    },
    # Earlier versions of a post: its author and the group's facilitators (and admins).
    "can_view_revisions": {
        "listed":   (N, N, N, N, Y, N, Y, Y),
        "unlisted": (N, N, N, N, Y, N, Y, Y),
        "private":  (N, N, N, N, Y, N, Y, Y),
        "invite":   (N, N, N, N, Y, N, Y, Y),
    },
    # Only the author edits their words (facilitators act through moderation tools), and
    # not once the thread is locked.
    "can_edit_post": {
        "listed":   (N, N, N, N, N, N, N, Y),
        "unlisted": (N, N, N, N, N, N, N, Y),
        "private":  (N, N, N, N, N, N, N, Y),
        "invite":   (N, N, N, N, N, N, N, Y),
        "locked":   (N, N, N, N, N, N, N, N),
    },
    # Only the author deletes (facilitators remove, citing a rule). Taking back what one
    # wrote stays possible in a locked thread: privacy first.
    "can_delete_post": {
        "listed":   (N, N, N, N, N, N, N, Y),
        "unlisted": (N, N, N, N, N, N, N, Y),
        "private":  (N, N, N, N, N, N, N, Y),
        "invite":   (N, N, N, N, N, N, N, Y),
        "locked":   (N, N, N, N, N, N, N, Y),
    },
    # Support reactions come from people in the group, never to oneself.
    "can_react": {
        "listed":   (N, N, N, Y, Y, N, Y, N),
        "unlisted": (N, N, N, Y, Y, N, Y, N),
        "private":  (N, N, N, Y, Y, N, Y, N),
        "invite":   (N, N, N, Y, Y, N, Y, N),
    },
    # An anonymous post: peers see "Anonymous member"; the author, the group's
    # facilitators and admins still see who wrote it.
    "can_see_author": {
        "listed":   (N, N, N, N, Y, N, Y, Y),
        "unlisted": (N, N, N, N, Y, N, Y, Y),
        "private":  (N, N, N, N, Y, N, Y, Y),
        "invite":   (N, N, N, N, Y, N, Y, Y),
    },
    # A post waiting for approval: its author and those who can approve it.
    "can_read_post_body": {
        "listed":   (N, N, N, N, Y, N, Y, Y),
        "unlisted": (N, N, N, N, Y, N, Y, Y),
        "private":  (N, N, N, N, Y, N, Y, Y),
        "invite":   (N, N, N, N, Y, N, Y, Y),
    },
}
# fmt: on

KIND_FIELDS = {
    "listed": {},
    "unlisted": {"visibility": SupportGroup.Visibility.UNLISTED},
    "private": {
        "visibility": SupportGroup.Visibility.PRIVATE,
        "join_policy": SupportGroup.JoinPolicy.REQUEST,
        "entry_question": "What brings you here?",
    },
    # Listed but invitation-only, so reading and joining are asked apart.
    "invite": {"join_policy": SupportGroup.JoinPolicy.INVITE},
    "locked": {},
}

CASES = [
    pytest.param(kind, role, action, allowed, id=f"{kind}-{role}-{action}")
    for action, by_kind in EXPECTED.items()
    for kind, row in by_kind.items()
    for role, allowed in zip(ROLES, row, strict=True)
]


@dataclass
class World:
    group: SupportGroup
    author: User
    thread: Thread
    post: Post  # a published reply by the author
    anonymous_post: Post
    pending_post: Post


def _reload(post: Post) -> Post:
    return Post.objects.select_related("thread__group").get(pk=post.pk)


def _world(kind: str) -> World:
    group = GroupFactory(allow_anonymous=True, **KIND_FIELDS[kind])
    author = MembershipFactory(group=group).user
    thread = make_thread(author=author, group=group)
    post = services.post_create(author=author, thread=thread, body="It helped to write it down.")
    anonymous_post = services.post_create(
        author=author, thread=thread, body="I have not told anyone.", anonymous=True
    )
    pending_post = services.post_create(author=author, thread=thread, body="Still here.")
    Post.objects.filter(pk=pending_post.pk).update(state=Post.State.PENDING)
    if kind == "locked":
        Thread.objects.filter(pk=thread.pk).update(is_locked=True, lock_reason="Cooling off.")
    thread = Thread.objects.select_related("group").get(pk=thread.pk)
    return World(
        group=thread.group,
        author=author,
        thread=thread,
        post=_reload(post),
        anonymous_post=_reload(anonymous_post),
        pending_post=_reload(pending_post),
    )


def _as(role: str, world: World):
    group = world.group
    if role == "anonymous":
        return AnonymousUser()
    if role == "non_member":
        user = UserFactory()
    elif role == "pending":
        user = MembershipFactory(group=group, status=Membership.Status.PENDING).user
    elif role == "member":
        user = MembershipFactory(group=group).user
    elif role == "facilitator":
        user = MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user
    elif role == "other_facilitator":
        user = MembershipFactory(role=Membership.Role.FACILITATOR).user
    elif role == "admin":
        user = UserFactory(is_staff=True)
    elif role == "author":
        user = world.author
    else:
        raise AssertionError(role)
    return User.objects.get(pk=user.pk)  # a fresh object: nothing memoised yet


def _ask(action: str, user, world: World) -> bool:
    group, thread = world.group, world.thread
    questions = {
        "can_read_group": lambda: policies.can_read_group(user, group),
        "can_join": lambda: policies.can_join(user, group),
        "can_start_thread": lambda: policies.can_start_thread(user, group),
        "can_reply": lambda: policies.can_reply(user, thread),
        "can_moderate_group": lambda: policies.can_moderate_group(user, group),
        "can_view_revisions": lambda: policies.can_view_revisions(user, world.post),
        "can_edit_post": lambda: policies.can_edit_post(user, world.post),
        "can_delete_post": lambda: policies.can_delete_post(user, world.post),
        "can_react": lambda: policies.can_react(user, world.post),
        "can_see_author": lambda: policies.can_see_author(user, world.anonymous_post),
        "can_read_post_body": lambda: policies.can_read_post_body(user, world.pending_post),
    }
    return bool(questions[action]())


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "role", "action", "allowed"), CASES)
def test_policies_table(kind: str, role: str, action: str, allowed: bool) -> None:
    world = _world(kind)
    user = _as(role, world)
    assert _ask(action, user, world) is allowed


def test_policies_table_covers_every_kind_and_role() -> None:
    kinds = {kind for by_kind in EXPECTED.values() for kind in by_kind}
    assert kinds == set(KIND_FIELDS)
    assert all(len(row) == len(ROLES) for by in EXPECTED.values() for row in by.values())


# --- posting refusals in words a member can act on ---


def test_posting_refusal_slow_mode_names_the_seconds_to_wait(group, member) -> None:
    group.slow_mode_seconds = 120
    group.save()
    make_thread(author=member, group=group)
    member = User.objects.get(pk=member.pk)

    refusal = policies.posting_refusal(member, group)

    assert refusal is not None
    assert "120 seconds" in refusal
    wait = re.search(r"again in (\d+) seconds", refusal)
    assert wait is not None
    assert 0 < int(wait.group(1)) <= 120
    assert policies.can_start_thread(member, group) is False


def test_posting_refusal_slow_mode_lifts_after_the_interval(group, member) -> None:
    group.slow_mode_seconds = 120
    group.save()
    make_thread(author=member, group=group)
    Post.objects.filter(author=member).update(created_at=timezone.now() - timedelta(seconds=121))

    assert policies.posting_refusal(User.objects.get(pk=member.pk), group) is None


def test_posting_refusal_slow_mode_does_not_hold_back_facilitators(group, facilitator) -> None:
    group.slow_mode_seconds = 120
    group.save()
    make_thread(author=facilitator, group=group)

    assert policies.posting_refusal(User.objects.get(pk=facilitator.pk), group) is None


def test_posting_refusal_new_account_names_the_hours(group) -> None:
    group.min_account_age_hours = 48
    group.save()
    newcomer = MembershipFactory(group=group, user__date_joined=timezone.now()).user

    refusal = policies.posting_refusal(newcomer, group)

    assert refusal is not None
    assert "48 hours" in refusal
    assert policies.can_start_thread(newcomer, group) is False


def test_posting_refusal_old_enough_account_may_post(group) -> None:
    group.min_account_age_hours = 48
    group.save()
    joined = timezone.now() - timedelta(hours=49)
    veteran = MembershipFactory(group=group, user__date_joined=joined).user

    assert policies.posting_refusal(veteran, group) is None


def test_posting_refusal_unverified_email_cannot_post(group) -> None:
    unverified = MembershipFactory(group=group, user__verified=False).user

    refusal = policies.posting_refusal(unverified, group)

    assert refusal is not None
    assert "e-mail" in refusal
    assert policies.can_start_thread(unverified, group) is False


# --- pre-moderation ---


def test_post_needs_approval_open_policy_publishes_at_once(group, member) -> None:
    assert group.posting_policy == SupportGroup.PostingPolicy.OPEN
    assert policies.post_needs_approval(member, group) is False


def test_post_needs_approval_all_policy_holds_every_member_post(group, member) -> None:
    make_thread(author=member, group=group)  # published before the policy changed
    group.posting_policy = SupportGroup.PostingPolicy.ALL
    group.save()

    assert policies.post_needs_approval(member, group) is True


def test_post_needs_approval_first_n_holds_only_the_first_posts(group, member) -> None:
    group.posting_policy = SupportGroup.PostingPolicy.FIRST_N
    group.premoderate_first_n = 2
    group.save()
    assert policies.post_needs_approval(member, group) is True

    thread = make_thread(author=member, group=group)
    opening = Post.objects.get(thread=thread)
    assert opening.state == Post.State.PENDING
    services.post_approve(actor=UserFactory(is_staff=True), post=opening)
    assert policies.post_needs_approval(member, group) is True

    reply = services.post_create(author=member, thread=thread, body="And another thing.")
    services.post_approve(actor=UserFactory(is_staff=True), post=reply)
    assert policies.post_needs_approval(member, group) is False


@pytest.mark.parametrize("policy", ["open", "first_n", "all"])
def test_post_needs_approval_never_for_facilitators_or_admins(
    group, facilitator, admin_user, policy: str
) -> None:
    group.posting_policy = policy
    group.premoderate_first_n = 5
    group.save()

    assert policies.post_needs_approval(facilitator, group) is False
    assert policies.post_needs_approval(admin_user, group) is False

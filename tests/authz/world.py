"""One world for the authorisation matrix: a listed group that asks people to request to
join (so "pending" means something), a private group beside it for the IDOR checks, an
object of every kind the URL patterns point at in each, and a user for every role.

``build_world()`` makes it in the current transaction; ``sign_in()`` gives a test client
the session a role has (facilitators and admins with two-factor authentication passed).
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accounts.mail import unsubscribe_token
from accounts.models import DataExport
from groups.models import CalendarFeed, Invitation, Meeting, Membership, Post, SupportGroup
from moderation.models import (
    CrisisAlert,
    FacilitatorNote,
    Resource,
    ResourcePin,
    ReviewItem,
    Sanction,
    StaffNote,
)
from moderation.models.resources import DIGITAL_LITERACY_SLUG
from moderation.services import flags as flag_services
from moderation.services.crisis import alert_raise
from moderation.services.queue import review_open
from tests import factories
from tests.factories import GroupFactory, MembershipFactory, UserFactory, make_rule

# The roles of the matrix, in the order of the expected tables' rows.
ROLES = [
    "anonymous",
    "unverified",  # a member of the group whose e-mail address is not confirmed
    "member",  # a verified Haven account, not in the group
    "group_member",
    "pending",  # asked to join the group; not approved yet
    "muted",  # a member of the group, muted in it
    "suspended",  # a member of the group, suspended site-wide
    "other_facilitator",  # facilitates another group (MFA passed)
    "facilitator",  # facilitates the group (MFA passed)
    "admin",  # staff (MFA passed)
]
MFA_ROLES = {"other_facilitator", "facilitator", "admin"}


@dataclass
class Place:
    """One group and the objects in it that URL parameters point at."""

    group: SupportGroup
    facilitator: object
    author: object  # a member of the group who is none of the roles: owns the objects
    thread: object
    post: Post  # a published reply by ``author``
    pending_post: Post  # a reply by ``author`` held for a facilitator
    flagged_item: ReviewItem
    join_item: ReviewItem
    alert: CrisisAlert
    meeting: Meeting
    invitation: Invitation
    rule: object
    mute: Sanction  # on the group's muted member (lifted by sanction_revoke)
    warning: Sanction  # a formal warning to ``author`` (only they acknowledge it)
    facilitator_note: FacilitatorNote
    staff_note: StaffNote
    pin: ResourcePin
    suggested: Resource  # suggested for this group, not vetted yet


@dataclass
class World:
    users: dict[str, object]  # role -> user (no entry for anonymous)
    main: Place
    private: Place
    vetted: Resource
    export_token: str  # a ready data export of the group member's
    calendar_token: str  # the group member's private calendar feed
    unsubscribe_token: str  # the group member's unsubscribe link
    extra: dict = field(default_factory=dict)


def _place(
    group: SupportGroup, *, facilitator, members: dict[str, object], vetted: Resource
) -> Place:
    now = timezone.now()
    rule = make_rule(group, title="Be kind")
    author = MembershipFactory(group=group, user__handle=f"{group.slug}-author"[:30]).user
    reporter = MembershipFactory(group=group, user__handle=f"{group.slug}-reporter"[:30]).user
    thread = factories.make_thread(author=author, group=group, title=f"A hard week in {group.slug}")
    from groups import services as group_services

    post = group_services.post_create(author=author, thread=thread, body="Some days are long.")
    pending_post = group_services.post_create(author=author, thread=thread, body="Held for now.")
    Post.objects.filter(pk=pending_post.pk).update(state=Post.State.PENDING)
    pending_post.refresh_from_db()
    flag_services.flag_create(reporter=reporter, post=post, reason="spam", note="")
    flagged_item = ReviewItem.objects.get(post=post, kind=ReviewItem.Kind.FLAGGED_POST)
    joiner = members.get("pending") or MembershipFactory(group=group).user
    joining = Membership.objects.filter(user=joiner, group=group).first()
    if joining is None:
        joining = MembershipFactory(user=joiner, group=group, status=Membership.Status.PENDING)
    join_item = review_open(kind=ReviewItem.Kind.JOIN_REQUEST, group=group, membership=joining)
    alert = alert_raise(
        source=CrisisAlert.Source.DETECTED,
        severity=CrisisAlert.Severity.HIGH,
        subject=author,
        group=group,
        post=post,
    )
    meeting = Meeting.objects.create(
        group=group,
        series=secrets.token_hex(8),
        title="Tuesday circle",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=1),
        kind=Meeting.Kind.VIDEO,
        join_details="https://meet.example.org/secret-room",
        capacity=10,
        created_by=facilitator,
    )
    invitation = Invitation.objects.create(
        group=group,
        token=secrets.token_urlsafe(16),
        created_by=facilitator,
        expires_at=now + timedelta(days=7),
    )
    muted = members.get("muted") or author
    mute = Sanction.objects.create(
        user=muted,
        kind=Sanction.Kind.MUTE,
        group=group,
        rule=rule,
        message="Take a breath.",
        created_by=facilitator,
        ends_at=now + timedelta(days=1),
    )
    warning = Sanction.objects.create(
        user=author,
        kind=Sanction.Kind.WARNING,
        group=group,
        rule=rule,
        message="Please be gentle.",
        created_by=facilitator,
    )
    note = FacilitatorNote.objects.create(
        post=post, author=facilitator, body="Context", body_html="<p>Context</p>"
    )
    staff_note = StaffNote.objects.create(
        member=author, author=facilitator, group=group, body="Disclosed a relapse."
    )
    pin = ResourcePin.objects.create(resource=vetted, group=group, pinned_by=facilitator)
    suggested = Resource.objects.create(
        title=f"An app for {group.slug}",
        url="https://example.org/app",
        kind="tool",
        suggested_by=author,
        suggested_for=group,
    )
    return Place(
        group=group,
        facilitator=facilitator,
        author=author,
        thread=thread,
        post=post,
        pending_post=pending_post,
        flagged_item=flagged_item,
        join_item=join_item,
        alert=alert,
        meeting=meeting,
        invitation=invitation,
        rule=rule,
        mute=mute,
        warning=warning,
        facilitator_note=note,
        staff_note=staff_note,
        pin=pin,
        suggested=suggested,
    )


def build_world() -> World:
    now = timezone.now()
    main_group = GroupFactory(
        name="Anxiety & Panic",
        slug="anxiety-panic",
        join_policy=SupportGroup.JoinPolicy.REQUEST,
        entry_question="What brings you here?",
    )
    private_group = GroupFactory(name="Private circle", slug="private-circle", private=True)
    other_group = GroupFactory(name="Grief", slug="grief")

    facilitator_role = Membership.Role.FACILITATOR
    users: dict[str, object] = {
        "unverified": MembershipFactory(
            group=main_group, user__handle="unconfirmed", user__verified=False
        ).user,
        "member": UserFactory(handle="passer_by"),
        "group_member": MembershipFactory(group=main_group, user__handle="quiet_harbour").user,
        "pending": MembershipFactory(
            group=main_group,
            user__handle="at_the_door",
            status=Membership.Status.PENDING,
            entry_answer="I'd like to talk.",
        ).user,
        "muted": MembershipFactory(group=main_group, user__handle="hushed_for_now").user,
        "suspended": MembershipFactory(group=main_group, user__handle="on_a_break").user,
        "other_facilitator": MembershipFactory(
            group=other_group, role=facilitator_role, user__handle="grief_guide"
        ).user,
        "facilitator": MembershipFactory(
            group=main_group, role=facilitator_role, user__handle="harbourlight"
        ).user,
        "admin": UserFactory(handle="lighthouse", is_staff=True, is_superuser=True),
    }
    private_facilitator = MembershipFactory(
        group=private_group, role=facilitator_role, user__handle="circle_keeper"
    ).user

    vetted = Resource.objects.create(
        title="A helpline",
        url="https://example.org/help",
        kind="hotline",
        state=Resource.State.VETTED,
        vetted_by=users["facilitator"],
        vetted_at=now,
        review_by=(now + timedelta(days=300)).date(),
    )
    main = _place(main_group, facilitator=users["facilitator"], members=users, vetted=vetted)
    private = _place(private_group, facilitator=private_facilitator, members={}, vetted=vetted)
    suspended_rule = main.rule
    Sanction.objects.create(
        user=users["suspended"],
        kind=Sanction.Kind.SUSPENSION,
        group=main_group,
        rule=suspended_rule,
        message="Time out.",
        created_by=users["admin"],
        ends_at=now + timedelta(days=7),
    )
    export = DataExport.objects.create(
        user=users["group_member"],
        token=secrets.token_urlsafe(32),
        state=DataExport.State.READY,
        created_at=now,
        ready_at=now,
        expires_at=now + timedelta(days=2),
        payload='{"handle": "quiet_harbour"}',
    )
    feed = CalendarFeed.objects.create(
        user=users["group_member"], token=secrets.token_urlsafe(24), created_at=now
    )
    return World(
        users=users,
        main=main,
        private=private,
        vetted=vetted,
        export_token=export.token,
        calendar_token=feed.token,
        unsubscribe_token=unsubscribe_token(users["group_member"], "reply"),
        extra={"guide_slug": DIGITAL_LITERACY_SLUG, "other_group": other_group},
    )


def sign_in(client: Client, user, *, mfa: bool = False) -> Client:
    """Sign ``user`` in; with ``mfa``, as ``mod_client`` in tests/conftest.py does: TOTP set
    up and passed in this session (the one helper for that, shared, not copied)."""
    if mfa:
        from tests.factories import signed_in_with_mfa

        return signed_in_with_mfa(client, user)
    client.force_login(user)
    return client


def role_clients(world: World) -> dict[str, Client]:
    """One test client per role, signed in as that role's user (facilitators and admins
    with two-factor passed); anonymous stays signed out."""
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            sign_in(client, world.users[role], mfa=role in MFA_ROLES)
        clients[role] = client
    return clients

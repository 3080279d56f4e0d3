"""What a POST did, not how it answered (issue 9).

The HTTP matrix (``test_matrix.py``) sees ``redirect`` both for a reaction saved and for
one refused with a message, so for the actions whose views redirect either way, each role
POSTs (in a savepoint rolled back afterwards, with an empty cache) and the DATABASE is
asked whether the thing happened. Who may do each is decided from the policies and
DESIGN.md, and written here as the intended answer:

- react (``groups.policies.can_react``): members of the group and its moderators, not
  while muted there (a mute pauses their voice in the group) nor suspended; e-mail
  verification gates posting text, not sending a hug.
- RSVP (``attend_refusal``): members of the group (muted too: a mute is about posting),
  never a suspended account; Haven members outside the group only when the meeting is
  open to them; admins are no members, so not to a members-only meeting.
- cancel / reschedule / add a session note: the group's facilitators and admins alone.
- ask to talk to a facilitator (``help_talk``): every signed-in person, suspended ones
  included (a sanction must never stand between someone and help); naming a group only
  for their own active groups.
- leave / mute notifications of a group: one's own membership (leaving also withdraws a
  pending request; muting needs an active membership).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from groups.models import Meeting, MeetingNote, MeetingRSVP, Membership, Reaction
from moderation.models import CrisisAlert

from .routes import BODIES, _fresh_cache
from .world import ROLES, World, build_world, role_clients

pytestmark = pytest.mark.django_db

MEMBERS = {"unverified", "group_member", "muted", "suspended", "facilitator"}  # active
MODERATORS = {"facilitator", "admin"}
SIGNED_IN = set(ROLES) - {"anonymous"}


@dataclass
class Case:
    name: str
    url: Callable[[World], str]
    body: Callable[[World], dict]
    done: Callable[[World, object], bool]  # did it happen, for this user?
    allowed: set[str]
    setup: Callable[[World], None] = lambda world: None


def _rsvp_done(world: World, user) -> bool:
    going = (MeetingRSVP.Status.GOING, MeetingRSVP.Status.WAITING)
    return MeetingRSVP.objects.filter(
        meeting=world.main.meeting, user=user, status__in=going
    ).exists()


def _open_meeting(world: World) -> None:
    Meeting.objects.filter(pk=world.main.meeting.pk).update(open_to_non_members=True)


def _meeting_url(action: str) -> Callable[[World], str]:
    return lambda w: reverse(f"groups:meeting_{action}", args=[w.main.meeting.pk])


def _help_request(world: World, user) -> bool:
    return CrisisAlert.objects.filter(source=CrisisAlert.Source.HELP_REQUEST, subject=user).exists()


def _membership(world: World, user) -> Membership | None:
    return Membership.objects.filter(user=user, group=world.main.group).first()


CASES = [
    Case(
        "react",
        lambda w: reverse("groups:post_react", args=[w.main.post.pk]),
        lambda w: BODIES["groups:post_react"](w, w.main),
        lambda w, u: Reaction.objects.filter(post=w.main.post, user=u).exists(),
        (MEMBERS - {"muted", "suspended"}) | MODERATORS,
    ),
    Case(
        "react in the private group",
        lambda w: reverse("groups:post_react", args=[w.private.post.pk]),
        lambda w: BODIES["groups:post_react"](w, w.private),
        lambda w, u: Reaction.objects.filter(post=w.private.post, user=u).exists(),
        {"admin"},  # none of the other roles is in the private group
    ),
    Case(
        "rsvp",
        lambda w: reverse("groups:meeting_rsvp", args=[w.main.meeting.pk]),
        lambda w: BODIES["groups:meeting_rsvp"](w, w.main),
        _rsvp_done,
        MEMBERS - {"suspended"},
    ),
    Case(
        "rsvp to a meeting open to non-members",
        lambda w: reverse("groups:meeting_rsvp", args=[w.main.meeting.pk]),
        lambda w: BODIES["groups:meeting_rsvp"](w, w.main),
        _rsvp_done,
        SIGNED_IN - {"suspended"},
        setup=_open_meeting,
    ),
    Case(
        "rsvp in the private group",
        lambda w: reverse("groups:meeting_rsvp", args=[w.private.meeting.pk]),
        lambda w: BODIES["groups:meeting_rsvp"](w, w.private),
        lambda w, u: MeetingRSVP.objects.filter(meeting=w.private.meeting, user=u).exists(),
        set(),  # members only, and none of the roles is one (admins run, not attend)
        setup=lambda w: Meeting.objects.filter(pk=w.private.meeting.pk).update(
            open_to_non_members=True  # never for a private group
        ),
    ),
    Case(
        "meeting cancel",
        _meeting_url("cancel"),
        lambda w: {"reason": "The facilitator is unwell."},
        lambda w, u: Meeting.objects.get(pk=w.main.meeting.pk).is_cancelled,
        MODERATORS,
    ),
    Case(
        "meeting reschedule",
        _meeting_url("reschedule"),
        lambda w: {
            "starts_local": (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
        },
        lambda w, u: (
            Meeting.objects.get(pk=w.main.meeting.pk).starts_at != w.main.meeting.starts_at
        ),
        MODERATORS,
    ),
    Case(
        "meeting note",
        lambda w: reverse("groups:meeting_note", args=[w.extra["started_meeting"].pk]),
        lambda w: {"body": "Quiet session; two new faces."},
        lambda w, u: MeetingNote.objects.filter(
            meeting=w.extra["started_meeting"], author=u
        ).exists(),
        MODERATORS,
    ),
    Case(
        "help talk",
        lambda w: reverse("moderation:help_talk"),
        lambda w: {},
        _help_request,
        SIGNED_IN,
    ),
    Case(
        "help talk naming the group",
        lambda w: reverse("moderation:help_talk"),
        lambda w: {"group": w.main.group.pk, "message": "Could someone reach out?"},
        lambda w, u: CrisisAlert.objects.filter(
            source=CrisisAlert.Source.HELP_REQUEST, subject=u, group=w.main.group
        ).exists(),
        MEMBERS,
    ),
    Case(
        "group leave",
        lambda w: reverse("groups:group_leave", args=[w.main.group.slug]),
        lambda w: {},
        lambda w, u: u is not None and _membership(w, u) is None,
        MEMBERS | {"pending"},
    ),
    Case(
        "group mute",
        lambda w: reverse("groups:group_mute", args=[w.main.group.slug]),
        lambda w: {"muted": "1"},
        lambda w, u: bool((m := _membership(w, u)) and m.notifications_muted),
        MEMBERS,
    ),
]


@pytest.fixture
def _db_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def _started_meeting(world: World) -> Meeting:
    now = timezone.now()
    return Meeting.objects.create(
        group=world.main.group,
        series="started-one",
        title="Monday circle",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=30),
        kind=Meeting.Kind.VIDEO,
        join_details="https://meet.example.org/monday",
        capacity=10,
        created_by=world.main.facilitator,
    )


def _effect(client: Client, world: World, case: Case, user) -> bool:
    """POST as the client, in a savepoint rolled back afterwards: did it happen (it was
    not so before, and is so after)?"""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with override_settings(CACHES=_fresh_cache()), transaction.atomic():
            case.setup(world)
            before = user is not None and case.done(world, user)
            response = client.post(case.url(world), case.body(world))
            assert response.status_code < 500, (case.name, response.status_code)
            happened = user is not None and not before and case.done(world, user)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return happened


def test_what_each_role_can_actually_do(_db_sessions) -> None:
    world = build_world()
    world.extra["started_meeting"] = _started_meeting(world)
    clients = role_clients(world)

    wrong = []
    for case in CASES:
        did = {role for role in ROLES if _effect(clients[role], world, case, world.users.get(role))}
        if did != case.allowed:
            refused = sorted(case.allowed - did)
            slipped = sorted(did - case.allowed)
            wrong.append(f"{case.name}: refused to {refused}, done by {slipped}")
    print(f"\nEffects: {len(ROLES)} roles × {len(CASES)} actions, {len(wrong)} unexpected")
    assert not wrong, "\n".join(wrong)

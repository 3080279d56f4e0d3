"""Duty cover as pages show it: the facilitator's own switch, whether a group has a
facilitator on duty now (told to members on group pages), and who is on duty in the
groups a facilitator looks after.

The rules of who is on duty are ``selectors.duty``'s alone; this module only reads what
they need in one query per question (pages pin their query counts) and asks them."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from groups import policies as group_policies
from groups.models import Membership, SupportGroup
from supportforum import pagecache

from .. import policies
from ..models import DutyShift, DutyStatus
from . import duty

DUTY_FIELDS = (
    "pk",
    "handle",
    "time_zone",
    "duty_status__mode",
    "duty_status__until",
    "duty_shifts__weekday",
    "duty_shifts__starts",
    "duty_shifts__ends",
)


def _on_duty_from_rows(users: QuerySet[User], at: datetime) -> dict[int, bool]:
    """Whether each of ``users`` is on duty at ``at``: one query (a row per rota shift)."""
    people: dict[int, tuple[User, DutyStatus | None, list[DutyShift]]] = {}
    for row in users.values(*DUTY_FIELDS):
        if row["pk"] not in people:
            user = User(pk=row["pk"], handle=row["handle"], time_zone=row["time_zone"])
            status = None
            if row["duty_status__mode"]:
                status = DutyStatus(
                    user_id=row["pk"],
                    mode=row["duty_status__mode"],
                    until=row["duty_status__until"],
                )
            people[row["pk"]] = (user, status, [])
        if row["duty_shifts__weekday"] is not None:
            people[row["pk"]][2].append(
                DutyShift(
                    user_id=row["pk"],
                    weekday=row["duty_shifts__weekday"],
                    starts=row["duty_shifts__starts"],
                    ends=row["duty_shifts__ends"],
                )
            )
    return {
        pk: duty.on_duty_with(user, status, shifts, at)
        for pk, (user, status, shifts) in people.items()
    }


def viewer_on_duty(viewer: User, at: datetime | None = None) -> bool:
    """The viewer's own state now (the switch in the moderation navigation): one query."""
    at = at or timezone.now()
    return _on_duty_from_rows(User.objects.filter(pk=viewer.pk), at).get(viewer.pk, False)


def _facilitators_of(group_ids: list[int] | None) -> QuerySet[User]:
    """Active facilitators (who can still sign in) of the groups; ``None``: of any group.
    The same people as ``duty.group_facilitators``."""
    people = User.objects.filter(
        memberships__role=Membership.Role.FACILITATOR,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    )
    if group_ids is not None:
        people = people.filter(memberships__group_id__in=group_ids)
    return people


def group_cover(group: SupportGroup, at: datetime | None = None) -> bool:
    """``duty.group_has_cover`` in one query, for the group page members see."""
    at = at or timezone.now()
    return any(_on_duty_from_rows(_facilitators_of([group.pk]), at).values())


COVER_SECONDS = 15


def group_cover_shown(group: SupportGroup) -> bool:
    """``group_cover`` now, as member pages show it ("No facilitator is on duty right
    now"): kept ``COVER_SECONDS`` for every reader, dropped when a facilitator's duty
    changes. Never used to decide who is alerted (``duty`` answers that, every time)."""
    return pagecache.kept("duty-cover", str(group.pk), COVER_SECONDS, lambda: group_cover(group))


@dataclass(frozen=True)
class GroupCover:
    group: SupportGroup
    on_duty: list[User]
    facilitators: int


@dataclass(frozen=True)
class DutyOverview:
    status: DutyStatus | None
    shifts: list[DutyShift]
    on_duty_now: bool
    manual: bool  # a switch by hand is in force (else the rota applies)
    facilitates: bool  # facilitates a group (an admin who does not covers nobody)
    groups: list[GroupCover]  # the viewer's groups (an admin's: every group), by name


def duty_overview_for(viewer: User, at: datetime | None = None) -> DutyOverview:
    """The duty page: the viewer's switch and rota, and who is on duty now in each group
    they look after. Six queries (after the viewer's groups, memoised), whatever the
    number of groups and people."""
    policies.check_moderator(viewer)
    at = at or timezone.now()
    status = DutyStatus.objects.filter(user=viewer).first()
    shifts = list(DutyShift.objects.filter(user=viewer).order_by("weekday", "starts", "pk"))
    memberships = Membership.objects.filter(
        role=Membership.Role.FACILITATOR,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).select_related("user", "group")
    groups = SupportGroup.objects.order_by("name", "pk")
    ids = policies.moderated_group_ids(viewer)
    if not group_policies.is_admin(viewer):
        memberships = memberships.filter(group_id__in=ids)
        groups = groups.filter(pk__in=ids)
    memberships = list(memberships)
    people = {m.user_id: m.user for m in memberships}
    on_duty = {user.pk for user in duty.on_duty_among(list(people.values()), at)}
    by_group: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_group.setdefault(membership.group_id, []).append(membership)
    cover = [
        GroupCover(
            group=group,
            on_duty=sorted(
                (m.user for m in by_group.get(group.pk, []) if m.user_id in on_duty),
                key=lambda user: user.handle.lower(),
            ),
            facilitators=len(by_group.get(group.pk, [])),
        )
        for group in groups
    ]
    return DutyOverview(
        status=status,
        shifts=shifts,
        on_duty_now=duty.on_duty_with(viewer, status, shifts, at),
        manual=status is not None
        and status.mode != DutyStatus.Mode.ROTA
        and (status.until is None or status.until > at),
        groups=cover,
        facilitates=bool(ids),
    )

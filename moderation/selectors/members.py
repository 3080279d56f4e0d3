"""A member's moderation history, as a facilitator or admin may see it.

Who sees what (one place, so the member page and the review item page agree):

- Admins see a member's whole history.
- A facilitator sees the history of members who belong (active membership) to a group
  they facilitate, and only the parts about those groups: audit entries and sanctions
  of those groups (plus site-wide sanctions, which bind the member everywhere), and posts
  in those groups. What happened in the member's other groups stays there: being in a
  particular support group is itself a disclosure.
- Flag accuracy is counted over all the member's flags: counts reveal no group.
- Anyone else, including a facilitator who shares no facilitated group with the member,
  gets a 404, as for a member who does not exist.

Staff notes are not part of ``MemberHistory``: reading them is logged, so callers get
them from ``moderation.services.notes.staff_notes_read(reader=, member=)`` and pass
them to ``moderation/_member_history.html`` as ``staff_notes``.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from accounts.models import User
from groups.models import Membership, Post, SupportGroup

from .. import policies
from ..models import AuditLogEntry, Flag, Sanction
from .audit import labelled

RECENT_ENTRIES = 20
RECENT_POSTS = 10
RECENT_SANCTIONS = 20


def member_for_moderation(viewer: User, handle: str) -> User:
    """The member behind ``handle`` if the viewer may see their moderation history, else
    404 (the same answer as for a handle that does not exist). Deactivated accounts are
    included: a banned member's history still matters."""
    member = get_object_or_404(User, handle__iexact=handle)
    policies.member_scope(viewer, member)
    return member


@dataclass(frozen=True)
class FlagRecord:
    """How the member's flags on others' posts turned out (Discourse's flag accuracy)."""

    total: int
    upheld: int
    declined: int
    dismissed: int
    open: int

    @property
    def accuracy(self) -> int | None:
        """Percentage of decided flags that were upheld; None before any was decided."""
        decided = self.upheld + self.declined
        return round(100 * self.upheld / decided) if decided else None


@dataclass(frozen=True)
class MemberHistory:
    member: User
    groups: list[SupportGroup]  # the member's groups the viewer moderates (all, for admins)
    site_wide: bool  # the viewer is an admin: sees and writes site-wide records
    audit_entries: list[AuditLogEntry]  # recent entries with the member as target
    sanctions: list[Sanction]
    flags: FlagRecord
    recent_posts: list[Post]


def member_history(viewer: User, member: User) -> MemberHistory:
    """Everything the viewer may see about how ``member`` has fared in moderation, newest
    first. Raises ``Hidden`` if the viewer may see none of it. A fixed number of queries
    (seven for a facilitator, five for an admin), whatever the history holds."""
    scope = policies.member_scope(viewer, member)
    groups = Membership.objects.filter(user=member, status=Membership.Status.ACTIVE)
    if scope is not None:
        groups = groups.filter(group_id__in=scope)
    member_groups = [
        m.group for m in groups.select_related("group").order_by("group__name", "group_id")
    ]

    entries = AuditLogEntry.objects.filter(target_user=member)
    sanctions = Sanction.objects.filter(user=member)
    posts = Post.objects.filter(author=member)
    if scope is not None:
        entries = entries.filter(group_id__in=scope)
        sanctions = sanctions.filter(Q(group_id__in=scope) | Q(group__isnull=True))
        posts = posts.filter(thread__group_id__in=scope)

    counts = Flag.objects.filter(reporter=member).aggregate(
        total=Count("id"),
        upheld=Count("id", filter=Q(state=Flag.State.UPHELD)),
        declined=Count("id", filter=Q(state=Flag.State.DECLINED)),
        dismissed=Count("id", filter=Q(state=Flag.State.DISMISSED)),
        open=Count("id", filter=Q(state=Flag.State.OPEN)),
    )
    return MemberHistory(
        member=member,
        groups=member_groups,
        site_wide=scope is None,
        audit_entries=labelled(
            list(entries.select_related("actor", "group", "post", "rule__group")[:RECENT_ENTRIES])
        ),
        sanctions=list(
            sanctions.select_related("group", "rule__group", "created_by", "revoked_by")[
                :RECENT_SANCTIONS
            ]
        ),
        flags=FlagRecord(**counts),
        recent_posts=list(
            posts.select_related("thread__group").order_by("-created_at", "-id")[:RECENT_POSTS]
        ),
    )

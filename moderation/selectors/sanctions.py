from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from groups import policies as group_policies
from groups.models import Post, SupportGroup

from .. import policies
from ..models import Sanction


def sanctions_of(member: User, *, own: bool = False) -> QuerySet[Sanction]:
    """A member's sanctions, newest first. ``own``: as the member sees them (the
    facilitator who set them is not named)."""
    sanctions = Sanction.objects.filter(user=member).select_related("rule", "group")
    if not own:
        sanctions = sanctions.select_related("created_by", "revoked_by")
    return sanctions.order_by("-starts_at", "-id")


def sanction_for(viewer: User, sanction_id: int) -> Sanction:
    sanction = get_object_or_404(
        Sanction.objects.select_related("user", "group", "rule", "created_by"), pk=sanction_id
    )
    if not policies.can_moderate_in(viewer, sanction.group_id) and not (
        group_policies.is_admin(viewer) or sanction.created_by_id == viewer.pk
    ):
        raise group_policies.Hidden("No such sanction.")
    return sanction


def post_in_group(post_id: str, group: SupportGroup | None) -> Post | None:
    """The post a sanction is about, if it is in ``group``."""
    if not post_id.isdigit() or group is None:
        return None
    return Post.objects.filter(pk=int(post_id), thread__group=group).first()


def sanction_target(viewer: User, handle: str, group_slug: str) -> tuple[User, SupportGroup | None]:
    """The member (and the group) a facilitator may act on: a member of a group they
    facilitate; an admin may act on anyone, site-wide. Anything else does not exist (404)."""
    member = get_object_or_404(User, handle__iexact=handle)
    group = SupportGroup.objects.filter(slug=group_slug).first() if group_slug else None
    if group_policies.is_admin(viewer):
        return member, group
    if (
        group is None
        or not group_policies.can_moderate_group(viewer, group)
        or group_policies.membership_for(member, group) is None
    ):
        raise group_policies.Hidden("No such member here.")
    return member, group

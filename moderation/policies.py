"""Who may flag and see moderation records. Group questions (membership, facilitator)
are asked of ``groups.policies``, the one place they are answered."""

from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.viewer import memo
from groups import policies as group_policies
from groups.models import Membership, Post, SupportGroup

from .models import CrisisAlert, Resource, ReviewItem, Sanction


def flag_refusal(user: User, post: Post) -> str | None:
    if not user.is_authenticated:
        return "Please sign in to flag a post."
    if post.author_id == user.pk:
        return "You can't flag your own post. You can edit or delete it instead."
    barred = {Sanction.Kind.SUSPENSION, Sanction.Kind.BAN}
    if any(s.kind in barred for s in group_policies.sanctions_in_force(user)):
        return "Your account can't flag posts while it is suspended."
    if post.is_deleted or post.state == Post.State.REMOVED:
        return "This post has already been taken down."
    if not group_policies.can_read_post_body(user, post):
        return "You can only flag posts you can read."
    return None


def can_flag(user: User, post: Post) -> bool:
    return flag_refusal(user, post) is None


def check_flag(user: User, post: Post) -> None:
    group_policies.check_view_post(user, post)
    refusal = flag_refusal(user, post)
    if refusal:
        raise PermissionDenied(refusal)


# --- moderation pages and the review queue ---


def moderated_group_ids(user: User) -> set[int]:
    """Groups the user facilitates (memoised: every moderation page asks)."""
    if not user.is_authenticated:
        return set()
    if "_haven_moderated" not in memo(user):
        memo(user)["_haven_moderated"] = set(
            Membership.objects.filter(
                user=user, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
            ).values_list("group_id", flat=True)
        )
    return memo(user)["_haven_moderated"]


def is_moderator(user: User) -> bool:
    """A facilitator of at least one group, or an admin: may open moderation pages."""
    return group_policies.is_admin(user) or bool(moderated_group_ids(user))


def check_moderator(user: User) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only facilitators and admins can use moderation pages.")


def can_moderate_in(user: User, group_id: int | None) -> bool:
    """May act on something in ``group_id`` (``None``: site-wide, e.g. a library resource,
    which any facilitator may vet)."""
    if group_policies.is_admin(user):
        return True
    if group_id is None:
        return bool(moderated_group_ids(user))
    return group_id in moderated_group_ids(user)


def can_review(user: User, item: ReviewItem) -> bool:
    """Items of the groups one facilitates; site-wide items are every facilitator's,
    except re-verifying crisis lines and crisis alerts with no group (admins alone)."""
    admin_only = item.kind == ReviewItem.Kind.CRISIS_LINE or (
        item.kind == ReviewItem.Kind.CRISIS and item.group_id is None
    )
    if admin_only:
        return group_policies.is_admin(user)
    return can_moderate_in(user, item.group_id)


def check_review(user: User, item: ReviewItem) -> None:
    """Items of groups the user does not facilitate do not exist for them (404)."""
    if not can_review(user, item):
        raise group_policies.Hidden("No such review item.")


def check_moderate_post(user: User, post: Post) -> None:
    if not can_moderate_in(user, post.thread.group_id):
        raise group_policies.Hidden("No such post.")


def check_moderate_in(user: User, group_id: int | None) -> None:
    """Moderation pages about another group's things do not exist for a facilitator (404),
    so they learn nothing about groups they don't look after."""
    if not can_moderate_in(user, group_id):
        raise group_policies.Hidden("No such page.")


def can_edit_rules(user: User, group: SupportGroup | None) -> bool:
    """Admins edit the site's rules and every group's; facilitators their group's."""
    if group is None:
        return group_policies.is_admin(user)
    return group_policies.can_moderate_group(user, group)


def check_edit_rules(user: User, group: SupportGroup | None) -> None:
    if not can_edit_rules(user, group):
        raise group_policies.Hidden("No such page.")


# --- resources and member histories ---


def can_manage_resource(user: User, resource: Resource) -> bool:
    """Vet, edit or reject. A suggestion belongs to its group's facilitators (and admins)
    until vetted; the vetted library and suggestions for no group, to any facilitator."""
    if resource.state == Resource.State.SUGGESTED:
        return can_moderate_in(user, resource.suggested_for_id)
    return can_moderate_in(user, None)


def check_manage_resource(user: User, resource: Resource) -> None:
    if not can_manage_resource(user, resource):
        raise PermissionDenied("Only facilitators and admins can vet or edit resources.")


def member_scope(viewer: User, member: User) -> set[int] | None:
    """The ids of the groups in which ``viewer`` may see ``member``'s moderation history:
    ``None`` for an admin (everything), else the groups the viewer facilitates and the
    member actively belongs to. Raises ``Hidden`` (404) when there are none."""
    if group_policies.is_admin(viewer):
        return None
    moderated = moderated_group_ids(viewer)
    shared = (
        set(
            Membership.objects.filter(
                user=member, status=Membership.Status.ACTIVE, group_id__in=moderated
            ).values_list("group_id", flat=True)
        )
        if moderated
        else set()
    )
    if not shared:
        raise group_policies.Hidden("No such member.")
    return shared


# --- crisis alerts ---


def can_view_alert(user: User, alert: CrisisAlert) -> bool:
    """Admins, and the facilitators of the alert's group; an alert with no group (a help
    request from someone in no group) is the admins' alone. Never the member it is about
    (a facilitator may be the one someone is worried about)."""
    if user.is_authenticated and alert.subject_id == user.pk:
        return False  # a concern about a facilitator is for their colleagues
    if group_policies.is_admin(user):
        return True
    if alert.group_id is None:
        return False
    return alert.group_id in moderated_group_ids(user)


def check_view_alert(user: User, alert: CrisisAlert) -> None:
    """Alerts of other groups do not exist for a facilitator, nor any alert for a member."""
    if not can_view_alert(user, alert):
        raise group_policies.Hidden("No such alert.")


def can_reveal_email(user: User) -> bool:
    """Admins only, through the logged reveal (``services.reveal``): facilitators never
    see a member's e-mail address."""
    return group_policies.is_admin(user)


def check_reveal_email(user: User) -> None:
    if not can_reveal_email(user):
        raise PermissionDenied("Only admins can reveal a member's e-mail address.")

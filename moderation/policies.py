"""Who may flag and see moderation records. Group questions (membership, facilitator)
are asked of ``groups.policies``, the one place they are answered."""

from django.core.exceptions import PermissionDenied

from accounts.models import User
from groups import policies as group_policies
from groups.models import Post


def flag_refusal(user: User, post: Post) -> str | None:
    if not user.is_authenticated:
        return "Please sign in to flag a post."
    if post.author_id == user.pk:
        return "You can't flag your own post. You can edit or delete it instead."
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

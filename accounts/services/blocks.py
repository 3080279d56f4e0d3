"""Blocking: a member's own protection from another member (silent, reversible)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Block, User
from ..viewer import memo


@transaction.atomic
def member_block(*, user: User, target: User) -> Block:
    """Block ``target`` for ``user``. Idempotent; the target is not told. Facilitators and
    admins can be blocked like anyone (their posts collapse for you), but their moderation
    messages still reach you."""
    if not user.is_authenticated:
        raise ValidationError("Please sign in first.")
    if target.pk == user.pk:
        raise ValidationError("You can't block yourself.")
    if not target.is_active:
        raise ValidationError("This member's account is no longer active.")
    block, _ = Block.objects.get_or_create(blocker=user, blocked=target)
    memo(user).pop("_haven_blocked_ids", None)
    return block


@transaction.atomic
def member_unblock(*, user: User, target: User) -> bool:
    """Unblock. Returns True if there was a block. Idempotent."""
    deleted, _ = Block.objects.filter(blocker=user, blocked=target).delete()
    memo(user).pop("_haven_blocked_ids", None)
    return bool(deleted)

"""The append-only audit log: every moderation action writes one entry."""

from accounts.models import User
from groups.models import Post, SupportGroup

from ..models import AuditLogEntry, Guideline


def audit_record(
    *,
    actor: User | None,
    action: str,
    group: SupportGroup | None = None,
    post: Post | None = None,
    target_user: User | None = None,
    rule: Guideline | None = None,
    reason: str = "",
    details: dict | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit log. Call inside the action's own transaction so the
    action and its record commit or fail together."""
    return AuditLogEntry.objects.create(
        actor=actor,
        action=action,
        group=group,
        post=post,
        target_user=target_user,
        rule=rule,
        reason=reason,
        details=details or {},
    )


def audit_post_action(*, actor: User | None, action: str, post: Post, **extra) -> AuditLogEntry:
    """An entry about a post: its group and its author are the entry's group and target."""
    return audit_record(
        actor=actor,
        action=action,
        group=post.thread.group,
        post=post,
        target_user=post.author,
        **extra,
    )

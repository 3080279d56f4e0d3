"""The append-only audit log: every moderation action writes one entry."""

from django.db import transaction

from accounts.models import User
from groups.models import Post, SupportGroup
from supportforum.security_log import security_event

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
    action and its record commit or fail together. Once it commits, the action's name and
    ids (never the reason or details: they may quote a member) go to the security log."""
    entry = AuditLogEntry.objects.create(
        actor=actor,
        action=action,
        group=group,
        post=post,
        target_user=target_user,
        rule=rule,
        reason=reason,
        details=details or {},
    )
    ids = {
        "audit_id": entry.pk,
        "group_id": entry.group_id,
        "post_id": entry.post_id,
        "target_user_id": entry.target_user_id,
        "rule_id": entry.rule_id,
    }
    transaction.on_commit(
        lambda: security_event("moderation.action", user=actor, action=action, **ids),
        robust=True,
    )
    return entry


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

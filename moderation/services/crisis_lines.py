"""Keeping crisis lines right: a line past its re-verification date goes to the admins'
review queue, and an admin who has checked it against its source marks it verified."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send
from groups import policies as group_policies

from ..models import CrisisLine, ReviewItem
from .audit import audit_record

REVIEW_SEVERITY = ReviewItem.Severity.ELEVATED


def _reason(line: CrisisLine) -> str:
    return (
        f"Re-verify: last checked {line.last_verified:%d %b %Y} "
        f"(due {line.verify_due:%d %b %Y}): {line.name} ({line.country}), "
        f"{line.phone or line.text or line.web} against {line.source}"
    )[:300]


@transaction.atomic
def crisis_lines_review_due(now: datetime | None = None) -> int:
    """Open a CRISIS_LINE review item (site-wide: admins only) for each active line whose
    re-verification date has come, and tell the admins once per run that found any.
    Idempotent: a line with an open item gets no second one, no second audit entry and no
    second notification. Returns the number of items opened."""
    today = timezone.localdate(now or timezone.now())
    waiting = ReviewItem.objects.open().filter(crisis_line__isnull=False).values("crisis_line_id")
    candidates = CrisisLine.objects.filter(active=True).exclude(pk__in=waiting)
    due = [
        line for line in candidates.order_by("country", "order", "pk") if line.verify_due <= today
    ]
    for line in due:
        ReviewItem.objects.create(
            kind=ReviewItem.Kind.CRISIS_LINE,
            crisis_line=line,
            group=None,
            severity=REVIEW_SEVERITY,
            reason=_reason(line),
        )
        audit_record(
            actor=None,
            action="crisis_line.due_for_review",
            reason=_reason(line),
            details={"crisis_line": line.pk, "country": line.country, "name": line.name},
        )
    if due:
        count = len(due)
        message = (
            f"{count} crisis lines are due to be checked against their sources."
            if count != 1
            else "A crisis line is due to be checked against its source."
        ) + " A wrong number here does harm."
        url = f"{reverse('moderation:review_queue')}?kind={ReviewItem.Kind.CRISIS_LINE}"
        for admin in User.objects.filter(is_staff=True, is_active=True).order_by("pk"):
            notification_send(
                recipient=admin, kind=Notification.Kind.CRISIS_LINE_DUE, message=message, url=url
            )
    return len(due)


@transaction.atomic
def crisis_line_verified(*, line: CrisisLine, actor: User, source: str | None = None) -> CrisisLine:
    """An admin checked ``line`` against its source (optionally a new ``source``) today:
    its last-verified date becomes today and its open review item is resolved. Audited.
    Admins only."""
    if not group_policies.is_admin(actor):
        raise PermissionDenied("Only admins can verify crisis lines.")
    line = CrisisLine.objects.select_for_update().get(pk=line.pk)
    today = timezone.localdate()
    previous = line.last_verified
    line.last_verified = today
    fields = ["last_verified"]
    if source:
        line.source = source
        fields.append("source")
    line.full_clean()
    line.save(update_fields=fields)
    now = timezone.now()
    resolved = (
        ReviewItem.objects.open()
        .filter(kind=ReviewItem.Kind.CRISIS_LINE, crisis_line=line)
        .update(
            state=ReviewItem.State.RESOLVED,
            resolved_at=now,
            resolved_by=actor,
            resolution="verified",
            claimed_by=None,
            claimed_at=None,
        )
    )
    audit_record(
        actor=actor,
        action="crisis_line.verified",
        reason=f"{line.name} ({line.country}) checked against {line.source}",
        details={
            "crisis_line": line.pk,
            "previous": previous.isoformat(),
            "verified": today.isoformat(),
            "items_resolved": resolved,
        },
    )
    return line


@transaction.atomic
def crisis_line_save(
    *, line: CrisisLine, actor: User, changed: list[str] | None = None
) -> CrisisLine:
    """Add or change a crisis line (admins only), audited with the fields that changed:
    members dial these numbers, so every change is on record."""
    if not group_policies.is_admin(actor):
        raise PermissionDenied("Only admins can change crisis lines.")
    line.country = (line.country or "").strip().upper()
    created = line.pk is None
    line.full_clean()
    line.save()
    audit_record(
        actor=actor,
        action="crisis_line.create" if created else "crisis_line.update",
        reason=f"{line.name} ({line.country})",
        details={"crisis_line": line.pk, "changed": sorted(changed or [])},
    )
    return line

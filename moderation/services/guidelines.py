"""Rules: Haven's site-wide ones (admins) and each group's own (its facilitators)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import User
from groups.rendering import render_markdown

from .. import policies
from ..models import Guideline
from .audit import audit_record


def _check_edit(actor: User | None, guideline: Guideline) -> None:
    if actor is not None and not policies.can_edit_rules(actor, guideline.group):
        raise PermissionDenied(
            "Only admins edit Haven's rules; a group's facilitators edit the group's own."
        )


@transaction.atomic
def guideline_save(*, guideline: Guideline, actor: User | None = None) -> Guideline:
    """Create or update a rule, rendering its Markdown once, here. ``actor`` is None only
    for data set-up (migrations, the demo seed); any person's edit is permission-checked
    and audited."""
    _check_edit(actor, guideline)
    guideline.title = guideline.title.replace("\x00", "").strip()
    guideline.body = guideline.body.replace("\x00", "").strip()
    guideline.body_html = render_markdown(guideline.body)
    guideline.updated_at = timezone.now()
    guideline.full_clean()
    guideline.save()
    if actor is not None:
        audit_record(
            actor=actor,
            action="guideline.save",
            group=guideline.group,
            rule=guideline,
            details={"number": guideline.number, "title": guideline.title},
        )
    return guideline


@transaction.atomic
def guideline_delete(*, guideline: Guideline, actor: User) -> None:
    """Delete a rule no sanction cites (a cited rule is kept: members must always be
    able to read why they were sanctioned). Audited."""
    _check_edit(actor, guideline)
    details = {"number": guideline.number, "title": guideline.title, "body": guideline.body}
    group = guideline.group
    try:
        with transaction.atomic():
            guideline.delete()
    except ProtectedError as exc:
        raise ValidationError(
            "A sanction cites this rule, so it stays. You can reword it instead."
        ) from exc
    audit_record(actor=actor, action="guideline.delete", group=group, details=details)

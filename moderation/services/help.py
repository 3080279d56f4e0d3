""" "I need help now": a member asks to talk privately to a facilitator."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from groups import policies as group_policies
from groups.models import SupportGroup

from ..models import CrisisAlert

MAX_MESSAGE = 500


def _assessed_severity(text: str) -> int:
    if not text:
        return 0
    from .crisis import assess_text  # late: the detector loads the lexicon

    return int(assess_text(text).severity)


@transaction.atomic
def help_request_raise(
    *, member: User, group: SupportGroup | None = None, message: str = ""
) -> tuple[CrisisAlert, bool]:
    """Raise a HELP_REQUEST alert (high, or imminent if the message reads so) for the
    group's facilitators, or the admins without a group. At most one unresolved request
    per member: asking again returns the open one (``created`` False), so a member who
    presses twice, or reloads, never pages anyone twice. Dispatches after commit."""
    if not member.is_authenticated:
        raise PermissionDenied("Please sign in to ask a facilitator to contact you.")
    if group is not None and not group_policies.is_member(member, group):
        raise ValidationError({"group": "Please choose one of your groups."})
    message = (message or "").replace("\x00", "").strip()
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": f"Please keep it under {MAX_MESSAGE} characters."})
    # Serialise a member's requests (a double click) on their own row.
    User.objects.select_for_update().filter(pk=member.pk).first()
    current = (
        CrisisAlert.objects.unresolved()
        .filter(source=CrisisAlert.Source.HELP_REQUEST, subject=member)
        .order_by("-created_at", "-pk")
        .first()
    )
    if current is not None:
        return current, False
    from .crisis import alert_raise

    severity = max(int(CrisisAlert.Severity.HIGH), _assessed_severity(message))
    reason = "Asked to talk privately to a facilitator" + (" (left a message)" if message else "")
    alert = alert_raise(
        source=CrisisAlert.Source.HELP_REQUEST,
        severity=severity,
        subject=member,
        group=group,
        findings={"message": message},
        actor=member,
        reason=reason,
    )
    return alert, True

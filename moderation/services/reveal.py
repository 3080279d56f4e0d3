"""Revealing a member's e-mail address to an admin: the only way anyone at Haven sees it.

An admin gives a reason; the reveal is written to the audit log (who, about whom, why)
and the address is returned for the one response that shows it. The address itself is
never written anywhere: not in the audit entry, the session or a flash message.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.services import is_erased
from accounts.validators import ERASED_PREFIX

from .. import policies
from .audit import audit_record

REVEAL_ACTION = "member.email_revealed"
REASON_MIN, REASON_MAX = 10, 500


def has_email_to_reveal(member: User) -> bool:
    """False for an erased account ("former-…"), whose address was wiped."""
    return bool(member.email) and not (member.handle.startswith(ERASED_PREFIX) or is_erased(member))


@transaction.atomic
def member_email_reveal(*, actor: User, member: User, reason: str) -> str:
    """Return ``member``'s e-mail address for ``actor`` to read once. Raises
    ``PermissionDenied`` unless ``actor`` is an admin, ``ValidationError`` for a reason
    outside 10 to 500 characters (stored stripped, NUL characters dropped) or an erased
    account. Audited (``member.email_revealed``, site-wide, with the reason and no
    details: the address is never copied into the log)."""
    policies.check_reveal_email(actor)
    reason = (reason or "").replace("\x00", "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ValidationError(
            {"reason": f"Give a reason of {REASON_MIN} to {REASON_MAX} characters."},
            code="invalid",
        )
    if not has_email_to_reveal(member):
        raise ValidationError(
            "This account was erased at the member's request: there is no e-mail address "
            "to reveal.",
            code="erased",
        )
    audit_record(actor=actor, action=REVEAL_ACTION, target_user=member, reason=reason)
    return member.email

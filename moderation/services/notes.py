"""Staff notes: what facilitators and admins record about a member for each other.

Who writes and who reads:

- Admins write notes in any of the member's groups, or site-wide (no group), and read
  every note.
- A facilitator writes notes in a group they facilitate that the member actively belongs
  to, and reads the notes written in the groups they facilitate, plus site-wide notes by
  admins (an admin writes a site-wide note precisely so that every facilitator of the
  member's groups knows). Notes from the member's other groups stay there: being in a
  particular support group is itself a disclosure. A group note whose group was deleted
  is left to admins.
- Nobody ever reads notes about themselves, whatever their role.

Reading is itself an action: every read that returns notes writes a ``staff_notes.read``
audit entry naming the notes shown. Audit entries never copy a note's body.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from groups import policies as group_policies
from groups.models import SupportGroup

from .. import policies
from ..models import StaffNote
from .audit import audit_record


@transaction.atomic
def staff_note_add(
    *, author: User, member: User, body: str, group: SupportGroup | None = None
) -> StaffNote:
    """Write a staff note about ``member``. A facilitator's note belongs to a group they
    facilitate and the member is in (given, or the only such group); only an admin may
    leave ``group`` empty for a site-wide note. Raises ``Hidden`` if the author may not
    see the member, ``PermissionDenied`` for a group outside their reach,
    ``ValidationError`` for an empty or over-long body (stored stripped, NUL characters
    dropped). Audited (``staff_note.add``)."""
    if author.pk == member.pk:
        raise PermissionDenied("You can't write a staff note about yourself.")
    scope = policies.member_scope(author, member)
    if scope is not None:
        if group is None:
            if len(scope) > 1:
                raise ValidationError(
                    {"group": "Choose the group this note is about."}, code="required"
                )
            group = SupportGroup.objects.get(pk=next(iter(scope)))
        elif group.pk not in scope:
            raise PermissionDenied(
                "You can write notes only in groups you facilitate that this member is in."
            )
    elif group is not None and not group_policies.is_member(member, group):
        raise PermissionDenied(f"{member.handle} is not a member of {group.name}.")
    note = StaffNote(
        member=member, author=author, group=group, body=body.replace("\x00", "").strip()
    )
    note.full_clean()
    note.save()
    audit_record(
        actor=author,
        action="staff_note.add",
        group=group,
        target_user=member,
        details={"note_id": note.pk},
    )
    return note


def _readable_notes(reader: User, member: User, scope: set[int] | None):
    notes = StaffNote.objects.filter(member=member)
    if scope is None:
        return notes
    return notes.filter(Q(group_id__in=scope) | Q(group__isnull=True, author__is_staff=True))


@transaction.atomic
def staff_notes_read(*, reader: User, member: User) -> list[StaffNote]:
    """The notes about ``member`` that ``reader`` may read, newest first (see the module
    docstring for who reads what). Raises ``Hidden`` (404) for a reader who may not see
    the member at all. Side effect: when any note is returned, one ``staff_notes.read``
    audit entry (site-wide, for admins' eyes) lists their ids. Notes about the reader
    themselves are never returned, and nothing is logged then."""
    scope = policies.member_scope(reader, member)
    if reader.pk == member.pk:
        return []
    notes = list(
        _readable_notes(reader, member, scope)
        .select_related("author", "group")
        .order_by("-created_at", "-id")
    )
    if notes:
        audit_record(
            actor=reader,
            action="staff_notes.read",
            target_user=member,
            details={"note_ids": [note.pk for note in notes]},
        )
    return notes

"""The personal-information guard on posting: phone numbers, e-mail addresses, street
addresses, postcodes and social-media handles (``moderation.pii``) found in what a member
is about to post.

Members are anonymous here, and a post is read by strangers. So before a post with such
details is published the member is warned, with the parts highlighted, and may edit it or
post anyway (``PersonalInformationFound``, raised before anything is saved). Two cases
never wait for the member's answer:

- a post with crisis language is saved at once (its alert must not wait), but held for a
  facilitator rather than published with the member's contact details in it;
- facilitators and admins are not warned: they share helplines and services' addresses.

Helplines Haven shows (the crisis lines in the database) are not personal.
"""

from django.core.exceptions import ValidationError

from .. import pii
from ..models import CrisisLine

GROUP_HOLD = "Personal information, posted anyway: this group holds such posts for a facilitator"
CRISIS_HOLD = (
    "Personal information in a post with crisis language: held so the member's contact "
    "details are not public"
)


class PersonalInformationFound(ValidationError):
    """What a member is about to post holds personal information they have not confirmed.
    ``segments`` maps each field to (text, label or None) pieces for the warning."""

    def __init__(
        self,
        findings: dict[str, list[pii.Finding]],
        texts: dict[str, str],
        *,
        held: bool = False,
    ) -> None:
        kinds = [k for k in pii.KINDS if any(f.kind == k for fs in findings.values() for f in fs)]
        what = _listing([pii.LABELS[k] for k in kinds])
        then = (
            "or post anyway: this group then asks a facilitator to read it before it appears."
            if held
            else "or post anyway."
        )
        super().__init__(
            f"Your post seems to include {what}. Everyone here uses a pseudonym, and "
            "details like these could identify you or someone else. You can edit them out "
            f"(they are highlighted below) {then}"
        )
        self.held = held
        self.findings = findings
        self.segments = {
            name: [
                (part, pii.LABELS[kind] if kind else None)
                for part, kind in pii.highlight(texts[name], found)
            ]
            for name, found in findings.items()
        }


def _listing(labels: list[str]) -> str:
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def personal_information_in(texts: dict[str, str]) -> dict[str, list[pii.Finding]]:
    """Findings per field (fields without any left out). One query (the crisis lines)."""
    known = [phone for phone in CrisisLine.objects.values_list("phone", flat=True) if phone]
    found = {}
    for name, text in texts.items():
        findings = pii.find_personal_information(text, known_numbers=known) if text else []
        if findings:
            found[name] = findings
    return found

"""Rules for handles (pseudonyms). Used by the model field and by allauth's sign-up, so
every way of creating or renaming a member applies the same rules."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

HANDLE_MIN = 3
HANDLE_MAX = 30
HANDLE_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]$"

# Refused anywhere inside a handle: these impersonate the people members must trust.
RESERVED_FRAGMENTS = (
    "admin",
    "moderator",
    "facilitator",
    "haven",
    "staff",
    "official",
    "crisis",
    "helpline",
    "hotline",
    "counsellor",
    "counselor",
    "therapist",
)
# What an erased account's handle starts with (accounts.services.data); nobody may take it.
ERASED_PREFIX = "former-"
# Refused as the whole handle (ignoring case, hyphens and underscores).
RESERVED_HANDLES = frozenset(
    {
        "mod",
        "mods",
        "root",
        "system",
        "support",
        "help",
        "anonymous",
        "anonymousmember",
        "formermember",
        "deleted",
        "null",
        "none",
        "undefined",
        "everyone",
        "here",
        "me",
        "team",
        "security",
        "abuse",
        "noreply",
        "postmaster",
        "webmaster",
    }
)


def _skeleton(value: str) -> str:
    """Casefolded letters and digits only, with common look-alike digits mapped, so
    'H4ven_Adm1n' is recognised as 'havenadmin'."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    folded = folded.translate(str.maketrans("0134$5@7", "oieassat"))
    return re.sub(r"[^a-z]", "", folded)


def validate_handle_length(value: str) -> None:
    if len(value) < HANDLE_MIN or len(value) > HANDLE_MAX:
        raise ValidationError(
            f"A handle is {HANDLE_MIN} to {HANDLE_MAX} characters long "
            f"(this one has {len(value)}).",
            code="handle_length",
        )


def validate_handle_not_reserved(value: str) -> None:
    plain = re.sub(r"[^a-z0-9]", "", value.casefold())
    skeleton = _skeleton(value)
    if plain in RESERVED_HANDLES or skeleton in RESERVED_HANDLES:
        raise ValidationError(
            "That handle is reserved. Please choose another.", code="handle_reserved"
        )
    if value.casefold().startswith(ERASED_PREFIX):
        raise ValidationError(
            f"Handles starting with “{ERASED_PREFIX}” are reserved for erased accounts. "
            "Please choose another.",
            code="handle_reserved",
        )
    for fragment in RESERVED_FRAGMENTS:
        if fragment in plain or fragment in skeleton:
            raise ValidationError(
                f"Handles may not contain “{fragment}”, so nobody can pass themselves off "
                "as Haven's team. Please choose another.",
                code="handle_reserved",
            )


validate_handle_characters = RegexValidator(
    HANDLE_PATTERN,
    message=(
        "Use letters, digits, hyphens and underscores only, starting with a letter and "
        "ending with a letter or digit. A handle is never an e-mail address."
    ),
    code="handle_characters",
)

HANDLE_VALIDATORS = [
    validate_handle_length,
    validate_handle_characters,
    validate_handle_not_reserved,
]

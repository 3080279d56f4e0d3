"""What every detector shares: the kinds, the Finding, and a linear scan."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

KINDS = ("phone", "email", "address", "postcode", "social")
LABELS = {
    "phone": "a phone number",
    "email": "an e-mail address",
    "address": "a street address",
    "postcode": "a postcode or ZIP code",
    "social": "a social-media handle or profile link",
}

# Helplines that members share to help each other are not personal (normalised digits).
KNOWN_HELPLINES = frozenset(
    {
        "08001110111",  # TelefonSeelsorge (DE)
        "08001110222",  # TelefonSeelsorge (DE)
        "08001111",  # Childline (GB)
        "0800585858",  # CALM (GB)
        "03001233393",  # Mind infoline (GB)
        "18002738255",  # former US lifeline
        "0800376633",  # Youthline (NZ)
        "0800543354",  # Lifeline (NZ)
    }
)


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # offsets into the ORIGINAL text given to find_personal_information
    end: int
    text: str  # text[start:end]


_Candidate = tuple[int, int, str]  # start, end, kind


def _scan(
    pattern: re.Pattern[str], text: str, accept: Callable[[re.Match[str]], bool]
) -> Iterable[re.Match[str]]:
    """finditer, except that a rejected match resumes one character later, so a false
    candidate never hides a real one that starts inside it. Each match is bounded in
    length, so this stays linear."""
    pos = 0
    n = len(text)
    while pos <= n:
        m = pattern.search(text, pos)
        if m is None:
            return
        if accept(m):
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1
        else:
            pos = m.start() + 1


# Ordinary words that are never a street's or mailbox's name.
_STOP = frozenset(
    """a an the my our your his her their its this that these those of to in on at by for
    from with and or but so as into onto down up out over off about around through
    across along past near than then very more most less least much many few some any
    all no not one two three four five six seven eight nine ten hour hours minute
    minutes min mins hr hrs day days week weeks month months year years time times mile
    miles km i me we you he she they it is was be been am are were had has have do did
    done just still even also back way ways safe happy better worse cool calm quiet
    different simple separate whole same another other own best worst nice""".split()  # noqa: SIM905
)

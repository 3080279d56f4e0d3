"""Personal-information guard: find phone numbers, e-mail addresses, street addresses,
postcodes and social-media handles in a post before it is published.

Pure module: standard library only, no Django, no database. Every pattern uses bounded
repetition, and a rejected candidate only moves the scan on by one character, so the work
is linear in the length of the text (no catastrophic backtracking).

Rules, per kind (a finding is a warning to the member, so borderline cases lean towards
flagging; in-forum text that is plainly not personal must never be flagged):

- phone: a run of 7 to 15 digits grouped by spaces, dots, dashes, slashes or brackets,
  optionally led by "+" or "00" (and "tel:"). Rejected: dates (2024-05-12, 12/05/2024,
  12.05.24), year ranges (2019-2024), times and other runs made only of 1-2 digit groups
  unless there are at least five of them (French "06 12 34 56 78"), thousands-grouped
  amounts (1 200 000, 1.200.000), version numbers and IP addresses (a 1-digit group other
  than a leading country or trunk code), anything after a currency sign or before a unit
  ("mg", "%", "days"...), and the helplines Haven shows (short codes have fewer than 7
  digits anyway). An ungrouped run ("07700900123") counts only if it starts with "+", "0"
  or is a 10-digit North-American number, or if "call/text/phone/tel/mobile/number..."
  comes just before it.
- email: local@domain.tld, and the obfuscated forms "name at gmail dot com",
  "name [at] example [dot] org", "name(at)example(dot)org". A spelled-out form needs a
  known top-level domain at the end.
- address: number + name + street word in English ("221B Baker Street", "Flat 3, 45 High
  Road", "1600 Pennsylvania Avenue NW"); number + French street word + name ("12 Rue de la
  Paix"); Spanish/Italian/Portuguese street word + name + number ("Calle Mayor 10");
  German/Dutch compounds or words + number ("Hauptstraße 5", "Berliner Str. 12",
  "Kalverstraat 1"); "PO Box 123". English names must be capitalised for words that are
  also common nouns (way, place, close, court, drive...), and lower-case names may not
  contain ordinary words ("10 years down the road", "a 2 hour drive" are not addresses).
- postcode: UK (SW1A 1AA, upper case, valid inward letters) and Canada (K1A 0B1) anywhere;
  Netherlands (1012 AB, upper case, not eras/units such as "2000 AD", "500 MG").
  Bare 4-5 digit codes (US ZIP, ZIP+4, Germany, France, Spain...) only with context: after
  a US state abbreviation ("IL 62704"), after the words zip/zipcode/postcode/postal
  code/PLZ/code postal/CP, or right after a detected street address (optionally with the
  town between: "Hauptstraße 5, 10115 Berlin").
- social: profile links on known platforms (instagram.com/..., x.com/..., tiktok.com/@...,
  linkedin.com/in/..., reddit.com/u/..., t.me/..., discord.gg/..., wa.me/..., ...), a
  Reddit "u/name", and handles given with platform context ("my insta is @jane.doe",
  "snap: jdoe99", "@jane on twitter"). A bare "@handle" is an in-forum mention and is never
  flagged. A handle without "@" needs a colon/equals sign or must look like a handle
  (digit, underscore or dot) so that "my insta is private" is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterable

from .address import _find_addresses, _find_postcodes
from .base import KINDS, KNOWN_HELPLINES, LABELS, Finding
from .email import _find_emails
from .phone import _find_phones
from .social import _find_social

__all__ = ["KINDS", "LABELS", "Finding", "find_personal_information", "highlight", "redact"]


def find_personal_information(text: str, *, known_numbers: Iterable[str] = ()) -> list[Finding]:
    """Non-overlapping findings sorted by start.

    Where candidates overlap, the longest (leftmost first) wins; on equal spans the
    order of KINDS decides. ``known_numbers`` are extra phone numbers that are not
    personal (for instance the crisis lines configured for the site); only their digits
    are compared."""
    if not text:
        return []
    known = KNOWN_HELPLINES | {"".join(ch for ch in n if ch.isdigit()) for n in known_numbers}
    addresses = _find_addresses(text)
    candidates = (
        _find_phones(text, known)
        + _find_emails(text)
        + addresses
        + _find_postcodes(text, addresses)
        + _find_social(text)
    )
    rank = {kind: i for i, kind in enumerate(KINDS)}
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), rank[c[2]]))
    findings: list[Finding] = []
    last_end = 0
    for start, end, kind in candidates:
        if start >= last_end and end > start:
            findings.append(Finding(kind=kind, start=start, end=end, text=text[start:end]))
            last_end = end
    return findings


def highlight(text: str, findings: Iterable[Finding]) -> list[tuple[str, str | None]]:
    """Split text into segments (segment, kind or None) so a template can wrap the
    personal parts in <mark> without building HTML in Python. Segments join back to
    ``text``; findings out of bounds or overlapping an earlier one are ignored."""
    segments: list[tuple[str, str | None]] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if f.start < pos or f.end > len(text) or f.end <= f.start:
            continue
        if f.start > pos:
            segments.append((text[pos : f.start], None))
        segments.append((text[f.start : f.end], f.kind))
        pos = f.end
    if pos < len(text):
        segments.append((text[pos:], None))
    return segments


def redact(text: str, start: int, end: int, replacement: str = "[removed by a facilitator]") -> str:
    """Replace text[start:end] with ``replacement``. Raises ValueError unless
    0 <= start < end <= len(text) (integers, not booleans)."""
    for value in (start, end):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("start and end must be integers")
    if not 0 <= start < end <= len(text):
        raise ValueError(f"bad bounds {start}:{end} for a text of length {len(text)}")
    return text[:start] + replacement + text[end:]

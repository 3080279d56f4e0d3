"""Phone numbers (see the package docstring for the rules)."""

from __future__ import annotations

import re

from .base import _Candidate

_PHONE_RUN = re.compile(
    r"(?<![\w+.,/#@$£€¥₹-])"
    r"(?:\+|\(\+?)?[0-9][0-9()\-.\s/\u2010\u2011\u2013]{5,28}[0-9](?![0-9A-Za-z%])",
)
# Separators that join two numbers rather than the groups of one number.
_PHONE_SPLIT = re.compile(r"\s+[-/\u2013]\s+|\s{2,}|[\t\n\r\f\v]")
_PHONE_GROUP = re.compile(r"[0-9]+")
_DATE_4Y = re.compile(
    r"(?<![0-9])(?:(?:19|20)[0-9]{2}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"
    r"|[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:19|20)[0-9]{2})(?![0-9])"
)
_DATE_WHOLE = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{2}")
_YEAR_RANGE = re.compile(r"(?:19|20)[0-9]{2}\s?[-/\u2013]\s?(?:(?:19|20)[0-9]{2}|[0-9]{2})")
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:([ .'\u00a0\u202f])[0-9]{3})(?:\1[0-9]{3})*")
_PHONE_CONTEXT = re.compile(
    r"(?i)(?:\b(?:call|text|txt|phone|ph|tel|telephone|mobile|mob|cell|cellphone|number|"
    r"no|whatsapp|ring|sms|signal|reach|contact|fax|handy|portable|tél|tfno|teléfono|"
    r"telefono|telefon)\b[^0-9\n]{0,12}$)"
)
_UNIT_AFTER = re.compile(
    r"(?i)\s?(?:%|‰|mg\b|mcg\b|µg\b|ug\b|ml\b|g\b|kg\b|lbs?\b|km\b|mi\b|miles?\b|"
    r"days?\b|weeks?\b|months?\b|years?\b|yrs?\b|hours?\b|hrs?\b|minutes?\b|mins?\b|"
    r"steps?\b|calories\b|kcal\b|words?\b|times\b|people\b|members\b|euros?\b|dollars?\b|"
    r"pounds?\b|usd\b|eur\b|gbp\b|x\b|am\b|pm\b|h\b)"
)
_CURRENCY_BEFORE = re.compile(r"[$£€¥₹]\s?$|(?i:\b(?:usd|eur|gbp|rs|inr|aud|cad)\s?$)")


def _phone_piece_ok(text: str, start: int, end: int, known: frozenset[str]) -> bool:
    piece = text[start:end]
    digits = "".join(_PHONE_GROUP.findall(piece))
    if not 7 <= len(digits) <= 15:
        return False
    if digits in known or digits.lstrip("0") in known:
        return False
    if _DATE_4Y.search(piece) or _DATE_WHOLE.fullmatch(piece) or _YEAR_RANGE.fullmatch(piece):
        return False
    if re.fullmatch(r"[0-9]{5}-[0-9]{4}", piece):
        return False  # US ZIP+4
    if _THOUSANDS.fullmatch(piece) and not piece.startswith("0"):
        return False
    if _UNIT_AFTER.match(text, end, min(len(text), end + 12)):
        return False
    before = text[max(0, start - 30) : start]
    if _CURRENCY_BEFORE.search(before):
        return False
    international = piece.startswith(("+", "(+", "00"))
    groups = _PHONE_GROUP.findall(piece)
    for i, group in enumerate(groups):
        leading = i == 0 or (i == 1 and international)
        trunk = i == 1 and group == "0" and len(groups) > 2  # "+44 (0)20 ..."
        if len(group) == 1 and not leading and not trunk:
            return False  # "0800 111 0 111" style helplines, versions, IP addresses
    if len(groups) > 1 and all(len(g) <= 2 for g in groups) and len(groups) < 5:
        return False  # times, ranges of small numbers
    if len(groups) == 4 and "." in piece and all(len(g) <= 3 for g in groups):
        return False  # IP address
    has_context = bool(_PHONE_CONTEXT.search(before))
    if len(groups) == 1:
        return (
            has_context
            or (international and len(digits) >= 8)
            or (digits.startswith("0") and 10 <= len(digits) <= 12)
            or re.fullmatch(r"1?[2-9][0-9]{2}[2-9][0-9]{6}", digits) is not None
        )
    # "555 12 34" style: three or more groups of only 7 digits need some support.
    return international or has_context or len(digits) > 7 or len(groups) <= 2


def _find_phones(text: str, known: frozenset[str]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _PHONE_RUN.finditer(text):
        base = m.start()
        run = m.group()
        cuts = [0]
        for s in _PHONE_SPLIT.finditer(run):
            cuts += [s.start(), s.end()]
        cuts.append(len(run))
        for a, b in zip(cuts[::2], cuts[1::2], strict=True):
            piece = run[a:b]
            lead = len(piece) - len(piece.lstrip(" ./-\u2013"))
            piece_stripped = piece.strip(" ./-\u2013\u2010\u2011")
            if not piece_stripped:
                continue
            start = base + a + lead
            end = start + len(piece_stripped)
            # An unmatched closing bracket is not part of the number.
            if text[end - 1] == ")" and "(" not in text[start:end]:
                end -= 1
            if text[start] == "(" and ")" not in text[start:end]:
                start += 1
            if _phone_piece_ok(text, start, end, known):
                found.append((start, end, "phone"))
    return found

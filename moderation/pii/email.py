"""E-mail addresses, including spelled-out ones (see the package docstring)."""

from __future__ import annotations

import re

from .base import _STOP, _Candidate, _scan

_TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|me|uk|us|ca|au|nz|ie|de|fr|es|it|nl|be|"
    "ch|at|se|no|dk|fi|pl|pt|br|mx|ar|in|jp|cn|ru|za|eu|app|dev|email|online|xyz|live|"
    "icloud|mail"
)
_AT = (
    r"(?:@|[ \t]{0,3}[\[(<{][ \t]{0,2}(?:at|@)[ \t]{0,2}[\])>}][ \t]{0,3}"
    r"|[ \t]{1,3}at[ \t]{1,3})"
)
_DOT = (
    r"(?:\.|[ \t]{0,3}[\[(<{][ \t]{0,2}(?:dot|\.)[ \t]{0,2}[\])>}][ \t]{0,3}"
    r"|[ \t]{1,3}dot[ \t]{1,3})"
)
_EMAIL = re.compile(
    r"(?i)(?<![\w.%+'-])(?P<local>[\w%+'-](?:[\w.%+'-]{0,62}[\w%+'-])?)"
    rf"(?P<at>{_AT})(?P<domain>[\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}}){{1,4}})(?![\w-]|\.[\w-])"
)
_DOT_SPLIT = re.compile(rf"(?i){_DOT}")
_TLD_RE = re.compile(rf"(?i)(?:{_TLDS})")


def _email_ok(m: re.Match[str]) -> bool:
    labels = _DOT_SPLIT.split(m.group("domain"))
    tld = labels[-1]
    plain = (
        m.group("at") == "@"
        and "." in m.group("domain")
        and len(labels) == (m.group("domain").count(".") + 1)
    )
    if plain:
        return tld.isalpha() and len(tld) >= 2
    local = m.group("local")
    spelled_at = m.group("at")[0] in " \t" and m.group("at").strip().lower() == "at"
    if spelled_at and (local.lower() in _STOP or labels[0].lower() in _STOP):
        return False  # "look at this dot com"
    return _TLD_RE.fullmatch(tld) is not None and not local.isdigit()


def _find_emails(text: str) -> list[_Candidate]:
    return [(m.start(), m.end(), "email") for m in _scan(_EMAIL, text, _email_ok)]

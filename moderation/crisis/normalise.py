"""Normalisation and tokenisation with an offset map back to the original text.

Two layers:

* ``fold_for_scan`` is a cheap, length-preserving fold of a whole post (look-alike letters,
  accents, full-width forms -> plain Latin; case kept) used by the detector's prefilter, so
  a 1 MB post is scanned by one compiled expression in C and only the sentences near a
  candidate are looked at closely.
* ``tokenise`` turns one sentence into ``Token`` objects. Each token keeps the span of
  original characters it came from and a few *forms* the matcher tries in turn: the plain
  normalised word (NFKD, marks and format characters removed, case folded, apostrophes
  dropped), its de-leeted shadow (``k1ll`` -> ``kill``, ``$u!c!de`` -> ``suicide``), and
  squeezed forms for letters repeated three or more times (``diiie`` -> ``die``). Runs of
  single letters separated by spaces, dots, hyphens or underscores are collapsed
  (``k i l l``, ``k.i.l.l``) and split back into lexicon words where possible
  (``k i l l m y s e l f`` -> ``kill myself``); ``*`` inside a word stands for one letter and
  is resolved against the lexicon's vocabulary (``k*ll`` -> ``kill``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass

# Cyrillic and Greek letters that look like Latin ones (lower case; upper case is folded
# first), so a word spelt with a Cyrillic i or s reads as the Latin word.
_CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k",
    "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ɡ": "g", "ı": "i", "ⅼ": "l",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c", "μ": "u",
}  # fmt: skip
_PUNCT_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u0060": "'", "\u00b4": "'",
    "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-",
    "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2028": "\n", "\u2029": "\n", "\u0130": "i",
}  # fmt: skip
# Leet and symbol substitutions for the shadow copy.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"})  # fmt: skip
_LEET_CHARS = frozenset("013457@$!|+")
# Emoji tails that carry no meaning for us: variation selectors, skin tones, ZWJ.
_DROP = frozenset(["\ufe0e", "\ufe0f", "\u200d", "\u20e3"]) | {
    chr(c) for c in range(0x1F3FB, 0x1F400)
}
_DROP_CATEGORIES = frozenset(["Mn", "Me", "Cf"])
_EMOJI_RANGES = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"

ZERO_WIDTH = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"


@functools.lru_cache(maxsize=65536)
def norm_char(ch: str) -> str:
    """The normalised form of one character (possibly empty or several characters)."""
    if ch in _PUNCT_FOLD:
        return _PUNCT_FOLD[ch]
    if ch in _DROP:
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if part in _DROP or unicodedata.category(part) in _DROP_CATEGORIES:
            continue
        if part in _PUNCT_FOLD:
            out.append(_PUNCT_FOLD[part])
            continue
        for low in part.casefold():
            out.append(_CONFUSABLES.get(low, low))
    text = "".join(out)
    cat = unicodedata.category(ch)
    if cat == "Zs":
        return " "
    if cat == "Cc" and ch not in "\n\t":
        return " "
    return text


def _scan_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [(0x80, 0x2000), (0x2010, 0x2070), (0x2100, 0x2200), (0xFF00, 0xFFF0)]
    ranges += [(0x1D400, 0x1D800)]  # mathematical alphanumerics
    for lo, hi in ranges:
        for code in range(lo, hi):
            ch = chr(code)
            if unicodedata.category(ch) in _DROP_CATEGORIES:
                continue  # kept, so the zero-width detector sees it
            out = norm_char(ch)
            if len(out) == 1 and out != ch:
                table[code] = out
    return table


@functools.cache
def _table() -> dict[int, str]:
    return _scan_table()


def fold_for_scan(text: str) -> str:
    """A same-length copy of ``text`` for the prefilter: lower case, Latin look-alikes and
    accented letters folded to plain ASCII where that is one character for one."""
    if not text.isascii():
        text = text.translate(_table())
    low = text.lower()
    if len(low) != len(text):  # a handful of letters lower-case to two characters
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


@dataclass(slots=True)
class Token:
    forms: tuple[str, ...]  # first is the plain normalised form
    start: int  # offsets into the ORIGINAL text
    end: int
    term: bool = False  # clause punctuation (, ; : ( ) and quotes): ends scopes and gaps
    num: bool = False
    emoji: bool = False

    @property
    def text(self) -> str:
        return self.forms[0]


_TOKEN_RE = re.compile(
    rf"(?P<emoji>[{_EMOJI_RANGES}])"
    r"|(?P<word>[\w@$](?:[\w'*@$!|+]*[\w*])?)"
    r"|(?P<term>[,;:()\"]|--|\s-\s)"
)
_REPEAT_RE = re.compile(r"(\w)\1{2,}")
_SINGLE_SEP = re.compile(r"[ .\-_]{1,3}")


def normalise(text: str, base: int = 0) -> tuple[str, list[int] | None]:
    """Normalise ``text`` (a slice of the post starting at ``base``). Returns the normalised
    string and, unless it is a plain offset shift (ASCII input), the original offset of
    each normalised character."""
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch < "\x80":
            out.append(ch.lower())
            offsets.append(base + i)
            continue
        norm = norm_char(ch)
        for c in norm:
            out.append(c)
            offsets.append(base + i)
    return "".join(out), offsets


def _squeezed(form: str) -> tuple[str, ...]:
    if not _REPEAT_RE.search(form):
        return ()
    return (_REPEAT_RE.sub(r"\1", form), _REPEAT_RE.sub(r"\1\1", form))


@functools.lru_cache(maxsize=65536)
def word_forms(raw: str) -> tuple[str, ...]:
    """The forms of one raw token (already normalised, lower case)."""
    plain = raw.replace("'", "")
    stripped = plain.strip("@$!|+*")
    forms = [stripped] if stripped else [plain]
    if "'" in raw:  # French/Italian elision: d'en, j'ai, m'arreter also read as en, ai...
        pre, _, post = raw.partition("'")
        if 1 <= len(pre) <= 2 and post.isalpha():
            forms.append(post.replace("'", ""))
    if any(c in _LEET_CHARS for c in plain):
        leet = plain.translate(_LEET)
        if leet not in forms:
            forms.append(leet)
        if "1" in plain or "|" in plain:
            alt = plain.replace("1", "l").replace("|", "l").translate(_LEET)
            if alt not in forms:
                forms.append(alt)
    for form in list(forms):
        for squeezed in _squeezed(form):
            if squeezed not in forms:
                forms.append(squeezed)
    return tuple(forms)


@functools.lru_cache(maxsize=4096)
def _wildcard_regex(form: str) -> re.Pattern:
    return re.compile("".join("." if c == "*" else re.escape(c) for c in form))


def _resolve_wildcards(form: str, vocab_by_len: dict[int, list[str]]) -> list[str]:
    """``k*ll`` -> vocabulary words it can stand for (``*`` = one letter)."""
    letters = sum(c != "*" for c in form)
    if letters < 2 or letters * 2 < len(form):
        return []
    rx = _wildcard_regex(form)
    return [w for w in vocab_by_len.get(len(form), ()) if rx.fullmatch(w)][:4]


def _segment(s: str, vocab: Collection[str]) -> list[str] | None:
    """Split ``s`` into the fewest vocabulary words (None if it cannot be)."""
    n = len(s)
    if n > 60:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(n, i, -1):
            piece = s[i:j]
            if piece in vocab and (best[j] is None or len(best[j]) > len(best[i]) + 1):
                best[j] = [*best[i], piece]
    return best[n]


class Vocabulary:
    """The words a lexicon knows, for splitting collapsed letters and resolving ``*``."""

    def __init__(self, words: Collection[str]) -> None:
        self.words = frozenset(w for w in words if w.isalpha())
        by_len: dict[int, list[str]] = {}
        for w in sorted(self.words):
            by_len.setdefault(len(w), []).append(w)
        self.by_len = by_len


def _collapse_singles(raw: list[tuple[str, int, int, str]], norm: str) -> list:
    """Merge runs of >= 3 single-character word tokens separated only by spaces, dots,
    hyphens or underscores (``k i l l``, ``k.i.l.l``) into one token."""
    out: list = []
    i = 0
    n = len(raw)
    while i < n:
        kind, _s, _e, text = raw[i]
        if kind == "word" and len(text) == 1:
            j = i + 1
            while (
                j < n
                and raw[j][0] == "word"
                and len(raw[j][3]) == 1
                and _SINGLE_SEP.fullmatch(norm, raw[j - 1][2], raw[j][1])
            ):
                j += 1
            if j - i >= 3:
                letters = [(raw[k][3], raw[k][1]) for k in range(i, j)]
                out.append(("collapsed", letters))
                i = j
                continue
        out.append(raw[i])
        i += 1
    return out


def tokenise(
    text: str, base: int = 0, vocab: Vocabulary | None = None
) -> tuple[str, list[Token], Callable[[int], int]]:
    """Tokenise ``text`` (a slice of the post that starts at offset ``base``).

    Returns the normalised string, the tokens, and a function mapping a normalised offset
    to an original one (used for regex entries)."""
    norm, offsets = normalise(text, base)
    if offsets is None and "*" not in norm and not _SINGLES_HINT.search(norm):
        return norm, _ascii_tokens(norm, base), lambda i: base + min(i, len(text))
    if offsets is None:

        def to_orig(i: int) -> int:
            return base + min(i, len(text))

    else:
        end_offset = base + len(text)

        def to_orig(i: int) -> int:
            return offsets[i] if i < len(offsets) else end_offset

    def span_end(i: int) -> int:
        # end offset (exclusive) for a normalised end position i (exclusive)
        if i <= 0:
            return to_orig(0)
        return to_orig(i - 1) + 1

    raw = [(m.lastgroup, m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(norm)]
    if vocab is not None and sum(1 for r in raw if len(r[3]) == 1) >= 3:
        merged = _collapse_singles(raw, norm)
    else:
        merged = raw
    tokens: list[Token] = []
    for item in merged:
        if item[0] == "collapsed":
            letters = item[1]
            joined = "".join(c for c, _ in letters)
            candidates = list(dict.fromkeys([joined.translate(_LEET), joined]))
            pieces = None
            if vocab is not None:
                for cand in candidates:
                    if cand in vocab.words:
                        break
                    pieces = _segment(cand, vocab.words)
                    if pieces:
                        break
            if pieces and len(pieces) > 1:
                k = 0
                for piece in pieces:
                    s = letters[k][1]
                    e = letters[k + len(piece) - 1][1] + 1
                    tokens.append(Token((piece,), to_orig(s), span_end(e)))
                    k += len(piece)
            else:
                s, e = letters[0][1], letters[-1][1] + 1
                tokens.append(Token(tuple(candidates), to_orig(s), span_end(e)))
            continue
        kind, s, e, t = item
        if kind == "emoji":
            tokens.append(Token((t,), to_orig(s), span_end(e), emoji=True))
        elif kind == "term":
            tokens.append(Token((t.strip(),), to_orig(s), span_end(e), term=True))
        else:
            forms = word_forms(t)
            if "*" in t and vocab is not None:
                extra = _resolve_wildcards(forms[0], vocab.by_len)
                forms = tuple(dict.fromkeys([*forms, *extra]))
            is_num = forms[0].isdigit() or bool(_NUM_RE.fullmatch(forms[0]))
            tokens.append(Token(forms, to_orig(s), span_end(e), num=is_num))
    return norm, tokens, to_orig


_NUM_RE = re.compile(r"\d+(?:[.,]\d+)?")
_SINGLES_HINT = re.compile(r"(?<![\w'])[\w@$!|+](?:[ .\-_]{1,3}[\w@$!|+](?![\w'])){2}")


def _ascii_tokens(norm: str, base: int) -> list[Token]:
    """The common case, without an offset map or collapsed letters."""
    tokens = []
    for m in _TOKEN_RE.finditer(norm):
        kind = m.lastgroup
        t = m.group()
        s, e = m.span()
        if kind == "word":
            forms = word_forms(t)
            num = forms[0].isdigit() or bool(_NUM_RE.fullmatch(forms[0]))
            tokens.append(Token(forms, base + s, base + e, num=num))
        elif kind == "term":
            tokens.append(Token((t.strip(),), base + s, base + e, term=True))
        else:
            tokens.append(Token((t,), base + s, base + e, emoji=True))
    return tokens

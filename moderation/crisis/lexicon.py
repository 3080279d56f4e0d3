"""The crisis lexicon: entries as plain data, compiled for the matcher.

The entry dict (the contract with the admin screen; see the package docstring) is parsed
into a ``LexiconEntry``; ``validate_entry`` lists what is wrong with one, and
``Lexicon.from_entries`` compiles the valid ones (skipping and recording the rest).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .normalise import Vocabulary, norm_char, word_forms

LEXICON_DIR = Path(__file__).with_name("lexicon")

SIGNALS = (
    "ideation_active", "ideation_passive", "hopelessness", "burdensomeness", "intent",
    "self_harm", "attempt", "abuse", "threat", "means", "timeframe", "preparation",
    "farewell", "in_progress",
)  # fmt: skip
GUARDS = (
    "negation", "pseudo_negation", "history", "current", "hypothetical", "supportive",
    "figurative", "third_person", "first_person", "exclusion", "serious", "terminator",
    "recent_past", "intent_marker",
)  # fmt: skip
KINDS = ("phrase", "regex", "emoji")
SEVERITIES = {"none": 0, "moderate": 2, "high": 3, "imminent": 4}
MAX_GAP = 6
MAX_PATTERN = 2000

# Words too common to carry a pattern on their own.
STOPWORDS = frozenset(
    """a an the i me my im ive id ill you your he she it its we they them this that is are
    was were be been am do does did to of in on at for with and or but so if not no just
    really very get got go going have has had will would can could should all it up out""".split()  # noqa: SIM905
)
# A rough commonness rank, used only to choose the rarest word of a pattern as its anchor.
_COMMON = """the be to of and a in that have i it for not on with he as you do at this but
his by from they we say her she or an will my one all would there their what so up out if
about who get which go me when make can like time no just him know take people into year
your good some could them see other than then now look only come its over think also back
after use two how our work first well way even new want because any these give day most us
is are was were been has had did does am im ive id ill dont cant wont really very much
feel feeling felt going gonna wanna life end ending night today tomorrow tonight week
weekend home said told lot thing things more never always everything nothing anything
someone anyone everyone nobody good bad right left off down here where again still""".split()  # noqa: SIM905
_RANK = {w: i for i, w in enumerate(_COMMON)}


def commonness(word: str) -> int:
    if word in _RANK:
        return 1000 - _RANK[word]
    return 60 if len(word) <= 3 else 20 if len(word) <= 5 else 5


class PatternError(ValueError):
    pass


# --- compiled pattern elements: tuples for speed ---
# ("w", frozenset(words), tuple(prefixes))   one token
# ("alt", (seq, seq, ...), optional: bool)    one of several sequences (optional = [..])
# ("gap", n)                                   up to n tokens (not clause punctuation)
# ("num",)                                     a number token
# ("any",)                                     exactly one token
# ("end",)                                     end of the clause (no token consumed)
_PTOK = re.compile(r"\{|\}|\[|\]|\||\.\.\.|~\d+|<\w+>|[^\s{}\[\]|]+")


def norm_word(word: str) -> str:
    return "".join(norm_char(c) if c >= "\x80" else c.lower() for c in word).replace("'", "")


def _split_word(raw: str) -> list[str]:
    """A pattern word as the tokeniser would see it: hyphens and slashes separate."""
    word = norm_word(raw)
    parts = [p for p in re.split(r"[-/.]", word) if p]
    return parts


def parse_pattern(pattern: str, kind: str = "phrase") -> tuple:
    """Parse phrase syntax into a tuple of elements. Raises PatternError."""
    if kind == "emoji":
        chars = [c for c in "".join(norm_char(c) for c in pattern) if not c.isspace()]
        if not chars:
            raise PatternError("empty emoji pattern")
        return tuple(("w", frozenset([c]), ()) for c in chars)
    toks = _PTOK.findall(pattern)
    pos = 0

    def seq(closers: str) -> tuple:
        nonlocal pos
        out: list = []
        while pos < len(toks) and toks[pos] not in closers:
            t = toks[pos]
            pos += 1
            if t in "{[":
                alts = alternatives("}" if t == "{" else "]")
                out.append(("alt", alts, t == "["))
            elif t in ("}", "]", "|"):
                raise PatternError(f"unexpected {t!r}")
            elif t == "...":
                out.append(("gap", 3))
            elif t.startswith("~"):
                n = int(t[1:])
                if not 1 <= n <= MAX_GAP:
                    raise PatternError(f"gap ~{n} must be between 1 and {MAX_GAP}")
                out.append(("gap", n))
            elif t == "<num>":
                out.append(("num",))
            elif t == "<any>":
                out.append(("any",))
            elif t == "<end>":
                out.append(("end",))
            elif t.startswith("<"):
                raise PatternError(f"unknown class {t}")
            else:
                prefix = t.endswith("*") and len(t) > 1
                parts = _split_word(t[:-1] if prefix else t)
                if not parts:
                    raise PatternError(f"empty word {t!r}")
                for k, part in enumerate(parts):
                    if prefix and k == len(parts) - 1:
                        if len(part) < 3:
                            raise PatternError(f"prefix {t!r} needs at least 3 letters")
                        out.append(("w", frozenset(), (part,)))
                    else:
                        out.append(("w", frozenset([part]), ()))
        return tuple(out)

    def alternatives(closer: str) -> tuple:
        nonlocal pos
        alts = []
        while True:
            alts.append(seq("|" + closer))
            if pos >= len(toks):
                raise PatternError(f"missing {closer!r}")
            t = toks[pos]
            pos += 1
            if t == closer:
                break
            if t != "|":
                raise PatternError(f"expected | or {closer}")
        if any(not a for a in alts):
            raise PatternError("empty alternative")
        return _merge_single_words(tuple(alts))

    result = seq("")
    if pos != len(toks):
        raise PatternError(f"unexpected {toks[pos]!r}")
    return result


def _merge_single_words(alts: tuple) -> tuple:
    """{kill|end|take} -> one word element (faster to match than three sequences)."""
    singles = [a[0] for a in alts if len(a) == 1 and a[0][0] == "w"]
    if len(singles) == len(alts):
        words = frozenset().union(*(s[1] for s in singles))
        prefixes = tuple(p for s in singles for p in s[2])
        return ((("w", words, prefixes),),)
    return alts


def first_words(elems: tuple) -> tuple[set[str], set[str], bool, bool]:
    """Words and prefixes a match can start with; flags: can start with a number / any."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for e in elems:
        kind = e[0]
        if kind == "w":
            words |= e[1]
            prefixes |= set(e[2])
            return words, prefixes, False, False
        if kind == "num":
            return words, prefixes, True, False
        if kind in ("any", "gap", "end"):
            return words, prefixes, False, True
        if kind == "alt":
            nullable = e[2]
            num = anything = False
            for s in e[1]:
                w, p, n, a = first_words(s)
                words |= w
                prefixes |= p
                num |= n
                anything |= a
            if num or anything:
                return words, prefixes, num, anything
            if not nullable:
                return words, prefixes, False, False
    return words, prefixes, False, True  # the whole pattern is optional


def all_words(elems: tuple) -> set[str]:
    out: set[str] = set()
    for e in elems:
        if e[0] == "w":
            out |= e[1]
            out |= set(e[2])
        elif e[0] == "alt":
            for s in e[1]:
                out |= all_words(s)
    return out


def min_length(elems: tuple) -> int:
    n = 0
    for e in elems:
        if e[0] in ("w", "num", "any"):
            n += 1
        elif e[0] == "alt" and not e[2]:
            n += min(min_length(s) for s in e[1])
    return n


def anchor_words(elems: tuple) -> tuple[set[str], set[str]] | None:
    """Words one of which every match must contain: the rarest required element (an
    alternative contributes the rarest required word of each of its branches)."""
    best = None
    best_score = None
    for e in elems:
        if e[0] == "w":
            cand = (set(e[1]), set(e[2]))
        elif e[0] == "alt" and not e[2]:
            cand_w: set[str] = set()
            cand_p: set[str] = set()
            for seq in e[1]:
                sub = anchor_words(seq)
                if sub is None:
                    break
                cand_w |= sub[0]
                cand_p |= sub[1]
            else:
                cand = (cand_w, cand_p)
            if sub is None:
                continue
        else:
            continue
        score = max([commonness(w) for w in cand[0]] + [commonness(p) * 2 for p in cand[1]])
        if best_score is None or score < best_score:
            best, best_score = cand, score
    return best


def required_sets(elems: tuple) -> list[tuple[frozenset, tuple]]:
    """For each required top-level element, the words one of which must occur."""
    out = []
    for e in elems:
        if e[0] == "w":
            out.append((frozenset(e[1]), tuple(e[2])))
        elif e[0] == "alt" and not e[2]:
            sub = anchor_words((e,))
            if sub is not None:
                out.append((frozenset(sub[0]), tuple(sub[1])))
    return out


def required_dnf(elems: tuple) -> list[list[tuple[frozenset, tuple]]]:
    """A necessary condition for a match, as alternatives of conjunctions of word sets:
    the weakest top-level alternative is expanded branch by branch, so a phrase list
    ("{nice knowing you|dont look for me}") needs all the words of one phrase."""
    base = required_sets(elems)
    alts = [i for i, e in enumerate(elems) if e[0] == "alt" and not e[2]]
    if not alts:
        return [base]

    def weakness(i: int) -> int:
        sub = anchor_words((elems[i],))
        if sub is None:
            return -1
        return max([commonness(w) for w in sub[0]] + [commonness(p) * 2 for p in sub[1]])

    pick = max(alts, key=weakness)
    others = required_sets(elems[:pick] + elems[pick + 1 :])
    return [others + required_sets(branch) for branch in elems[pick][1]]


@dataclass(frozen=True)
class LexiconEntry:
    key: str
    pattern: str
    kind: str
    signal: str
    severity: str
    language: str
    first_person: bool
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    elems: tuple = field(default=(), compare=False, repr=False)
    regex: re.Pattern | None = field(default=None, compare=False, repr=False)
    not_after: tuple = field(default=(), compare=False, repr=False)

    @property
    def is_guard(self) -> bool:
        return self.signal in GUARDS

    @property
    def base(self) -> int:
        return SEVERITIES[self.severity]

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "pattern": self.pattern,
            "kind": self.kind,
            "signal": self.signal,
            "severity": self.severity,
            "language": self.language,
            "first_person": self.first_person,
            "examples": list(self.examples),
            "counter_examples": list(self.counter_examples),
        }


# Probe texts a regex entry must not match (a pattern that does is too broad).
_BROAD_PROBES = (
    "", " ", "a", "the", "I", "I am", "hello everyone",
    "I went to the shop today and bought bread.", "How are you?", "Thanks for reading.",
    "It was a good day at work.",
)  # fmt: skip
_NESTED_QUANT = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


def _clean_signal(value: object) -> str:
    return str(value or "").strip().lower().replace("-", "_").replace(" ", "_")


def _compile(entry: dict) -> tuple[LexiconEntry | None, list[str]]:
    errors: list[str] = []
    if not isinstance(entry, dict):
        return None, ["entry must be a mapping"]
    key = str(entry.get("key") or "").strip()
    pattern = entry.get("pattern")
    kind = str(entry.get("kind") or "phrase").strip().lower()
    signal = _clean_signal(entry.get("signal"))
    severity = str(entry.get("severity") or "none").strip().lower()
    language = str(entry.get("language") or "en").strip().lower()
    if not key or len(key) > 120 or not re.fullmatch(r"[\w.\-:]+", key):
        errors.append("key: a stable id of letters, digits, dots, dashes (max 120)")
    if not isinstance(pattern, str) or not pattern.strip():
        errors.append("pattern: required")
        pattern = ""
    elif len(pattern) > MAX_PATTERN:
        errors.append(f"pattern: at most {MAX_PATTERN} characters")
    if kind not in KINDS:
        errors.append(f"kind: one of {', '.join(KINDS)}")
    if signal not in SIGNALS and signal not in GUARDS:
        errors.append(f"signal: one of {', '.join(SIGNALS + GUARDS)}")
    if severity not in SEVERITIES:
        errors.append(f"severity: one of {', '.join(SEVERITIES)}")
    if not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]+)?", language):
        errors.append("language: a language code such as en, es, fr, de")
    examples = entry.get("examples") or ()
    counters = entry.get("counter_examples") or ()
    for name, value in (("examples", examples), ("counter_examples", counters)):
        if isinstance(value, str) or not all(isinstance(x, str) for x in value):
            errors.append(f"{name}: a list of texts")
    if errors:
        return None, errors
    elems: tuple = ()
    regex = None
    not_after: tuple = ()
    if kind == "regex":
        if _NESTED_QUANT.search(pattern):
            errors.append("pattern: nested repetition (risk of catastrophic backtracking)")
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            errors.append(f"pattern: invalid regular expression ({exc})")
        else:
            if any(regex.search(p.lower()) for p in _BROAD_PROBES):
                errors.append("pattern: too broad (matches everyday text or nothing at all)")
    else:
        text = pattern.strip()
        if kind == "phrase" and text.startswith("!"):
            # "!x rest": rest must not directly follow x (e.g. "!<num> kms")
            head, _, text = text[1:].partition(" ")
            try:
                not_after = parse_pattern(head)
            except PatternError as exc:
                errors.append(f"pattern: {exc}")
        try:
            elems = parse_pattern(text, kind)
        except PatternError as exc:
            errors.append(f"pattern: {exc}")
        if not errors:
            words, prefixes, num, anything = first_words(elems)
            if anything or (not words and not prefixes and not num):
                errors.append("pattern: must start with a word, not a gap or optional part")
            elif elems[-1][0] == "gap":
                errors.append("pattern: must not end with a gap")
            elif signal not in GUARDS and kind == "phrase":
                content = all_words(elems) - STOPWORDS
                if not content or (min_length(elems) < 2 and all(len(w) < 3 for w in content)):
                    errors.append("pattern: too broad (needs a content word)")
    if errors:
        return None, errors
    return (
        LexiconEntry(
            key=key,
            pattern=pattern,
            kind=kind,
            signal=signal,
            severity=severity,
            language=language,
            first_person=bool(entry.get("first_person", False)),
            examples=tuple(examples),
            counter_examples=tuple(counters),
            elems=elems,
            regex=regex,
            not_after=not_after,
        ),
        [],
    )


def validate_entry(entry: dict) -> list[str]:
    """What is wrong with one entry dict (an empty list if nothing)."""
    return _compile(entry)[1]


class Lexicon:
    """A compiled set of entries. Build with ``from_entries``; ``version`` is a stable
    hash of the valid entries (order-independent); ``rejected`` lists skipped entries."""

    def __init__(self, entries: list[LexiconEntry], rejected: list[tuple[dict, list[str]]]):
        self.entries = sorted(entries, key=lambda e: e.key)
        self.rejected = rejected
        self.by_key = {e.key: e for e in self.entries}
        payload = json.dumps([e.as_dict() for e in self.entries], sort_keys=True)
        self.version = hashlib.sha256(payload.encode()).hexdigest()[:16]
        self.languages = sorted({e.language for e in self.entries})
        words: set[str] = set()
        for e in self.entries:
            if e.kind == "phrase":
                words |= all_words(e.elems)
        words |= {"i", "me", "my", "myself", "self", "want", "to", "kill", "die"}
        self.vocab = Vocabulary(words)
        self._compiled: dict[str, object] = {}

    @classmethod
    def from_entries(cls, entries: Iterable[dict]) -> Lexicon:
        good: list[LexiconEntry] = []
        rejected: list[tuple[dict, list[str]]] = []
        seen: set[str] = set()
        for raw in entries:
            entry, errors = _compile(raw)
            if entry is not None and entry.key in seen:
                errors = [f"key: duplicate {entry.key!r}"]
                entry = None
            if entry is None:
                rejected.append((raw, errors))
                continue
            seen.add(entry.key)
            good.append(entry)
        return cls(good, rejected)

    def compiled_for(self, language: str | None):
        """The matcher's indexes for one language (or every language for None/"auto")."""
        from .matcher import CompiledSet  # local: matcher imports this module

        lang = None if language in (None, "", "auto", "*", "all") else language.lower()
        lang = lang.split("-")[0] if lang else None
        cached = self._compiled.get(lang or "*")
        if cached is None:
            chosen = [e for e in self.entries if lang is None or e.language in (lang, "any")]
            cached = CompiledSet(chosen, self.vocab)
            self._compiled[lang or "*"] = cached
        return cached

    def __len__(self) -> int:
        return len(self.entries)


def load_entries(directory: Path = LEXICON_DIR) -> list[dict]:
    entries: list[dict] = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["entries"] if isinstance(data, dict) else data
        lang = path.stem
        for item in items:
            entries.append({"language": lang, **item})
    return entries


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon (lexicon/*.json), compiled once per process."""
    return Lexicon.from_entries(load_entries())


__all__ = ["Lexicon", "LexiconEntry", "default_lexicon", "validate_entry", "word_forms"]

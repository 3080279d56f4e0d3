"""Screening of what members write, before it is saved: the one service posting calls.

``screen_text`` runs each step of ``SCREENING_STEPS`` over a text and returns one
``Screening``: the admin's watched words (block with a message, hold for approval, flag
for review, replace), then the crisis detector (``moderation.crisis``), so every caller
gets both from the same call.

Watched words are compiled into at most two regular expressions: one that detects
block / hold / flag words, one that replaces words. Each is a trie of the words (so 2,000
words cost about what a dozen do: the engine follows one branch per letter instead of
trying every word), matched case-insensitively on word boundaries: a match may not be
glued to other letters or digits, in any script, so "ass" matches neither "class" nor
"assistance". ``*`` stands for any run of letters or digits, and the words of a phrase
match across any run of whitespace.

Detection runs on a normalised copy of the text (invisible format characters such as
zero-width spaces removed, NFKC so full-width and "mathematical" letters read as plain
ones, case folded), so those tricks do not slip past it. Replacement edits the member's
own text, so it runs on the original, case-insensitively.

The compiled expressions are cached in each process, keyed by a version number kept in
the Django cache. ``watched_words_changed`` (called by the services after every commit
that changes the list) sets a new version, so every process recompiles on its next post:
a change takes effect at once, without a restart.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .crisis import Assessment, Severity
from .hotreload import Reloadable
from .models import WatchedWord
from .services.lexicon import assess_text

if TYPE_CHECKING:
    from groups.models import SupportGroup


WILDCARD = "*"
VERSION_KEY = "moderation:watched-words:version"
# While the shared cache is unreachable a process keeps its compiled list this long
# before reloading it from the database (it cannot learn of changes meanwhile).
OFFLINE_RELOAD_SECONDS = 60
DEFAULT_BLOCK_MESSAGE = (
    "Your post includes a word this community doesn't allow. Please rephrase it and post again."
)

Action = WatchedWord.Action
# Detection outcomes, strongest first: a block wins over a hold, a hold over a flag.
DETECTED = (Action.BLOCK, Action.REQUIRE_APPROVAL, Action.FLAG)

# Invisible characters (Unicode "format" characters such as zero-width spaces and
# joiners, the soft hyphen, bidi controls and tags, plus the Hangul fillers and the
# combining grapheme joiner) are removed before detection so they cannot split a word.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164"
    "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_SPACES = re.compile(r"\s+")


@dataclass
class Screening:
    """What screening found in one text. At most one outcome applies, strongest first:
    ``blocked_message`` (refuse the text, tell the member this), else ``hold_reason``
    (hold the post for a facilitator), else ``flag_reasons`` (publish, and put it in the
    review queue). ``body`` is the text after replacements; ``matches`` lists every
    watched word found (those detected in order of appearance, then those replaced)."""

    body: str
    blocked_message: str | None = None
    hold_reason: str | None = None
    flag_reasons: list[str] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)
    # The crisis detector's assessment when it found crisis language (never blocks or
    # alters the text: the posting service raises an alert with the post).
    crisis: Assessment | None = None


def screen_text(text: str, *, group: SupportGroup | None) -> Screening:
    """Screen a post's body or a thread's title. Pure apart from reading the (cached)
    watched-word list: saves nothing, never raises for odd input. ``group`` is where
    the text will appear (watched words are site-wide today; the crisis step will use
    the group's settings)."""
    screening = Screening(body=text)
    for step in SCREENING_STEPS:
        step(text, screening, group)
    return screening


def watched_words_step(text: str, screening: Screening, group: SupportGroup | None) -> None:
    """Detect block / hold / flag words on the normalised text (every word start is
    tried, so overlapping words are all seen), apply replacements to the body, and set
    the strongest outcome."""
    compiled = _compiled()
    if compiled.empty:
        return
    found: dict[str, list[_Entry]] = {action: [] for action in DETECTED}
    seen: dict[str, None] = {}
    if compiled.detect is not None:
        for match in compiled.detect.finditer(_detection_form(text)):
            action = match.lastgroup
            entry = compiled.identify(action, match.group(action))
            if entry is not None and entry not in found[action]:
                found[action].append(entry)
                seen[entry.word] = None
    if compiled.replace is not None:

        def substitute(match: re.Match) -> str:
            entry = compiled.identify(Action.REPLACE, match.group(0))
            if entry is None:
                return match.group(0)
            seen[entry.word] = None
            return entry.replacement

        screening.body = compiled.replace.sub(substitute, screening.body)
    screening.matches.extend(word for word in seen if word not in screening.matches)
    blocks, holds, flags = (found[action] for action in DETECTED)
    if blocks:
        screening.blocked_message = blocks[0].message or DEFAULT_BLOCK_MESSAGE
    elif holds:
        screening.hold_reason = _reason(holds + flags)
    elif flags:
        screening.flag_reasons.extend(_reason([entry]) for entry in flags)


def crisis_step(text: str, screening: Screening, group: SupportGroup | None) -> None:
    """Run the crisis detector (every language's pack; the admins' lexicon) and keep its
    assessment when it found crisis language."""
    assessment = assess_text(text)
    if assessment.severity >= Severity.MODERATE:
        screening.crisis = assessment


# The steps screen_text runs, in order. Each reads the original text and adds what it
# finds to the Screening; none may weaken what an earlier step decided. The crisis step
# sets its own field (a finding the posting service turns into an alert in the same
# transaction).
ScreeningStep = Callable[[str, Screening, "SupportGroup | None"], None]
SCREENING_STEPS: list[ScreeningStep] = [watched_words_step, crisis_step]


def _reason(entries: list[_Entry]) -> str:
    words = ", ".join(f"“{entry.word}”" for entry in entries)
    return f"Watched word{'s' if len(entries) > 1 else ''}: {words}"


# --- the compiled list and its cache ---


@dataclass(frozen=True, eq=False)
class _Entry:
    word: str
    action: str
    replacement: str
    message: str


@dataclass(eq=False)
class _Compiled:
    detect: re.Pattern | None
    replace: re.Pattern | None
    # The combined patterns say only that some word of an action matched; these say
    # which: literal words by (action, matched text normalised), then the wildcard words
    # of the action, then (for case-folding corner cases) every word of the action.
    literal: dict[tuple[str, str], _Entry]
    wild: dict[str, list[_Entry]]
    every: dict[str, list[_Entry]]

    @property
    def empty(self) -> bool:
        return self.detect is None and self.replace is None

    def identify(self, action: str, matched: str) -> _Entry | None:
        entry = self.literal.get((action, _key(action, matched)))
        if entry is not None:
            return entry
        for candidates in (self.wild.get(action, ()), self.every.get(action, ())):
            for candidate in candidates:
                if _alone(candidate.word, action).fullmatch(matched):
                    return candidate
        return None


def _key(action: str, text: str) -> str:
    """Detection matches come from the normalised text already; replacements from the
    member's own, so they are case folded here."""
    text = _SPACES.sub(" ", text)
    return text.casefold() if action == Action.REPLACE else text


@functools.lru_cache(maxsize=4096)
def _alone(word: str, action: str) -> re.Pattern:
    """One word's own pattern, without boundaries (it checks an already bounded match)."""
    if action == Action.REPLACE:
        return re.compile(_trie_pattern([normalize_word(word).lower()]), re.IGNORECASE)
    return re.compile(_trie_pattern([_detection_form(normalize_word(word))]))


def _build() -> _Compiled:
    rows = WatchedWord.objects.values_list("word", "action", "replacement", "message")
    return compile_words(_Entry(*row) for row in rows)


_WORDS: Reloadable[_Compiled] = Reloadable(
    VERSION_KEY, _build, offline_seconds=OFFLINE_RELOAD_SECONDS
)


def _compiled() -> _Compiled:
    return _WORDS.get()


def watched_words_changed() -> None:
    """Make every process recompile the list on its next use. Call after the change has
    committed."""
    _WORDS.changed()


def forget_compiled() -> None:
    """Drop this process's compiled list (tests; the next call reloads it)."""
    _WORDS.forget()


# --- compiling ---


def normalize_word(raw: str) -> str:
    """The form a watched word is stored in: NFKC, no invisible characters, single spaces
    between the words of a phrase, no repeated wildcards."""
    word = unicodedata.normalize("NFKC", _INVISIBLE.sub("", raw))
    word = _SPACES.sub(" ", word).strip()
    return re.sub(r"\*{2,}", WILDCARD, word)


def _detection_form(text: str) -> str:
    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).casefold()


def _atoms(word: str) -> list[str]:
    """A word as a sequence of atoms: single characters, " " (a run of whitespace) and
    "*" (a run of word characters)."""
    atoms: list[str] = []
    for index, token in enumerate(word.split()):
        if index:
            atoms.append(" ")
        for char in token:
            if char == WILDCARD and atoms and atoms[-1] == WILDCARD:
                continue
            atoms.append(char)
    return atoms


def _atom_pattern(atom: str) -> str:
    if atom == " ":
        return r"\s+"
    if atom == WILDCARD:
        return r"\w*"
    return re.escape(atom)


def _trie_pattern(words: Iterable[str]) -> str:
    """One pattern matching any of ``words``, factored as a trie. Where a word ends and a
    longer one continues, the longer is tried first, so the longest match wins."""
    root: dict = {}
    for word in words:
        node = root
        for atom in _atoms(word):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _node_pattern(root)


def _node_pattern(node: dict) -> str:
    # Literal characters first, then wildcards and spaces, so a literal continuation
    # is preferred to the open-ended "*" at the same point.
    children = sorted((atom, child) for atom, child in node.items() if atom)
    children.sort(key=lambda pair: pair[0] in (WILDCARD, " "))
    branches = [_atom_pattern(atom) + _node_pattern(child) for atom, child in children]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


def _bounded(pattern: str) -> str:
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def word_pattern(word: str, *, for_detection: bool = True) -> re.Pattern:
    """The pattern of one watched word alone, on word boundaries."""
    if for_detection:
        return re.compile(_bounded(_trie_pattern([_detection_form(word)])))
    return re.compile(_bounded(_trie_pattern([word])), re.IGNORECASE)


def compile_words(entries: Iterable[_Entry]) -> _Compiled:
    """Compile a watched-word list: one detection pattern for block / hold / flag words,
    one replacement pattern."""
    every: dict[str, list[_Entry]] = {}
    literal: dict[tuple[str, str], _Entry] = {}
    wild: dict[str, list[_Entry]] = {}
    for entry in entries:
        word = normalize_word(entry.word)
        if not re.search(r"\w", word) or _slow_wildcards(word):
            continue  # the services refuse these (a row written around them is ignored)
        every.setdefault(entry.action, []).append(entry)
        if WILDCARD in word:
            wild.setdefault(entry.action, []).append(entry)
        else:
            form = word if entry.action == Action.REPLACE else _detection_form(word)
            literal.setdefault((entry.action, _key(entry.action, form)), entry)
    detect_parts = []
    for action in DETECTED:
        words = [_detection_form(normalize_word(e.word)) for e in every.get(action, [])]
        if words:
            detect_parts.append(rf"(?P<{action}>{_trie_pattern(words)})(?!\w)")
    # A zero-width scan (everything inside a lookahead) reports a match at every word
    # start, so a block word inside a longer hold phrase is still seen.
    detect = re.compile(rf"(?<!\w)(?={'|'.join(detect_parts)})") if detect_parts else None
    replace_words = [normalize_word(e.word).lower() for e in every.get(Action.REPLACE, [])]
    replace = (
        re.compile(_bounded(_trie_pattern(replace_words)), re.IGNORECASE) if replace_words else None
    )
    return _Compiled(detect=detect, replace=replace, literal=literal, wild=wild, every=every)


# --- what a watched word may be ---

# Everyday words (and the words this community lives by) that no watched word may match:
# one that did would catch nearly every post.
_EVERYDAY = """a about after again all also always am an and any anxiety anxious are as at away
    back bad be because been before being better but by can could day depressed depression
    did do does doing don't down even ever every feel feeling feelings felt few for from
    get getting go going good got had has have having he help her here him his how i i'm
    if in into is it it's just know last life like little long look lot made make many me
    medication more most much my need never new no not nothing now of off oh ok okay on
    one only or other our out over people really right said same say see she should so
    some something still support take talk than thank thanks that the their them then
    there these they thing things think this those though time to today too try trying up
    us very want was way we week well went were what when where which while who why will
    with work would year yes yet you your"""
EVERYDAY_WORDS = frozenset(_EVERYDAY.split())


def _slow_wildcards(word: str) -> bool:
    """Two open-ended runs before a fixed part (``*a*b``, ``a*b*c``) make the engine try
    every split of a long word: quadratic time on hostile input. A * at the start or the
    end alone, or one inside, stays linear."""
    for token in word.split(" "):
        inner = token.strip(WILDCARD).count(WILDCARD)
        if inner > 1 or (inner and token.startswith(WILDCARD)):
            return True
    return False


def word_problem(word: str) -> str | None:
    """Why ``word`` (already normalised) cannot be a watched word, or None. Refused: empty
    words, words of only wildcards or punctuation, patterns so broad they would catch
    everyday words, and wildcard placements that would make matching slow on long
    input."""
    if not word:
        return "Please enter a word or phrase."
    letters = len(re.findall(r"\w", word))
    if letters == 0:
        return "A watched word needs letters or digits, not only wildcards or punctuation."
    if letters < 2 or (WILDCARD in word and letters < 3):
        return "That would match too much. Use at least two letters (three with a wildcard)."
    if _slow_wildcards(word):
        return (
            "Use at most one * inside a word, and not together with a * at its start "
            "(such patterns make screening slow)."
        )
    try:
        pattern = word_pattern(word)
    except (re.error, RecursionError):
        return "This can't be used as a pattern. Please simplify it."
    for everyday in sorted(EVERYDAY_WORDS):
        if pattern.fullmatch(everyday):
            return (
                f"This would also match the everyday word “{everyday}”, so it would catch "
                "nearly every post. Please make it more specific."
            )
    return None

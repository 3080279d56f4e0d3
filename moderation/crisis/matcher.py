"""Token-based matching of compiled lexicon entries, and the whole-post prefilter.

Phrase patterns are matched token by token from a first-word index: at each token only
the entries that can start with one of its forms are tried, and each try is bounded
(gaps are at most ``MAX_GAP`` tokens, patterns are short), so a sentence costs time
linear in its length. Regular-expression entries run on the normalised sentence.

The prefilter is one compiled expression over a folded copy of the post: the rarest
required word of every entry that can raise an alert on its own, plus the marks of
obfuscation (digits or symbols inside words, spaced-out letters, invisible characters).
Only the text around its hits is tokenised; means and time words never start a look
because on their own they never alert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import LexiconEntry, anchor_words, commonness, first_words, required_dnf
from .normalise import _EMOJI_RANGES as _EMOJI
from .normalise import ZERO_WIDTH, Token, Vocabulary, tokenise

WEAK_SIGNALS = frozenset(["means", "timeframe"])
GROUPS = ("trigger", "weak", "guard")


def group_of(e: LexiconEntry) -> str:
    if e.is_guard:
        return "guard"
    if e.signal in WEAK_SIGNALS:
        return "weak"
    return "trigger"  # alerts alone, or (intent, preparation) turns means/time into one


@dataclass(frozen=True, slots=True)
class Match:
    entry: LexiconEntry
    first: int  # token index of the first token (regex entries: nearest token)
    last: int  # token index after the last token
    start: int  # original offsets
    end: int


def _word_ok(tok: Token, e: tuple) -> bool:
    if tok.term:
        return False
    words = e[1]
    for f in tok.forms:
        if f in words:
            return True
    if e[2]:
        for f in tok.forms:
            for p in e[2]:
                if f.startswith(p):
                    return True
    return False


def match_at(elems: tuple, toks: list[Token], pos: int) -> int:
    """End token index of a match of ``elems`` starting at ``pos`` (-1 if none)."""
    if not elems:
        return pos
    e = elems[0]
    kind = e[0]
    n = len(toks)
    if kind == "w":
        if pos < n and _word_ok(toks[pos], e):
            return match_at(elems[1:], toks, pos + 1)
        return -1
    if kind == "alt":
        rest = elems[1:]
        for seq in e[1]:
            r = match_at(seq + rest, toks, pos)
            if r >= 0:
                return r
        if e[2]:
            return match_at(rest, toks, pos)
        return -1
    if kind == "gap":
        rest = elems[1:]
        for k in range(e[1] + 1):
            if k and (pos + k - 1 >= n or toks[pos + k - 1].term):
                break
            r = match_at(rest, toks, pos + k)
            if r >= 0:
                return r
        return -1
    if kind == "num":
        if pos < n and toks[pos].num:
            return match_at(elems[1:], toks, pos + 1)
        return -1
    if kind == "end":
        if pos >= n or toks[pos].term:
            return match_at(elems[1:], toks, pos)
        return -1
    if kind == "any":
        if pos < n and not toks[pos].term:
            return match_at(elems[1:], toks, pos + 1)
        return -1
    return -1


def _letters(word: str) -> str:
    return "".join(re.escape(c) + ("+'?" if c.isalnum() else "") for c in word)


def _trie_regex(words: set[str], prefix_words: set[str]) -> str:
    """Alternation of anchor words, factored as a trie so the engine follows one branch."""
    trie: dict = {}
    for w in words | prefix_words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = []
        end = "" in node
        for c in sorted(k for k in node if k):
            branches.append(_letters(c) + emit(node[c]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


_OBFUSCATION = (
    r"[a-z][0-9@$!|+*]+[a-z]"  # k1ll, k*ll, su!cide
    r"|(?<!\w)[$@][a-z]{2}"  # $uicide
    r"|[a-z]{2}[0-9]\b"  # di3
    r"|\b[a-z0-9](?:[ .\-_]{1,3}[a-z0-9]\b){2,}"  # k i l l, k.i.l.l
    rf"|[{ZERO_WIDTH}]"
)


_OBFUSCATION_RE = re.compile(_OBFUSCATION + r"|(\w)\1\1|\*")
_HARD_RE = re.compile(r"\b[a-z0-9](?:[ .\-_]{1,3}[a-z0-9]\b){2,}|\w\*+\w")
_LEET_RE = re.compile(r"[0-9@$!|+]")
_LEET_TABLE = str.maketrans("013457@$!|+", "oieastasilt")
_REPEAT_RE = re.compile(r"(\w)\1{2,}")
_INVISIBLE_RE = re.compile(f"[{ZERO_WIDTH}]")
_WORDS = re.compile(rf"\w+|[{_EMOJI}]")


def _rarity(need: tuple[frozenset, tuple]) -> int:
    exact, pres = need
    return max([commonness(w) for w in exact] + [commonness(p) * 2 for p in pres] or [0])


def _has_prefix(prefixes: tuple, words: set[str]) -> bool:
    return any(w.startswith(p) for p in prefixes for w in words)


class CompiledSet:
    """Indexes over the entries of one language selection."""

    def __init__(self, entries: list[LexiconEntry], vocab: Vocabulary) -> None:
        self.entries = entries
        self.vocab = vocab
        # Three groups, scanned in turn: triggers (can alert, alone or with context),
        # weak signals (means, time: looked for only near a trigger), guards (looked for
        # only in sentences with a signal).
        self.index: dict[str, dict[str, list[LexiconEntry]]] = {g: {} for g in GROUPS}
        self.prefix_index: dict[str, dict[str, list]] = {g: {} for g in GROUPS}
        self.num_start: dict[str, list[LexiconEntry]] = {g: [] for g in GROUPS}
        self.regex_entries: dict[str, list[LexiconEntry]] = {g: [] for g in GROUPS}
        anchors: set[str] = set()
        anchor_prefixes: set[str] = set()
        strong_regexes: list[str] = []
        # Per entry, words one of which must occur in a sentence for it to match at all.
        self.needs: dict[str, list[list[tuple[frozenset, tuple]]]] = {}
        # Each alternative of each entry, by the rarest words it needs.
        self.branch_index: dict[str, dict[str, list]] = {g: {} for g in GROUPS}
        self.branch_prefix: dict[str, dict[str, list]] = {g: {} for g in GROUPS}
        # The sentence gate: trigger entries by their anchor words.
        for e in entries:
            group = group_of(e)
            strong = group == "trigger"
            if e.kind == "regex":
                self.regex_entries[group].append(e)
                if strong:
                    strong_regexes.append(f"(?:{e.regex.pattern})")
                continue
            words, prefixes, num, _ = first_words(e.elems)
            for w in words:
                self.index[group].setdefault(w, []).append(e)
            for p in prefixes:
                self.prefix_index[group].setdefault(p[:3], []).append((p, e))
            if num:
                self.num_start[group].append(e)
            found = anchor_words(e.elems) or (words, prefixes)
            self.needs[e.key] = [
                conj or [(frozenset(found[0]), tuple(found[1]))] for conj in required_dnf(e.elems)
            ]
            for conj in self.needs[e.key]:
                conj.sort(key=_rarity)
                exact, pres = conj[0]
                for w in exact:
                    self.branch_index[group].setdefault(w, []).append((e.key, conj))
                for px in pres:
                    self.branch_prefix[group].setdefault(px[:3], []).append((px, e.key, conj))
            if strong:
                anchors |= found[0]
                anchor_prefixes |= found[1]
        emoji = {w for w in anchors if not w.isascii() and len(w) == 1 and not w.isalnum()}
        words = {w for w in anchors if w not in emoji}
        parts = []
        if words:
            parts.append(r"\b(?:" + _trie_regex(words, set()) + r")(?!\w)")
        if anchor_prefixes:
            parts.append(r"\b" + _trie_regex(set(), anchor_prefixes))
        if emoji:
            parts.append("[" + "".join(re.escape(c) for c in sorted(emoji)) + "]")
        parts.extend(strong_regexes)
        parts.append(_OBFUSCATION)
        self.prefilter = re.compile("|".join(parts))
        self.gate_regexes = [e.regex for e in self.regex_entries["trigger"]]

    def suspicious(self, folded: str) -> bool:
        """Does this text need the careful path everywhere (other scripts, obfuscation,
        a trigger regex)? Checked once per post so clean posts skip it per sentence."""
        return (
            not folded.isascii()
            or bool(_OBFUSCATION_RE.search(folded))
            or any(rx.search(folded) for rx in self.gate_regexes)
        )

    def gate(self, folded: str, careful: bool = True) -> set[str] | None:
        """Which trigger entries can match this (folded, lower-case) sentence? Cheap: word
        sets and the entries' required words, no tokenising. None (unknown: tokenise and
        look properly) for sentences with marks of obfuscation, other scripts or emoji."""
        if careful:
            if any(rx.search(folded) for rx in self.gate_regexes) or _HARD_RE.search(folded):
                return None  # spaced-out letters or * inside words: tokenise properly
            if _INVISIBLE_RE.search(folded):
                folded = _INVISIBLE_RE.sub("", folded)
            variants = [folded]
            if _LEET_RE.search(folded):
                variants.append(folded.translate(_LEET_TABLE))
            if _REPEAT_RE.search(folded):
                variants += [_REPEAT_RE.sub(r"\1", folded), _REPEAT_RE.sub(r"\1\1", folded)]
        else:
            variants = [folded]
        words: set[str] = set()
        for v in variants:
            words.update(_WORDS.findall(v))
            if "'" in v:
                words.update(_WORDS.findall(v.replace("'", "")))
        return self.allowed(words, "trigger")

    def allowed(self, words: set[str], group: str) -> set[str]:
        """Keys of the group's entries whose required words are all here (for one of
        their alternatives): a necessary condition, checked before any matching."""
        index = self.branch_index[group]
        prefix = self.branch_prefix[group]
        ok: set[str] = set()
        for w in words:
            cands = index.get(w, ())
            pre = prefix.get(w[:3])
            if pre:
                cands = [*cands, *((k, c) for px, k, c in pre if w.startswith(px))]
            for key, conj in cands:
                if key in ok:
                    continue
                for exact, pres in conj:
                    if exact.isdisjoint(words) and not (pres and _has_prefix(pres, words)):
                        break
                else:
                    ok.add(key)
        return ok

    def scan(self, toks: list[Token], group: str, allowed: set[str] | None = None) -> list[Match]:
        """Every match of one group's entries in one sentence's tokens."""
        out: list[Match] = []
        index = self.index[group]
        prefix_index = self.prefix_index[group]
        num_start = self.num_start[group]
        seen: dict[str, int] = {}
        if allowed is None:
            allowed = self.allowed({f for t in toks for f in t.forms}, group)
        if not allowed:
            return out
        for p, tok in enumerate(toks):
            if tok.term:
                continue
            cands: list[LexiconEntry] = []
            for f in tok.forms:
                hit = index.get(f)
                if hit:
                    cands.extend(hit)
                pre = prefix_index.get(f[:3])
                if pre:
                    cands.extend(e for px, e in pre if f.startswith(px))
            if tok.num:
                cands.extend(num_start)
            if not cands:
                continue
            tried: set[str] = set()
            for e in cands:
                if e.key in tried or e.key not in allowed or seen.get(e.key, -1) > p:
                    continue
                tried.add(e.key)
                if e.not_after and p > 0 and match_at(e.not_after, toks, p - 1) == p:
                    continue
                end = match_at(e.elems, toks, p)
                if end > p:
                    seen[e.key] = end
                    out.append(Match(e, p, end, toks[p].start, toks[end - 1].end))
        return out

    def scan_regex(self, norm: str, toks: list[Token], to_orig, group: str) -> list[Match]:
        out: list[Match] = []
        for e in self.regex_entries[group]:
            for m in e.regex.finditer(norm):
                if m.end() == m.start():
                    continue
                start = to_orig(m.start())
                end = to_orig(m.end() - 1) + 1
                first = next((i for i, t in enumerate(toks) if t.end > start), len(toks))
                last = next((i for i, t in enumerate(toks) if t.start >= end), len(toks))
                out.append(Match(e, first, max(last, first + 1), start, end))
        return out

    def tokens(self, text: str, base: int) -> tuple[str, list[Token], object]:
        return tokenise(text, base, self.vocab)

    def matches(
        self, norm: str, toks: list[Token], to_orig, group: str, allowed: set[str] | None = None
    ) -> list[Match]:
        found = self.scan(toks, group, allowed)
        if self.regex_entries[group]:
            found.extend(self.scan_regex(norm, toks, to_orig, group))
        return found

"""Assertion handling (NegEx / ConText style) for the matches of one sentence.

Each signal match is checked for:

* **experiencer** (entries with ``first_person``): the nearest person cue before it in
  its clause must not be a third or second person ("my friend wants to die", "if you want
  to die"); no cue at all counts as the poster (subject dropped: "want to die tbh");
* **negation**: a negation cue at most ``NEG_WINDOW`` tokens before it with no clause
  break or terminator word ("but", "though") between, unless the cue lies inside a
  pseudo-negation match ("no one will stop me", "can't go on", "not okay") or inside the
  signal's own match ("don't want to live");
* **history** (sentence-wide, overridden by a *current* cue: "again", "lately");
* **hypothetical / reported** and **supportive** frames (sentence-wide);
* **figurative** use and **exclusions** (overlapping the match, or in its clause),
  overridden by a *serious* cue ("not joking", "for real").

A guard with no counter-cue suppresses the match; a guard *and* its counter-cue (they
conflict) downgrades it one tier instead. Whether a guard may touch a match at all
(means + time, in-progress) is the detector's decision, not this module's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .lexicon import all_words
from .matcher import WEAK_SIGNALS as WEAK
from .matcher import Match
from .normalise import Token

NEG_WINDOW = 5
# Guard signal -> the assertion name recorded on a finding.
ASSERTION = {
    "negation": "negated",
    "history": "history",
    "hypothetical": "hypothetical",
    "supportive": "supportive",
    "figurative": "figurative",
    "exclusion": "excluded",
    "third_person": "third_person",
    "recent_past": "recent_past",
}
COUNTER = {"hypothetical": "current", "figurative": "serious"}
SENTENCE_WIDE = frozenset(["history", "hypothetical", "supportive", "serious", "recent_past"])
# A current cue in the signal's clause cancels history outright (ConText: the nearer
# temporal modifier wins); against hypothetical framing it is a conflict.
CANCELS = {"history": "current"}


@dataclass
class Judged:
    """One signal match with what the guards decided."""

    match: Match
    experiencer_ok: bool = True
    guards: list[str] = field(default_factory=list)  # guard signals that apply
    cues: list[str] = field(default_factory=list)  # keys of the guard entries
    conflict: bool = False  # a guard and its counter-cue both present
    intent: bool = False  # announced as an intention ("going to", "decided to", "I'm ending")

    @property
    def assertion(self) -> str | None:
        if not self.experiencer_ok:
            return "third_person"
        if self.guards:
            return ASSERTION.get(self.guards[0], self.guards[0])
        return None


def _clause_breaks(toks: list[Token], terminators: list[Match]) -> list[int]:
    """Token indexes that end a scope: clause punctuation and terminator words."""
    breaks = [i for i, t in enumerate(toks) if t.term]
    breaks.extend(m.first for m in terminators)
    return sorted(breaks)


def _between(breaks: list[int], lo: int, hi: int) -> bool:
    """Is there a break at an index in [lo, hi)?"""
    return any(lo <= b < hi for b in breaks)


def judge(toks: list[Token], matches: list[Match]) -> list[Judged]:
    """Decide the assertions of every signal match in one sentence."""
    guards: dict[str, list[Match]] = {}
    signals: list[Match] = []
    for m in matches:
        if m.entry.is_guard:
            guards.setdefault(m.entry.signal, []).append(m)
        else:
            signals.append(m)
    if not signals:
        return []
    signals = _outermost(signals)
    breaks = _clause_breaks(toks, guards.get("terminator", []))
    pseudo = guards.get("pseudo_negation", [])
    out: list[Judged] = []
    for s in signals:
        j = Judged(s)
        if s.entry.first_person:
            j.experiencer_ok = _experiencer_ok(s, guards, breaks)
        j.intent = _announced(toks, s, guards.get("intent_marker", ()), breaks)
        own_words = None
        for m in guards.get("negation", ()):
            if s.first <= m.first < s.last:
                # inside the match: negates unless the pattern spells the cue itself
                # ("don't want to live"), or it is part of a pseudo-negation
                if own_words is None:
                    own_words = all_words(s.entry.elems)
                if any(f in own_words for f in toks[m.first].forms) or any(
                    p.first <= m.first and m.last <= p.last for p in pseudo
                ):
                    continue
                j.guards.append("negation")
                j.cues.append(m.entry.key)
                break
            if m.last > s.first or s.first - m.last > NEG_WINDOW:
                continue
            if _between(breaks, m.last, s.first) or any(
                p.first <= m.first and m.last <= p.last for p in pseudo
            ):
                continue
            j.guards.append("negation")
            j.cues.append(m.entry.key)
            break
        firsts_outside = any(
            not (s.first <= m.first and m.last <= s.last) for m in guards.get("first_person", ())
        )
        for kind in (
            "history",
            "hypothetical",
            "supportive",
            "figurative",
            "exclusion",
            "recent_past",
        ):
            if kind == "supportive" and firsts_outside:
                continue  # "I called the hotline but I still want to die"
            for m in guards.get(kind, ()):
                wide = kind in SENTENCE_WIDE or (
                    # a one-word marker ("lol") or a long trivial frame ("missed my
                    # bus by") colours the whole sentence
                    kind == "figurative" and (m.last - m.first == 1 or m.last - m.first >= 4)
                )
                if not (wide or _in_clause(m, s, breaks)):
                    continue
                cancel = CANCELS.get(kind)
                if cancel and any(_in_clause(c, s, breaks) for c in guards.get(cancel, ())):
                    break
                j.guards.append(kind)
                j.cues.append(m.entry.key)
                counter = COUNTER.get(kind)
                if counter:
                    for c in guards.get(counter, ()):
                        if counter in SENTENCE_WIDE or _in_clause(c, s, breaks):
                            j.conflict = True
                            j.cues.append(c.entry.key)
                            break
                break
        out.append(j)
    return out


def _announced(toks: list[Token], s: Match, markers, breaks: list[int]) -> bool:
    """Is the match announced as an intention: an intent marker ending at most 3 tokens
    before it (or inside it), or "I'm" right before a verb in -ing ("I'm ending my life")?"""
    for m in markers:
        if s.first <= m.first < s.last or (
            m.last <= s.first and s.first - m.last <= 3 and not _between(breaks, m.last, s.first)
        ):
            return True
    if s.first > 0 and toks[s.first].text.endswith("ing"):
        return toks[s.first - 1].text in ("im", "iam", "i'm")
    return False


def _in_clause(g: Match, s: Match, breaks: list[int]) -> bool:
    if g.first < s.last and s.first < g.last:  # overlap
        return True
    if g.last <= s.first:
        return not _between(breaks, g.last, s.first)
    return not _between(breaks, s.last, g.first)


def _experiencer_ok(s: Match, guards: dict[str, list[Match]], breaks: list[int]) -> bool:
    """First person unless the nearest person cue before the match (in its clause) or a
    person cue inside it says someone else is the one at risk."""
    firsts = guards.get("first_person", ())
    thirds = guards.get("third_person", ())
    for m in firsts:
        if s.first <= m.first and m.last <= s.last:
            return True
    best: tuple[int, bool] | None = None
    for group, is_first in ((firsts, True), (thirds, False)):
        for m in group:
            nearer = best is None or m.last > best[0] or (m.last == best[0] and not is_first)
            if m.last <= s.first and not _between(breaks, m.last, s.first) and nearer:
                best = (m.last, is_first)
    return True if best is None else best[1]


def _outermost(signals: list[Match]) -> list[Match]:
    """Drop a risk match inside a longer one ("kill myself" inside "tried to kill
    myself"); means and time words stay, they are the other half of combinations."""
    keep = []
    for s in signals:
        if s.entry.signal not in WEAK and any(
            t is not s
            and t.entry.signal not in WEAK
            and t.first <= s.first
            and s.last <= t.last
            and (t.last - t.first) > (s.last - s.first)
            and t.entry.base >= s.entry.base
            for t in signals
        ):
            continue
        keep.append(s)
    return keep

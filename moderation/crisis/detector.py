"""``assess``: the crisis detector's one entry point.

1. A cheap prefilter (``matcher.CompiledSet.prefilter``) over a folded copy of the post
   finds candidate places; nothing found means ``Severity.NONE`` at once.
2. Around each candidate (``WINDOW`` characters either side, snapped to sentence
   boundaries) the text is split into sentences; each is normalised and tokenised with an
   offset map, matched against the lexicon, and its matches judged by ``assertions``.
3. Per post, findings combine: (intent or active ideation) with means, a timeframe or
   preparation within ``COMBINE_DISTANCE`` characters is imminent, as are in-progress and
   farewell patterns; a threat with a weapon or a "now/tonight" cue is imminent. The
   post's severity is the maximum over findings, so one buried sentence is enough.

Asymmetric safety: guards (negation, figurative, supportive) never touch in-progress,
farewell or combination findings; history and hypothetical framing lower them one tier at
most. A guard that conflicts with a counter-cue lowers a finding one tier, never to none.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass, field

from .assertions import ASSERTION, Judged, judge
from .lexicon import Lexicon, default_lexicon
from .matcher import Match
from .normalise import fold_for_scan
from .structural import rules as structural_rules


class Severity(enum.IntEnum):
    """Matches the review queue's scale (1, "elevated", is not produced here)."""

    NONE = 0
    MODERATE = 2
    HIGH = 3
    IMMINENT = 4


SEVERITY_BY_NAME = {"none": 0, "moderate": 2, "high": 3, "imminent": 4}
WINDOW = 500  # characters of context around a prefilter hit
COMBINE_DISTANCE = 500  # characters between an intent and its means / time
MAX_SENTENCE = 400  # longer runs without punctuation are cut into overlapping pieces
SHORT = 3_000  # posts up to this long are looked at sentence by sentence
MAX_LOOKED = 8_000  # distinct sentences gated per post at most (pathological inputs)
MAX_FINDINGS = 200
INTENT = frozenset(["intent", "ideation_active"])
CONTEXT = frozenset(["means", "timeframe", "preparation"])
ALWAYS_IMMINENT = frozenset(["in_progress", "farewell"])
HARD = frozenset(["history", "hypothetical", "recent_past"])  # change what the words refer to
RISK = frozenset(
    ["ideation_active", "ideation_passive", "hopelessness", "burdensomeness", "intent",
     "self_harm", "attempt"]
)  # fmt: skip

# A sentence ends after . ! ? or 。 (and any closing quotes or brackets) followed by
# white space, or at a line break. The pattern starts with a character set, which the
# engine scans for quickly (a look-behind first is several times slower on a 1 MB post);
# ``_sentence_breaks`` keeps only the candidates followed by white space.
_SENTENCE_END = re.compile(r"[.!?\u3002\n][\"')\]]*\s*")


def _sentence_breaks(text: str, lo: int, hi: int):
    """``(start, end)`` of each break between sentences in ``text[lo:hi]``: the end of
    the sentence before it and the start of the next."""
    for m in _SENTENCE_END.finditer(text, lo, hi):
        g = m.group()
        if g[0] == "\n":
            yield m.start(), m.end()
        elif g[-1].isspace():
            yield m.start() + 1, m.end()


@dataclass(frozen=True)
class Finding:
    """One piece of evidence: what matched, where in the original text, and why it counts
    (or, with ``assertion`` set and ``severity`` 0, why it does not)."""

    start: int
    end: int
    snippet: str
    key: str
    signal: str
    severity: int
    assertion: str | None = None
    cues: tuple[str, ...] = ()
    rule: str | None = None  # the combination rule that raised it, if any

    def to_dict(self) -> dict:
        data = asdict(self)
        data["cues"] = list(self.cues)
        data["severity_name"] = Severity(self.severity).name.lower()
        return data


@dataclass(frozen=True)
class Assessment:
    severity: Severity
    findings: tuple[Finding, ...] = ()
    lexicon_version: str = ""
    rule_ids: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "severity": int(self.severity),
            "severity_name": self.severity.name.lower(),
            "findings": [f.to_dict() for f in self.findings],
            "lexicon_version": self.lexicon_version,
            "rule_ids": list(self.rule_ids),
        }

    @property
    def alert(self) -> bool:
        return self.severity > Severity.NONE


def _sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[lo:hi]``; runs longer than ``MAX_SENTENCE`` are cut into
    overlapping pieces."""
    spans = []
    start = lo
    for bs, be in _sentence_breaks(text, lo, hi):
        if bs > start:
            if bs - start <= MAX_SENTENCE:
                spans.append((start, bs))
            else:
                spans.extend(_pieces(start, bs))
        start = be
    if hi > start:
        spans.extend(_pieces(start, hi))
    return spans


def _pieces(lo: int, hi: int):
    if hi - lo <= MAX_SENTENCE:
        yield lo, hi
        return
    step = MAX_SENTENCE - 80
    for s in range(lo, hi, step):
        yield s, min(hi, s + MAX_SENTENCE)
        if s + MAX_SENTENCE >= hi:
            break


class _Sentence:
    """One sentence's tokens and matches, computed group by group as needed."""

    __slots__ = ("judged", "norm", "sent", "to_orig", "toks", "triggers", "weak")

    def __init__(self, cs, sent: str, folded: str, careful: bool) -> None:
        self.sent = sent
        self.toks: list | None = None
        self.triggers: list[Match] = []
        allowed = cs.gate(folded, careful)
        if allowed is None or allowed:
            self._tokenise(cs)
            self.triggers = cs.matches(self.norm, self.toks, self.to_orig, "trigger", allowed)
        self.weak: list[Match] | None = None
        self.judged: list[Judged] | None = None

    def _tokenise(self, cs) -> None:
        self.norm, self.toks, self.to_orig = cs.tokens(self.sent, 0)

    def judge(self, cs) -> list[Judged]:
        if self.judged is None:
            if self.toks is None:
                self._tokenise(cs)
            if self.weak is None:
                self.weak = cs.matches(self.norm, self.toks, self.to_orig, "weak")
            signals = self.triggers + self.weak
            if signals:
                guards = cs.matches(self.norm, self.toks, self.to_orig, "guard")
                self.judged = judge(self.toks, signals + guards)
            else:
                self.judged = []
        return self.judged


# the language codes the English-only structural rules run for: posts are assessed with
# every pack ("auto"), and English is one of them
_ENGLISH = (None, "", "auto", "*", "all", "en")


def assess(text: str, language: str | None = "en", lexicon: Lexicon | None = None) -> Assessment:
    """Assess one post. Never raises on odd input; non-text is treated as empty."""
    result = _assess_lexicon(text, language, lexicon)
    if not isinstance(text, str) or not text or language not in _ENGLISH:
        return result
    return _add_structural(text, result)


def _add_structural(text: str, result: Assessment) -> Assessment:
    """Raise the lexicon's verdict with the structural rules (``structural.rules``)."""
    risk = any(f.severity > 0 and f.signal in RISK for f in result.findings)
    if len(text) <= SHORT:
        extra = structural_rules(text, risk)
    else:  # a long post: only around what the lexicon found (bounded work)
        extra, windows = [], []
        for f in sorted(result.findings, key=lambda f: f.start):
            lo, hi = max(0, f.start - WINDOW), min(len(text), f.end + WINDOW)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
            elif len(windows) < 5:
                windows.append((lo, hi))
        for lo, hi in windows:
            got = structural_rules(text[lo:hi], risk)
            extra.extend((s + lo, e + lo, k, v) for s, e, k, v in got)
    if not extra:
        return result
    added = tuple(
        Finding(start=s, end=e, snippet=text[s:e], key=key, signal=key.split(".")[1],
                severity=sev, rule=key)
        for s, e, key, sev in extra
    )  # fmt: skip
    findings = tuple(sorted(result.findings + added, key=lambda f: (-f.severity, f.start)))
    top = max(result.severity, max(sev for _s, _e, _k, sev in extra))
    rule_ids = tuple(dict.fromkeys(result.rule_ids + tuple(k for _s, _e, k, _v in extra)))
    return Assessment(Severity(top), findings[:MAX_FINDINGS], result.lexicon_version, rule_ids)


def _assess_lexicon(
    text: str, language: str | None = "en", lexicon: Lexicon | None = None
) -> Assessment:
    lex = lexicon if lexicon is not None else default_lexicon()
    if not isinstance(text, str) or not text:
        return Assessment(Severity.NONE, (), lex.version, ())
    cs = lex.compiled_for(language)
    short = len(text) <= SHORT
    # A short post is folded and checked for obfuscation once; a long one sentence by
    # sentence (each distinct sentence once), so repeated text costs little.
    folded = fold_for_scan(text) if short else ""
    careful = not short or cs.suspicious(folded)
    cache: dict[str, _Sentence] = {}

    def sentence(s: int, e: int, limit: int = 0) -> _Sentence | None:
        sent = text[s:e]
        got = cache.get(sent)
        if got is None:
            if limit and len(cache) >= limit:
                return None
            fold = folded[s:e] if short else fold_for_scan(sent)
            got = cache[sent] = _Sentence(cs, sent, fold, careful)
        return got

    if short:
        if not cs.prefilter.search(folded):
            return Assessment(Severity.NONE, (), lex.version, ())
        spans = _sentences(text, 0, len(text))
        parts = [(s, e, sentence(s, e)) for s, e in spans]
        if not any(p.triggers for _s, _e, p in parts):
            return Assessment(Severity.NONE, (), lex.version, ())
    else:
        parts = _long_post_parts(text, sentence)
    judged: list[tuple[Judged, int, int]] = []
    seen: set[tuple[str, int]] = set()
    for index, (s, _e, got) in enumerate(parts):
        for j in got.judge(cs):
            k = (j.match.entry.key, j.match.start + s)
            if k not in seen:
                seen.add(k)
                judged.append((j, index, s))
        if len(judged) > MAX_FINDINGS:
            break
    return _combine(text, judged, lex)


def _long_post_parts(text: str, sentence) -> list:
    """A long post: every sentence passes the cheap gate (identical sentences once), and
    the neighbourhood (``WINDOW`` characters) of each one where a trigger matched is
    judged. Past ``MAX_LOOKED`` distinct sentences (a pathological post) the rest are
    not gated."""
    spans = _sentences(text, 0, len(text))
    triggered: list[int] = []
    for i, (s, e) in enumerate(spans):
        got = sentence(s, e, MAX_LOOKED)
        if got is not None and got.triggers:
            triggered.append(i)
            if len(triggered) > MAX_FINDINGS:
                break
    chosen: dict[int, None] = {}
    for i in triggered:
        s, e = spans[i]
        j = i
        while j > 0 and s - spans[j - 1][0] <= WINDOW:
            j -= 1
        k = i
        while k + 1 < len(spans) and spans[k + 1][1] - e <= WINDOW:
            k += 1
        for x in range(j, k + 1):
            chosen[x] = None
    return [(*spans[i], sentence(*spans[i])) for i in sorted(chosen)]


def _lower(sev: int) -> int:
    return max(Severity.MODERATE, sev - 1) if sev > 0 else 0


def _combine(text: str, judged: list[tuple[Judged, int, int]], lex: Lexicon) -> Assessment:
    items = [(j, j.match.start + shift, j.match.end + shift) for j, _sent, shift in judged]
    own = [_own(j) for j, _s, _e in items]
    signals = [j.match.entry.signal for j, _s, _e in items]

    def close(a: int, b: int) -> bool:
        (_, s1, e1), (_, s2, e2) = items[a], items[b]
        return max(s2 - e1, s1 - e2) <= COMBINE_DISTANCE

    def clean(i: int) -> bool:  # usable as the other half of a combination
        j = items[i][0]
        # a "lol" or a supportive phrase elsewhere in the sentence does not unmake a
        # means or a time; negation, history, fiction or an exclusion does
        return j.experiencer_ok and not any(
            g not in ("figurative", "supportive") for g in _effective(j)
        )

    counted = [i for i in range(len(items)) if own[i][0] > 0]
    raised: dict[int, tuple[int, str]] = {}
    for i, (j, _s, _e) in enumerate(items):
        sig = signals[i]
        entry = j.match.entry
        guards = _effective(j)
        if not j.experiencer_ok or "exclusion" in guards or any(g in HARD for g in guards):
            continue
        need = 1
        if sig == "intent" or (sig in ("ideation_active", "self_harm") and j.intent):
            partners = CONTEXT
            if entry.base == 0 and not any(close(i, k) for k in counted if k != i):
                need = 2  # "do it tonight" alone: only with means and a time
        elif sig == "ideation_active":
            partners = frozenset(["means", "preparation"])  # a wish "right now" is not a plan
        elif sig in ("ideation_passive", "hopelessness", "burdensomeness") and own[i][0] > 0:
            partners, need = CONTEXT, 2
        elif sig == "farewell" and entry.base == 0:
            partners = CONTEXT  # "goodbye everyone" with letters written or a time
        elif sig == "threat" or (sig == "preparation" and entry.base > 0):
            partners = frozenset(["means", "timeframe"])
        elif sig == "in_progress" and 0 < own[i][0] < Severity.IMMINENT:
            # "standing on the bridge" + any ideation or intent, or a second sign of
            # the act ("legs dangling", "just looking down")
            partners = RISK | {"in_progress"}
        else:
            continue
        if guards:
            need = max(need, 2)  # a guarded intent still counts with means *and* a time
        found = []
        for k in range(len(items)):
            if k == i or signals[k] not in partners or not close(i, k):
                continue
            if "in_progress" in partners:
                if not items[k][0].experiencer_ok or (own[k][0] == 0 and signals[k] != "intent"):
                    continue
            elif not clean(k):
                continue
            if signals[k] not in found:
                found.append(signals[k])
        if len(found) >= need:
            rule = f"combine.{sig}+" + "+".join(found)
            raised[i] = (Severity.IMMINENT, rule)
    findings: list[Finding] = []
    rule_ids: list[str] = []
    top = 0
    for i, (j, start, end) in enumerate(items):
        sev, assertion = own[i]
        rule = None
        if i in raised and raised[i][0] > sev:
            sev, rule = raised[i]
        findings.append(
            Finding(
                start=start,
                end=end,
                snippet=text[start:end],
                key=j.match.entry.key,
                signal=j.match.entry.signal,
                severity=int(sev),
                assertion=assertion,
                cues=tuple(dict.fromkeys(j.cues)),
                rule=rule,
            )
        )
        if sev > 0:
            top = max(top, sev)
            rule_ids.append(j.match.entry.key)
            if rule:
                rule_ids.append(rule)
    findings.sort(key=lambda f: (-f.severity, f.start))
    return Assessment(
        Severity(top),
        tuple(findings[:MAX_FINDINGS]),
        lex.version,
        tuple(dict.fromkeys(rule_ids)),
    )


def _effective(j: Judged) -> list[str]:
    """The guards that act on this finding: recent-past framing only turns an act "in
    progress" into a recent attempt."""
    if j.match.entry.signal in ALWAYS_IMMINENT:
        return j.guards
    return [g for g in j.guards if g != "recent_past"]


def _own(j: Judged) -> tuple[int, str | None]:
    """A finding's own severity after its guards (before combination), and its assertion."""
    entry = j.match.entry
    base = entry.base
    if not j.experiencer_ok:
        return 0, "third_person"
    guards = _effective(j)
    if not guards:
        return base, None
    name = ASSERTION.get(guards[0], guards[0])
    if base == 0 or "exclusion" in guards:
        return 0, name
    if entry.signal in ALWAYS_IMMINENT and "history" not in guards:
        # never suppressed by negation, hyperbole or a supportive frame; fiction or a
        # recent past time ("on Friday") lower it one tier (an attempt, not an act now)
        return (_lower(base) if any(g in HARD for g in guards) else base), name
    if j.conflict:
        return _lower(base), name
    return 0, name

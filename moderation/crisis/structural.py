"""Structural rules: intent phrased in ways the phrase lexicon does not list.

The lexicon lists phrases; these rules look at the *shape* of a sentence instead:

- strong means (a firearm, a rope or noose, a jump from a height, a stash or a counted
  quantity of pills, a blade against a body part, car exhaust...) next to a first-person
  future or intent construction ("I'll", "I'm going to", "I've decided", "it's happening")
  or to a suspicious possession ("I've saved up", "hidden", "loaded", "counted out"), or
  to a first-person possession plus a timeframe or a risk cue elsewhere in the post;
- a first-person farewell with a risk cue anywhere in the post (alone: high when it is
  clearly final, "this is goodbye for good");
- an act in progress: ingestion or a cut just done ("just swallowed the whole bottle",
  "already taken 30", "getting dizzy after taking all of them").

Each rule returns ``(start, end, key, severity)`` spans in the original text. Sentences
that are negated, questions about the topic, third-person, history, fiction or games, or
ordinary hobbies (hunting, climbing, camping) are skipped. Weak medication talk ("my dose
went up", "ibuprofen for my back") is never a means on its own.
"""

from __future__ import annotations

import re

# No re.IGNORECASE: ``rules`` lower-cases the text once, and the flag makes Python's
# engine several times slower on these alternations.
_F = 0


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


# -- means ---------------------------------------------------------------------------------
_BODY = r"(?:wrists?|arms?|thighs?|throat|neck|veins?|skin|legs?|stomach|myself)"
_PILLS = (
    r"(?:pills?|tablets?|meds|medication|painkillers?|paracetamol|tylenol|acetaminophen|"
    r"ibuprofen|aspirin|insulin|sleeping pills|antidepressants|sertraline|codeine|"
    r"oxy\w*|xanax|benzos?|capsules?|💊)"
)
_MEANS = [
    (
        "firearm",
        r"\b(?:guns?|pistol|revolver|rifle|shotgun|firearm|handgun|glock|bullets?|ammo)\b|🔫",
    ),
    (
        "hanging",
        r"\b(?:noose|nooses|hang(?:ing)? myself|rope|ropes|ligature)\b",
    ),
    (
        "height",
        r"\b(?:jump(?:ing|ed)?|leap(?:ing)?|throw(?:ing)? myself|step(?:ping)?)\s+"
        r"(?:off|from|in front of|onto|under)\b"
        r"|\b(?:off|from) (?:the|a|that) (?:bridge|roof|rooftop|ledge|cliff|balcony|overpass|"
        r"building|car park|parking garage|tower|top floor)\b"
        r"|\b(?:train|railway|rail) tracks?\b|\bin front of (?:a|the) (?:train|bus|lorry|truck)\b"
        r"|\b(?:on|at) the (?:ledge|edge of the roof)\b",
    ),
    (
        "pills",
        r"\b(?:all|every one of|the whole|whole|entire|every) (?:of )?(?:my|the|these|those)?\s*"
        r"(?:bottle|box|pack|packet|blister|" + _PILLS[3:-1] + r")\b"
        r"|\b(?:whole|entire|full) (?:bottle|box|pack|packet|strip)\b"
        r"|\bthe (?:whole )?lot\b"
        r"|\b(?:stash|stockpile|hoard)\b"
        r"|\b(?:[1-9]\d|[1-9]\d\d)\s*(?:x\s*)?(?:\w+\s+)?" + _PILLS + r"|💊\s*💊"
        r"|\b(?:overdose|od)\b"
        r"|\b(?:saved|saving|been saving|stockpil\w+|hoard\w*|collect\w*)\s+(?:up\s+)?"
        r"(?:my\s+|the\s+|all\s+)?" + _PILLS,
    ),
    (
        "blade",
        r"\b(?:razors?|blades?|knife|knives|box cutter|scalpel)\b[^.!?\n]{0,60}\b"
        + _BODY
        + r"\b|\b(?:slit|slice|open) (?:my|both) "
        + _BODY
        + r"\b",
    ),
    (
        "exhaust",
        r"\b(?:exhaust|hose)\b[^.!?\n]{0,40}\b(?:hose|pipe|tube|window|garage|engine)\b"
        r"|\bcarbon monoxide\b|\bcharcoal\b[^.!?\n]{0,40}\b(?:room|tape|sealed|bathroom)\b"
        r"|\bengine running\b[^.!?\n]{0,40}\bgarage\b",
    ),
    ("poison", r"\b(?:bleach|antifreeze|weedkiller|rat poison|cyanide)\b"),
]
_MEANS_RE = [(name, re.compile(p, _F)) for name, p in _MEANS]
# Words at least one of which every ``_MEANS`` alternative needs (plus 🔫 💊 and "oxy…"):
# a set lookup decides cheaply whether a sentence is worth the patterns. Keep in step
# with ``_MEANS``; tests/moderation/crisis/test_structural.py checks it stays a superset.
_MEANS_WORDS = _vocab(
    "gun guns pistol revolver rifle shotgun firearm handgun glock bullet bullets ammo "
    "noose nooses hang hanging rope ropes ligature "
    "jump jumping jumped leap leaping throw throwing step stepping bridge roof rooftop "
    "ledge cliff balcony overpass building park garage tower floor track tracks train "
    "bus lorry truck "
    "bottle box pack packet blister strip lot stash stockpile hoard overdose od "
    "pill pills tablet tablets meds medication painkiller painkillers paracetamol tylenol "
    "acetaminophen ibuprofen aspirin insulin sleeping antidepressants sertraline codeine "
    "xanax benzo benzos capsule capsules "
    "razor razors blade blades knife knives scalpel slit slice open "
    "exhaust hose carbon charcoal engine bleach antifreeze weedkiller rat cyanide"
)
_MEANS_MARKS = ("🔫", "💊")
# hobbies, tools and idioms that share the means words
_MEANS_EXCLUDE = re.compile(
    r"\b(?:hunting|hunt|deer|range|licen[cs]e|permit|holster|gun club|collector|"
    r"shooting range|clay|airsoft|paintball|nerf|water ?gun|"
    r"glue gun|nail gun|staple gun|heat gun|squirt|top gun|gun it|jump rope|skipping rope|"
    r"rope swing|climbing|climb|abseil|ropes course|know the ropes|on the ropes|rope in|"
    r"roped in|tent|camping|sailing|boat|hammock|washing line|tug of war|bungee|"
    r"skydiv\w*|parachute|diving|pool|trampoline|parkour|jump start|jump on|shaving|shave|"
    r"chef|cooking|cook|kitchen|chopping|onion|carving|exhaust(?:ed|ing)|mechanic|mot|"
    r"cleaning|clean|laundry|mould|mold|bbq|barbecue|grill)\b",
    _F,
)
_FICTION = re.compile(
    r"\b(?:game|gaming|minecraft|fortnite|call of duty|gta|warzone|valorant|character|"
    r"characters|novel|story|fanfic|fic|movie|film|episode|chapter|series|show|script|"
    r"book|dnd|d&d|campaign|npc|quest|rpg|level|boss|song|lyrics|poem|dream|dreamt|"
    r"nightmare|news|article|reported|police said)\b",
    _F,
)

# -- first-person constructions ------------------------------------------------------------
_I = r"(?:i|i'm|im|i am|i've|ive|i have|i'll|i will|i'd)"
_INTENT = re.compile(
    r"\b(?:i'?m|i am|im)\s+(?:(?:really|just|finally|definitely|actually|so)\s+)?"
    r"(?:going to|gonna|about to|ready to|planning to|planning on|doing it|done|ready|"
    r"set on|going through with)\b"
    r"|\bi'll\b|\bi will\b|\bi'?m gonna\b|^\s*gonna\b|\bgonna (?:do it|use|take|jump|end)\b"
    r"|\b(?:i'?ve|i have|i)\s+(?:finally\s+)?(?:decided|made up my mind|planned|chosen|"
    r"picked|worked out|figured out|made my plan)\b"
    r"|\bmy (?:plan|mind is made up|decision)\b|\bit'?s happening\b|\bit'?s time\b"
    r"|\b(?:tonight|tomorrow|today|this weekend) (?:i|i'm|is the night|is the day|it ends)\b"
    r"|\bdoing it (?:tonight|tomorrow|today|now|soon)\b",
    _F,
)
_POSSESS = re.compile(
    r"\b(?:i'?ve|i have|i)\s+(?:already\s+|finally\s+|just\s+)?(?:got|bought|ordered|"
    r"picked up|have|own|found|taken out)\b|\bi'?ve got\b",
    _F,
)
_POSSESS_STRONG = re.compile(
    r"\b(?:saved up|saving up|been saving|hidden|hid|hiding|stashed|stockpiled|hoarded|"
    r"hoarding|loaded|counted(?: out)?|lined up|laid out|sitting (?:here )?with|"
    r"in my hand|in front of me|tied|tested)\b",
    _F,
)
_TIME = re.compile(
    r"\b(?:tonight|tomorrow|today|this (?:weekend|evening|morning|afternoon|week)|"
    r"when (?:everyone|they|my \w+)(?:'s| is| are)? (?:asleep|gone|out|at work)|"
    r"at (?:midnight|\d{1,2}(?::\d\d)?\s*(?:am|pm)?)|in (?:an|a few|\d+) (?:hours?|minutes?)|"
    r"after (?:work|school|dinner)|on (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)|soon|now|before (?:morning|sunrise|the weekend))\b",
    _F,
)
_FIRST = re.compile(
    r"\b(?:i|i'm|im|i've|ive|i'll|i'd|me|my|myself|mine)\b|\bit'?s happening\b"
    r"|(?:^|[.!?]\s*)\W*(?:gonna|bought|got|hid|saved|loaded|counted|picked up|ordered)\b",
    _F,
)
# risk said in ways the lexicon may not list (counts for farewells)
_RISK = re.compile(
    r"\bwant (?:the|this|all the) pain to (?:stop|end)\b|\bcan'?t (?:take|do) (?:it|this) "
    r"any ?more\b|\bend (?:it all|everything)\b|\bdon'?t want to be here any ?more\b"
    r"|\bno (?:reason|point) (?:to|in) (?:stay|living|go on|going on)\w*\b",
    _F,
)
_NEG = re.compile(
    r"\b(?:not|never|won'?t|wont|don'?t|dont|didn'?t|can'?t|cant|wouldn'?t|no longer|"
    r"got rid of|gave (?:away|them|it)|handed (?:in|over|them|it)|threw (?:out|away)|"
    r"flushed|locked away|gave my \w+ to|safety plan|staying safe|stay safe|promised)\b",
    _F,
)
_THIRD_START = re.compile(
    r"^\W*(?:he|she|they|his|her|their|my (?:friend|brother|sister|mum|mom|dad|father|"
    r"mother|son|daughter|partner|husband|wife|boyfriend|girlfriend|cousin|uncle|aunt|"
    r"neighbou?r|roommate|flatmate)|someone|somebody|a (?:man|woman|guy|girl|kid)|you|"
    r"if you|your)\b",
    _F,
)
_HISTORY = re.compile(
    r"\b(?:ago|tried|attempted|last (?:year|month|week|night|time)|when i was|"
    r"used to|back in|in (?:19|20)\d\d|"
    r"recovery|recovered|clean for|sober for|\d+ (?:days|weeks|months|years) clean|"
    r"back then|at the time|once upon|was going to|were going to|almost|nearly|"
    r"got out of hospital|discharged|after i took)\b",
    _F,
)
_HYPO = re.compile(
    r"\b(?:if i (?:ever|were|was|did)|what if|imagine|hypothetically|would i|should i|"
    r"do you think|how (?:do|does|would|many|much)|is it|can you|anyone know)\b",
    _F,
)

# -- farewell -------------------------------------------------------------------------------
_FAREWELL = re.compile(
    r"\b(?:goodbye|good bye|bye) (?:everyone|all|guys|forever|for good|world|friends|"
    r"haven)\b|\bthis is (?:my )?(?:goodbye|farewell)\b(?! to)|\bsaying (?:my )?goodbyes?\b"
    r"|\b(?:my|this is my) (?:last|final) (?:post|message|words|goodbye)\b"
    r"|\bwon'?t be (?:around|here|posting|alive)(?! (?:this|next|for a|until|while|on|at|"
    r"much this))\b"
    r"|\b(?:take care of|look after|feed) my (?:cat|dog|kids?|children|pets?|plants|"
    r"hamster|rabbit|bird|fish)\b[^.!?\n]{0,30}\bfor me\b"
    r"|\bi love you all\b[^.!?\n]{0,20}\b(?:sorry|goodbye|bye|forgive)\b"
    r"|\b(?:sorry|forgive me)\b[^.!?\n]{0,20}\bi love you all\b"
    r"|\btell (?:my|them|everyone) (?:\w+ )?(?:that )?i love\b"
    r"|\bby the time (?:you|anyone|someone) (?:read|reads|see|sees|find|finds) this\b"
    r"|\bit'?s been (?:nice|good|an honou?r) knowing (?:you|everyone)\b"
    r"|\bsee you on the other side\b|\bthank you all for everything\b"
    r"|\bi won'?t be (?:a|your|anyone'?s) (?:problem|burden|bother|worry) (?:much longer|for long|"
    r"any ?more)\b|\b(?:the )?last time (?:you'?ll|you will|anyone will) (?:hear|see) from me\b"
    r"|\b(?:gave|given|giving) (?:away )?(?:the|my) (?:dog|cat|pets?)\b[^.!?\n]{0,60}"
    r"(?:\bit isn'?t\b|\bfor good\b|\bforever\b|\bwon'?t be (?:back|coming back)\b)",
    _F,
)
_FINAL = re.compile(
    r"\b(?:goodbye|farewell|bye) (?:for good|forever)\b|\bfinal goodbye\b"
    r"|\b(?:last|final) (?:post|message) ever\b|\bwon'?t be (?:around|here) (?:anymore|"
    r"any more|much longer|after tonight|tomorrow)\b|\bby the time (?:you|anyone|someone) "
    r"(?:read|reads|see|sees|find|finds) this\b|\bsee you on the other side\b"
    r"|\bi won'?t be (?:a|your) (?:problem|burden) much longer\b"
    r"|\blast time (?:you'?ll|you will) hear from me\b"
    r"|\b(?:gave|given|giving) (?:away )?(?:the|my) (?:dog|cat|pets?)\b[^.!?\n]{0,60}"
    r"(?:\bit isn'?t\b|\bfor good\b|\bforever\b)",
    _F,
)
_FAREWELL_EXCLUDE = re.compile(
    r"\b(?:holiday|vacation|trip|break|hiatus|moving|new job|exams?|away|travel\w*|"
    r"deleting (?:my )?(?:account|app)|logging off for|for a (?:while|bit|few)|next week|"
    r"this weekend|back (?:on|in|soon)|see you (?:all )?(?:soon|later|next)|"
    r"season|series|episode|game|stream|retire\w*|leaving (?:the|this) (?:job|company))\b",
    _F,
)

# -- in progress ----------------------------------------------------------------------------
_QTY = (
    r"(?:all|every|everything|whole|entire|the lot|handful|fistful|bunch|lots|a lot|"
    r"(?:way )?too many|(?:a |the )?(?:bottle|box|pack|packet)|[1-9]\d+|double|triple|"
    r"them all|all of them)"
)
_PROGRESS = re.compile(
    r"\b(?:just|already|now|finally|i've|ive|i have)\s+(?:\w+\s+)?(?:took|taken|swallowed|"
    r"downed|necked|overdosed|od'?d|injected)\b(?![^.!?\n]{0,40}\b(?:vitamins?|minutes?|"
    r"hours?|seconds?|days?|of (?:water|wine|beer|vodka|juice|milk|coke|soda|cider|gin|rum|"
    r"whisky|whiskey|tea|coffee)))[^.!?\n]{0,40}?\b" + _QTY + r"\b[^.!?\n]{0,25}?"
    r"(?:" + _PILLS + r"|\bthem\b|\bthe lot\b|\bbottle\b|\bbox\b|\bpack(?:et)?\b|$|[.!?,])"
    r"|\b(?:just|already|now)\s+(?:\w+\s+)?(?:drank|drunk|swallowed)\s+(?:some\s+|the\s+)?"
    r"(?:bleach|antifreeze|poison|weedkiller)\b"
    r"|\b(?:just|already)\s+(?:cut|slit|sliced)\b[^.!?\n]{0,30}\b(?:too deep|deep|veins?|"
    r"wrists?|throat)\b"
    r"|\b(?:drowsy|dizzy|numb|woozy|sleepy|heart(?:'s| is)? racing|throwing up|vomiting|"
    r"blurry|fading)\b[^.!?\n]{0,30}\b(?:after|since) (?:taking|i took|swallowing)\b"
    r"[^.!?\n]{0,20}\b" + _QTY + r"\b"
    r"|\b(?:pills|tablets|they|it)(?:'re| are|'s| is)? (?:starting to )?kick(?:ing)? in\b",
    _F,
)
_PROGRESS_SOFT = re.compile(  # "feeling dizzy after taking them": only with a risk cue
    r"\b(?:drowsy|dizzy|numb|woozy|sleepy|heart(?:'s| is)? racing|throwing up|vomiting|"
    r"blurry|fading)\b[^.!?\n]{0,30}\b(?:after|since) (?:taking|i took|swallowing)\b",
    _F,
)

# words without which neither in-progress pattern can match (keep in step with them)
_PROGRESS_WORDS = _vocab(
    "took taken swallowed downed necked overdosed od odd injected drank drunk cut slit "
    "sliced drowsy dizzy numb woozy sleepy racing throwing vomiting blurry fading kick "
    "kicking"
)
# ... and a farewell (keep in step with ``_FAREWELL``)
_FAREWELL_WORDS = _vocab(
    "goodbye goodbyes bye farewell last final won wont cat dog kid kids children pet "
    "pets plants hamster rabbit bird fish love time knowing side everything"
)
_TOKEN = re.compile(r"[a-z0-9]+")  # "won't" gives "won" and "t"

_SENT = re.compile(r"[^.!?\n]+[.!?]*")


def _spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group().strip()]


def _words(text: str) -> set[str]:
    words = set(_TOKEN.findall(text))
    if any(m in text for m in _MEANS_MARKS):
        words.add("gun")  # stands for either mark: the patterns decide
    if "oxy" in text:
        words.add("pills")
    return words


def _means(sent: str) -> list[tuple[int, int, str]]:
    out = []
    for name, rx in _MEANS_RE:
        for m in rx.finditer(sent):
            out.append((m.start(), m.end(), name))
    return out


def _usable(sent: str) -> bool:
    """A sentence that speaks of the poster, now, seriously."""
    return not (
        _NEG.search(sent)
        or _THIRD_START.search(sent)
        or _HISTORY.search(sent)
        or _HYPO.search(sent)
        or _FICTION.search(sent)
    )


def rules(text: str, risk: bool) -> list[tuple[int, int, str, int]]:
    """Structural findings in ``text`` as ``(start, end, key, severity)``. ``risk`` says
    whether the lexicon found a risk cue (ideation, hopelessness, self-harm...) in the
    post."""
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        low = low.replace("\u2019", "'").replace("\u2018", "'")
    # Whole-post gates first: most posts have no means, no ingestion and no farewell
    # words, and a post about a film, a game or the news is never read structurally.
    words = _words(low)
    has_means = not words.isdisjoint(_MEANS_WORDS)
    has_progress = not words.isdisjoint(_PROGRESS_WORDS)
    has_farewell = not words.isdisjoint(_FAREWELL_WORDS) and _FAREWELL.search(low) is not None
    if not (has_means or has_progress or has_farewell) or _FICTION.search(low):
        return []
    spans = _spans(low)
    sents = [low[s:e] for s, e in spans]
    usable: dict[int, bool] = {}

    def is_usable(j: int) -> bool:
        got = usable.get(j)
        if got is None:
            got = usable[j] = _usable(sents[j])
        return got

    risk = risk or bool(_RISK.search(low))
    out: list[tuple[int, int, str, int]] = []
    found_means = False
    for i, (s, _e) in enumerate(spans if has_means else ()):
        sent = sents[i]
        if _words(sent).isdisjoint(_MEANS_WORDS) or not is_usable(i):
            continue
        means = _means(sent)
        if not means or _MEANS_EXCLUDE.search(sent):
            continue
        near = [j for j in (i - 1, i, i + 1) if 0 <= j < len(sents) and is_usable(j)]
        ctx = " ".join(sents[j] for j in near)
        if _MEANS_EXCLUDE.search(ctx) or not _FIRST.search(ctx):
            continue
        intent = any(_INTENT.search(sents[j]) for j in near)
        strong = _POSSESS_STRONG.search(ctx)
        owned = _POSSESS.search(ctx)
        timed = _TIME.search(ctx)
        if intent or strong or (owned and (timed or risk)) or (timed and risk):
            ms, me, name = means[0]
            out.append((s + ms, s + me, f"structural.means.{name}", 4))
            found_means = True
    for i, (s, _e) in enumerate(spans if has_progress else ()):
        sent = sents[i]
        if _words(sent).isdisjoint(_PROGRESS_WORDS):
            continue
        m = _PROGRESS.search(sent)
        if (
            m
            and not _NEG.search(sent[: m.start()])
            and not any(r.search(sent) for r in (_THIRD_START, _HISTORY, _HYPO))
        ):
            out.append((s + m.start(), s + m.end(), "structural.in_progress", 4))
            continue
        m = _PROGRESS_SOFT.search(sent)
        if m and (risk or found_means) and is_usable(i):
            out.append((s + m.start(), s + m.end(), "structural.in_progress", 4))
    if not has_farewell or _FAREWELL_EXCLUDE.search(low):
        return out
    cues = sum(len(_FAREWELL.findall(x)) for x in sents)
    for i, (s, _e) in enumerate(spans):
        sent = sents[i]
        m = _FAREWELL.search(sent)
        if not m or _THIRD_START.search(sent) or _HYPO.search(sent):
            continue
        if _HISTORY.search(sent):
            continue
        if risk or found_means:
            out.append((s + m.start(), s + m.end(), "structural.farewell", 4))
        elif _FINAL.search(sent) or cues >= 2:
            out.append((s + m.start(), s + m.end(), "structural.farewell_final", 3))
    return out

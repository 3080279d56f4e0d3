"""The crisis detector: severities, assertions, combinations, offsets, lexicon data."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.crisis import (
    Assessment,
    Finding,
    Lexicon,
    LexiconEntry,
    Severity,
    assess,
    default_lexicon,
    validate_entry,
)
from moderation.crisis.lexicon import load_entries

ROOT = Path(__file__).resolve().parents[3]
NONE, MODERATE, HIGH, IMMINENT = (
    Severity.NONE,
    Severity.MODERATE,
    Severity.HIGH,
    Severity.IMMINENT,
)


def _severity(text: str, language: str = "en") -> Severity:
    return assess(text, language=language).severity


def test_severity_values_match_the_review_queue():
    assert [int(s) for s in Severity] == [0, 2, 3, 4]
    assert isinstance(assess("hello"), Assessment)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to die", MODERATE),
        ("everyone would be better off without me", MODERATE),
        ("I can't go on like this anymore", MODERATE),
        ("I want to kill myself", HIGH),
        ("I cut myself again last night", HIGH),
        ("I tried to kill myself last week", HIGH),
        ("he hits me when he's drunk and I'm scared to go home", HIGH),
        ("I have the pills and I'm going to kill myself tonight", IMMINENT),
        ("I just took all my pills", IMMINENT),
        ("I've written my goodbye letters. by the time you read this I'll be gone", IMMINENT),
        ("he's outside with a knife and says he's going to kill me", IMMINENT),
    ],
)
def test_assess_tiers(text, expected):
    assert _severity(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I want to k1ll mys3lf",
        "I want to ki\u200bll myself",
        "I want to \u043a\u0456ll myself",
        "i want to k i l l myself",
        "i want to k.i.l.l myself",
        "i want to k*ll myself",
        "ＩＭ ＳＵＩＣＩＤＡＬ",
        "i'm $u!c!dal",
        "i want to unalive myself",
        "thinking about sewerslide again",
        "gonna self delete",
    ],
)
def test_assess_sees_through_obfuscation(text):
    assert _severity(text) >= HIGH


def test_assess_repeated_letters():
    assert _severity("i just wanna diiiie") == MODERATE


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal",
        "I would never kill myself, I have too much to live for",
        "I don't want to die, I want help with my anxiety",
    ],
)
def test_assess_negation(text):
    assert _severity(text) == NONE


def test_assess_negation_scope_ends_at_clause():
    assert _severity("I'm not okay, I want to kill myself") == HIGH
    assert _severity("I'm not suicidal but I want to die") == MODERATE


def test_assess_pseudo_negation_does_not_negate():
    assert _severity("I don't want to live anymore") == MODERATE
    assert _severity("no one will stop me this time. the pills are on my desk.") == IMMINENT
    assert _severity("I won't be here tomorrow") == IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "this exam is killing me",
        "I'm dying to see that film",
        "my feet are killing me",
        "missed the bus kms lol",
        "I'd kill for a coffee",
        "I'm dead tired",
        "we died laughing",
        "my mum is going to kill me when she sees my grades",
        "ran 5 kms this morning",
        "I cut myself shaving",
    ],
)
def test_assess_figurative(text):
    assert _severity(text) == NONE


@pytest.mark.parametrize(
    "text",
    [
        "please don't hurt yourself, call 988",
        "if you're thinking of ending your life reach out, you deserve help",
        "How do I help my friend who wants to kill herself?",
        "my brother died by suicide two years ago",
        "my friend said she wants to die, what should I say to her?",
        "I read a news article about a man who wanted to kill himself",
        "In the film the main character says I want to kill myself",
        "I used to cut myself as a teen, 5 years clean now",
        "Years ago I tried to kill myself. Today I'm doing well.",
    ],
)
def test_assess_supportive_reported_third_person_and_history(text):
    assert _severity(text) == NONE


def test_assess_current_cue_overrides_history():
    assert _severity("I was clean for 2 years but I cut myself again last night") == HIGH


def test_assess_buried_sentence_in_long_post():
    filler = "Today I went to the market and bought some apples and a loaf of bread. " * 80
    text = filler + "I have the pills and I'm going to kill myself tonight. " + filler
    result = assess(text)
    assert result.severity == IMMINENT
    assert any(f.snippet == "I'm going to kill myself" for f in result.findings)


@pytest.mark.parametrize(
    "text",
    [
        "lol I have the pills and I'm going to kill myself tonight",
        "I'm not joking around anymore, I have the pills and I'm going to kill myself tonight",
        "just took all the 💊 lol. it's fine",
    ],
)
def test_assess_guard_never_suppresses_means_and_time_or_in_progress(text):
    assert _severity(text) == IMMINENT


def test_assess_conflicting_guards_downgrade_one_tier():
    # fiction framing and a "now" cue conflict: one tier down, not to none
    assert _severity("I watched a film about it and now I want to kill myself again") == MODERATE


def test_assess_weak_signals_alone_never_alert():
    assert _severity("I take my pills tonight after dinner") == NONE
    assert _severity("I'll do it tomorrow, the homework is easy") == NONE
    assert _severity("💀💀💀 that meme") == NONE


def test_findings_point_at_original_text():
    text = "Ugh. Honestly i want to K1LL   MYS3LF tonight"
    result = assess(text)
    finding = next(f for f in result.findings if f.signal == "ideation_active")
    assert text[finding.start : finding.end] == finding.snippet == "K1LL   MYS3LF"
    spaced = "i want to k i l l myself"
    f = assess(spaced).findings[0]
    assert spaced[f.start : f.end] == f.snippet
    assert "k i l l" in f.snippet


def test_findings_explain_guards():
    result = assess("missed the bus kms lol")
    (finding,) = [f for f in result.findings if f.key == "en.active.kms"]
    assert finding.assertion == "figurative"
    assert finding.severity == 0
    assert any(cue.startswith("en.fig.") for cue in finding.cues)
    negated = assess("I'm not suicidal").findings[0]
    assert negated.assertion == "negated"


def test_assessment_to_dict_is_json_ready():
    result = assess("I have the pills and I'm going to kill myself tonight")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["severity"] == 4 and data["severity_name"] == "imminent"
    assert data["lexicon_version"] == default_lexicon().version
    assert "en.intent.going_to" in data["rule_ids"]
    assert any(r.startswith("combine.") for r in data["rule_ids"])
    finding = data["findings"][0]
    assert {"start", "end", "snippet", "key", "signal", "severity", "assertion"} <= set(finding)
    assert isinstance(result.findings[0], Finding)


@pytest.mark.parametrize(
    ("language", "idiom", "crisis"),
    [
        ("es", "me muero de ganas de verte, jajaja", "quiero matarme esta noche"),
        ("fr", "mort de rire, je meurs de faim", "je veux me suicider"),
        ("de", "ich lach mich tot, ich sterbe vor Hunger", "ich will mich umbringen"),
    ],
)
def test_language_packs(language, idiom, crisis):
    assert _severity(idiom, language) == NONE
    assert _severity(crisis, language) >= HIGH
    assert _severity(f"{idiom}. {crisis}", language) >= HIGH


def test_language_pack_negation():
    assert _severity("no quiero morir", "es") == NONE
    assert _severity("je ne veux pas mourir", "fr") == NONE
    assert _severity("ich will nicht sterben", "de") == NONE


def test_language_auto_uses_every_pack():
    assert _severity("quiero matarme", "en") == NONE
    assert _severity("quiero matarme", "auto") >= HIGH


CUSTOM = {
    "key": "site.algospeak.bloop",
    "pattern": "{going|gonna|want} ~2 {bloop|blooping} myself",
    "kind": "phrase",
    "signal": "ideation-active",
    "severity": "high",
    "language": "en",
    "first_person": True,
    "examples": ["I'm gonna bloop myself"],
    "counter_examples": ["my sister wants to bloop herself"],
}


def test_lexicon_from_entries_with_custom_entry():
    rows = [*load_entries(), CUSTOM]
    lexicon = Lexicon.from_entries(rows)
    assert not lexicon.rejected
    assert lexicon.version != default_lexicon().version
    assert assess("I'm gonna bloop myself", lexicon=lexicon).severity == HIGH
    assert assess("I'm gonna bloop myself tonight", lexicon=lexicon).severity == IMMINENT
    assert assess("I'm gonna bloop myself").severity == NONE
    again = Lexicon.from_entries(reversed(rows))
    assert again.version == lexicon.version  # order does not matter
    assert isinstance(lexicon.by_key["site.algospeak.bloop"], LexiconEntry)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "regex", "pattern": "(kill"}, "invalid regular expression"),
        ({"kind": "regex", "pattern": "(a+)+b"}, "nested repetition"),
        ({"kind": "regex", "pattern": ".*"}, "too broad"),
        ({"pattern": "the"}, "too broad"),
        ({"pattern": "... kill"}, "must start with a word"),
        ({"pattern": "{kill|myself"}, "missing"),
        ({"signal": "sadness"}, "signal"),
        ({"severity": "low"}, "severity"),
        ({"key": ""}, "key"),
        ({"examples": "one"}, "examples"),
    ],
)
def test_validate_entry_reports_problems(change, message):
    entry = {**CUSTOM, **change}
    problems = validate_entry(entry)
    assert any(message in p for p in problems), problems


def test_from_entries_skips_invalid_rows():
    bad = {**CUSTOM, "key": "site.bad", "kind": "regex", "pattern": "(kill"}
    dup = dict(CUSTOM)
    lexicon = Lexicon.from_entries([CUSTOM, bad, dup, "not a dict"])
    assert list(lexicon.by_key) == ["site.algospeak.bloop"]
    assert len(lexicon.rejected) == 3
    assert validate_entry(CUSTOM) == []


def _raw_keys(text: str, language: str) -> set[str]:
    cs = default_lexicon().compiled_for(language)
    norm, toks, to_orig = cs.tokens(text, 0)
    return {
        m.entry.key
        for group in ("trigger", "weak", "guard")
        for m in cs.matches(norm, toks, to_orig, group)
    }


ENTRIES = default_lexicon().entries


def test_default_lexicon_loads_every_entry():
    lexicon = default_lexicon()
    assert not lexicon.rejected, lexicon.rejected
    assert len(lexicon) == len(load_entries())
    assert {"en", "es", "fr", "de"} <= set(lexicon.languages)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.key for e in ENTRIES])
def test_default_entry_examples(entry):
    """Each entry fires on its examples (a signal that can alert raises at least its base
    severity) and not on its counter-examples."""
    assert entry.examples, "every entry needs an example"
    for text in entry.examples:
        assert entry.key in _raw_keys(text, entry.language), text
        if not entry.is_guard and entry.base:
            assert assess(text, entry.language).severity >= entry.base, text
    for text in entry.counter_examples:
        if entry.is_guard or not entry.base:
            assert entry.key not in _raw_keys(text, entry.language), text
        else:
            found = assess(text, entry.language).findings
            assert not any(f.key == entry.key and f.severity for f in found), text


def test_package_imports_no_django():
    code = (
        "import sys; import moderation.crisis as c; c.assess('I want to die'); "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("sorted out who's taking the dogs. nothing left to do except go.", "en", 4),
        ("ctb on friday, everything's sorted", "en", 4),
        ("i'm going to kill myself at 3am when everyone's asleep", "en", 4),
        ("💊💊💊 taking all of them now. bye", "en", 4),
        ("i bit my arm until it bled again last night", "en", 3),
        ("suicide feels like the only option left", "en", 3),
        ("I have nothing to look forward to anymore", "en", 2),
        ("I'm dead weight to everyone around me", "en", 2),
        ("he's hitting me right now", "en", 4),
        ("ich denke ständig daran, mich umzubringen", "de", 3),
        ("missed my train by 10 seconds, kms", "en", 0),
        ("my cat scratched my arm, it's bleeding a little", "en", 0),
        ("Goodbye everyone, I'm moving to Canada next week, thank you for everything", "en", 0),
        ("at 19 I tried to kill myself. I'm 27 now and happy.", "en", 0),
    ],
)
def test_generalised_phenomena(text, language, expected):
    assert int(assess(text, language).severity) == expected


# Structural rules (moderation/crisis/structural.py): means + first-person intent or
# possession, farewells with a risk cue, acts in progress. Sentences written for these
# rules, not taken from any scored set.
@pytest.mark.parametrize(
    "text",
    [
        "my dad keeps a pistol in the safe and i know the code. i'm doing it tonight",
        "bought a rope today. it's happening",
        "i've decided, the noose is ready in the garage",
        "I'm going to jump off the multi storey car park after work",
        "gonna lie down on the train tracks when everyone's asleep",
        "i've got 60 paracetamol counted out on my desk",
        "💊💊💊💊 tonight i finally stop",
        "I've been saving up my sertraline for weeks and I have enough now",
        "I'll take the whole bottle once my flatmate leaves",
        "the razor is next to me and I'm going to go deep on my wrists this time",
        "i'm ready. hose from the exhaust into the car window, garage door shut",
        "I've hidden a stash of pills in my sock drawer. Saturday is the day",
        "🔫 loaded. i'm done",
        "I can't do this anymore. I've got the gun out of the cupboard",
        "Goodbye everyone, I love you all, I'm sorry. I just want the pain to stop",
        "please take care of my cat for me. I can't keep living like this",
        "I just swallowed the whole box of my mum's tablets",
        "already taken 30 of them and i feel weird",
        "i just drank bleach",
        "feeling really dizzy after taking all of them, my heart is racing",
        "I just cut way too deep into my wrist and it won't stop",
        "I want to die. getting drowsy after taking them",
        "I've picked the tree and bought the rope",
    ],
)
def test_structural_rules_fire_imminent(text):
    assert _severity(text) == IMMINENT


# Families added for independently written text (phrasings of the same phenomena,
# not sentences from the tuning sets), with hard negatives that share their words.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i won't be a burden to anyone much longer. thank you all", 4),
        ("this is the last time you'll hear from me", 4),
        ("gave my cat to my cousin yesterday, told him it was temporary. it isn't", 3),
        ("🪢 is ready in the shed. after everyone's asleep", 4),
        ("swallowed everything in the medicine cupboard. sorry", 4),
        ("took three packets of codeine an hour ago", 4),
        ("my legs are dangling over the edge of the car park roof rn. just looking down.", 4),
        ("bought paracetamol from three different chemists so nobody would ask", 4),
        ("the plan is to take the whole lot with whisky on friday", 4),
        ("it's never going to get better and nothing's gonna change", 2),
        ("I'm a millstone round my family's neck", 2),
        ("my kids would have an easier life without me", 2),
        ("I wouldn't care if a lorry hit me on the way to work", 2),
        ("thinking about taking the long nap", 3),
        # hard negatives
        ("the damp won't be a problem much longer, the builder comes monday", 0),
        ("gave the dog to my mum for the weekend while I'm on holiday", 0),
        ("my blood pressure went through the roof and the readings jump around", 0),
        ("why do people say unalive on tiktok instead of suicide", 0),
        ("their last message sounded like a goodbye, can someone check on them?", 0),
        ("this is my last night in halls before moving out, so sad", 0),
    ],
)
def test_new_families(text, expected):
    assert int(assess(text).severity) == expected


def test_structural_final_farewell_alone_is_high():
    assert _severity("this is goodbye for good") >= HIGH


@pytest.mark.parametrize(
    "text",
    [
        "took ibuprofen for my back, feeling better",
        "my dose went up to 100mg this week, any side effects?",
        "pills reminder 💊 don't forget your meds everyone",
        "I'm going to the shooting range with my dad on saturday",
        "bought a new rope for climbing this weekend",
        "I'll jump on the train tomorrow to see my nan",
        "we went hunting and I'll clean my rifle tonight",
        "my character in the game is going to jump off the bridge",
        "I'll be taking my pills at 8pm like the doctor said",
        "Last post before my holiday, see you all in two weeks!",
        "I just took my meds and feeling a bit sleepy",
        "I'm not going to jump, I promised my sister. I'm safe tonight",
        "he said he's going to buy a gun tomorrow",
        "I'll cut the onions with the big knife, careful of my fingers",
        "the new pills make me dizzy after taking them in the morning",
        "gonna jump in the pool after work",
        "I just took all my vitamins lol",
        "I've got a gun license and I'll renew it tomorrow",
    ],
)
def test_structural_rules_stay_none(text):
    assert _severity(text) == NONE


@pytest.mark.parametrize(
    "text",
    [
        "got the 🔫 and it's loaded. tonight.",
        "bought a rope today and tied it already, tonight is the night",
        "just swallowed the whole bottle of my sertraline",
    ],
)
def test_structural_rules_run_when_posts_are_assessed_in_every_language(text):
    """Haven assesses posts with every language pack ("auto"), as
    ``moderation.services.lexicon.assess_text`` does; the English structural rules must
    run then too, not only for ``language="en"``."""
    assert assess(text, "auto").severity == Severity.IMMINENT
    assert assess(text, None).severity == Severity.IMMINENT

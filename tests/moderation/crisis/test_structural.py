"""The structural rules' word gates (``_MEANS_WORDS``, ``_PROGRESS_WORDS``,
``_FAREWELL_WORDS``) let a post skip the patterns when none of their words occurs: each
gate must therefore admit every text its patterns match, or a risk would go unseen."""

import json
from pathlib import Path

import pytest

from moderation.crisis import structural as st

HERE = Path(__file__).resolve().parent

# at least one phrase for every alternative of the gated patterns
PHRASES = [
    # means
    "i have a gun", "my pistol", "the revolver", "a rifle", "dad's shotgun", "a firearm",
    "a handgun", "the glock", "one bullet", "ammo", "🔫", "a noose", "hang myself",
    "hanging myself", "the rope", "a ligature", "jump off", "jumping from", "jumped off",
    "leap from", "leaping off", "throw myself in front of", "throwing myself under",
    "step off", "stepping off", "off the bridge", "from the roof", "off a rooftop",
    "off the ledge", "off that cliff", "from the balcony", "off the overpass",
    "from the building", "off the car park", "from a parking garage", "off the tower",
    "from the top floor", "the train tracks", "railway track", "rail tracks",
    "in front of a train", "in front of the bus", "in front of a lorry",
    "in front of the truck", "on the ledge", "at the edge of the roof",
    "all of my pills", "every one of the tablets", "the whole bottle", "whole box",
    "entire pack", "every packet", "all the blister", "full strip", "the lot", "my stash",
    "a stockpile", "my hoard", "40 paracetamol", "30 x tablets", "60 meds",
    "💊💊", "💊 💊", "overdose", "od", "saved up my insulin", "stockpiled codeine",
    "collecting oxycodone", "hoarding xanax", "saving my benzos", "40 capsules",
    "20 sleeping pills", "50 antidepressants", "30 sertraline", "100 tylenol",
    "40 acetaminophen", "60 ibuprofen", "80 aspirin", "20 painkillers", "30 medication",
    "a razor against my wrist", "the blade on my arm", "a knife to my throat",
    "knives and my thighs", "box cutter to my skin", "scalpel on my veins",
    "slit my wrists", "slice my arms", "open my veins", "exhaust hose in the window",
    "hose to the pipe", "carbon monoxide", "charcoal in the sealed room",
    "engine running in the garage", "bleach", "antifreeze", "weedkiller", "rat poison",
    "cyanide",
    # in progress
    "just took all of them", "already taken 30 pills", "i've swallowed the whole bottle",
    "just downed the lot", "just necked the whole box", "ive overdosed on all my meds",
    "i have od'd on everything", "just injected all of it", "just drank bleach",
    "already drunk the antifreeze", "just swallowed some poison", "just cut too deep",
    "already slit my wrist", "just sliced my veins",
    "drowsy after taking all of them", "dizzy since i took 40", "numb after swallowing 30",
    "woozy after taking all", "sleepy after taking the lot", "heart racing after taking all",
    "throwing up after taking 20", "vomiting since i took all", "blurry after taking 50",
    "fading after swallowing all", "the pills are kicking in", "they're starting to kick in",
    # farewell
    "goodbye everyone", "good bye all", "bye forever", "bye world", "this is goodbye",
    "this is my farewell", "saying my goodbyes", "my last post", "this is my final message",
    "won't be around", "wont be here", "take care of my cat for me", "look after my dog for me",
    "feed my fish for me", "i love you all, sorry", "forgive me, i love you all",
    "tell my mum i love her", "by the time you read this", "it's been nice knowing you",
    "see you on the other side", "thank you all for everything",
    "i won't be a problem much longer", "this is the last time you'll hear from me",
    "gave the dog to my sister, it isn't for a week", "giving away my cat for good",
    "gave my pets away forever",
]  # fmt: skip


def _texts():
    out = list(PHRASES)
    for path in sorted(HERE.glob("*.jsonl")):
        out.extend(json.loads(line)["text"] for line in path.read_text().splitlines() if line)
    return out


@pytest.mark.parametrize(
    ("patterns", "gate"),
    [
        ([rx for _name, rx in st._MEANS_RE], st._MEANS_WORDS),
        ([st._PROGRESS, st._PROGRESS_SOFT], st._PROGRESS_WORDS),
        ([st._FAREWELL], st._FAREWELL_WORDS),
    ],
    ids=["means", "in_progress", "farewell"],
)
def test_word_gates_admit_everything_their_patterns_match(patterns, gate):
    matched = missed = 0
    for text in _texts():
        low = text.lower().replace("\u2019", "'")
        for s, e in st._spans(low):
            sent = low[s:e]
            if any(rx.search(sent) for rx in patterns):
                matched += 1
                if st._words(sent).isdisjoint(gate):
                    missed += 1
    assert matched > 20  # the phrases and the sets exercise the patterns
    assert missed == 0


def test_phrases_match_their_patterns():
    """The phrase list above really exercises the patterns (a typo would test nothing)."""
    every = [rx for _n, rx in st._MEANS_RE] + [st._PROGRESS, st._PROGRESS_SOFT, st._FAREWELL]
    unmatched = [p for p in PHRASES if not any(rx.search(p) for rx in every)]
    assert unmatched == []

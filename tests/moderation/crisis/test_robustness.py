"""Robustness is a correctness property of the crisis detector: odd input never crashes
it, and its work grows linearly with the post, so no input can make it backtrack
catastrophically.

Speed itself (the 50 ms aim for a 1 MB post, posts per second) is a benchmark's job:
``bench/bench_crisis.py``. These tests compare the detector with itself in one run, so
a slower or busier machine does not change their verdict: a 1 MB post may take at most
``SCALING`` times as long as an eighth of it (linear work gives 8), and no naughty string
may take longer than a 1 MB post of ordinary text. Both count CPU time
(``tests/cpu_time.py``), not time spent waiting for a core."""

import json
import time
from pathlib import Path

import pytest

from moderation.crisis import Severity, assess, default_lexicon
from tests.cpu_time import best_cpu_seconds

BLNS = Path(__file__).resolve().parents[2] / "corpora" / "blns.json"
MB = 1_000_000
SCALING = 16  # 8x the text: linear work takes ~8x; backtracking would take far more
PARAGRAPH = (
    "I started seeing a counsellor through my GP in the spring, and the breathing exercises "
    "help a bit when I remember them. Last week I had to leave a meeting halfway through "
    "because the room felt like it was shrinking. I've read the pinned posts here about "
    "grounding, and I tried it on the platform this morning. It worked for maybe ten minutes, "
    "which honestly felt like a small victory.\n"
)


def _best_of_3(text: str) -> tuple[float, object]:
    return best_cpu_seconds(lambda: assess(text))


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    default_lexicon().compiled_for("en")  # compiling once per process is not per post


def test_blns_strings_do_not_crash_and_are_fast():
    strings = json.loads(BLNS.read_text(encoding="utf-8"))
    limit, _ = _best_of_3(_megabyte(PARAGRAPH))  # every naughty string is under 1 KB
    slow = []
    for text in strings:
        start = time.process_time()
        assess(text)
        if time.process_time() - start > limit and _best_of_3(text)[0] > limit:
            slow.append(text)
    assert not slow


def _megabyte(unit: str) -> str:
    return (unit * (MB // len(unit) + 1))[:MB]


def test_one_megabyte_post_with_buried_crisis_sentence():
    half = _megabyte(PARAGRAPH)[: MB // 2]
    half = half[: half.rindex("\n") + 1]
    text = half + "I have the pills and I'm going to kill myself tonight.\n" + half
    _elapsed, result = _best_of_3(text)
    assert result.severity == Severity.IMMINENT
    finding = next(f for f in result.findings if f.severity == Severity.IMMINENT)
    assert len(half) <= finding.start < len(half) + 60  # found where it is


@pytest.mark.parametrize(
    "unit",
    [
        PARAGRAPH,
        "a",
        "a b c d e f g ",
        "k1ll m3 n0w pl34s3 ",
        "I want to kill myself tonight, I have the pills. ",
        "💊🔫 ",
        "(((((((((((((((((((( ",
        "\u200b",
    ],
    ids=["benign", "one-letter", "spaced", "leet", "crisis", "emoji", "brackets", "zero-width"],
)
def test_one_megabyte_posts_take_linear_time(unit):
    eighth, _ = _best_of_3(_megabyte(unit)[: MB // 8])
    whole, result = _best_of_3(_megabyte(unit))
    assert result.severity in Severity
    # a floor of 2 ms for the eighth: below that, timer noise would dominate the ratio
    assert whole <= SCALING * max(eighth, 0.002), f"{whole * 1000:.1f} ms vs {eighth * 1000:.1f}"


@pytest.mark.parametrize("value", [None, 42, b"bytes", "", " ", "\x00" * 10, "\ud800"])
def test_odd_input_is_none_not_an_error(value):
    assert assess(value).severity == Severity.NONE

"""Robustness is a correctness property of the crisis detector: odd input never crashes
it, and a 1 MB post or any naughty string is assessed within 50 ms (best of 3 runs, so
a busy machine does not make the bound flaky)."""

import json
import time
from pathlib import Path

import pytest

from moderation.crisis import Severity, assess, default_lexicon

BLNS = Path(__file__).resolve().parents[2] / "corpora" / "blns.json"
LIMIT = 0.050
MB = 1_000_000
PARAGRAPH = (
    "I started seeing a counsellor through my GP in the spring, and the breathing exercises "
    "help a bit when I remember them. Last week I had to leave a meeting halfway through "
    "because the room felt like it was shrinking. I've read the pinned posts here about "
    "grounding, and I tried it on the platform this morning. It worked for maybe ten minutes, "
    "which honestly felt like a small victory.\n"
)


def _best_of_3(text: str) -> tuple[float, object]:
    best = None
    result = None
    for _ in range(3):
        start = time.perf_counter()
        result = assess(text)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    default_lexicon().compiled_for("en")  # compiling once per process is not per post


def test_blns_strings_do_not_crash_and_are_fast():
    strings = json.loads(BLNS.read_text(encoding="utf-8"))
    slow = []
    for text in strings:
        start = time.perf_counter()
        assess(text)
        if time.perf_counter() - start > LIMIT and _best_of_3(text)[0] > LIMIT:
            slow.append(text)
    assert not slow


def _megabyte(unit: str) -> str:
    return (unit * (MB // len(unit) + 1))[:MB]


def test_one_megabyte_post_with_buried_crisis_sentence():
    half = _megabyte(PARAGRAPH)[: MB // 2]
    half = half[: half.rindex("\n") + 1]
    text = half + "I have the pills and I'm going to kill myself tonight.\n" + half
    elapsed, result = _best_of_3(text)
    assert result.severity == Severity.IMMINENT
    assert elapsed < LIMIT, f"{elapsed * 1000:.1f} ms"


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
def test_one_megabyte_posts_are_fast(unit):
    elapsed, result = _best_of_3(_megabyte(unit))
    assert result.severity in Severity
    assert elapsed < LIMIT, f"{elapsed * 1000:.1f} ms"


@pytest.mark.parametrize("value", [None, 42, b"bytes", "", " ", "\x00" * 10, "\ud800"])
def test_odd_input_is_none_not_an_error(value):
    assert assess(value).severity == Severity.NONE

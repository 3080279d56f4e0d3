"""Benchmark: the crisis detector (``moderation.crisis.assess``) with the full lexicon.

Measures posts per second on 1,000-character posts, benign and crisis (a crisis sentence
at the end of ordinary text, so the whole post is looked at), and the time to assess a
1 MB post with one crisis sentence buried in the middle. Pure Python, no Django and no
database: ``make bench``, or ``python bench/bench_crisis.py [--seconds N]``.

A benchmark, not a test: the aim is at least 5,000 posts/s of 1,000 characters on one
core and a 1 MB post under 50 ms; the script reports whether each is met, and exits 0
either way. Both CPU time (this process only) and wall time are shown; on a busy
machine the CPU figure is the fairer one.
"""

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.crisis import Severity, assess, default_lexicon  # noqa: E402

AIM_POSTS = 5_000
AIM_MB_MS = 50.0
POST_CHARS = 1_000

SENTENCES = [
    "I don't really know where to start, so I'll just write.",
    "For the last few months I've been waking up at four in the morning with my heart racing.",
    "My partner is patient, but I can tell they're tired of hearing the same worries.",
    "I started seeing a counsellor through my GP in the spring.",
    "The breathing exercises help a bit when I remember them.",
    "Last week I had to leave a meeting halfway through because the room felt too small.",
    "Nobody said anything, which was kind, but I spent the whole evening replaying it.",
    "I've read the pinned posts here about grounding and tried it on the platform this morning.",
    "It worked for maybe ten minutes, which honestly felt like a small victory.",
    "My sister had a much harder year than me and she's coping, so why can't I?",
    "I've cut down on coffee and I walk at lunchtime when the weather allows.",
    "Some nights writing three good things down is the only thing that gets me to sleep.",
    "How do you handle the mornings, and do you tell your manager?",
    "This exam week is killing me but I'm dying to see the new film on Friday.",
    "Thank you for reading this far, it already helps to have put it into words.",
    "My dog is getting old and struggles with the stairs now.",
    "I made soup tonight and it was actually good for once.",
]
CRISIS = [
    "I have the pills saved up and I'm going to kill myself tonight.",
    "honestly i just want to die, nobody would even notice if i was gone.",
    "I cut myself again last night and it won't stop bleeding.",
    "i want to k1ll mys3lf, can't do this anymore.",
    "by the time you read this I'll be gone. goodbye everyone.",
]

NAIVE = (
    r"suicid\w*|kill (?:my|me)self|end (?:it|my life)|want to die|overdose|cut(?:ting)? "
    r"myself|self[- ]harm|pills|noose|jump off|goodbye|no reason to live|better off "
    r"without me|hopeless|worthless|unalive|kms|kys"
)


def _post(rng: random.Random, tail: str = "") -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) + len(tail) < POST_CHARS:
        parts.append(rng.choice(SENTENCES))
    text = " ".join(parts)[: POST_CHARS - len(tail) - 1].rsplit(" ", 1)[0]
    return (text + " " + tail)[:POST_CHARS] if tail else text


def _rate(posts: list[str], seconds: float, fn=assess) -> tuple[float, float, int]:
    """Posts per second by CPU time and by wall time, and how many were assessed."""
    n = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < seconds:
        for text in posts:
            fn(text)
        n += len(posts)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return n / max(cpu, 1e-9), n / wall, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per throughput run")
    args = parser.parse_args()
    rng = random.Random(2024)
    start = time.perf_counter()
    lexicon = default_lexicon()
    lexicon.compiled_for("en")
    compile_ms = (time.perf_counter() - start) * 1000

    benign = [_post(rng) for _ in range(200)]
    crisis = [_post(rng, rng.choice(CRISIS)) for _ in range(200)]
    alerts = sum(assess(p).severity > Severity.NONE for p in benign)
    caught = sum(assess(p).severity > Severity.NONE for p in crisis)

    print(f"Crisis detector benchmark (Python {sys.version.split()[0]}, no Django)")
    print(
        f"lexicon: {len(lexicon)} entries, version {lexicon.version}; "
        f"loading and compiling (once per process): {compile_ms:.1f} ms"
    )
    print(f"sanity: benign posts alerting {alerts}/200, crisis posts alerting {caught}/200")
    # A yardstick measured in the same run, so the figures compare across machines: the
    # naive approach the issue asks to beat, one case-insensitive regex of keywords.
    naive = re.compile(NAIVE, re.IGNORECASE)
    naive_rate, _wall, _n = _rate(benign, args.seconds, naive.search)
    print(f"naive keyword regex (yardstick): {naive_rate:8,.0f} posts/s CPU")
    for label, posts in (("benign", benign), ("crisis", crisis)):
        cpu_rate, wall_rate, n = _rate(posts, args.seconds)
        ok = cpu_rate >= AIM_POSTS
        print(
            f"{label:<7} 1,000-char posts: {cpu_rate:8,.0f} posts/s CPU, {wall_rate:8,.0f} "
            f"posts/s wall (n={n:,}), {cpu_rate / naive_rate:.2f}x the yardstick "
            f"-> {'meets' if ok else 'BELOW'} the {AIM_POSTS:,}/s aim"
        )

    filler = (" ".join(SENTENCES) + "\n") * (1_000_000 // (len(" ".join(SENTENCES)) + 1))
    half = filler[: len(filler) // 2]
    half = half[: half.rindex("\n") + 1]
    big = (half + CRISIS[0] + "\n" + half)[:1_000_000]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        result = assess(big)
        times.append((time.perf_counter() - t0) * 1000)
    best, median = min(times), statistics.median(times)
    print(
        f"1 MB post with one buried crisis sentence: best {best:.1f} ms, median {median:.1f} ms, "
        f"assessed {result.severity.name.lower()} -> "
        f"{'within' if best < AIM_MB_MS else 'OVER'} the {AIM_MB_MS:.0f} ms aim"
    )


if __name__ == "__main__":
    main()

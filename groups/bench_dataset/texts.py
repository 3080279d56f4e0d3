"""The benchmark community's names, handles, titles and post bodies."""

import random

from django.core.exceptions import ValidationError

from accounts.validators import HANDLE_VALIDATORS
from groups.management import demo_content
from groups.models import (
    Thread,
)
from moderation.models import Flag

BENCH_PASSWORD = "haven-bench-2026"  # noqa: S105 - a benchmark account, printed on purpose
BENCH_MEMBER_EMAIL = "bench-member@haven.example"
BENCH_FACILITATOR_EMAIL = "bench-facilitator@haven.example"
# Public on purpose, like the demo's: moderation pages need two-factor authentication, so
# the bench facilitator has an authenticator whose codes a load test can compute.
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPHAVENBENCHSECRET"  # noqa: S105
MEMBER_DOMAIN = "members.bench.example"

FULL = {"groups": 50, "members": 5000, "threads": 20000, "posts": 1_000_000}
BODY_POOL = 200
COPY_BATCH = 100_000
DAY = 86400.0
HISTORY_DAYS = 730

TOPICS = [
    "Anxiety & Panic",
    "Low Mood & Depression",
    "Grief & Loss",
    "Caregivers",
    "Students",
    "LGBTQ+ Wellbeing",
    "Sleep",
    "Loneliness",
    "Burnout",
    "Chronic Pain",
    "New Parents",
    "Eating Worries",
    "OCD",
    "Social Anxiety",
    "Recovery",
    "Bipolar Support",
    "Health Anxiety",
    "Work Stress",
    "Separation & Divorce",
    "Living with ADHD",
    "Trauma Recovery",
    "Long Covid",
    "Men's Wellbeing",
    "Later Life",
    "Money Worries",
]
COHORTS = ["", "Evenings", "Parents", "Over 50s", "Newly Diagnosed", "Night Owls", "Peer Circle"]
EXTRA_TITLES = [
    "Small win today",
    "Does anyone else feel worse on Sunday evenings?",
    "How do you explain this to family?",
    "Checking in after a rough week",
    "What helps you fall asleep when your mind won't stop?",
    "First time posting here",
    "Appointment tomorrow and I'm dreading it",
    "Things that got me through this month",
    "Feeling stuck, not sure what to do next",
    "Tips for the first week back at work?",
    "Anyone want to share a good thing from today?",
    "How long did it take before things felt easier?",
    "I finally told someone",
    "Weekend plans that don't feel overwhelming",
    "Struggling with motivation lately",
    "A year on, and some things are better",
]
ADJECTIVES = [
    *("quiet", "calm", "gentle", "brave", "steady", "kind", "warm", "bright", "soft"),
    *("still", "slow", "hopeful", "tidal", "silver", "golden", "amber", "misty", "sunny"),
    *("rainy", "green", "blue", "coral", "velvet", "mellow", "patient"),
]
NOUNS = [
    *("harbour", "river", "willow", "meadow", "lantern", "heron", "sparrow", "pebble"),
    *("maple", "fern", "tide", "cloud", "garden", "orchard", "comet", "robin", "otter"),
    *("badger", "cedar", "birch", "moss", "dune", "brook", "valley"),
]
FLAG_REASONS = [
    (Flag.Reason.HARASSMENT, 3),
    (Flag.Reason.MISINFORMATION, 3),
    (Flag.Reason.TRIGGERING, 3),
    (Flag.Reason.SPAM, 2),
    (Flag.Reason.PERSONAL_INFO, 1),
    (Flag.Reason.OTHER, 2),
]
FLAG_NOTES = [
    "",
    "",
    "This felt a bit harsh towards a newer member.",
    "Might need a content warning?",
    "Not sure this advice is safe.",
    "Looks like an advert.",
]
TITLE_MAX = Thread._meta.get_field("title").max_length


def body_pool(rng: random.Random, size: int = BODY_POOL) -> list[str]:
    """~``size`` distinct peer-support bodies of one to four paragraphs, each drawn from
    one demo conversation so its paragraphs belong together."""
    conversations: list[list[str]] = []
    for threads in demo_content.THREADS.values():
        for spec in threads:
            paragraphs: list[str] = []
            _collect_paragraphs(spec, paragraphs)
            conversations.append(paragraphs)
    pool: dict[str, None] = {}
    attempts = 0
    while len(pool) < size and attempts < size * 50:
        attempts += 1
        paragraphs = rng.choice(conversations)
        count = min(len(paragraphs), rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))
        start = rng.randrange(len(paragraphs) - count + 1)
        pool["\n\n".join(paragraphs[start : start + count])] = None
    return list(pool)


def _collect_paragraphs(spec: dict, into: list[str]) -> None:
    into.extend(p.strip() for p in spec["body"].split("\n\n") if p.strip())
    for reply in spec.get("replies", []):
        _collect_paragraphs(reply, into)


def thread_titles() -> list[str]:
    titles = [spec["title"] for items in demo_content.THREADS.values() for spec in items]
    return [t[:TITLE_MAX] for t in titles + EXTRA_TITLES]


def group_names(count: int) -> list[str]:
    names = []
    for cohort in COHORTS:
        for topic in TOPICS:
            names.append(f"{topic} · {cohort}" if cohort else topic)
    while len(names) < count:
        names.append(f"Peer Circle {len(names) + 1}")
    return names[:count]


def handles(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Unique pseudonyms (case-insensitively, also against ``taken``) that pass the
    handle validators, as members would pick them."""
    found: list[str] = []
    seen = {h.lower() for h in taken}
    while len(found) < count:
        handle = f"{rng.choice(ADJECTIVES)}_{rng.choice(NOUNS)}"
        if rng.random() < 0.8:
            handle += f"_{rng.randint(1, 9999)}"
        if handle.lower() in seen:
            continue
        try:
            for validator in HANDLE_VALIDATORS:
                validator(handle)
        except ValidationError:
            continue
        seen.add(handle.lower())
        found.append(handle)
    return found

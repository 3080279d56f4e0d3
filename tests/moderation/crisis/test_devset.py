"""The crisis detector's labelled sets are well formed, and the detector meets its targets
on the development set. The holdout set is checked for shape here but scored only by the
CLI (``python -m tests.moderation.crisis.score tests/moderation/crisis/holdout.jsonl``), so
no test ties the detector to it."""

import re
from collections import Counter

import pytest

from . import score as scoring

FIELDS = {"id", "text", "severity", "category", "language"}
TARGETS = {"imminent_recall": 0.95, "crisis_recall": 0.90}
MAX_FALSE_ALARM_RATE = 0.08


def _problems(posts: list[dict], prefix: str) -> list[str]:
    problems = []
    ids = Counter(post.get("id") for post in posts)
    problems += [f"duplicate id {post_id}" for post_id, n in ids.items() if n > 1]
    for number, post in enumerate(posts, start=1):
        where = f"line {number} ({post.get('id')})"
        if set(post) != FIELDS:
            problems.append(f"{where}: fields {sorted(post)}, expected {sorted(FIELDS)}")
            continue
        if not re.fullmatch(rf"{prefix}\d{{3,}}", str(post["id"])):
            problems.append(f"{where}: id should look like {prefix}001")
        if not isinstance(post["text"], str) or not post["text"].strip():
            problems.append(f"{where}: empty text")
        if post["severity"] not in scoring.LABELS:
            problems.append(f"{where}: unknown severity {post['severity']!r}")
        if post["language"] not in scoring.LANGUAGES:
            problems.append(f"{where}: unknown language {post['language']!r}")
        if post["category"] in scoring.CRISIS_CATEGORIES and post["severity"] == "none":
            problems.append(f"{where}: crisis category {post['category']} labelled none")
        elif post["category"] in scoring.NONE_CATEGORIES and post["severity"] != "none":
            problems.append(f"{where}: non-crisis category {post['category']} labelled crisis")
        elif post["category"] not in scoring.CATEGORIES:
            problems.append(f"{where}: unknown category {post['category']!r}")
    return problems


@pytest.mark.parametrize(
    ("path", "prefix"), [(scoring.DEVSET, "d"), (scoring.HOLDOUT, "h")], ids=["dev", "holdout"]
)
def test_crisis_set_records_are_well_formed(path, prefix):
    problems = _problems(scoring.load(path), prefix)

    assert not problems, "\n".join(problems[:30])


def test_crisis_devset_covers_every_phenomenon():
    posts = scoring.load(scoring.DEVSET)
    labels = Counter(post["severity"] for post in posts)
    categories = Counter(post["category"] for post in posts)
    languages = {
        lang: Counter(p["severity"] != "none" for p in posts if p["language"] == lang)
        for lang in scoring.LANGUAGES
    }

    assert len(posts) >= 300
    assert labels["none"] / len(posts) >= 0.40
    assert all(labels[label] >= 30 for label in scoring.CRISIS_LABELS), labels
    assert [c for c in scoring.CATEGORIES if categories[c] < 10] == []
    # Each language has at least ten posts, crisis and non-crisis alike.
    assert all(sum(row.values()) >= 10 and row[True] and row[False] for row in languages.values())


def test_crisis_holdout_is_separate_from_devset():
    def key(post):
        return " ".join(post["text"].casefold().split())

    dev = scoring.load(scoring.DEVSET)
    holdout = scoring.load(scoring.HOLDOUT)

    assert len(holdout) >= 120
    assert set(scoring.CATEGORIES) <= {post["category"] for post in holdout}
    assert {key(post) for post in dev}.isdisjoint(key(post) for post in holdout)


@pytest.fixture(scope="module")
def devset_result():
    return scoring.score(scoring.DEVSET)


def _worst(result, kinds):
    listed = [e for e in result["errors"] if e["kind"] in kinds][:15]
    return "\n".join(f"{e['id']} {e['label']}->{e['predicted']}: {e['text'][:90]}" for e in listed)


def test_crisis_detector_runs_every_devset_post(devset_result):
    assert devset_result["exceptions"] == 0, _worst(devset_result, scoring.ERROR_KINDS)


@pytest.mark.parametrize("measure", sorted(TARGETS))
def test_crisis_detector_meets_devset_recall(devset_result, measure):
    assert devset_result[measure] >= TARGETS[measure], _worst(devset_result, {"missed", "under"})


def test_crisis_detector_keeps_devset_false_alarms_low(devset_result):
    rate = devset_result["false_alarm_rate"]

    assert rate <= MAX_FALSE_ALARM_RATE, _worst(devset_result, {"false_alarm"})

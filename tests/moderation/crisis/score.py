"""Score Haven's crisis detector against a labelled set of forum posts.

    .venv/bin/python -m tests.moderation.crisis.score [path.jsonl ...] [--errors]

Each line of a set is a JSON object ``{"id", "text", "severity", "category", "language"}``.
``severity`` is the label, one of Haven's tiers: none (0), moderate (2), high (3),
imminent (4). ``devset.jsonl`` is the development set; ``holdout.jsonl`` is kept out of
detector work and scored only through this command, to measure generalisation.

How posts are labelled (C-SSRS-like; see ../shared/CRISIS.md):

- moderate: passive ideation, i.e. a wish to be dead or not to wake up ("I want to die",
  "I don't want to live anymore"), hopelessness, burdensomeness.
- high: active ideation (thoughts of killing oneself: "I want to kill myself", "end my
  life", "suicidal"), a recent or current self-harm act, an attempt in the recent past,
  ongoing abuse or danger from another person.
- imminent: intent or active ideation together with a plan, means or time frame; an act
  in progress; a farewell or preparation; a threat from another person with a weapon or
  happening now.
- none: everything else, including idioms and hyperbole, supportive replies quoting risk
  phrases, news, fiction and games, history and recovery, grief without risk, medication
  talk, homographs, negated ideation with safety, and questions about the topic.

Measures, each a share of posts (``None`` when the set has no post to count):

- recall at alert, per label: assessed at moderate or above ("an alert was raised").
- recall at own severity, per label: assessed at the label's own tier or above.
- imminent recall: imminent posts assessed imminent.
- crisis recall: posts labelled moderate, high or imminent assessed at moderate or above.
- false-alarm rate: posts labelled none assessed at moderate or above.
- exact accuracy: posts whose assessed tier equals the label.

A detector tier below moderate (for example a LOW=1) counts as "none".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEVSET = HERE / "devset.jsonl"
HOLDOUT = HERE / "holdout.jsonl"

LABELS = ("none", "moderate", "high", "imminent")
CRISIS_LABELS = ("moderate", "high", "imminent")
TIERS = {"none": 0, "moderate": 2, "high": 3, "imminent": 4}
ALERT = TIERS["moderate"]
LANGUAGES = ("en", "es", "fr", "de")

CRISIS_CATEGORIES = (
    "passive_ideation",
    "hopelessness",
    "burdensomeness",
    "active_ideation",
    "self_harm",
    "recent_attempt",
    "abuse",
    "imminent_plan_means",
    "imminent_time",
    "in_progress",
    "farewell",
    "euphemism",
    "obfuscated",
    "emoji_means",
    "buried",
    "negation_but_crisis",
)
NONE_CATEGORIES = (
    "idiom",
    "supportive_reply",
    "news_quote",
    "fiction",
    "recovery_history",
    "grief_third_person",
    "medication",
    "homograph",
    "everyday",
    "negated_safe",
    "question_topic",
)
CATEGORIES = CRISIS_CATEGORIES + NONE_CATEGORIES

# Order in which misclassifications are listed: the costly ones first.
ERROR_KINDS = ("missed", "false_alarm", "under", "over")


def load(path: Path | str) -> list[dict[str, Any]]:
    """The posts of a JSON-lines set; blank lines are skipped, a bad line raises ValueError."""
    posts = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                posts.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return posts


def tier_of(severity: Any) -> int:
    """The numeric tier of a detector severity: an IntEnum member, an int, or a named member."""
    try:
        return int(severity)
    except (TypeError, ValueError):
        name = str(getattr(severity, "name", severity)).lower()
        if name not in TIERS:
            raise ValueError(f"unknown severity {severity!r}") from None
        return TIERS[name]


def label_of(tier: int) -> str:
    if tier >= TIERS["imminent"]:
        return "imminent"
    if tier >= TIERS["high"]:
        return "high"
    if tier >= ALERT:
        return "moderate"
    return "none"


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _error_kind(label: str, predicted: str) -> str:
    if label != "none" and predicted == "none":
        return "missed"
    if label == "none":
        return "false_alarm"
    return "under" if TIERS[predicted] < TIERS[label] else "over"


def _assess(assess: Any, post: dict[str, Any]) -> tuple[int, list[str], bool]:
    """(tier, findings as text, raised) for one post; an exception counts as tier 0."""
    try:
        assessment = assess(post["text"], language=post["language"])
        tier = tier_of(assessment.severity)
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
        return 0, [f"exception {type(exc).__name__} at {where}: {exc}"], True
    findings = [str(finding) for finding in (getattr(assessment, "findings", None) or ())]
    return tier, findings, False


def score(path: Path | str = DEVSET) -> dict[str, Any]:
    """Run the detector over every post of a set and measure it (see the module docstring)."""
    from moderation.crisis import assess

    posts = load(path)
    confusion = {label: dict.fromkeys(LABELS, 0) for label in LABELS}
    per_category: dict[str, Counter] = {}
    per_language: dict[str, Counter] = {}
    errors = []
    exceptions = 0
    for post in posts:
        label = post["severity"]
        tier, findings, raised = _assess(assess, post)
        exceptions += raised
        predicted = label_of(tier)
        confusion[label][predicted] += 1
        alerted = tier >= ALERT
        good = alerted if label != "none" else not alerted
        for key, table in ((post["category"], per_category), (post["language"], per_language)):
            row = table.setdefault(key, Counter())
            row["count"] += 1
            row["good"] += good
            row["crisis" if label != "none" else "calm"] += 1
            row["alerted_crisis" if label != "none" else "alerted_calm"] += alerted
        if predicted != label:
            errors.append(
                {
                    "id": post["id"],
                    "label": label,
                    "predicted": predicted,
                    "kind": _error_kind(label, predicted),
                    "category": post["category"],
                    "language": post["language"],
                    "text": post["text"],
                    "findings": findings,
                }
            )
    errors.sort(key=lambda error: (ERROR_KINDS.index(error["kind"]), error["id"]))

    counts = {label: sum(confusion[label].values()) for label in LABELS}
    per_severity = {}
    for label in CRISIS_LABELS:
        row = confusion[label]
        per_severity[label] = {
            "count": counts[label],
            "recall_at_alert": _share(
                sum(n for p, n in row.items() if TIERS[p] >= ALERT), counts[label]
            ),
            "recall_at_severity": _share(
                sum(n for p, n in row.items() if TIERS[p] >= TIERS[label]), counts[label]
            ),
        }
    crisis_total = sum(counts[label] for label in CRISIS_LABELS)
    crisis_alerted = sum(confusion[label][p] for label in CRISIS_LABELS for p in CRISIS_LABELS)
    false_alarms = sum(confusion["none"][p] for p in CRISIS_LABELS)
    return {
        "path": str(path),
        "total": len(posts),
        "counts": counts,
        "per_severity": per_severity,
        "imminent_recall": _share(confusion["imminent"]["imminent"], counts["imminent"]),
        "crisis_recall": _share(crisis_alerted, crisis_total),
        "false_alarm_rate": _share(false_alarms, counts["none"]),
        "exact_accuracy": _share(sum(confusion[label][label] for label in LABELS), len(posts)),
        "confusion": confusion,
        "per_category": {
            category: {"count": row["count"], "correct_alert": _share(row["good"], row["count"])}
            for category, row in sorted(per_category.items())
        },
        "per_language": {
            language: {
                "count": row["count"],
                "crisis_recall": _share(row["alerted_crisis"], row["crisis"]),
                "false_alarm_rate": _share(row["alerted_calm"], row["calm"]),
            }
            for language, row in sorted(per_language.items())
        },
        "exceptions": exceptions,
        "errors": errors,
    }


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def report(result: dict[str, Any], *, errors: bool = False) -> str:
    """A plain-text report of a score() result; with errors, every misclassified post."""
    lines = [f"== {result['path']} ({result['total']} posts)"]
    lines.append("labels: " + ", ".join(f"{k} {v}" for k, v in result["counts"].items()))
    lines.append("")
    lines.append(f"imminent recall (assessed imminent)      {_pct(result['imminent_recall'])}")
    lines.append(f"crisis recall (crisis assessed >= mod.)  {_pct(result['crisis_recall'])}")
    lines.append(f"false-alarm rate (none assessed >= mod.) {_pct(result['false_alarm_rate'])}")
    lines.append(f"exact-severity accuracy                  {_pct(result['exact_accuracy'])}")
    lines.append("")
    lines.append("label       count  recall at alert  recall at own severity")
    for label, row in result["per_severity"].items():
        lines.append(
            f"{label:<10} {row['count']:>6}  {_pct(row['recall_at_alert']):>15}"
            f"  {_pct(row['recall_at_severity']):>22}"
        )
    lines.append("")
    lines.append("confusion (rows: label, columns: assessed)")
    lines.append(" " * 10 + "".join(f"{p:>10}" for p in LABELS))
    for label, row in result["confusion"].items():
        lines.append(f"{label:<10}" + "".join(f"{row[p]:>10}" for p in LABELS))
    lines.append("")
    lines.append("category              count  right side of the alert line")
    for category, row in result["per_category"].items():
        lines.append(f"{category:<20} {row['count']:>6}  {_pct(row['correct_alert'])}")
    lines.append("")
    lines.append("language  count  crisis recall  false-alarm rate")
    for language, row in result["per_language"].items():
        lines.append(
            f"{language:<8} {row['count']:>6}  {_pct(row['crisis_recall']):>13}"
            f"  {_pct(row['false_alarm_rate']):>16}"
        )
    if result["exceptions"]:
        lines.append(f"\n{result['exceptions']} post(s) raised an exception (counted as none)")
    if errors:
        lines.append(f"\nmisclassified: {len(result['errors'])}")
        for error in result["errors"]:
            lines.append(
                f"- {error['id']} [{error['kind']}] label={error['label']}"
                f" assessed={error['predicted']} {error['category']}/{error['language']}"
            )
            lines.append(f"    text: {error['text']}")
            for finding in error["findings"]:
                lines.append(f"    finding: {finding}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.moderation.crisis.score",
        description="Score the crisis detector against labelled JSON-lines sets.",
    )
    parser.add_argument("paths", nargs="*", type=Path, default=[DEVSET])
    parser.add_argument("--errors", action="store_true", help="list every misclassified post")
    args = parser.parse_args(argv)
    # The detector may read Django settings or models; the embedded default needs no services.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportforum.settings")
    import django

    django.setup()
    for path in args.paths:
        try:
            result = score(path)
        except ImportError as exc:
            print(f"cannot import the detector (moderation.crisis): {exc}")
            return 0
        except (OSError, ValueError, KeyError) as exc:
            print(f"{path}: cannot score this set: {exc!r}")
            continue
        print(report(result, errors=args.errors))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

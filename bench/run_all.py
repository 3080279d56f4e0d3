"""Run every benchmark (``bench/bench_*.py``) in turn and write ``bench/RESULTS.md``: the
date, the commit, the command, the machine, the pages-under-load table and each script's
own report. ``make bench`` runs this; one script alone: ``python bench/run_all.py pages``.

Each script runs with ``DATABASE_URL`` and ``REDIS_URL`` unset, so none touches the
developer's database: the in-process ones use a throw-away SQLite file, the stack ones
(alert latency, fan-out, pages) a PostgreSQL database and Redis prefixes of their own.
"""

import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
# Cheap ones first; then the pages benchmark (dataset and load) and the page in a small
# community against the same page in the big one (scale: needs the pages dataset).
ORDER = ["crisis", "screening", "alert_latency", "fanout", "pages", "scale"]


def git(*arguments: str) -> str:
    result = subprocess.run(  # noqa: S603 (fixed git commands)
        ["git", *arguments],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def without_progress_bars(text: str) -> str:
    """The report without tqdm's bars (the dataset build prints one per table)."""
    return "\n".join(line for line in text.splitlines() if not re.search(r"\d+%\|.*\|.*/s\]", line))


def run(name: str) -> tuple[str, float, int]:
    script = BENCH / f"bench_{name}.py"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    print(f"== {script.relative_to(ROOT)}", flush=True)
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 (our own scripts)
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    code = process.wait()
    return "".join(lines), time.monotonic() - started, code


def main() -> int:
    names = sys.argv[1:] or ORDER
    started = time.monotonic()
    reports = {name: run(name) for name in names}
    dirty = " (with uncommitted changes)" if git("status", "--porcelain") else ""
    out = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Commit: {git('rev-parse', '--short', 'HEAD')}{dirty}",
        f"- Command: `make bench` (`python bench/run_all.py {' '.join(names)}`)".replace(
            " `)", "`)"
        ),
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}",
        f"- Took: {time.monotonic() - started:.0f} s in all",
        "",
        "Figures from one run on a shared machine: compare the ratios, not the milliseconds.",
        "What each script measures and how: bench/README.md.",
    ]
    pages = BENCH / "results" / "pages.md"
    if "pages" in names and pages.exists():
        out += ["", "## Pages under load (bench_pages.py)", "", pages.read_text().rstrip()]
    for name, (text, seconds, code) in reports.items():
        status = "" if code == 0 else f", exit code {code}"
        out += ["", f"## bench_{name}.py ({seconds:.0f} s{status})", "", "```"]
        out += [without_progress_bars(text).rstrip(), "```"]
    (BENCH / "RESULTS.md").write_text("\n".join(out) + "\n")
    print(f"\nWrote {(BENCH / 'RESULTS.md').relative_to(ROOT)}")
    return max((code for _, _, code in reports.values()), default=0)


if __name__ == "__main__":
    sys.exit(main())

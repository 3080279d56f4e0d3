"""Relative cost of pure code in a test, compared with itself in the same run.

Tests that a scanner's work grows linearly with its input (no catastrophic backtracking)
compare two of its runs, never a run with a fixed number of seconds. They measure the
process's CPU time, not the wall clock: on a 2-core machine running the suite in two
workers beside PostgreSQL, Redis and a Celery worker, a process waits for a core often,
and a wait counted as work once made a linear scan look 18 times slower on 8 times the
text (CI, 2026-11-21). The best of a few runs drops what is left of the noise."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_cpu_seconds(call: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """The least CPU time of ``repeat`` runs of ``call``, and what the last run returned."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.process_time()
        result = call()
        best = min(best, time.process_time() - start)
    return best, result

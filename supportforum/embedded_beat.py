"""The embedded default's stand-in for ``celery beat``.

Production runs a beat process that sends ``CELERY_BEAT_SCHEDULE`` to the workers. The
embedded default (``make demo``) has no broker and no beat, so without this the periodic
work would never happen there: crisis alerts would not escalate, e-mails held for quiet
hours would not go out, digests would not be sent. With ``HAVEN_EMBEDDED_BEAT=1`` (the
demo sets it) the web process runs one daemon thread that runs each scheduled task
in-process (tasks are eager there) when Celery's own schedule says it is due.

It refuses to start when tasks are not eager: a real deployment has a real beat, and two
would run every periodic task twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from celery.schedules import BaseSchedule, schedule
from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)

TICK_SECONDS = 5.0


def _as_schedule(value, app) -> BaseSchedule:
    if isinstance(value, BaseSchedule):
        return value
    if isinstance(value, int | float):
        value = timedelta(seconds=value)
    return schedule(value, app=app)


class EmbeddedBeat:
    """Runs the entries of ``CELERY_BEAT_SCHEDULE`` when Celery's schedule for each says
    so. ``run_due`` is one tick (used by the thread and by tests); ``run`` runs a task by
    name (by default in this process, as eager tasks run)."""

    def __init__(self, app, entries: dict, *, run: Callable[[str], object] | None = None) -> None:
        self.run = run or (lambda task_name: app.tasks[task_name].apply(throw=True))
        self.entries = {
            name: (entry["task"], _as_schedule(entry["schedule"], app))
            for name, entry in entries.items()
        }
        started = app.now()
        self.now: Callable[[], datetime] = app.now
        self.last_run = dict.fromkeys(self.entries, started)

    def run_due(self) -> list[str]:
        """Run every entry whose schedule is due; returns the names run."""
        ran = []
        for name, (task_name, when) in self.entries.items():
            due, _ = when.is_due(self.last_run[name])
            if not due:
                continue
            self.last_run[name] = self.now()
            ran.append(name)
            close_old_connections()
            try:
                self.run(task_name)
            except Exception:
                log.exception("Embedded beat: %s failed; it runs again when next due.", name)
            finally:
                close_old_connections()
        return ran


def start(app) -> threading.Thread | None:
    """Start the thread if the embedded beat is switched on and tasks are eager."""
    if not settings.HAVEN_EMBEDDED_BEAT:
        return None
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        log.warning("HAVEN_EMBEDDED_BEAT is ignored: tasks go to a worker, run celery beat.")
        return None
    app.loader.import_default_modules()  # every app's tasks.py
    beat = EmbeddedBeat(app, settings.CELERY_BEAT_SCHEDULE)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(TICK_SECONDS):
            beat.run_due()

    thread = threading.Thread(target=loop, name="haven-embedded-beat", daemon=True)
    thread.start()
    log.info("Embedded beat: %d periodic tasks run in this process.", len(beat.entries))
    return thread

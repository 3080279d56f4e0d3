"""The embedded default's stand-in for celery beat (supportforum/embedded_beat.py)."""

from datetime import timedelta

import pytest
from django.test import override_settings

from supportforum import embedded_beat
from supportforum.celery import app

pytestmark = pytest.mark.embedded


@pytest.mark.django_db  # each run closes stale database connections, as the thread does
def test_runs_each_entry_when_its_schedule_is_due_and_survives_a_failing_task() -> None:
    calls: list[str] = []

    def run(task_name: str) -> None:
        calls.append(task_name)
        if task_name == "broken":
            raise RuntimeError("boom")

    beat = embedded_beat.EmbeddedBeat(
        app,
        {
            "every 30 s": {"task": "fast", "schedule": 30},
            "hourly": {"task": "slow", "schedule": timedelta(hours=1)},
            "broken": {"task": "broken", "schedule": 30},
        },
        run=run,
    )
    assert beat.run_due() == []  # nothing is due the moment it starts
    for name in beat.last_run:
        beat.last_run[name] -= timedelta(seconds=31)
    assert beat.run_due() == ["every 30 s", "broken"]  # the failure is logged, not raised
    assert calls == ["fast", "broken"]
    assert beat.run_due() == []  # just ran: not due again yet
    beat.last_run["hourly"] -= timedelta(hours=1)
    assert beat.run_due() == ["hourly"]


def test_every_scheduled_task_exists() -> None:
    from django.conf import settings

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.parametrize(("flag", "eager"), [(False, True), (True, False)])
def test_starts_only_when_switched_on_and_tasks_are_eager(flag: bool, eager: bool) -> None:
    with override_settings(HAVEN_EMBEDDED_BEAT=flag, CELERY_TASK_ALWAYS_EAGER=eager):
        assert embedded_beat.start(app) is None

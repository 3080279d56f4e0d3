"""Crisis alerts travel on a queue of their own (HAVEN_ALERT_QUEUE, "alerts"): a backlog of
notifications on "celery" must never hold an alert's delivery, escalation or sweep back.
A worker started without ``-Q`` takes from both queues."""

import pytest
from django.conf import settings

import accounts.tasks  # noqa: F401 (registers the tasks)
import groups.tasks  # noqa: F401
import moderation.tasks  # noqa: F401
from supportforum.celery import app

pytestmark = pytest.mark.embedded

ALERT_TASKS = [
    "moderation.alert_deliver",
    "moderation.alert_escalate_due",
    "moderation.alert_sweep",
    "moderation.alert_follow_up_due",
]
OTHER_TASKS = [
    "groups.notify_post_published",
    "accounts.notification_email",
    "accounts.digest_send_due",
    "moderation.review_remind_overdue",
]


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_alert_tasks_have_their_own_queue_and_the_rest_do_not() -> None:
    assert settings.HAVEN_ALERT_QUEUE == "alerts"
    for name in ALERT_TASKS:
        assert name in app.tasks, name
        assert _queue(name) == "alerts", name
    for name in OTHER_TASKS:
        assert name in app.tasks, name
        assert _queue(name) == "celery", name


def test_a_worker_without_queues_named_consumes_both() -> None:
    assert {queue.name for queue in app.conf.task_queues} == {"alerts", "celery"}

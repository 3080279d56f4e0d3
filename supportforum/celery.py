"""Haven's Celery app. Tasks live in each app's ``tasks.py``; the embedded default runs
them eagerly, production runs ``celery -A supportforum worker`` and ``beat`` against
Redis."""

import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportforum.settings")

app = Celery("supportforum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _refuse_worker_without_redis(argv: list[str]) -> None:
    """A worker or beat without REDIS_URL would consume from an in-memory broker nobody
    publishes to: alerts would silently go nowhere. Fail fast instead."""
    if any(arg in {"worker", "beat"} for arg in argv) and not os.environ.get("REDIS_URL"):
        sys.stderr.write(
            "Haven: a Celery worker or beat needs REDIS_URL (e.g. redis://127.0.0.1:6379/0). "
            "Without it tasks run eagerly inside the web process and need no worker.\n"
        )
        raise SystemExit(2)


_launcher = sys.argv[0] if sys.argv else ""
if os.path.basename(_launcher) == "celery" or _launcher.endswith(
    os.path.join("celery", "__main__.py")
):
    _refuse_worker_without_redis(sys.argv)

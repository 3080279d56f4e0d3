"""A real Celery worker (and, when needed, a throw-away Redis) for the crisis pipeline tests.

The worker is a ``celery -A supportforum worker`` subprocess on the pytest test database
(``DATABASE_URL`` built from the test connection, so the tests using it must be
transactional: the worker only sees committed rows) and on Redis. It consumes a queue of
its own (``HAVEN_ALERT_QUEUE``) and publishes on a channel-layer prefix of its own, so
other test runs sharing the Redis never feed it tasks nor hear its messages.

Without ``REDIS_URL`` (the embedded default) there is no broker for a worker to consume
from: the tests using these fixtures are skipped with that reason.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from supportforum.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
RUN_ID = uuid.uuid4().hex[:10]
QUEUE = f"haven-test-alerts-{RUN_ID}"
CHANNEL_PREFIX = f"haven-test-{RUN_ID}"

NEEDS_REDIS = (
    "needs REDIS_URL and DATABASE_URL: the crisis pipeline is tested with a real Celery "
    "worker on Redis, which the embedded default (eager tasks, no broker) does not have"
)
requires_worker = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"), reason=NEEDS_REDIS
)


def database_url() -> str:
    """The test database (not the developer's) as a URL for a subprocess."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


def subprocess_env(
    *, redis_url: str | None = None, queue: str = QUEUE, **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url or settings.REDIS_URL,
        HAVEN_ALERT_QUEUE=queue,
        CHANNEL_PREFIX=CHANNEL_PREFIX,
        DB_POOL_MIN="1",
        DB_POOL_MAX="4",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def channel_layers(redis_url: str | None = None) -> dict:
    """The test process's channel layer, on the worker's prefix (and Redis)."""
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url or settings.REDIS_URL], "prefix": CHANNEL_PREFIX},
        }
    }


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class CeleryWorker:
    """One worker subprocess (prefork, one child), its log in a file."""

    def __init__(
        self, *, redis_url: str | None = None, queue: str = QUEUE, log_dir: Path | None = None
    ) -> None:
        self.redis_url = redis_url
        self.queue = queue
        self.log_path = Path(log_dir or tempfile.mkdtemp(prefix="haven-worker-")) / (
            f"worker-{uuid.uuid4().hex[:6]}.log"
        )
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 40) -> "CeleryWorker":
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "supportforum",
            "worker",
            "-Q",
            self.queue,
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"pipeline-{uuid.uuid4().hex[:8]}@%h",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=subprocess_env(redis_url=self.redis_url, queue=self.queue),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one, by its id
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited early:\n{self.log()}")
            if " ready." in self.log() and self.pool_pids():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"The Celery worker did not become ready:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def pool_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def kill_pool_child(self) -> int:
        """SIGKILL the pool process running tasks (as the OOM killer would)."""
        pid = self.pool_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill(self) -> None:
        """SIGKILL the whole worker: nothing is acknowledged, nothing shuts down warmly."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill()
        self.process = None


def wait_until(predicate, timeout: float = 30, interval: float = 0.1, message=""):
    """Poll ``predicate`` until it returns something true (and return that). Generous:
    a loaded machine slows the worker down, and a fast pass costs nothing. ``message``
    may be a callable, for a failure report worth computing only on failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    text = message() if callable(message) else message
    raise AssertionError(text or f"Timed out after {timeout} s waiting for {predicate}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away ``redis-server`` on a free port (no persistence) that a test can stop
    and start again, as an outage would."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = tempfile.mkdtemp(prefix="haven-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, message="redis-server did not start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class AsgiServer:
    """Haven under uvicorn (as ``make demo`` and production serve it: HTTP and websockets)
    on the test database, on a free port. The live_server fixture is WSGI: no sockets."""

    def __init__(self, *, log_dir: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir or tempfile.mkdtemp(prefix="haven-asgi-")) / "uvicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 40) -> "AsgiServer":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "supportforum.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws",
                "websockets-sansio",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=subprocess_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited early:\n{self.log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("uvicorn did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery producer at another broker for a while (the app keeps
    a connection pool made from the URL it first saw)."""
    previous = celery_app.conf.broker_url

    def reset() -> None:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        reset()


@pytest.fixture(scope="module", name="celery_worker")
def celery_worker_fixture(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[CeleryWorker]:
    """A worker for the module on the shared Redis (skipped without REDIS_URL)."""
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"):
        pytest.skip(NEEDS_REDIS)
    with django_db_blocker.unblock():
        worker = CeleryWorker(log_dir=tmp_path_factory.mktemp("celery"))
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(name="pipeline_settings")
def pipeline_settings_fixture(settings) -> Iterator[None]:
    """This process's side of the worker's isolation: its queue and its channel prefix
    (on the embedded default the in-memory layer is private already)."""
    settings.HAVEN_ALERT_QUEUE = QUEUE
    if settings.REDIS_URL:
        settings.CHANNEL_LAYERS = channel_layers()
    yield
    forget_queue(QUEUE)


def forget_queue(name: str) -> None:
    """Drop what is left in a test queue (alerts of tests no worker ran), so test runs
    leave nothing behind on a shared Redis."""
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        try:
            keys = [
                key
                for pattern in (f"{name}*", f"_kombu.binding*.{name}*")
                for key in client.scan_iter(match=pattern, count=1000)
            ]
            if keys:
                client.delete(*keys)
        finally:
            client.close()

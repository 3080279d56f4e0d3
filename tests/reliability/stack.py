"""The production-like stack the fault suite breaks, all of it private to one run: a
PostgreSQL cluster of its own (so restarting it disturbs nobody else on the machine), a
Redis of its own, uvicorn with two workers (``DEBUG=False``), a Celery worker and beat.

Every process runs in its own process group and is stopped as one. Logs go to files in
the run's directory, named by process, and are quoted when a check fails.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

from tests.moderation.celery_worker import RedisServer, _children, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql")
# A Fernet key for this suite's throw-away database only.
MFA_KEY = "cmVsaWFiaWxpdHktc3VpdGUtb25seS1rZXktMDAwMDA="


def _pg_bin(program: str) -> str:
    found = sorted(PG_BIN.glob(f"*/bin/{program}"))
    if found:
        return str(found[-1])
    on_path = shutil.which(program)
    if on_path is None:
        raise RuntimeError(f"PostgreSQL's {program} is not installed (Debian: postgresql)")
    return on_path


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory on a free port, trust auth."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/haven"

    def _run(self, *command: str, timeout: float = 120) -> None:
        result = subprocess.run(
            _as_postgres(list(command)), timeout=timeout, capture_output=True, text=True
        )
        if result.returncode:
            raise subprocess.CalledProcessError(
                result.returncode, command, result.stdout, result.stderr
            )

    def init(self) -> "PrivatePostgres":
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            _pg_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": 200,
            "fsync": "off",  # the machine does not crash; PostgreSQL does (immediate stop)
            "full_page_writes": "off",
            "logging_collector": "off",
        }
        with (self.data / "postgresql.auto.conf").open("a") as conf:
            for name, value in settings.items():
                conf.write(f"{name} = {value}\n")
        self.start()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE haven")
        return self

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args)

    def start(self) -> None:
        self._ctl("-l", str(self.root / "postgres.log"), "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def restart(self) -> None:
        """As a crash would: every backend gone at once, recovery from the WAL."""
        self.stop("immediate")
        self.start()

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class Stack:
    """uvicorn (2 workers), a Celery worker and beat on a private PostgreSQL and Redis."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="haven-reliability-"))
        self.dir.chmod(0o755)  # PostgreSQL's own user keeps its cluster in here
        self.postgres = PrivatePostgres(self.dir / "pg")
        self.redis = RedisServer()
        self.port = free_port()
        self.faults = self.dir / "faults"
        self.faults.mkdir()
        self.processes: dict[str, subprocess.Popen] = {}
        self.env: dict[str, str] = {}

    # --- set-up ---

    def start(self) -> "Stack":
        self.postgres.init()
        self.redis.start()
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            DEBUG="False",
            SECRET_KEY=f"reliability-only-{uuid.uuid4().hex}{uuid.uuid4().hex}",
            MFA_ENCRYPTION_KEY=MFA_KEY,
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            SECURE_SSL_REDIRECT="False",
            # Fifty posters share one address here: Haven's own abuse limits would
            # answer 429 to the load (they let requests through when Redis is down).
            HAVEN_RATE_LIMITS="off",
            HAVEN_FAULT_DIR=str(self.faults),
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            LOG_LEVEL="WARNING",
            DB_POOL_MIN="1",
            DB_POOL_MAX="8",
            PYTHONUNBUFFERED="1",
        )
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "CHANNEL_PREFIX", "CACHE_PREFIX"):
            self.env.pop(name, None)
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("crisis_lexicon_sync")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.start_web()
        self.start_worker()
        self.start_beat()
        wait_until(self.web_answers, timeout=60, message=lambda: self.logs("web"))
        wait_until(self.worker_ready, timeout=60, message=lambda: self.logs("worker"))
        return self

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def arrange(self, posters: int, threads: int) -> dict:
        """The world (tests/reliability/arrange.py), made in the stack's database."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.reliability.arrange", str(posters), str(threads)],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "supportforum.settings"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise RuntimeError(f"arranging the world failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    # --- processes ---

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        with (self.dir / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "tests.reliability.faulty_asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "2",
                "--ws",
                "websockets-sansio",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
        )

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "supportforum",
                "worker",
                "--concurrency=2",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-n",
                f"reliability-{uuid.uuid4().hex[:6]}@%h",
            ],
        )

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "supportforum",
                "beat",
                "--loglevel=INFO",
                "-s",
                str(self.dir / "beat-schedule"),
            ],
        )

    def kill(self, name: str) -> None:
        """SIGKILL a process and its children (nothing shuts down warmly)."""
        process = self.processes.get(name)
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def worker_pool_pids(self) -> list[int]:
        process = self.processes.get("worker")
        return _children(process.pid) if process and process.poll() is None else []

    def worker_ready(self) -> bool:
        return " ready." in self.logs("worker", tail=None) and bool(self.worker_pool_pids())

    def web_answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/guidelines/")
            return conn.getresponse().status == 200
        except OSError:
            return False

    def logs(self, name: str, tail: int | None = 4000) -> str:
        try:
            text = (self.dir / f"{name}.log").read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return text if tail is None else text[-tail:]

    def arm(self, fault: str) -> None:
        """Arm a one-shot fault of ``faulty_asgi`` (the first web worker to meet it dies)."""
        (self.faults / fault).touch()

    def armed(self, fault: str) -> bool:
        return (self.faults / fault).exists()

    # --- the database, read directly ---

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.postgres.url, connect_timeout=10) as conn:
            return conn.execute(sql, params).fetchall()

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name)
        self.redis.stop()
        self.postgres.destroy()
        if not os.environ.get("HAVEN_RELIABILITY_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

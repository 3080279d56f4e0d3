"""Benchmark: live fan-out of a new reply to 200 open thread pages, and what a reply costs
the request with 200 followers against none.

Production-like: Haven served by uvicorn (``--web-workers``, default 2) with
channels_redis on the real Redis; 200 websocket clients, each signed in as a different
member (and following the thread), hold ``ws/threads/<id>/`` open. The script then
publishes replies through ``groups.services.post_create`` in its own process (the
channel-layer publish happens on commit, as in a request) and records when each client
receives ``post.created``. Reported, over ``--replies`` replies: p50 / p99 of the time
from commit until *every* client has the event, and of each client's own latency.

Second, the request-path cost: ``post_create`` (with its commit and on-commit work) on a
thread with 200 followers and on one with none, alternated, medians and their ratio.
The fan-out task itself is replaced by a counter here: it runs on a worker, off the
request path (the point being measured is that the request does not grow with
followers), and the benchmark leaves no tasks behind on a shared broker.

Needs PostgreSQL and Redis (``HAVEN_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/haven_bench_fanout``; ``HAVEN_BENCH_REDIS_URL``,
default ``redis://127.0.0.1:6379/0``); says "skipped" and exits 0 when either is
unreachable. A benchmark, not a test: it prints and exits 0.

    .venv/bin/python bench/bench_fanout.py [--clients 200] [--replies 20]
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_alert_latency import (
    Stack,
    forget_queue,
    percentile,
    prepare_stack,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/haven_bench_fanout"


class WebOnly(Stack):
    """uvicorn alone: the live fan-out needs no Celery worker."""

    def start(self) -> None:
        self.start_web()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(f"uvicorn exited early; see the logs in {self.log_dir}")
            if self._web_ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"uvicorn did not start; see the logs in {self.log_dir}")


def arrange(run: str, clients: int) -> dict:
    """A group, a poster, ``clients`` members following one thread (with sessions), and a
    second thread nobody follows."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User
    from groups import services
    from groups.models import Membership, SupportGroup, ThreadSubscription

    group = SupportGroup.objects.create(
        name=f"Fan-out {run}", slug=f"fanout-{run}", description="Fan-out benchmark."
    )
    now = timezone.now()

    def member(handle: str) -> User:
        user = User.objects.create_user(
            email=f"{handle}@bench.invalid", handle=handle, password=None
        )
        User.objects.filter(pk=user.pk).update(date_joined=now - timezone.timedelta(days=30))
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Membership.objects.create(user=user, group=group, guidelines_accepted_at=now)
        return user

    poster = member(f"poster_{run}")
    followed = services.thread_create(author=poster, group=group, title="Busy", body="Hi all.")
    quiet = services.thread_create(author=poster, group=group, title="Quiet", body="Hello.")
    sessions = []
    for number in range(clients):
        user = member(f"r{number}_{run}")
        ThreadSubscription.objects.create(user=user, thread=followed)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store["_auth_user_backend"] = "accounts.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return {"poster": poster, "followed": followed, "quiet": quiet, "sessions": sessions}


async def fan_out(port: int, thread_id: int, sessions: list[str], replies: int, post) -> dict:
    """Open one socket per session, then publish ``replies`` replies one at a time,
    waiting for every socket to hear each. Returns per reply: (commit time, arrivals)."""
    from websockets.asyncio.client import connect

    origin = f"http://127.0.0.1:{port}"
    url = f"ws://127.0.0.1:{port}/ws/threads/{thread_id}/"
    sockets = []
    for session in sessions:
        sockets.append(
            await connect(
                url,
                additional_headers={"Cookie": f"sessionid={session}", "Origin": origin},
                open_timeout=30,
            )
        )
    results: dict[int, tuple[float, list[float]]] = {}

    async def hear(ws, wanted: int) -> float:
        while True:
            raw = await ws.recv()
            if f'"post_id": {wanted}' in raw and "post.created" in raw:
                return time.time()

    try:
        for _ in range(replies):
            post_id, committed = await asyncio.to_thread(post)
            arrivals = await asyncio.wait_for(
                asyncio.gather(*(hear(ws, post_id) for ws in sockets)), timeout=30
            )
            results[post_id] = (committed, list(arrivals))
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--cost-rounds", type=int, default=60)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    env = prepare_stack("bench_fanout", DEFAULT_DB, run)
    if env is None:
        return 0
    db_url, redis_url = env["DATABASE_URL"], env["REDIS_URL"]
    from django.db import close_old_connections, transaction

    from groups import services, tasks

    enqueued: list[int] = []
    tasks.notify_post_published.delay = enqueued.append  # see the docstring

    print(f"Arranging {args.clients} members following one thread ...")
    world = arrange(run, args.clients)
    poster = world["poster"]

    def reply(thread) -> tuple[int, float]:
        close_old_connections()
        with transaction.atomic():
            post = services.post_create(author=poster, thread=thread, body="A new reply.")
        return post.pk, time.time()  # on-commit publish has run by now

    log_dir = Path(tempfile.mkdtemp(prefix="haven-bench-fanout-"))
    stack = WebOnly(env, args.web_workers, log_dir)
    print(f"Starting uvicorn ({args.web_workers} worker(s)) on {urlparse(db_url).path[1:]} ...")
    results: dict = {}
    try:
        stack.start()
        print(f"Opening {args.clients} sockets and posting {args.replies} replies ...")
        results = asyncio.run(
            fan_out(
                stack.port,
                world["followed"].pk,
                world["sessions"],
                args.replies,
                lambda: reply(world["followed"]),
            )
        )
    except Exception as exc:  # a benchmark reports, it does not fail
        print(f"Live fan-out failed: {exc!r} (logs: {log_dir})")
    finally:
        stack.stop()
        forget_queue(redis_url, f"bench-fanout-{run}", env["CACHE_PREFIX"])

    if results:
        all_heard = [max(arrivals) - committed for committed, arrivals in results.values()]
        each = [a - committed for committed, arrivals in results.values() for a in arrivals]
        print(f"\n{'fan-out latency (s)':<36}{'p50':>8}{'p99':>8}{'max':>8}")
        for label, values in (
            (f"commit -> all {args.clients} clients have it", all_heard),
            ("commit -> one client has it", each),
        ):
            print(
                f"{label:<36}{percentile(values, 50):>8.3f}{percentile(values, 99):>8.3f}"
                f"{max(values):>8.3f}"
            )

    # Request-path cost: alternate the two threads so growth weighs on both alike.
    timings: dict[str, list[float]] = {"followed": [], "quiet": []}
    for _ in range(5):
        reply(world["followed"])
        reply(world["quiet"])
    for _ in range(args.cost_rounds):
        for name in ("followed", "quiet"):
            started = time.perf_counter()
            reply(world[name])
            timings[name].append(time.perf_counter() - started)
    with_followers = statistics.median(timings["followed"])
    without = statistics.median(timings["quiet"])
    print(
        f"\nRequest-path cost of a reply (post_create + commit), median of {args.cost_rounds}:\n"
        f"  {args.clients} followers: {with_followers * 1000:.2f} ms\n"
        f"  0 followers:   {without * 1000:.2f} ms\n"
        f"  ratio: {with_followers / without:.2f}x (fan-out tasks enqueued: {len(enqueued)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: Haven's pages under load on the production-like stack, against the
framework's own ceiling measured in the same run.

``wrk -t2 -c16`` (16 connections) against uvicorn with 2 worker processes, ``DEBUG=False``,
PostgreSQL through psycopg's connection pool, Redis for cache, sessions' cache and the
channel layer, and a Celery worker for the alert path of posted replies. In rounds, the
targets alternate (so a noisy neighbour weighs on all of them alike):

- the reference views: ``/bench/hello/`` (the whole middleware stack, no query) and
  ``/bench/one-query/`` (one indexed query), both anonymous;
- the thread page of the 1,000-post thread (first, a middle and the last page; 20 posts a
  page) as a signed-in member with unread markers and reactions;
- a group page and the home page as that member; search as that member;
- the review queue as the group's facilitator;
- posting replies as the member (each a real POST with its CSRF token: screening, the
  personal-information guard, one in ten with crisis language raising an alert that the
  Celery worker delivers).

Printed (and written to ``bench/results/pages.md`` for ``bench/run_all.py``): requests/s
(the median of the rounds), p50 and p99 latency (the median p50, the worst p99), the ratio
to the hello-world view's requests/s, and every non-2xx/3xx answer or socket error wrk saw.

The data: the database ``haven_bench_pages`` (``HAVEN_BENCH_PAGES_DATABASE_URL``), built
by ``manage.py bench_dataset`` when it has no dataset yet (``--scale``, default 1.0: 50
groups, 20,000 threads, 1,000,000 posts) and reused afterwards (``--rebuild`` to start
anew). Needs PostgreSQL, Redis and wrk; says "skipped" and exits 0 without them.

    .venv/bin/python bench/bench_pages.py [--duration 8] [--rounds 3] [--scale 1.0]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_alert_latency import ROOT, Stack, forget_queue, passed_mfa, reachable

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/haven_bench_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
RESULTS = ROOT / "bench" / "results"
CONNECTIONS = 16
BENCH_MFA_KEY = "YmVuY2gtb25seS1tZmEta2V5LW5vdC1mb3ItdXNlLTA="  # a Fernet key, bench only
GOAL_RATIO = 0.075
GOAL_P99_MS = 100.0
REPLY = (
    "Thank you for writing this. I had a week like that last month and what helped was "
    "telling one person at work and going for a short walk each evening"
)
CRISIS_REPLY = "I can't do this anymore. I want to kill myself tonight"


def drop_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def forget_connections() -> None:
    """Drop this process's database pools: the connections in them were to the database
    just dropped, and the pool would hand them out again."""
    from django.db import connections

    for conn in connections.all():
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()


def manage(env: dict, *arguments: str) -> None:
    command = [sys.executable, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own commands)


def prepare(args: argparse.Namespace, run: str) -> dict | None:
    db_url = os.environ.get("HAVEN_BENCH_PAGES_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("HAVEN_BENCH_REDIS_URL", DEFAULT_REDIS)
    if not shutil.which("wrk"):
        print("bench_pages: skipped. wrk is not installed (make bench installs it).")
        return None
    if not reachable(db_url, 5432) or not reachable(redis_url, 6379):
        print(f"bench_pages: skipped. Could not reach {db_url} or {redis_url}.")
        return None
    from bench_alert_latency import ensure_database

    manifest_path = RESULTS / "dataset.json"
    if args.rebuild:
        drop_database(db_url)
        manifest_path.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        DEBUG="False",
        SECRET_KEY=f"bench-only-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        # Fixed, so the two-factor secrets of the reused dataset stay readable across runs.
        MFA_ENCRYPTION_KEY=BENCH_MFA_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="False",
        HAVEN_BENCH_VIEWS="1",
        # One member posts and searches hundreds of times a second here: Haven's own
        # abuse limits (supportforum/ratelimits.py) would answer 429 to the load test.
        HAVEN_RATE_LIMITS="off",
        CHANNEL_PREFIX=f"bench-{run}",
        CACHE_PREFIX=f"bench-{run}",
        HAVEN_ALERT_QUEUE=f"bench-alerts-{run}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    ensure_database(db_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportforum.settings")
    import django

    django.setup()
    from groups.models import Thread

    if not manifest_path.exists() or not Thread.objects.exists():
        if Thread.objects.exists():
            print("The bench database holds data but no manifest: rebuilding it.")
            drop_database(db_url)  # also ends this process's pooled connections
            forget_connections()
            ensure_database(db_url)
            manage(env, "migrate", "--no-input", "-v", "0")
        RESULTS.mkdir(parents=True, exist_ok=True)
        print(f"Building the dataset (--scale {args.scale:g}) ...", flush=True)
        manage(env, "bench_dataset", f"--scale={args.scale}", f"--manifest={manifest_path}")
        env["BUILT_NOW"] = "1"
    else:
        print(f"Reusing the dataset described in {manifest_path} (--rebuild to make it anew).")
    env["MANIFEST"] = str(manifest_path)
    return env


def sessions_and_targets(manifest: dict, run: str) -> tuple[dict, list[dict]]:
    """Session cookies for the bench member and facilitator, a thread to reply to, and the
    list of targets (name, path, who, method)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from groups import services
    from groups.models import Post, SupportGroup, Thread

    sessions = {}
    for role in ("member", "facilitator"):
        client = Client()
        user = User.objects.get(email=manifest[f"{role}_email"])
        client.force_login(user)
        if role == "facilitator":
            passed_mfa(client, user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    member = User.objects.get(email=manifest["member_email"])
    big = Thread.objects.get(pk=manifest["big_thread_id"])
    group = SupportGroup.objects.get(pk=big.group_id)
    target_thread = services.thread_create(
        author=member, group=group, title=f"Replies from the load test {run}", body=REPLY
    )
    posts = Post.objects.filter(thread=big).count()
    pages = -(-posts // settings.HAVEN_POSTS_PER_PAGE)
    word = manifest.get("search_word", "sleep")
    targets = [
        {"name": "hello world (reference)", "path": "/bench/hello/", "who": None},
        {
            "name": "one indexed query (reference)",
            "path": f"/bench/one-query/?slug={group.slug}",
            "who": None,
        },
        {"name": "thread, first page", "path": f"/t/{big.pk}/", "who": "member"},
        {
            "name": f"thread, middle page ({pages // 2})",
            "path": f"/t/{big.pk}/?page={pages // 2}",
            "who": "member",
        },
        {
            "name": f"thread, last page ({pages})",
            "path": f"/t/{big.pk}/?page={pages}",
            "who": "member",
        },
        {"name": "group page", "path": f"/g/{group.slug}/", "who": "member"},
        {"name": "home", "path": "/", "who": "member"},
        {"name": "search", "path": f"/search/?q={word}", "who": "member"},
        {"name": "review queue (facilitator)", "path": "/mod/queue/", "who": "facilitator"},
        {
            "name": "post a reply (1 in 10 crisis)",
            "path": f"/t/{target_thread.pk}/+reply/",
            "who": "member",
            "method": "POST",
        },
    ]
    return sessions, targets


def reply_script(log_dir: Path, port: int, target: dict, session: str) -> Path:
    """A wrk Lua script that POSTs distinct replies with a valid CSRF token."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", target["path"], headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    script = log_dir / "reply.lua"
    script.write_text(
        f"""
local counter = 0
local id = tostring(math.random(1, 1000000000))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "sessionid={session}; csrftoken={csrf}"
wrk.headers["Origin"] = "http://127.0.0.1:{port}"
request = function()
  counter = counter + 1
  local text = "{REPLY.replace(" ", "+")}"
  if counter % 10 == 0 then text = "{CRISIS_REPLY.replace(" ", "+").replace("'", "%27")}" end
  local body = "csrfmiddlewaretoken={token}&body=" .. text .. "+(" .. id .. "-" .. counter .. ")"
  return wrk.format(nil, "{target["path"]}", nil, body)
end
"""
    )
    return script


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output: str) -> dict:
    def latency(pct: str) -> float:
        found = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return float(found.group(1)) * UNITS[found.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "bad": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
        "timeouts": int(sockets.group(4)) if sockets else 0,
    }


def run_wrk(
    port: int,
    target: dict,
    session: str | None,
    duration: int,
    script: Path | None,
    connections: int = CONNECTIONS,
):
    # A 10 s timeout: a slow answer is measured, not dropped from the latencies.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command.append("--latency")
    if session and not script:
        command += ["-H", f"Cookie: sessionid={session}"]
    if script:
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{target['path']}")
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return parse_wrk(result.stdout)


def _busy_jiffies() -> tuple[int, int]:
    """The machine's CPU time so far (busy, all) in clock ticks, from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def wait_until_quiet(limit: float = 60.0, busy_below: float = 0.15) -> float:
    """Wait until the machine is idle again; the seconds waited.

    wrk stops sending when its time is up, but the server still works through the
    requests already sent (16 of a 2-second search page are 30 seconds of work), and the
    Celery worker through the alerts of the replies just posted. Measured straight after,
    the next page paid for them: the hello world, measured after the reply round, showed
    a p99 of 3 s and a third of its speed, which flattered every ratio to it."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        busy0, all0 = _busy_jiffies()
        time.sleep(0.5)
        busy1, all1 = _busy_jiffies()
        if all1 > all0 and (busy1 - busy0) / (all1 - all0) < busy_below:
            break
    return time.monotonic() - started


def check_answers(port: int, targets: list[dict], sessions: dict) -> None:
    """Each GET target answers 200 with a real page before it is measured."""
    import http.client

    for target in targets:
        if target.get("method") == "POST":
            continue
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {}
        if target["who"]:
            headers["Cookie"] = f"sessionid={sessions[target['who']]}"
        conn.request("GET", target["path"], headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{target['name']}: HTTP {response.status} for {target['path']}")
        target["bytes"] = len(body)


def table(results: dict, targets: list[dict]) -> list[str]:
    hello = statistics.median(r["rps"] for r in results[targets[0]["name"]])
    lines = [
        "| page | requests/s | p50 ms | p99 ms | × hello world | not 2xx/3xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for target in targets:
        rounds = results[target["name"]]
        rps = statistics.median(r["rps"] for r in rounds)
        p50 = statistics.median(r["p50"] for r in rounds)
        p99 = max(r["p99"] for r in rounds)
        bad = sum(r["bad"] for r in rounds)
        sockets = sum(r["socket_errors"] for r in rounds)
        lines.append(
            f"| {target['name']} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | "
            f"{rps / hello:.1%} | {bad} | {sockets} |"
        )
    return lines


def worker_rss(stack: Stack) -> dict[int, int]:
    """Resident memory (kB) of each uvicorn worker process (the children of the parent)."""
    parent = stack.processes[0].pid
    sizes = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        worker = b"spawn_main" in command  # not multiprocessing's resource tracker
        if fields.get("PPid", "").strip() == str(parent) and "VmRSS" in fields and worker:
            sizes[int(status.parent.name)] = int(fields["VmRSS"].split()[0])
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per target per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="dataset size (1.0: 1M posts)")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset anew")
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    env = prepare(args, run)
    if env is None:
        return 0
    manifest = json.loads(Path(env["MANIFEST"]).read_text())
    sessions, targets = sessions_and_targets(manifest, run)
    log_dir = Path(tempfile.mkdtemp(prefix="haven-bench-pages-"))
    stack = Stack(env, args.web_workers, log_dir)
    results: dict[str, list[dict]] = {t["name"]: [] for t in targets}
    waited: list[float] = []  # before each measurement, for the machine to be idle
    started = time.monotonic()
    print(
        f"uvicorn ({args.web_workers} workers), a Celery worker; wrk -t2 -c{CONNECTIONS}, "
        f"{args.rounds} rounds × {len(targets)} targets × {args.duration} s ...",
        flush=True,
    )
    try:
        stack.start()
        check_answers(stack.port, targets, sessions)
        script = reply_script(log_dir, stack.port, targets[-1], sessions["member"])
        for target in targets:  # warm up: compiled templates, pools, caches
            run_wrk(stack.port, target, sessions.get(target["who"]), 1, None)
            waited.append(wait_until_quiet())
        rss_before = worker_rss(stack)
        for number in range(args.rounds):
            for target in targets:
                is_post = target.get("method") == "POST"
                waited.append(wait_until_quiet())
                results[target["name"]].append(
                    run_wrk(
                        stack.port,
                        target,
                        sessions.get(target["who"]),
                        args.duration,
                        script if is_post else None,
                    )
                )
            print(f"  round {number + 1} of {args.rounds} done", flush=True)
        rss_after = worker_rss(stack)
        # The pages' own latency, without waiting in a queue: one connection per worker.
        unqueued = {}
        for t in (targets[0], targets[2]):
            waited.append(wait_until_quiet())
            unqueued[t["name"]] = run_wrk(
                stack.port, t, sessions.get(t["who"]), args.duration, None, args.web_workers
            )
        from moderation.models import CrisisAlert

        thread_id = int(targets[-1]["path"].split("/")[2])
        crisis_posts = CrisisAlert.objects.filter(post__thread_id=thread_id).count()
    finally:
        stack.stop()
        forget_queue(env["REDIS_URL"], env["HAVEN_ALERT_QUEUE"], env["CACHE_PREFIX"])
    lines = table(results, targets)
    posted = sum(r["requests"] for r in results[targets[-1]["name"]])
    served = sum(r["requests"] for rounds in results.values() for r in rounds)
    rss = ", ".join(
        f"{rss_before[pid] / 1024:.0f} → {rss_after.get(pid, 0) / 1024:.0f} MB"
        for pid in sorted(rss_before)
    )
    thread_first = statistics.median(r["rps"] for r in results[targets[2]["name"]])
    hello = statistics.median(r["rps"] for r in results[targets[0]["name"]])
    worst_p99 = max(r["p99"] for t in targets[2:] for r in results[t["name"]])
    thread_p99 = max(r["p99"] for t in targets[2:5] for r in results[t["name"]])
    ratio = thread_first / hello
    counts = manifest.get("counts", {})
    summary = [
        "",
        f"Dataset: {counts.get('groups', 0):,} groups, {counts.get('members', 0):,} members, "
        f"{counts.get('threads', 0):,} threads, {counts.get('posts', 0):,} posts, "
        f"{counts.get('reactions', 0):,} reactions, {counts.get('flags', 0):,} flags; built by "
        f"`manage.py bench_dataset` in {manifest.get('seconds_total', 0):.0f} s"
        + (" (this run)" if env.get("BUILT_NOW") else " (an earlier run; reused)")
        + ".",
        f"Replies posted during the run: {posted:,} (crisis alerts raised: {crisis_posts}).",
        f"Thread page (first page, 20 posts, signed in): {ratio:.1%} of the hello-world "
        f"view's requests/s ({thread_first * 20:,.0f} posts a second); p99 of the thread "
        f"pages {thread_p99:.0f} ms; worst p99 of all pages {worst_p99:.0f} ms.",
        f"Goal (issue 8): at least {GOAL_RATIO:.1%} and p99 under {GOAL_P99_MS:.0f} ms: "
        + ("met." if ratio >= GOAL_RATIO and thread_p99 < GOAL_P99_MS else "NOT met."),
        f"At {CONNECTIONS} connections a page waits behind the others: by Little's law its "
        f"mean latency is {CONNECTIONS} ÷ requests/s ({CONNECTIONS / thread_first * 1000:.0f} "
        f"ms for the thread page), so a p99 under {GOAL_P99_MS:.0f} ms needs at least "
        f"{CONNECTIONS * 1000 / GOAL_P99_MS:.0f} requests/s.",
        f"Without a queue (wrk -c{args.web_workers}, one connection per worker): "
        + "; ".join(
            f"{name} p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms ({r['rps']:,.0f} requests/s)"
            for name, r in unqueued.items()
        )
        + ".",
        f"Web workers' resident memory over the {served:,} measured requests: {rss}.",
        f"Each page measured on an idle machine (below 15 % CPU busy, /proc/stat): waited "
        f"{sum(waited):.0f} s in all before {len(waited)} measurements, at most "
        f"{max(waited, default=0):.1f} s.",
        f"Measured in {time.monotonic() - started:.0f} s; logs in {log_dir}.",
    ]
    print("\n".join(lines + summary))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.md").write_text("\n".join(lines + summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

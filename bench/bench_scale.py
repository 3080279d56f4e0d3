"""Benchmark: does the thread page cost more in a big community? The same page of a
1,000-post thread, read in the 1,000,000-post database of ``bench_pages.py`` and in a
community of 2,000 posts whose one big thread also has 1,000 posts.

In-process and serial (Django's test client, the bench member signed in, no server, no
load): per database, the first, a middle and the last page of the big thread, in
alternating rounds of one process per database (each process takes the best of its
batches; the best over the rounds is reported). Printed: milliseconds per page in each
database and their ratio (1.00: the database's size costs nothing).

Needs PostgreSQL and Redis, and the big database that ``bench_pages.py`` builds (it says
"skipped" without them); builds the small one (``haven_bench_small``) when missing.

    .venv/bin/python bench/bench_scale.py [--rounds 3]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_alert_latency import ROOT, ensure_database, reachable
from bench_pages import BENCH_MFA_KEY, DEFAULT_DB, DEFAULT_REDIS, RESULTS, drop_database

SMALL_DB = "postgres://postgres@127.0.0.1:5432/haven_bench_small"
SMALL_MANIFEST = RESULTS / "dataset-small.json"
# --scale 0.002 makes 2,000 posts; the big thread is --big-thread-posts times --scale.
SMALL_ARGS = ["--scale=0.002", "--big-thread-posts=500000"]

MEASURE = """
import json, sys, time
import django
django.setup()
from django.conf import settings
from django.test import Client
from accounts.models import User
from groups.models import Post
manifest = json.load(open(sys.argv[1]))
thread = manifest["big_thread_id"]
client = Client()
client.force_login(User.objects.get(email=manifest["member_email"]))
pages = -(-Post.objects.filter(thread_id=thread).count() // settings.HAVEN_POSTS_PER_PAGE)
paths = {"first": f"/t/{thread}/", "middle": f"/t/{thread}/?page={pages // 2}",
         "last": f"/t/{thread}/?page={pages}"}
best = {}
for path in paths.values():
    assert client.get(path).status_code == 200, path
for _ in range(6):
    for name, path in paths.items():
        started = time.perf_counter()
        for _ in range(8):
            client.get(path)
        ms = (time.perf_counter() - started) / 8 * 1000
        best[name] = min(best.get(name, ms), ms)
print(json.dumps({"best": best, "pages": pages}))
"""


def environment(db_url: str, redis_url: str, name: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        DEBUG="False",
        SECRET_KEY="bench-scale-only-" + "x" * 50,
        MFA_ENCRYPTION_KEY=BENCH_MFA_KEY,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="False",
        CACHE_PREFIX=f"bench-scale-{name}",  # kept facts are by group id: one per database
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="supportforum.settings",
    )
    return env


def manage(env: dict, *arguments: str) -> None:
    command = [sys.executable, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own commands)


def small_database(redis_url: str) -> dict:
    env = environment(SMALL_DB, redis_url, "small")
    if not SMALL_MANIFEST.exists():
        drop_database(SMALL_DB)
        ensure_database(SMALL_DB)
        manage(env, "migrate", "--no-input", "-v", "0")
        print("Building the small community ...", flush=True)
        manage(env, "bench_dataset", *SMALL_ARGS, f"--manifest={SMALL_MANIFEST}")
    else:
        manage(env, "migrate", "--no-input", "-v", "0")
    return env


def measure(env: dict, manifest: Path) -> dict:
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", MEASURE, str(manifest)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    big_db = os.environ.get("HAVEN_BENCH_PAGES_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("HAVEN_BENCH_REDIS_URL", DEFAULT_REDIS)
    big_manifest = RESULTS / "dataset.json"
    if not reachable(big_db, 5432) or not reachable(redis_url, 6379):
        print(f"bench_scale: skipped. Could not reach {big_db} or {redis_url}.")
        return 0
    if not big_manifest.exists():
        print("bench_scale: skipped. No big community yet (bench_pages.py builds it).")
        return 0
    big_env = environment(big_db, redis_url, "big")
    manage(big_env, "migrate", "--no-input", "-v", "0")
    small_env = small_database(redis_url)
    sizes = {}
    for name, manifest in (("big", big_manifest), ("small", SMALL_MANIFEST)):
        counts = json.loads(manifest.read_text())["counts"]
        sizes[name] = (counts["posts"], counts["big_thread_posts"])
    best: dict[str, dict[str, float]] = {"big": {}, "small": {}}
    for _ in range(args.rounds):  # alternating, so a noisy moment weighs on both
        for name, env, manifest in (
            ("big", big_env, big_manifest),
            ("small", small_env, SMALL_MANIFEST),
        ):
            for page, ms in measure(env, manifest)["best"].items():
                best[name][page] = min(best[name].get(page, ms), ms)
    (big_posts, big_thread), (small_posts, small_thread) = sizes["big"], sizes["small"]
    lines = [
        f"Thread page of a {big_thread:,}-post thread (20 posts a page, the bench member), "
        "in-process and serial, best of "
        f"{args.rounds} alternating rounds:",
        "",
        f"| page | {big_posts:,}-post database, ms | {small_posts:,}-post database, ms "
        "| big ÷ small |",
        "|---|---:|---:|---:|",
    ]
    for page in ("first", "middle", "last"):
        big, small = best["big"][page], best["small"][page]
        lines.append(f"| {page} | {big:.1f} | {small:.1f} | {big / small:.2f} |")
    worst = max(best["big"][p] / best["small"][p] for p in best["big"])
    lines += ["", f"Worst ratio {worst:.2f} (1.00: the community's size costs nothing)."]
    if small_thread != big_thread:
        lines.append(f"(The small database's big thread has {small_thread:,} posts.)")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build a large community for benchmarks: 50 groups, 5,000 members, 20,000 threads and
1,000,000 posts at ``--scale 1`` (one thread of exactly ``--big-thread-posts`` posts),
with reactions, follows, flags in the review queue and two known accounts. The generator
is ``groups.bench_dataset``; this command checks, times and reports."""

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from groups import bench_dataset as bench
from groups.models import Thread


class _Lines:
    """A progress "bar" for --quiet runs and the embedded default: nothing per row."""

    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


class Command(BaseCommand):
    help = "Generate a large, realistic dataset for benchmarks (COPY on PostgreSQL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0: full size; 0.001: tiny (tests)."
        )
        parser.add_argument(
            "--big-thread-posts",
            type=int,
            default=1000,
            help="Posts in the one big thread at scale 1 (opening post included).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--manifest", type=Path, help="Write a JSON manifest here.")
        parser.add_argument(
            "--force-on-non-empty",
            action="store_true",
            help="Add to a database that already holds threads (normally refused).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        scale_factor: float = options["scale"]
        if scale_factor <= 0 or options["big_thread_posts"] < 2:
            raise CommandError("--scale must be above 0 and --big-thread-posts at least 2.")
        if Thread.objects.exists() and not options["force_on_non_empty"]:
            raise CommandError(
                f"The database already holds {Thread.objects.count():,} threads. The bench "
                "dataset is meant for an empty database (create one and migrate it); pass "
                "--force-on-non-empty to add to this one anyway."
            )
        if connection.vendor != "postgresql" and scale_factor > 0.01:
            self.stderr.write(
                "Not PostgreSQL: rows go in with bulk_create, which is slow at this scale."
            )
        scale = bench.Scale.of(scale_factor, options["big_thread_posts"])
        quiet = options["quiet"]

        def progress(name: str, total: int):
            if quiet:
                return _Lines()
            return tqdm(
                total=total, desc=f"{name:28}", unit="row", unit_scale=True, file=sys.stderr
            )

        def log(message: str) -> None:
            if not quiet:
                self.stderr.write(message)

        started = time.monotonic()
        plan, report = bench.build(scale=scale, seed=options["seed"], progress=progress, log=log)
        total = round(time.monotonic() - started, 2)

        for name, seconds, detail in report.stages:
            self.stdout.write(f"{name:22} {seconds:8.2f} s  {detail}")
        self.stdout.write(f"{'total':22} {total:8.2f} s")
        self.stdout.write(", ".join(f"{k} {v:,}" for k, v in report.counts.items()))
        big_group = plan.groups[plan.big_group]
        self.stdout.write(
            self.style.SUCCESS(
                f"Big thread {plan.big_thread_id} in {big_group.slug}; log in as "
                f"{bench.BENCH_MEMBER_EMAIL} or {bench.BENCH_FACILITATOR_EMAIL} "
                f"(password {bench.BENCH_PASSWORD})."
            )
        )
        if options["manifest"]:
            manifest = {
                "scale": scale_factor,
                "seed": options["seed"],
                "database": connection.vendor,
                "big_thread_id": plan.big_thread_id,
                "big_thread_url": Thread.objects.get(pk=plan.big_thread_id).get_absolute_url(),
                "big_thread_group_slug": big_group.slug,
                "normal_group_slug": plan.groups[plan.normal_group].slug,
                "member_email": bench.BENCH_MEMBER_EMAIL,
                "facilitator_email": bench.BENCH_FACILITATOR_EMAIL,
                "password": bench.BENCH_PASSWORD,
                "facilitator_totp_secret": bench.BENCH_TOTP_SECRET,
                "member_last_read_post_id": plan.member_last_read_post_id,
                "counts": report.counts,
                "seconds": {name: seconds for name, seconds, _ in report.stages},
                "seconds_total": total,
            }
            options["manifest"].write_text(json.dumps(manifest, indent=2) + "\n")
            self.stdout.write(f"Manifest: {options['manifest']}")

"""The planned community written out: COPY on PostgreSQL, bulk_create elsewhere."""

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from groups.models import (
    Membership,
    Post,
    Reaction,
    SupportGroup,
    Thread,
    ThreadReadState,
    ThreadSubscription,
)
from groups.services import render_body
from moderation.models import Flag, ReviewItem
from moderation.services.flags import REASON_SEVERITY

from .plan import Plan, Report, Scale, as_datetime, next_id, plan_people, plan_threads
from .texts import (
    BENCH_FACILITATOR_EMAIL,
    BENCH_MEMBER_EMAIL,
    BENCH_PASSWORD,
    BENCH_TOTP_SECRET,
    COPY_BATCH,
    DAY,
    FLAG_NOTES,
    FLAG_REASONS,
    body_pool,
)

THREAD_COLUMNS = (
    "id",
    "group_id",
    "title",
    "author_id",
    "created_at",
    "last_activity_at",
    "reply_count",
    "last_post_id",
    "is_published",
    "is_pinned",
    "pin_reason",
    "is_locked",
    "lock_reason",
)
POST_COLUMNS = (
    "id",
    "thread_id",
    "parent_id",
    "reply_to_id",
    "author_id",
    "is_opening",
    "body",
    "body_html",
    "content_warning",
    "content_topics",
    "is_anonymous",
    "state",
    "path",
    "depth",
    "created_at",
)
REACTION_COLUMNS = ("id", "post_id", "user_id", "kind", "created_at")
SUBSCRIPTION_COLUMNS = ("id", "thread_id", "user_id", "state", "created_at")


def post_rows(plan: Plan, json_topics: bool) -> Iterable[tuple]:
    no_topics: Any = "[]" if json_topics else []
    first = plan.first_post_id
    bodies, html = plan.bodies, plan.bodies_html
    published = Post.State.PUBLISHED.value
    for i in range(len(plan.post_path)):
        parent, reply_to, body = plan.post_parent[i], plan.post_reply_to[i], plan.post_body[i]
        yield (
            first + i,
            plan.post_thread[i],
            None if parent < 0 else first + parent,
            None if reply_to < 0 else first + reply_to,
            plan.post_author[i],
            plan.post_opening[i],
            bodies[body],
            html[body],
            "",
            no_topics,
            plan.post_anonymous[i],
            published,
            plan.post_path[i],
            plan.post_depth[i],
            as_datetime(plan.post_time[i]),
        )


def reaction_rows(plan: Plan, rng: random.Random, first_id: int) -> list[tuple]:
    """About one reaction for every two posts, from members of the post's group other
    than its author; unique per (post, user, kind) as the model's constraint says."""
    members_of = {g.id: plan.group_members[i] for i, g in enumerate(plan.groups)}
    group_of = {row[0]: row[1] for row in plan.thread_rows}
    kinds = Reaction.Kind.values
    now_ts = plan.now.timestamp()
    seen: set[tuple[int, int, str]] = set()
    rows: list[tuple] = []
    total = len(plan.post_path)
    wanted = total // 2
    while len(rows) < wanted:
        i = rng.randrange(total)
        members = members_of[group_of[plan.post_thread[i]]]
        user = members[rng.randrange(len(members))]
        kind = kinds[rng.randrange(len(kinds))]
        key = (i, user, kind)
        if user == plan.post_author[i] or key in seen:
            continue
        seen.add(key)
        at = min(plan.post_time[i] + rng.expovariate(1.0) * DAY / 4, now_ts)
        rows.append((first_id + len(rows), plan.first_post_id + i, user, kind, as_datetime(at)))
    return rows


def subscription_rows(plan: Plan, first_id: int) -> list[tuple]:
    """Starting or replying follows the thread (``_auto_follow``): one row per author and
    thread, from their first post there."""
    first_seen: dict[tuple[int, int], float] = {}
    for i, author in enumerate(plan.post_author):
        first_seen.setdefault((author, plan.post_thread[i]), plan.post_time[i])
    follow = ThreadSubscription.State.FOLLOW.value
    return [
        (first_id + n, thread, user, follow, as_datetime(at))
        for n, ((user, thread), at) in enumerate(first_seen.items())
    ]


def flag_objects(
    plan: Plan, rng: random.Random, facilitator_of: dict[int, int]
) -> tuple[list[ReviewItem], list[Flag]]:
    """About one flag per 500 posts, each on its own post and from one member (weight 1,
    so the post stays published, below every group's hiding threshold). Seven in ten are
    open in the review queue; the rest were dismissed or declined by the group's
    facilitator. The first two are on the big thread, so its facilitator has some."""
    total = len(plan.post_path)
    count = max(2, total // 500)
    group_of = {row[0]: row[1] for row in plan.thread_rows}
    members_of = {g.id: plan.group_members[i] for i, g in enumerate(plan.groups)}
    big = [i for i, t in enumerate(plan.post_thread) if t == plan.big_thread_id]
    chosen: list[int] = rng.sample(big[1:], 2)
    taken = set(chosen)
    while len(chosen) < count:
        i = rng.randrange(total)
        if i not in taken:
            taken.add(i)
            chosen.append(i)
    reasons, weights = zip(*FLAG_REASONS, strict=True)
    first_item, first_flag = next_id(ReviewItem), next_id(Flag)
    now_ts = plan.now.timestamp()
    items: list[ReviewItem] = []
    flags: list[Flag] = []
    for n, i in enumerate(chosen):
        group_id = group_of[plan.post_thread[i]]
        members = [u for u in members_of[group_id] if u != plan.post_author[i]]
        reason = rng.choices(reasons, weights=weights)[0]
        at = as_datetime(min(plan.post_time[i] + rng.uniform(60, 2 * DAY), now_ts))
        open_ = n < 2 or rng.random() < 0.7
        resolved_at = None if open_ else at + timedelta(hours=rng.uniform(1, 48))
        resolver = None if open_ else facilitator_of[group_id]
        item = ReviewItem(
            id=first_item + n,
            kind=ReviewItem.Kind.FLAGGED_POST,
            state=ReviewItem.State.OPEN if open_ else ReviewItem.State.RESOLVED,
            group_id=group_id,
            post_id=plan.first_post_id + i,
            severity=REASON_SEVERITY.get(reason, ReviewItem.Severity.LOW),
            score=1.0,
            reason=f"Flagged by 1 member: {Flag.Reason(reason).label}",
            created_at=at,
            resolved_at=resolved_at,
            resolved_by_id=resolver,
            resolution="" if open_ else "approved",
        )
        state = Flag.State.OPEN
        if not open_:
            state = Flag.State.DECLINED if rng.random() < 0.5 else Flag.State.DISMISSED
        items.append(item)
        flags.append(
            Flag(
                id=first_flag + n,
                post_id=plan.first_post_id + i,
                reporter_id=rng.choice(members),
                reason=reason,
                note=rng.choice(FLAG_NOTES),
                weight=1.0,
                by_facilitator=False,
                state=state,
                created_at=at,
                resolved_at=resolved_at,
                resolved_by_id=resolver,
                review_item_id=item.id,
            )
        )
    return items, flags


# --- writing ---


def _model_row(obj: models.Model, fields: Sequence[models.Field], json_fields: set[str]):
    values = []
    for f in fields:
        value = getattr(obj, f.attname)
        if f.attname in json_fields:
            value = None if value is None else json.dumps(value)
        values.append(value)
    return tuple(values)


class Writer:
    """Writes rows to one table: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""

    def __init__(self, progress: Callable[[str, int], Any]) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.progress = progress

    def rows(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], total: int
    ) -> int:
        bar = self.progress(model._meta.db_table, total)
        written = 0
        batch: list[tuple] = []
        size = COPY_BATCH if self.postgres else 2000
        for row in rows:
            batch.append(row)
            if len(batch) >= size:
                self._write(model, columns, batch)
                written += len(batch)
                bar.update(len(batch))
                batch = []
        if batch:
            self._write(model, columns, batch)
            written += len(batch)
            bar.update(len(batch))
        bar.close()
        return written

    def objects(self, model: type[models.Model], objs: Sequence[models.Model]) -> int:
        fields = list(model._meta.concrete_fields)
        json_fields = (
            {f.attname for f in fields if isinstance(f, models.JSONField)}
            if self.postgres
            else set()
        )
        columns = [f.column for f in fields]
        rows = (_model_row(o, fields, json_fields) for o in objs)
        if not self.postgres:
            model.objects.bulk_create(objs, batch_size=2000)
            return len(objs)
        return self.rows(model, columns, rows, len(objs))

    def _write(self, model: type[models.Model], columns: Sequence[str], batch: list[tuple]):
        if not self.postgres:
            objs = [model(**dict(zip(columns, row, strict=True))) for row in batch]
            model.objects.bulk_create(objs, batch_size=len(objs))
            return
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite takes max(rowid) + 1 by itself
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            # The table name comes from the model's Meta, not from input.
            name = connection.ops.quote_name(table)
            highest = f"SELECT coalesce(max(id), 0) + 1 FROM {name}"  # noqa: S608
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}), false)", [table]
            )


def bench_accounts(plan: Plan, rng: random.Random, password_hash: str) -> int:
    """The two known accounts (reused when they exist): a member of the big thread's
    group and that group's facilitator (with the authenticator moderation pages need)."""
    big_group = plan.groups[plan.big_group]
    accepted = plan.now - timedelta(days=200)
    for email, handle, role in (
        (BENCH_MEMBER_EMAIL, "bench_member", Membership.Role.MEMBER),
        (BENCH_FACILITATOR_EMAIL, "bench_lead", Membership.Role.FACILITATOR),
    ):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                handle=handle,
                password=None,
                date_joined=accepted,
                guidelines_accepted_at=accepted,
            )
        User.objects.filter(pk=user.pk).update(password=password_hash, is_active=True)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(
            user=user,
            group=big_group,
            defaults={
                "role": role,
                "status": Membership.Status.ACTIVE,
                "guidelines_accepted_at": accepted,
                "decided_at": accepted,
            },
        )
        if role == Membership.Role.MEMBER:
            plan.bench_member = user
            # Also in a second group, as most members are.
            Membership.objects.get_or_create(
                user=user,
                group=plan.groups[plan.normal_group],
                defaults={"guidelines_accepted_at": accepted, "decided_at": accepted},
            )
        else:
            plan.bench_facilitator = user
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, BENCH_TOTP_SECRET)
    member = plan.bench_member
    assert member is not None
    big_posts = [i for i, t in enumerate(plan.post_thread) if t == plan.big_thread_id]
    partway = big_posts[len(big_posts) * 2 // 5]
    plan.member_last_read_post_id = plan.first_post_id + partway
    ThreadReadState.objects.update_or_create(
        user=member,
        thread_id=plan.big_thread_id,
        defaults={
            "last_read_post_id": plan.first_post_id + partway,
            "updated_at": as_datetime(plan.post_time[partway]),
        },
    )
    read = [i for i in big_posts if i <= partway]
    added = 0
    for i in rng.sample(read, min(12, len(read))):
        _, created = Reaction.objects.get_or_create(
            post_id=plan.first_post_id + i,
            user=member,
            kind=rng.choice(Reaction.Kind.values),
            defaults={"created_at": as_datetime(plan.post_time[i] + 3600)},
        )
        added += created
    return added


def build(
    *,
    scale: Scale,
    seed: int,
    progress: Callable[[str, int], Any],
    log: Callable[[str], None],
) -> tuple[Plan, Report]:
    """Plan and write the community in one transaction (all or nothing). Returns the plan
    (for the manifest) and the timings of each stage."""
    rng = random.Random(seed)
    report = Report()
    plan = Plan(now=timezone.now())
    writer = Writer(progress)

    started = time.monotonic()
    password_hash = make_password(BENCH_PASSWORD)  # once: PBKDF2 per account takes minutes
    plan.bodies = body_pool(rng)
    report.stage("texts", started, f"{len(plan.bodies)} bodies, password hashed once")

    with transaction.atomic():
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        started = time.monotonic()
        plan_people(plan, rng, scale, password_hash)
        writer.objects(SupportGroup, plan.groups)
        writer.objects(User, plan.users)
        first_email = next_id(EmailAddress)
        writer.objects(
            EmailAddress,
            [
                EmailAddress(
                    id=first_email + n, user_id=u.id, email=u.email, verified=True, primary=True
                )
                for n, u in enumerate(plan.users)
            ],
        )
        writer.objects(Membership, plan.memberships)
        reset_sequences([SupportGroup, User, EmailAddress, Membership])
        report.stage(
            "people",
            started,
            f"{len(plan.groups)} groups, {len(plan.users)} members, "
            f"{len(plan.memberships)} memberships",
        )

        started = time.monotonic()
        # Rendered after the members exist, so an @handle in a body links as it would.
        plan.bodies_html = [render_body(body) for body in plan.bodies]
        plan_threads(plan, rng, scale)
        report.stage("plan", started, f"{len(plan.post_path)} posts planned")

        started = time.monotonic()
        writer.rows(Thread, THREAD_COLUMNS, plan.thread_rows, len(plan.thread_rows))
        report.stage("threads", started, f"{len(plan.thread_rows)} threads")

        started = time.monotonic()
        writer.rows(
            Post, POST_COLUMNS, post_rows(plan, json_topics=writer.postgres), len(plan.post_path)
        )
        report.stage("posts", started, f"{len(plan.post_path)} posts (search vectors by trigger)")

        started = time.monotonic()
        reactions = reaction_rows(plan, rng, next_id(Reaction))
        writer.rows(Reaction, REACTION_COLUMNS, reactions, len(reactions))
        subscriptions = subscription_rows(plan, next_id(ThreadSubscription))
        writer.rows(ThreadSubscription, SUBSCRIPTION_COLUMNS, subscriptions, len(subscriptions))
        report.stage(
            "reactions+follows",
            started,
            f"{len(reactions)} reactions, {len(subscriptions)} follows",
        )

        started = time.monotonic()
        reset_sequences([Thread, Post, Reaction, ThreadSubscription])
        bench_reactions = bench_accounts(plan, rng, password_hash)
        facilitator_of = {
            m.group_id: m.user_id for m in plan.memberships if m.role == Membership.Role.FACILITATOR
        }
        facilitator_of[plan.groups[plan.big_group].id] = plan.bench_facilitator.pk
        items, flags = flag_objects(plan, rng, facilitator_of)
        writer.objects(ReviewItem, items)
        writer.objects(Flag, flags)
        reset_sequences([ReviewItem, Flag])
        report.stage(
            "flags+bench accounts",
            started,
            f"{len(flags)} flags, {sum(i.state == 'open' for i in items)} open",
        )

    started = time.monotonic()
    if writer.postgres and connection.in_atomic_block:
        # Inside a caller's transaction (tests): VACUUM cannot run there, ANALYZE can.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif writer.postgres:
        log("VACUUM ANALYZE (so the planner and index-only scans see the new rows)...")
        tables = [
            m._meta.db_table
            for m in (
                User,
                EmailAddress,
                SupportGroup,
                Membership,
                Thread,
                Post,
                Reaction,
                ThreadSubscription,
                ThreadReadState,
                Flag,
                ReviewItem,
            )
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    report.stage("vacuum analyze", started)

    report.counts = {
        "groups": len(plan.groups),
        "members": len(plan.users),
        "memberships": len(plan.memberships),
        "threads": len(plan.thread_rows),
        "posts": len(plan.post_path),
        "big_thread_posts": sum(1 for t in plan.post_thread if t == plan.big_thread_id),
        "reactions": len(reactions) + bench_reactions,
        "follows": len(subscriptions),
        "flags": len(flags),
        "open_flags": sum(f.state == Flag.State.OPEN for f in flags),
    }
    return plan, report

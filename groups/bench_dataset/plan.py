"""The community planned in memory: people, groups, every thread's tree of posts."""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import models
from django.utils.text import slugify

from accounts.models import User
from groups.models import (
    MAX_TREE_DEPTH,
    PATH_DIGITS,
    Membership,
    Post,
    SupportGroup,
    Thread,
)

from .texts import DAY, FULL, HISTORY_DAYS, MEMBER_DOMAIN, group_names, handles, thread_titles


@dataclass(frozen=True)
class Scale:
    groups: int
    members: int
    threads: int
    posts: int
    big_thread_posts: int

    @classmethod
    def of(cls, factor: float, big_thread_posts: int) -> "Scale":
        groups = max(2, round(FULL["groups"] * factor))
        threads = max(groups * 4, round(FULL["threads"] * factor))
        big = max(30, round(big_thread_posts * factor))
        posts = max(threads * 2 + big, round(FULL["posts"] * factor))
        return cls(
            groups=groups,
            members=max(30, round(FULL["members"] * factor)),
            threads=threads,
            posts=posts,
            big_thread_posts=big,
        )


@dataclass
class Plan:
    """Everything to write, in memory. Post attributes are parallel lists indexed by the
    post's position in id order (``post_id = first_post_id + index``)."""

    now: datetime
    groups: list[SupportGroup] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    group_members: list[list[int]] = field(default_factory=list)  # user ids per group
    thread_rows: list[tuple] = field(default_factory=list)
    post_thread: list[int] = field(default_factory=list)  # thread id
    post_parent: list[int] = field(default_factory=list)  # index, -1 for a root
    post_reply_to: list[int] = field(default_factory=list)
    post_depth: list[int] = field(default_factory=list)
    post_time: list[float] = field(default_factory=list)
    post_author: list[int] = field(default_factory=list)
    post_body: list[int] = field(default_factory=list)
    post_opening: list[bool] = field(default_factory=list)
    post_anonymous: list[bool] = field(default_factory=list)
    post_path: list[str] = field(default_factory=list)
    first_post_id: int = 1
    bodies: list[str] = field(default_factory=list)
    bodies_html: list[str] = field(default_factory=list)
    big_thread_id: int = 0
    big_group: int = 0  # index into groups
    normal_group: int = 1
    member_last_read_post_id: int = 0
    bench_member: User | None = None
    bench_facilitator: User | None = None


@dataclass
class Report:
    stages: list[tuple[str, float, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def stage(self, name: str, started: float, detail: str = "") -> None:
        self.stages.append((name, round(time.monotonic() - started, 2), detail))


# --- texts ---


# --- the plan ---


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def plan_people(plan: Plan, rng: random.Random, scale: Scale, password_hash: str) -> None:
    now = plan.now
    first_user = next_id(User)
    taken = set(User.objects.values_list("handle", flat=True))
    names = handles(rng, scale.members, taken)
    for offset, handle in enumerate(names):
        joined = now - timedelta(days=rng.uniform(1, HISTORY_DAYS + 30))
        plan.users.append(
            User(
                id=first_user + offset,
                email=f"{handle.lower()}@{MEMBER_DOMAIN}",
                handle=handle,
                password=password_hash,
                date_joined=joined,
                guidelines_accepted_at=joined,
                time_zone=rng.choice(["UTC", "Europe/London", "America/New_York", "Asia/Tokyo"]),
            )
        )
    first_group = next_id(SupportGroup)
    existing = set(SupportGroup.objects.values_list("slug", flat=True))
    for name in group_names(scale.groups + len(existing)):
        slug = slugify(name.replace("+", " plus").replace("&", "and"))[:80]
        if slug in existing or len(plan.groups) == scale.groups:
            continue
        index = len(plan.groups)
        private = index % 10 == 7  # every tenth group is private, asks a question
        plan.groups.append(
            SupportGroup(
                id=first_group + index,
                name=name,
                slug=slug,
                description=f"A peer support space: {name}. Be kind; share what helps you.",
                visibility=SupportGroup.Visibility.PRIVATE
                if private
                else SupportGroup.Visibility.LISTED,
                join_policy=SupportGroup.JoinPolicy.REQUEST
                if private
                else SupportGroup.JoinPolicy.OPEN,
                entry_question="What brings you here?" if private else "",
                facilitation=SupportGroup.Facilitation.PROFESSIONAL
                if index % 3 == 0
                else SupportGroup.Facilitation.PEER,
                allow_anonymous=index % 5 == 1,
                created_at=now - timedelta(days=HISTORY_DAYS + 60),
            )
        )
    plan.big_group = 0
    plan.normal_group = 1
    # The first users facilitate one group each; everyone else is in two to five groups,
    # the popular groups (lower index, by a Zipf-like weight) being the bigger ones.
    popularity = [1.0 / (i + 1) ** 0.6 for i in range(len(plan.groups))]
    first_membership = next_id(Membership)
    plan.group_members = [[] for _ in plan.groups]
    for index, user in enumerate(plan.users):
        if index < len(plan.groups):
            chosen = {index}
            role = Membership.Role.FACILITATOR
            user.professional_title = "Peer support worker" if index % 2 else ""
            user.professional_title_verified = bool(user.professional_title)
        else:
            chosen = set()
            want = min(len(plan.groups), rng.randint(2, 5))
            while len(chosen) < want:
                chosen.add(rng.choices(range(len(plan.groups)), weights=popularity)[0])
            role = Membership.Role.MEMBER
        for group_index in sorted(chosen):
            plan.memberships.append(
                Membership(
                    id=first_membership + len(plan.memberships),
                    user_id=user.id,
                    group_id=plan.groups[group_index].id,
                    role=role,
                    status=Membership.Status.ACTIVE,
                    guidelines_accepted_at=user.date_joined,
                    requested_at=user.date_joined,
                    decided_at=user.date_joined,
                )
            )
            plan.group_members[group_index].append(user.id)


def _reply_tree(
    rng: random.Random, replies: int, deep_chain: int = 0
) -> list[tuple[int, int, int]]:
    """(parent, reply_to, depth) for the opening post (index 0) and ``replies`` replies,
    as ``_insert_post`` places them: a reply to the thread is a root (depth 0); a reply to
    a post sits under it unless that would reach MAX_TREE_DEPTH, where it becomes the
    target's sibling. ``deep_chain`` replies in a row each answer the one before (a long
    back-and-forth that reaches the depth limit)."""
    nodes: list[tuple[int, int, int]] = [(-1, -1, 0)]
    chain_from = rng.randrange(2, replies - deep_chain + 2) if 0 < deep_chain < replies else -1
    for index in range(1, replies + 1):
        if chain_from <= index < chain_from + deep_chain:
            target = index - 1
        elif index == 1 or rng.random() < 0.45:
            target = -1
        else:
            target = rng.randrange(max(1, index - 12), index)  # mostly recent posts
        if target == -1:
            nodes.append((-1, -1, 0))
            continue
        parent = target
        if nodes[target][2] + 1 >= MAX_TREE_DEPTH:
            parent = nodes[target][0]
        depth = 0 if parent == -1 else nodes[parent][2] + 1
        nodes.append((parent, target, depth))
    return nodes


def _replies_per_thread(rng: random.Random, threads: int, replies: int, cap: int) -> list[int]:
    """Spread ``replies`` over ``threads`` with a long tail (most threads short, a few
    long), none over ``cap``."""
    weights = [rng.paretovariate(1.5) for _ in range(threads)]
    total = sum(weights)
    counts = [min(cap, int(replies * w / total)) for w in weights]
    left = replies - sum(counts)
    open_threads = [i for i, c in enumerate(counts) if c < cap]
    while left > 0 and open_threads:
        i = rng.choice(open_threads)
        counts[i] += 1
        left -= 1
        if counts[i] >= cap:
            open_threads.remove(i)
    return counts


def plan_threads(plan: Plan, rng: random.Random, scale: Scale) -> None:
    """Every thread's posts, then ids in time order across the site, then paths."""
    now_ts = plan.now.timestamp()
    titles = thread_titles()
    group_weights = [len(members) for members in plan.group_members]
    activity = {u.id: rng.paretovariate(1.2) for u in plan.users}  # a few regulars post a lot
    cum_weights: list[list[float]] = []
    for members in plan.group_members:
        running, acc = 0.0, []
        for user_id in members:
            running += activity[user_id]
            acc.append(running)
        cum_weights.append(acc)
    normal_replies = scale.posts - scale.big_thread_posts - (scale.threads - 1)
    # Ordinary threads stay at most half the big one's length, so it stands alone (unless
    # the scale leaves no room for that).
    cap = max(scale.big_thread_posts // 2, 3 * normal_replies // (scale.threads - 1))
    per_thread = _replies_per_thread(rng, scale.threads - 1, normal_replies, cap=cap)
    # The big thread is one of the middle-aged ones, in the most popular group.
    specs: list[tuple[int, float, int]] = []  # (group index, start time, replies)
    for replies in per_thread:
        group_index = rng.choices(range(len(plan.groups)), weights=group_weights)[0]
        specs.append((group_index, now_ts - rng.uniform(0.2, HISTORY_DAYS) * DAY, replies))
    big_spec = (plan.big_group, now_ts - 90 * DAY, scale.big_thread_posts - 1)
    specs.append(big_spec)
    specs.sort(key=lambda s: s[1])
    big_position = specs.index(big_spec)
    first_thread = next_id(Thread)
    staged: list[tuple[float, int, int, int, int, int, int, bool]] = []
    # staged post: (time, sequence, thread position, parent seq, reply_to seq, depth,
    # author, anonymous); sequence numbers are replaced by ids once sorted by time.
    for position, (group_index, start, replies) in enumerate(specs):
        members = plan.group_members[group_index]
        weights = cum_weights[group_index]
        anonymous_ok = plan.groups[group_index].allow_anonymous
        big = position == big_position
        tree = _reply_tree(rng, replies, deep_chain=20 if big else 0)
        authors = rng.choices(members, cum_weights=weights, k=len(tree))
        # Replies come quickly at first, then slow down: gaps grow along the thread.
        spread = 90 * DAY if big else rng.choice([0.5, 2, 7, 30]) * DAY
        clock = start
        base = len(staged)
        for index, (parent, reply_to, depth) in enumerate(tree):
            if index:
                clock += rng.expovariate(1.0) * spread / max(len(tree), 1)
            at = min(clock, now_ts - 60 + index * 1e-3)
            staged.append(
                (
                    at,
                    base + index,
                    position,
                    -1 if parent < 0 else base + parent,
                    -1 if reply_to < 0 else base + reply_to,
                    depth,
                    authors[index],
                    anonymous_ok and index > 0 and rng.random() < 0.05,
                )
            )
    staged.sort(key=lambda s: (s[0], s[1]))
    rank = [0] * len(staged)
    for index, row in enumerate(staged):
        rank[row[1]] = index
    plan.first_post_id = first_post = next_id(Post)
    last: dict[int, tuple[int, float]] = {}  # thread position -> newest post, its time
    openers: dict[int, int] = {}
    for index, (at, _seq, position, parent, reply_to, depth, author, anonymous) in enumerate(
        staged
    ):
        parent_index = -1 if parent < 0 else rank[parent]
        own = f"{first_post + index:0{PATH_DIGITS}d}"
        path = own if parent_index < 0 else f"{plan.post_path[parent_index]}/{own}"
        opening = position not in last
        plan.post_thread.append(first_thread + position)
        plan.post_parent.append(parent_index)
        plan.post_reply_to.append(-1 if reply_to < 0 else rank[reply_to])
        plan.post_depth.append(depth)
        plan.post_time.append(at)
        plan.post_author.append(author)
        plan.post_body.append(rng.randrange(len(plan.bodies)))
        plan.post_opening.append(opening)
        plan.post_anonymous.append(anonymous)
        plan.post_path.append(path)
        if opening:
            openers[position] = index
        last[position] = (index, at)
    for position, (group_index, _start, replies) in enumerate(specs):
        opener = openers[position]
        newest, newest_at = last[position]
        plan.thread_rows.append(
            (
                first_thread + position,
                plan.groups[group_index].id,
                rng.choice(titles),
                plan.post_author[opener],
                as_datetime(plan.post_time[opener]),
                as_datetime(newest_at),
                replies,
                first_post + newest,
                True,
                False,
                "",
                False,
                "",
            )
        )
    plan.big_thread_id = first_thread + big_position


def as_datetime(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)

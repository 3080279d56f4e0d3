"""Seed a believable demo community. Idempotent: running it again adds nothing twice."""

import random
import re
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from groups import services
from groups.management import demo_content as content
from groups.management.demo_crisis import seed_crisis, seed_duty
from groups.management.demo_meetings import seed_meetings
from groups.models import Membership, Post, Reaction, SupportGroup, Thread
from moderation.models import Guideline, Resource, Sanction
from moderation.services import flags as moderation_services
from moderation.services import resources as resource_services
from moderation.services import sanctions as sanction_services
from moderation.services.guidelines import guideline_save

RULE_LINE = re.compile(r"^(?P<number>\d+)\. \*\*(?P<title>[^*]+)\*\*(?P<body>.*)$")

DEMO_PASSWORD = "haven-demo-2026"  # noqa: S105 - printed for people trying the demo
DEMO_DOMAIN = "haven.example"
# Public on purpose: the demo's staff accounts use it as their authenticator secret.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPHAVENDEMOSECRETA"  # noqa: S105
MEMBER_EMAIL = f"member@{DEMO_DOMAIN}"
FACILITATOR_EMAIL = f"facilitator@{DEMO_DOMAIN}"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
ADMIN_HANDLE = "harbourmaster"
NEWCOMER_HANDLE = "new_leaf_2026"

# Which demo facilitator looks after which groups.
FACILITATED = {
    "harbourlight": ["anxiety-panic", "low-mood-depression"],
    "northstar_care": ["lgbtq-wellbeing", "anxiety-panic"],
    "willow_path": ["grief-loss", "caregivers", "students"],
}


class Command(BaseCommand):
    help = "Create Haven's demo community (groups, members, facilitators, conversations)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar or log-ins.")

    def handle(self, *args: Any, seed: int, quiet: bool, **options: Any) -> None:
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.password_hash = make_password(DEMO_PASSWORD)
        Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "Haven"})
        with transaction.atomic():
            people = self._people()
            groups = self._groups(people)
            seed_duty(people=people, facilitator_email=FACILITATOR_EMAIL)
        threads = [(slug, t) for slug, items in content.THREADS.items() for t in items]
        progress = tqdm(threads, desc="Conversations", unit="thread", disable=quiet)
        created = 0
        for slug, spec in progress:
            created += self._thread(groups[slug], spec, people)
        with transaction.atomic():
            self._extras(groups, people)
            self._moderation(groups, people)
            seed_crisis(
                people=people, now=self.now, rng=self.rng, facilitator_email=FACILITATOR_EMAIL
            )
            seed_meetings(groups=groups, people=people, now=self.now)
        if not quiet:
            self._print_logins(created)

    # --- people ---

    def _user(self, *, email: str, handle: str, bio: str = "", **extra: Any) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            days = self.rng.randint(40, 700)
            user = User.objects.create_user(
                email=email,
                handle=handle,
                password=None,
                bio=bio,
                date_joined=self.now - timedelta(days=days),
                guidelines_accepted_at=self.now - timedelta(days=days),
                **extra,
            )
            # Hash once for all demo accounts: PBKDF2 per account would take a minute.
            User.objects.filter(pk=user.pk).update(password=self.password_hash)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _people(self) -> dict[str, Any]:
        members = []
        for i, handle in enumerate(content.HANDLES):
            email = MEMBER_EMAIL if i == 0 else f"{handle.lower()}@{DEMO_DOMAIN}"
            members.append(self._user(email=email, handle=handle, bio=content.BIOS[i]))
        facilitators = {}
        for i, spec in enumerate(content.FACILITATORS):
            email = FACILITATOR_EMAIL if i == 0 else f"{spec['handle']}@{DEMO_DOMAIN}"
            facilitators[spec["handle"]] = self._user(
                email=email,
                handle=spec["handle"],
                bio=spec["bio"],
                professional_title=spec["title"],
                professional_title_verified=True,
            )
        admin = self._user(
            email=ADMIN_EMAIL,
            handle=ADMIN_HANDLE,
            bio="I look after Haven.",
            is_staff=True,
            is_superuser=True,
        )
        newcomer = self._user(
            email=f"{NEWCOMER_HANDLE}@{DEMO_DOMAIN}", handle=NEWCOMER_HANDLE, bio="Just arrived."
        )
        return {
            "members": members,
            "facilitators": facilitators,
            "admin": admin,
            "newcomer": newcomer,
        }

    # --- groups ---

    def _rules(self, group: SupportGroup, text: str) -> None:
        """The demo writes each group's rules as "1. **Title.** body" lines."""
        for line in text.splitlines():
            match = RULE_LINE.match(line)
            if (
                match is None
                or Guideline.objects.filter(group=group)
                .filter(number=int(match["number"]))
                .exists()
            ):
                continue
            title, body = match["title"].strip(), match["body"].strip()
            if not body[:1].isupper():
                # "**Be gentle** with each other": the title opens the sentence of the body.
                body = f"{title} {body}".replace(" ,", ",").strip()
            guideline_save(
                guideline=Guideline(
                    group=group,
                    number=int(match["number"]),
                    title=title.rstrip(".:,"),
                    body=body,
                )
            )

    def _groups(self, people: dict[str, Any]) -> dict[str, SupportGroup]:
        groups = {}
        members: list[User] = people["members"]
        for spec in content.GROUPS:
            group = SupportGroup.objects.filter(slug=spec["slug"]).first() or SupportGroup()
            for key, value in spec.items():
                if key != "guidelines":
                    setattr(group, key, value)
            if not group.pk:
                group.created_at = self.now - timedelta(days=800)
            groups[spec["slug"]] = services.group_save(group=group)
            self._rules(group, spec["guidelines"])
        accepted = self.now - timedelta(days=30)
        for index, member in enumerate(members):
            # Everyone is in two to four groups; the first demo member is in all listed ones.
            slugs = [s["slug"] for s in content.GROUPS]
            chosen = slugs if index == 0 else self.rng.sample(slugs, self.rng.randint(2, 4))
            for slug in chosen:
                Membership.objects.get_or_create(
                    user=member,
                    group=groups[slug],
                    defaults={"guidelines_accepted_at": accepted, "decided_at": accepted},
                )
        for handle, slugs in FACILITATED.items():
            for slug in slugs:
                Membership.objects.update_or_create(
                    user=people["facilitators"][handle],
                    group=groups[slug],
                    defaults={
                        "role": Membership.Role.FACILITATOR,
                        "status": Membership.Status.ACTIVE,
                        "guidelines_accepted_at": accepted,
                        "decided_at": accepted,
                    },
                )
        Membership.objects.get_or_create(
            user=people["newcomer"],
            group=groups["low-mood-depression"],
            defaults={"guidelines_accepted_at": self.now, "decided_at": self.now},
        )
        return groups

    # --- conversations ---

    def _group_people(self, group: SupportGroup) -> tuple[list[User], User]:
        active = Membership.objects.filter(group=group, status=Membership.Status.ACTIVE)
        members = list(
            User.objects.filter(memberships__in=active.filter(role=Membership.Role.MEMBER)).exclude(
                handle=NEWCOMER_HANDLE
            )
        )
        facilitator = User.objects.filter(
            memberships__in=active.filter(role=Membership.Role.FACILITATOR)
        ).first()
        return members, facilitator

    def _latest(self, group: SupportGroup):
        """The latest a seeded post may be dated: before the group's slow-mode window, or
        the same member's next seeded post there would be refused (seeding takes seconds,
        not the window's minute)."""
        return self.now - timedelta(seconds=group.slow_mode_seconds, minutes=1)

    def _backdate(self, post: Post, when) -> None:
        Post.objects.filter(pk=post.pk).update(created_at=when)
        Thread.objects.filter(pk=post.thread_id).update(last_activity_at=when)
        post.created_at = when

    def _thread(self, group: SupportGroup, spec: dict, people: dict[str, Any]) -> int:
        if Thread.objects.filter(group=group, title=spec["title"]).exists():
            return 0
        members, facilitator = self._group_people(group)
        author = self.rng.choice(members)
        when = self.now - timedelta(days=self.rng.randint(1, 60), minutes=self.rng.randint(0, 600))
        with transaction.atomic():
            thread = services.thread_create(
                author=author,
                group=group,
                title=spec["title"],
                body=spec["body"],
                content_warning=spec.get("content_warning", ""),
                content_topics=spec.get("content_topics", ()),
            )
            opening = thread.posts.get(is_opening=True)
            self._publish(opening, facilitator)
            self._backdate(opening, when)
            Thread.objects.filter(pk=thread.pk).update(created_at=when)
            clock = [when]
            self._replies(
                thread, opening, spec.get("replies", []), members, facilitator, author, clock
            )
        self._react(thread, members)
        return 1

    def _publish(self, post: Post, facilitator: User) -> Post:
        if post.state == Post.State.PENDING:
            return services.post_approve(actor=facilitator, post=post)
        return post

    def _replies(self, thread, parent, replies, members, facilitator, op, clock) -> None:
        for spec in replies:
            candidates = [m for m in members if m.pk != parent.author_id] or members
            # The opening poster often answers the people who answered them.
            author = op if parent.author_id != op.pk and self.rng.random() < 0.3 else None
            author = author or self.rng.choice(candidates)
            post = services.post_create(
                author=author,
                thread=thread,
                body=spec["body"],
                reply_to=None if parent.is_opening else parent,
                anonymous=bool(spec.get("anonymous")) and thread.group.allow_anonymous,
            )
            post = self._publish(post, facilitator)
            clock[0] = clock[0] + timedelta(minutes=self.rng.randint(7, 400))
            self._backdate(post, min(clock[0], self._latest(thread.group)))
            self._replies(thread, post, spec.get("replies", []), members, facilitator, op, clock)

    def _react(self, thread: Thread, members: list[User]) -> None:
        kinds = Reaction.Kind.values
        for post in thread.posts.filter(state=Post.State.PUBLISHED):
            for reactor in self.rng.sample(members, min(len(members), self.rng.randint(0, 5))):
                if reactor.pk != post.author_id:
                    Reaction.objects.get_or_create(
                        post=post, user=reactor, kind=self.rng.choice(kinds)
                    )

    # --- the things facilitators will find in their queue ---

    def _extras(self, groups: dict[str, SupportGroup], people: dict[str, Any]) -> None:
        members: list[User] = people["members"]
        for spec, author in (
            (content.FLAGGED_POST, members[7]),
            (content.CRISIS_POST, members[11]),
        ):
            thread = Thread.objects.filter(
                group=groups[spec["group"]], title=spec["thread_title"]
            ).first()
            if thread and not thread.posts.filter(body=spec["body"]).exists():
                Membership.objects.get_or_create(user=author, group=thread.group)
                _, facilitator = self._group_people(thread.group)
                post = services.post_create(author=author, thread=thread, body=spec["body"])
                post = self._publish(post, facilitator)
                if spec is content.FLAGGED_POST:
                    self._flag(post, members[12:14])
                if spec is content.CRISIS_POST:
                    # A worried member's report puts it at the top of the queue (the crisis
                    # detector will raise its own alert too).
                    reporter = members[15]
                    Membership.objects.get_or_create(user=reporter, group=post.thread.group)
                    moderation_services.flag_create(
                        reporter=reporter,
                        post=post,
                        reason="self_harm",
                        note="I'm worried about them, they sound really low.",
                    )
        pending = content.PENDING_POST
        group = groups[pending["group"]]
        newcomer = people["newcomer"]
        if not Post.objects.filter(author=newcomer).exists():
            services.thread_create(
                author=newcomer, group=group, title="Hello from someone new", body=pending["body"]
            )
        request_groups = [g for g in content.GROUPS if g["join_policy"] == "request"]
        answers = content.JOIN_REQUEST_ANSWERS
        outsiders = [
            m for m in members if not m.memberships.filter(group__slug="caregivers").exists()
        ]
        for i, answer in enumerate(answers):
            slug = request_groups[0]["slug"] if i < 2 else request_groups[-1]["slug"]
            applicant = next(
                (m for m in outsiders[i:] if not m.memberships.filter(group__slug=slug).exists()),
                None,
            )
            if (
                applicant is not None
                and not Membership.objects.filter(
                    group__slug=slug, status=Membership.Status.PENDING, entry_answer=answer
                ).exists()
            ):
                services.group_join(
                    user=applicant, group=groups[slug], accept_guidelines=True, entry_answer=answer
                )

    def _flag(self, post: Post, reporters: list[User]) -> None:
        notes = ["Telling people to stop medication suddenly is dangerous.", ""]
        for reporter, note in zip(reporters, notes, strict=True):
            Membership.objects.get_or_create(user=reporter, group=post.thread.group)
            moderation_services.flag_create(
                reporter=reporter, post=post, reason="misinformation", note=note
            )

    def _moderation(self, groups: dict[str, SupportGroup], people: dict[str, Any]) -> None:
        """Two-factor for the demo staff (moderation pages need it; the secret is public:
        demo only), a member with a past warning, a brand-new spam account, and vetted,
        suggested and stale resources."""
        for user in (people["facilitators"][content.FACILITATORS[0]["handle"]], people["admin"]):
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
        anxiety = groups["anxiety-panic"]
        _, facilitator = self._group_people(anxiety)
        warned = people["members"][9]
        Membership.objects.get_or_create(user=warned, group=anxiety)
        if not Sanction.objects.filter(user=warned).exists():
            sanction = sanction_services.sanction_apply(
                actor=facilitator,
                member=warned,
                kind=Sanction.Kind.WARNING,
                rule=Guideline.objects.get(group__isnull=True, number=1),
                group=anxiety,
                message="Your reply to a newer member came across as mocking. Please remember "
                "everyone here is having a hard time.",
            )
            sanction_services.warning_acknowledge(user=warned, sanction=sanction)
        spammer = self._user(email=f"deals4u@{DEMO_DOMAIN}", handle="deals4u", bio="")
        User.objects.filter(pk=spammer.pk).update(date_joined=self.now - timedelta(hours=3))
        spammer.refresh_from_db()
        Membership.objects.get_or_create(user=spammer, group=anxiety)
        if not Post.objects.filter(author=spammer).exists():
            for title, body in content.SPAM_POSTS:
                thread = services.thread_create(
                    author=spammer, group=anxiety, title=title, body=body
                )
                reporter = people["members"][2]
                Membership.objects.get_or_create(user=reporter, group=anxiety)
                moderation_services.flag_create(
                    reporter=reporter, post=thread.posts.get(), reason="spam"
                )
        self._resources(groups, people, facilitator)

    def _resources(self, groups, people, facilitator: User) -> None:
        if Resource.objects.exists():
            return
        admin = people["admin"]
        today = self.now.date()
        for spec in content.RESOURCES:
            resource = resource_services.resource_create(
                actor=admin,
                title=spec["title"],
                url=spec["url"],
                description=spec["description"],
                kind=spec["kind"],
                region=spec["region"],
            )
            for slug in spec.get("pin_to", []):
                resource_services.resource_pin(actor=admin, resource=resource, group=groups[slug])
            if spec.get("stale"):
                Resource.objects.filter(pk=resource.pk).update(review_by=today - timedelta(days=3))
        resource_services.resource_suggest(
            suggester=people["members"][0], **content.SUGGESTED_RESOURCE
        )
        resource_services.resources_review_stale(today=today)

    def _print_logins(self, created: int) -> None:
        threads = Thread.objects.count()
        posts = Post.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nHaven demo ready: {SupportGroup.objects.count()} groups, "
                f"{User.objects.count()} people, {threads} threads, {posts} posts "
                f"({created} threads added this run).\n"
            )
        )
        self.stdout.write("Demo log-ins (password for all: " + DEMO_PASSWORD + ")")
        self.stdout.write(f"  member       {MEMBER_EMAIL:32} handle {content.HANDLES[0]}")
        self.stdout.write(
            f"  facilitator  {FACILITATOR_EMAIL:32} handle {content.FACILITATORS[0]['handle']}"
        )
        self.stdout.write(f"  admin        {ADMIN_EMAIL:32} handle {ADMIN_HANDLE}")
        self.stdout.write(
            "  The facilitator and admin sign in with a second factor (moderation needs it):\n"
            f"  add the demo secret {DEMO_TOTP_SECRET} to an authenticator app, or print the "
            "current code with\n  `uv run python manage.py demo_code facilitator@haven.example`."
        )
        self.stdout.write(
            f"  new member   {NEWCOMER_HANDLE + '@' + DEMO_DOMAIN:32} (first post awaits approval)"
        )

"""The demo's crisis care: who is on duty, a worried member's concern, and eight weeks of
answered alerts so the duty-of-care metrics have something to show. Idempotent."""

import random
from datetime import datetime, time, timedelta

from accounts.models import User
from groups.models import Membership, Post, SupportGroup
from moderation.models import (
    AlertEscalation,
    AlertView,
    CrisisAlert,
    DutyShift,
    DutyStatus,
    ReviewItem,
    WellbeingConcern,
)
from moderation.services import concerns

# Minutes to acknowledge, by severity: the demo's history is a service that mostly meets
# its windows (5 / 15 / 60 minutes) and sometimes does not.
ACK_MINUTES = {4: (1, 9), 3: (3, 25), 2: (10, 120)}
OUTCOMES = [
    CrisisAlert.Outcome.REACHED_OUT,
    CrisisAlert.Outcome.REACHED_OUT,
    CrisisAlert.Outcome.SIGNPOSTED,
    CrisisAlert.Outcome.ALREADY_SAFE,
    CrisisAlert.Outcome.FALSE_ALARM,
    CrisisAlert.Outcome.EMERGENCY,
]


def seed_duty(*, people: dict, facilitator_email: str) -> None:
    """Before any demo post is written, so the demo's alerts find someone on duty."""
    facilitators: list[User] = list(people["facilitators"].values())
    lead = next(f for f in facilitators if f.email == facilitator_email)
    _regions(people["members"])
    _duty(lead, facilitators)


def seed_crisis(*, people: dict, now: datetime, rng: random.Random, facilitator_email: str) -> None:
    facilitators: list[User] = list(people["facilitators"].values())
    lead = next(f for f in facilitators if f.email == facilitator_email)
    if CrisisAlert.objects.filter(findings__demo_history=True).exists():
        return
    _history(lead, facilitators, people["members"], now, rng)
    _concern(people["members"])


# Where the demo's members live (the crisis lines they are shown); one has not said.
REGIONS = ["GB", "US", "IE", "AU", "CA", "GB", "NZ", "DE", "FR", "ES", ""]


def _regions(members: list[User]) -> None:
    for i, member in enumerate(members):
        region = REGIONS[i % len(REGIONS)]
        if region:
            User.objects.filter(pk=member.pk, region="").update(region=region)


def _duty(lead: User, facilitators: list[User]) -> None:
    DutyStatus.objects.get_or_create(user=lead, defaults={"mode": DutyStatus.Mode.ON})
    for other in facilitators:
        if other == lead or DutyShift.objects.filter(user=other).exists():
            continue
        for weekday in range(5):  # weekdays, nine to five in their own time zone
            DutyShift.objects.create(
                user=other, weekday=weekday, starts=time(9, 0), ends=time(17, 0)
            )


def _groups_of(user: User) -> list[SupportGroup]:
    return list(
        SupportGroup.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.FACILITATOR
        )
    )


def _history(
    lead: User, facilitators: list[User], members: list[User], now: datetime, rng: random.Random
) -> None:
    for week in range(8, 0, -1):
        for _ in range(rng.randint(1, 4)):
            answerer = lead if rng.random() < 0.6 else rng.choice(facilitators)
            groups = _groups_of(answerer) or _groups_of(lead)
            group = rng.choice(groups)
            severity = rng.choice([2, 3, 3, 4])
            created = now - timedelta(weeks=week, hours=rng.randint(0, 160))
            off_duty = rng.random() < 0.2
            low, high = ACK_MINUTES[severity]
            acked = created + timedelta(minutes=rng.randint(low, high) * (3 if off_duty else 1))
            resolved = acked + timedelta(minutes=rng.randint(10, 240))
            outcome = rng.choice(OUTCOMES)
            item = ReviewItem.objects.create(
                kind=ReviewItem.Kind.CRISIS,
                group=group,
                severity=severity,
                reason="Crisis language in a post",
                created_at=created,
                state=ReviewItem.State.RESOLVED,
                resolved_at=resolved,
                resolved_by=answerer,
                resolution=outcome,
            )
            alert = CrisisAlert.objects.create(
                source=rng.choice([CrisisAlert.Source.DETECTED] * 3 + [CrisisAlert.Source.CONCERN]),
                severity=severity,
                state=CrisisAlert.State.RESOLVED,
                group=group,
                subject=rng.choice(members),
                findings={"demo_history": True, "findings": []},
                review_item=item,
                created_at=created,
                raised_off_duty=off_duty,
                acknowledged_at=acked,
                acknowledged_by=answerer,
                resolved_at=resolved,
                resolved_by=answerer,
                outcome=outcome,
                outcome_note="Demo history.",
                follow_up_due_at=resolved + timedelta(hours=24),
                follow_up_sent_at=resolved + timedelta(hours=24),
                delivered_at=created + timedelta(seconds=1),
                escalation_level=1 if off_duty else 0,
                escalated_at=created if off_duty else None,
            )
            AlertView.objects.create(alert=alert, viewer=answerer, viewed_at=acked)
            if off_duty:
                AlertEscalation.objects.create(
                    alert=alert,
                    level=AlertEscalation.Level.FACILITATORS,
                    reason="Nobody was on duty",
                    recipients=len(facilitators),
                    created_at=created,
                )


def _concern(members: list[User]) -> None:
    """A member worried about another after a post in a group they share."""
    for sender in members[3:10]:
        post = (
            Post.objects.filter(
                state=Post.State.PUBLISHED,
                is_opening=False,
                thread__group__memberships__user=sender,
                thread__group__memberships__status=Membership.Status.ACTIVE,
            )
            .exclude(author=sender)
            .exclude(author__is_staff=True)
            .select_related("author", "thread__group")
            .order_by("-created_at")
            .first()
        )
        if post is None or post.author is None:
            continue
        if WellbeingConcern.objects.filter(subject=post.author).exists():
            return
        concerns.concern_raise(
            sender=sender,
            subject=post.author,
            post=post,
            note="They've gone quiet and this reply sounded flat. Could someone check in?",
        )
        return

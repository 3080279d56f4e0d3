"""The fault suite's world, made in the stack's own database by ``python -m
tests.reliability.arrange POSTERS THREADS``: a group, an on-duty facilitator, POSTERS
members each signed in (a session cookie), THREADS threads. Prints it as one JSON line."""

import json
import sys

import django


def arrange(posters: int, threads: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from groups import services
    from groups.models import Membership, SupportGroup
    from moderation.models import DutyStatus

    now = timezone.now()
    group = SupportGroup.objects.create(
        name="Reliability", slug="reliability", description="The fault suite's group."
    )

    def person(handle: str, role: str) -> tuple[User, str]:
        user = User.objects.create_user(
            email=f"{handle}@reliability.invalid", handle=handle, password=None
        )
        user.guidelines_accepted_at = now
        user.save(update_fields=["guidelines_accepted_at"])
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Membership.objects.create(
            user=user,
            group=group,
            role=role,
            status=Membership.Status.ACTIVE,
            guidelines_accepted_at=now,
        )
        client = Client()
        client.force_login(user)
        return user, client.cookies["sessionid"].value

    facilitator, _ = person("on_call", Membership.Role.FACILITATOR)
    DutyStatus.objects.create(user=facilitator, mode=DutyStatus.Mode.ON)
    members = [person(f"poster_{n:02d}", Membership.Role.MEMBER) for n in range(posters)]
    made = [
        services.thread_create(
            author=members[n % posters][0], group=group, title=f"Thread {n}", body="Hello."
        )
        for n in range(threads)
    ]
    return {
        "facilitator": facilitator.pk,
        "group": group.pk,
        "threads": [thread.pk for thread in made],
        "sessions": [session for _, session in members],
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps(arrange(int(sys.argv[1]), int(sys.argv[2]))))

"""factory_boy factories for Haven's models. Posts are created through the service in
most tests; these build the surrounding world."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from groups import services
from groups.models import Membership, SupportGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    handle = factory.Sequence(lambda n: f"member_{n}")
    date_joined = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=30))

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs) -> None:
        obj.set_password(extracted or "a-long-test-password")
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    description = "A kind place to talk."

    class Params:
        private = factory.Trait(
            visibility=SupportGroup.Visibility.PRIVATE,
            join_policy=SupportGroup.JoinPolicy.REQUEST,
            entry_question="What brings you here?",
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(GroupFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    guidelines_accepted_at = factory.LazyFunction(timezone.now)


def make_thread(*, author: User, group: SupportGroup, title: str = "A thread", body: str = "Hello"):
    return services.thread_create(author=author, group=group, title=title, body=body)


def make_rule(
    group: SupportGroup | None = None,
    *,
    number: int = 1,
    title: str = "Be kind",
    body: str = "Everyone here is going through something.",
):
    """A group rule (or a site rule without ``group``), rendered as the admin saves it."""
    from moderation.models import Guideline
    from moderation.services.guidelines import guideline_save

    return guideline_save(guideline=Guideline(group=group, number=number, title=title, body=body))


def give_totp(user) -> str:
    """Set up TOTP two-factor authentication for ``user`` as allauth.mfa stores it, and
    return the base32 secret (to generate codes in browser tests)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# Posts the crisis detector must alert on (high, imminent) and one it must not.
CRISIS_TEXT = "I'm not okay. I want to kill myself."
IMMINENT_TEXT = "I've saved up my pills and I'm going to take them all tonight. Goodbye everyone."
CALM_TEXT = "Thanks everyone, this exam is killing me but I'll get through it."

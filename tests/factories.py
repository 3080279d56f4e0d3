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


def signed_in_with_mfa(client, user):
    """``client`` signed in as ``user`` with TOTP set up, in a session that passed it:
    recorded by allauth's own functions, as its log-in form and code step record them
    (moderation pages check the session's records, not only that TOTP is set up)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.base.internal.flows import post_authentication
    from allauth.mfa.models import Authenticator
    from django.http import HttpRequest

    from supportforum.middleware import stamp_activity

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        give_totp(user)  # signing the same person in again, in another client
    client.force_login(user)
    request = HttpRequest()
    request.session, request.user = client.session, user
    record_authentication(request, user, "password", email=user.email)
    post_authentication(request, Authenticator.objects.get(user=user, type="totp"))
    stamp_activity(None, request, user)  # as Haven's sign-in does (idle timeout)
    request.session.save()
    return client


def mfa_session(user):
    """A stored session of ``user`` that passed two-factor authentication (signed in as
    ``signed_in_with_mfa`` does), to put in a websocket's ``scope["session"]``: the
    moderation socket checks the session as the moderation pages do."""
    from importlib import import_module

    from django.conf import settings
    from django.test import Client

    key = signed_in_with_mfa(Client(), user).session.session_key
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# Posts the crisis detector must alert on (high, imminent) and one it must not.
CRISIS_TEXT = "I'm not okay. I want to kill myself."
IMMINENT_TEXT = "I've saved up my pills and I'm going to take them all tonight. Goodbye everyone."
CALM_TEXT = "Thanks everyone, this exam is killing me but I'll get through it."

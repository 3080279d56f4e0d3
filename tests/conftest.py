import uuid

import pytest

from groups.models import Membership

from .factories import GroupFactory, MembershipFactory, UserFactory, signed_in_with_mfa


@pytest.fixture(scope="session", autouse=True)
def _own_channel_prefix(worker_id):
    """``make test`` runs the suite in two processes (pytest-xdist): each gets a channel
    layer prefix of its own on the shared Redis, or one process's tests would hear the
    other's live events (their databases number threads and users alike)."""
    from django.conf import settings
    from django.test import override_settings

    layer = settings.CHANNEL_LAYERS.get("default", {})
    config = layer.get("CONFIG") or {}
    if worker_id == "master" or "prefix" not in config:
        yield
        return
    prefix = f"{config['prefix']}-{worker_id}"
    with override_settings(
        CHANNEL_LAYERS={"default": {**layer, "CONFIG": {**config, "prefix": prefix}}}
    ):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _prepared_queries_checked(settings) -> None:
    """Every query kept compiled (``supportforum.prepared``) is compiled again from the
    ORM on each run in the suite, and a difference fails the test."""
    settings.HAVEN_PREPARED_CHECK = True


@pytest.fixture(autouse=True)
def _isolated_cache(settings) -> None:
    """Each test gets its own key space on the real Redis cache, so rate-limit counters
    (allauth's, Haven's) never leak from one test or one run into the next."""
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


@pytest.fixture
def group(db):
    return GroupFactory(name="Anxiety & Panic", slug="anxiety-panic")


@pytest.fixture
def private_group(db):
    return GroupFactory(name="Private circle", slug="private-circle", private=True)


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user__handle="quiet_harbour").user


@pytest.fixture
def other_member(group):
    return MembershipFactory(group=group, user__handle="slow_tide").user


@pytest.fixture
def facilitator(group):
    return MembershipFactory(
        group=group,
        role=Membership.Role.FACILITATOR,
        user__handle="harbourlight",
        user__professional_title="Licensed social worker",
        user__professional_title_verified=True,
    ).user


@pytest.fixture
def admin_user(db):
    return UserFactory(handle="lighthouse", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    return UserFactory(handle="passer_by")


@pytest.fixture
def mod_client(client, facilitator):
    """A client signed in as the group's facilitator, with TOTP set up and passed in this
    session (moderation pages require both)."""
    return signed_in_with_mfa(client, facilitator)


@pytest.fixture
def admin_client_mfa(client, admin_user):
    return signed_in_with_mfa(client, admin_user)


@pytest.fixture
def fresh_lexicon():
    """The crisis lexicon rebuilt from this test's database (and dropped afterwards)."""
    from moderation.services import lexicon

    lexicon.forget_lexicon()
    yield
    lexicon.forget_lexicon()

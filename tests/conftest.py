import pytest

from groups.models import Membership

from .factories import GroupFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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

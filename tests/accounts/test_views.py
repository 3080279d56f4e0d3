import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_update(client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/me/profile/", {"bio": "  I like walks.  ", "region": "gb", "time_zone": "Europe/London"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.bio, user.region, user.time_zone) == ("I like walks.", "GB", "Europe/London")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"bio": "x" * 301, "region": "", "time_zone": "UTC"}, "at most 300"),
        ({"bio": "", "region": "GBR", "time_zone": "UTC"}, "two-letter"),
        ({"bio": "", "region": "", "time_zone": "Mars/Olympus"}, "valid choice"),
    ],
)
def test_profile_update_refuses_bad_input(client, data: dict, message: str) -> None:
    user = UserFactory(bio="unchanged")
    client.force_login(user)
    response = client.post("/me/profile/", data)
    assert response.status_code == 200 and message in response.content.decode()
    user.refresh_from_db()
    assert user.bio == "unchanged" and user.time_zone == "UTC"


def test_profile_requires_login(client) -> None:
    response = client.get("/me/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_card_shows_verified_professional_title(client) -> None:
    facilitator = UserFactory(
        handle="harbourlight",
        professional_title="Licensed social worker",
        professional_title_verified=True,
    )
    from groups.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(user=facilitator, role=Membership.Role.FACILITATOR)
    html = client.get(facilitator.get_absolute_url()).content.decode()
    assert "Facilitator · Licensed social worker" in html


def test_unverified_title_not_shown() -> None:
    user = UserFactory.build(professional_title="Psychiatrist", professional_title_verified=False)
    assert user.facilitator_label == "Facilitator"

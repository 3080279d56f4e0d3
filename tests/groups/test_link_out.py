""" "Show me where a link leads before I open it": a member's choice; links to other
sites in posts and facilitator notes go through a page that names the destination and
says whether it is a vetted resource. Never an automatic redirect."""

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts import services as account_services
from groups.rendering import links_via, render_markdown
from moderation.models import Resource
from moderation.services import facilitator_notes
from tests.factories import make_thread

pytestmark = pytest.mark.django_db

GO = reverse("groups:link_out")
BLNS = json.loads((Path(__file__).parent.parent / "corpora" / "blns.json").read_text())
BODY = (
    "Try [this page](https://www.example.org/sleep?a=1&b=2) or ask @nobody, see [us](/resources/)."
)


def test_links_via_sends_only_external_links_through_the_page() -> None:
    html = render_markdown(BODY)
    routed = links_via(html, GO)
    expected = GO + "?to=" + quote("https://www.example.org/sleep?a=1&b=2", safe="")
    assert f'href="{expected.replace("&", "&amp;")}"' in routed
    assert 'href="/resources/"' in routed  # within Haven: unchanged
    assert routed.count("href=") == html.count("href=")


def test_links_via_keeps_every_naughty_string_inert() -> None:
    for text in BLNS:
        html = render_markdown(f"[x](https://example.org/{quote(text)}) {text}")
        routed = links_via(html, GO)
        assert "<script" not in routed.lower()
        assert routed.count('href="') == html.count('href="')


@pytest.fixture
def thread(group, member):
    return make_thread(author=member, group=group, title="Sleep", body=BODY)


def test_members_who_chose_it_see_links_through_the_page(client, other_member, thread) -> None:
    client.force_login(other_member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'href="https://www.example.org/sleep?a=1&amp;b=2"' in page  # default: direct
    account_services.content_filters_update(
        user=other_member, topics=[], mute_words="", link_interstitial=True
    )
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'href="https://www.example.org/sleep' not in page
    assert f'href="{GO}?to=https%3A%2F%2Fwww.example.org%2Fsleep%3Fa%3D1%26b%3D2"' in page


def test_facilitator_notes_links_go_through_the_page_too(
    client, other_member, thread, facilitator
) -> None:
    facilitator_notes.facilitator_note_add(
        actor=facilitator, post=thread.posts.get(), body="See https://nhs.example/sleep"
    )
    account_services.content_filters_update(
        user=other_member, topics=[], mute_words="", link_interstitial=True
    )
    client.force_login(other_member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'href="{GO}?to=https%3A%2F%2Fnhs.example%2Fsleep"' in page


def test_the_page_names_the_host_and_a_vetted_resource(client, facilitator) -> None:
    Resource.objects.create(
        title="Sleep help",
        url="https://example.org/",
        kind=Resource.Kind.ARTICLE,
        state=Resource.State.VETTED,
        vetted_by=facilitator,
    )
    response = client.get(GO, {"to": "https://www.example.org/sleep"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<strong class="link-host">www.example.org</strong>' in page
    assert "among Haven's vetted resources" in page and "Sleep help" in page
    assert 'href="https://www.example.org/sleep" rel="nofollow noopener noreferrer"' in page
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "Location" not in response  # never a redirect


def test_an_unvetted_site_says_so_and_links_the_guide(client) -> None:
    page = client.get(GO, {"to": "http://unknown.example/x"}).content.decode()
    assert "have not checked this site" in page
    assert reverse("moderation:guide", args=["judging-health-information"]) in page


@pytest.mark.parametrize(
    "target",
    [
        "",
        "javascript:alert(1)",
        "data:text/html,hi",
        "mailto:a@b.c",
        "https://",
        "/local",
        "\x00",
        "http://[::1",  # malformed: urlsplit raises
    ],
)
def test_anything_but_a_web_address_is_refused_and_never_linked(client, target) -> None:
    response = client.get(GO, {"to": target})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Continue to" not in page
    assert "doesn't look like a web address" in page


def test_the_setting_is_on_the_reading_settings_page(client, member) -> None:
    client.force_login(member)
    url = reverse("accounts:content_filters")
    assert "Show me where a link leads before I open it" in client.get(url).content.decode()
    client.post(url, {"topics": ["suicide"], "mute_words": "", "link_interstitial": "on"})
    member.refresh_from_db()
    assert member.link_interstitial is True

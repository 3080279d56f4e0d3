"""Abuse limits (supportforum/ratelimits.py, allauth's limits): past a limit, a calm 429
that says when to try again, and nothing written; per member and per address; the address
as the trusted proxy reports it, never as the client claims it."""

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import time_machine
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings as django_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from groups import services
from groups.models import Post, Reaction, Thread
from moderation.models import Flag, WellbeingConcern
from supportforum import ratelimits
from tests.factories import MembershipFactory, make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_lexicon")]

FRIENDLY = "If you are in danger now, please call your local emergency number"
# Two requests pass, the third is refused: by member (any address), or by address.
PER_MEMBER = "2/1m/user,100/1m/ip"
PER_ADDRESS = "100/1m/user,2/1m/ip"


def _limit(settings, action: str, rates: str) -> None:
    settings.HAVEN_RATE_LIMITS = {**settings.HAVEN_RATE_LIMITS, action: rates}


@dataclass
class Action:
    """The n-th request of one limited action, and how many rows it writes."""

    name: str
    method: str
    url: Any  # (n) -> str
    data: Any  # (n) -> dict
    rows: Any  # () -> int


@pytest.fixture
def posts(group, other_member):
    """Posts by someone else, one per attempt (flags and reactions need fresh targets)."""
    thread = make_thread(author=other_member, group=group, title="Evenings", body="Hard ones.")
    opening = thread.posts.get()
    more = [services.post_create(author=other_member, thread=thread, body=f"{i}") for i in range(5)]
    return [opening, *more]


@pytest.fixture
def their_posts(group):
    """Authors of one post each: a concern is about a different member each time."""
    people = [MembershipFactory(group=group).user for _ in range(5)]
    return [
        make_thread(author=p, group=group, title="Low", body="Low.").posts.get() for p in people
    ]


def _action(name: str, group, posts, their_posts) -> Action:
    thread = posts[0].thread
    return {
        "thread": Action(
            "thread",
            "post",
            lambda n: reverse("groups:thread_create", args=[group.slug]),
            lambda n: {"title": f"Title {n}", "body": f"Body {n}"},
            Thread.objects.count,
        ),
        "reply": Action(
            "reply",
            "post",
            lambda n: reverse("groups:post_reply", args=[thread.pk]),
            lambda n: {"body": f"A reply {n}"},
            Post.objects.count,
        ),
        "react": Action(
            "react",
            "post",
            lambda n: reverse("groups:post_react", args=[posts[n].pk]),
            lambda n: {"kind": Reaction.Kind.HUG},
            Reaction.objects.count,
        ),
        "flag": Action(
            "flag",
            "post",
            lambda n: reverse("moderation:flag_create", args=[posts[n].pk]),
            lambda n: {"reason": "spam", "note": f"Looks like spam {n}"},
            Flag.objects.count,
        ),
        "concern": Action(
            "concern",
            "post",
            lambda n: reverse("moderation:concern_post", args=[their_posts[n].pk]),
            lambda n: {"note": f"They seem low {n}"},
            WellbeingConcern.objects.count,
        ),
    }[name]


WRITING_ACTIONS = ["thread", "reply", "react", "flag", "concern"]


@pytest.mark.embedded
@pytest.mark.parametrize("name", WRITING_ACTIONS)
def test_past_the_limit_a_calm_429_and_nothing_written(
    client, settings, member, group, posts, their_posts, name, caplog
) -> None:
    action = _action(name, group, posts, their_posts)
    _limit(settings, name, PER_MEMBER)
    client.force_login(member)
    for n in range(2):
        response = getattr(client, action.method)(action.url(n), action.data(n))
        assert response.status_code == 302, (name, n, response.status_code)
    assert not [r for r in caplog.records if r.name == "haven.security" and "abuse" in r.msg]
    before = action.rows()
    with caplog.at_level("INFO", logger="haven.security"):
        refused = getattr(client, action.method)(action.url(2), action.data(2))
    # The refusal is a security event (the action's name and the member's id, no content).
    (event,) = [r for r in caplog.records if r.name == "haven.security" and "abuse" in r.msg]
    assert event.levelname == "WARNING"
    assert f"action={name}" in event.getMessage()
    assert f"user_id={member.pk}" in event.getMessage()
    html = refused.content.decode()
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "You can try again in about" in html or "you can send them again in about" in html
    assert FRIENDLY in html
    assert "no-store" in refused["Cache-Control"]
    assert action.rows() == before, "a refused request wrote a row"


def test_search_past_the_limit_is_refused_without_searching(
    client, settings, member, monkeypatch
) -> None:
    _limit(settings, "search", PER_MEMBER)
    client.force_login(member)
    url = reverse("groups:search")
    for _ in range(2):
        assert client.get(url, {"q": "sleep"}).status_code == 200
    assert client.get(url).status_code == 200, "the empty search page is not counted"
    searched = []
    monkeypatch.setattr("groups.selectors.search", lambda *a, **k: searched.append(k))
    refused = client.get(url, {"q": "sleep"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 60
    assert "You can try again in about" in refused.content.decode()
    assert FRIENDLY in refused.content.decode()
    assert refused["Referrer-Policy"] == "no-referrer"
    assert searched == []


@pytest.mark.embedded
def test_per_member_whatever_the_address(client, settings, member, group, posts) -> None:
    _limit(settings, "reply", PER_MEMBER)
    client.force_login(member)
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    for n, address in enumerate(["10.0.0.1", "10.0.0.2"]):
        assert client.post(url, {"body": f"r{n}"}, REMOTE_ADDR=address).status_code == 302
    before = Post.objects.count()
    assert client.post(url, {"body": "r3"}, REMOTE_ADDR="10.0.0.3").status_code == 429
    assert Post.objects.count() == before


@pytest.mark.embedded
def test_per_address_whatever_the_member(client, settings, group, posts) -> None:
    _limit(settings, "reply", PER_ADDRESS)
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    people = [MembershipFactory(group=group).user for _ in range(3)]
    for n, person in enumerate(people[:2]):
        client.force_login(person)
        assert client.post(url, {"body": f"r{n}"}, REMOTE_ADDR="10.0.0.9").status_code == 302
    client.force_login(people[2])
    assert client.post(url, {"body": "r3"}, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert client.post(url, {"body": "r4"}, REMOTE_ADDR="10.0.0.10").status_code == 302


def _two_clients_behind(client, settings, group, posts, forwarded: list[str]) -> list[int]:
    """Two members, one proxy address, two X-Forwarded-For values: the answers' statuses."""
    _limit(settings, "reply", "100/1m/user,1/1m/ip")
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    statuses = []
    for n, xff in enumerate(forwarded):
        client.force_login(MembershipFactory(group=group).user)
        response = client.post(
            url, {"body": f"r{n}"}, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=xff
        )
        statuses.append(response.status_code)
    return statuses


@pytest.mark.embedded
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, settings, group, posts) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    # A client forging a new address each time is still the same address.
    assert _two_clients_behind(client, settings, group, posts, ["1.1.1.1", "2.2.2.2"]) == [
        302,
        429,
    ]


@pytest.mark.embedded
def test_behind_a_trusted_proxy_its_address_counts(client, settings, group, posts) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert _two_clients_behind(client, settings, group, posts, ["1.1.1.1", "2.2.2.2"]) == [
        302,
        302,
    ]


@pytest.mark.embedded
def test_behind_a_trusted_proxy_a_forged_hop_does_not_dodge(client, settings, group, posts) -> None:
    """The client's own X-Forwarded-For comes first; our proxy appends the real address."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    forged = ["1.1.1.1, 203.0.113.7", "2.2.2.2, 203.0.113.7"]
    assert _two_clients_behind(client, settings, group, posts, forged) == [302, 429]


@pytest.mark.embedded
def test_a_trusted_client_ip_header_counts(client, settings, group, posts) -> None:
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    _limit(settings, "reply", "100/1m/user,1/1m/ip")
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    statuses = []
    for n, real in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.2"]):
        client.force_login(MembershipFactory(group=group).user)
        statuses.append(client.post(url, {"body": f"r{n}"}, HTTP_X_REAL_IP=real).status_code)
    assert statuses == [302, 302, 429]


@pytest.mark.embedded
def test_a_refused_reply_keeps_the_members_words(client, settings, member, posts) -> None:
    _limit(settings, "reply", "1/1m/user,100/1m/ip")
    client.force_login(member)
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    client.post(url, {"body": "first"})
    words = "I finally told my sister about the panic attacks tonight"
    refused = client.post(url, {"body": words, "content_warning": "panic", "reply_to": posts[1].pk})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Your reply has not been posted yet." in html
    assert words in html and 'value="panic"' in html
    assert f'value="{posts[1].pk}"' in html, "still a reply to the same post"
    assert "Post reply" in html  # the form, to send them again
    assert not Post.objects.filter(body=words).exists()


@pytest.mark.embedded
def test_a_refused_thread_keeps_its_title_and_words(client, settings, member, group) -> None:
    _limit(settings, "thread", "1/1m/user,100/1m/ip")
    client.force_login(member)
    url = reverse("groups:thread_create", args=[group.slug])
    client.post(url, {"title": "One", "body": "First"})
    refused = client.post(url, {"title": "A hard week", "body": "Nothing seems to help."})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Your thread has not been posted yet." in html
    assert "A hard week" in html and "Nothing seems to help." in html
    assert not Thread.objects.filter(title="A hard week").exists()


@pytest.mark.embedded
def test_htmx_flag_refused_answers_its_form_with_the_note(client, settings, member, posts) -> None:
    _limit(settings, "flag", "1/1m/user,100/1m/ip")
    client.force_login(member)
    client.post(reverse("moderation:flag_create", args=[posts[0].pk]), {"reason": "spam"})
    refused = client.post(
        reverse("moderation:flag_create", args=[posts[1].pk]),
        {"reason": "spam", "note": "Same link as the others"},
        HTTP_HX_REQUEST="true",
    )
    html = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "<html" not in html and "Your flag has not been sent yet." in html
    assert "Same link as the others" in html and 'hx-post="' in html
    assert Flag.objects.count() == 1


@pytest.mark.embedded
def test_htmx_refused_without_a_form_gets_the_fragment(client, settings, member, posts) -> None:
    _limit(settings, "react", "1/1m/user,100/1m/ip")
    client.force_login(member)
    client.post(reverse("groups:post_react", args=[posts[0].pk]), {"kind": "hug"})
    refused = client.post(
        reverse("groups:post_react", args=[posts[1].pk]), {"kind": "hug"}, HTTP_HX_REQUEST="true"
    )
    html = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "<html" not in html and 'role="alert"' in html
    assert "You can try again in about" in html and FRIENDLY in html


@pytest.mark.embedded
def test_retry_after_counts_down_and_the_limit_lifts(client, settings, member, posts) -> None:
    _limit(settings, "reply", "1/1m/user,100/1m/ip")
    client.force_login(member)
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    start = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert client.post(url, {"body": "one"}).status_code == 302
        traveller.shift(20)
        refused = client.post(url, {"body": "two"})
        assert refused.status_code == 429 and refused["Retry-After"] == "40"
        assert "in about 40 seconds" in refused.content.decode()
        traveller.shift(41)
        assert client.post(url, {"body": "two"}).status_code == 302


@pytest.mark.embedded
def test_the_longest_full_window_decides_when(client, settings, member, posts) -> None:
    _limit(settings, "reply", "5/1m/user,2/1h/user,100/1m/ip")
    client.force_login(member)
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    start = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.post(url, {"body": "one"})
        traveller.shift(600)
        client.post(url, {"body": "two"})
        refused = client.post(url, {"body": "three"})
    assert refused.status_code == 429 and refused["Retry-After"] == str(3600 - 600)
    assert "in about 50 minutes" in refused.content.decode()


@pytest.mark.embedded
def test_switched_off_nothing_is_limited(client, settings, member, posts) -> None:
    _limit(settings, "reply", "1/1m/user,1/1m/ip")
    settings.HAVEN_RATE_LIMITS_ENABLED = False
    client.force_login(member)
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    assert [client.post(url, {"body": f"r{n}"}).status_code for n in range(3)] == [302] * 3


@pytest.mark.embedded
def test_a_cache_outage_lets_members_post(client, settings, member, posts, monkeypatch) -> None:
    def down(*args, **kwargs):
        raise RedisConnectionError("gone")

    monkeypatch.setattr(allauth_ratelimit, "consume", down)
    client.force_login(member)
    url = reverse("groups:post_reply", args=[posts[0].thread_id])
    assert client.post(url, {"body": "still here"}).status_code == 302


@pytest.mark.embedded
def test_the_configured_limits_count_per_member_and_per_address() -> None:
    assert set(django_settings.HAVEN_RATE_LIMITS) == {
        "thread",
        "reply",
        "react",
        "flag",
        "concern",
        "search",
    }
    for name, raw in django_settings.HAVEN_RATE_LIMITS.items():
        rates = allauth_ratelimit.parse_rates(raw)
        assert {rate.per for rate in rates} == {"user", "ip"}, name
        # An address may be shared: it never gets less room than one member.
        for duration in {rate.duration for rate in rates}:
            member = [r.amount for r in rates if r.per == "user" and r.duration == duration]
            address = [r.amount for r in rates if r.per == "ip" and r.duration == duration]
            assert address >= member, name


@pytest.mark.embedded
def test_a_misspelt_limit_is_a_configuration_error(rf, settings, member) -> None:
    settings.HAVEN_RATE_LIMITS = {**settings.HAVEN_RATE_LIMITS, "reply": "ten a minute"}
    request = rf.post("/")
    request.user = member
    with pytest.raises(Exception, match="is not a list of rates"):
        ratelimits.check(request, "reply")


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "in about 1 second"),
        (40, "in about 40 seconds"),
        (60, "in about a minute"),
        (61, "in about 2 minutes"),
        (3000, "in about 50 minutes"),
        (3600, "in about an hour"),
        (7000, "in about 2 hours"),
    ],
)
def test_when_to_try_again_reads_plainly(seconds, text) -> None:
    assert ratelimits.Limited(action="reply", retry_after=seconds).wait == text


# --- allauth's own limits, with Haven's page ---


@pytest.mark.embedded
def test_failed_sign_ins_are_limited_per_account(client, member) -> None:
    url = reverse("account_login")
    for _ in range(5):
        wrong = client.post(url, {"login": member.email, "password": "not-the-password"})
        assert wrong.status_code == 200
    right = client.post(url, {"login": member.email, "password": "a-long-test-password"})
    assert right.status_code == 200 and "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in right.content.decode()


@pytest.mark.embedded
def test_allauth_429_is_havens_calm_page(client, settings, db) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/1m/ip"}
    url = reverse("account_login")
    client.post(url, {"login": "someone@example.org", "password": "x"})
    refused = client.post(url, {"login": "someone@example.org", "password": "x"})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Let's take a short pause" in html and FRIENDLY in html
    # When to try again, from allauth's own per-address hits: within the minute.
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "You can try again in about" in html
    assert "no-store" in refused["Cache-Control"]


@pytest.mark.embedded
def test_allauth_429_is_a_security_event(client, settings, db, caplog) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/1m/ip"}
    url = reverse("account_signup")
    client.post(url, {"email": "a@example.org", "password1": "x", "password2": "x"})
    with caplog.at_level("INFO", logger="haven.security"):
        refused = client.post(url, {"email": "b@example.org", "password1": "x"})
    assert refused.status_code == 429
    events = [r for r in caplog.records if r.name == "haven.security"]
    assert any(
        getattr(r, "event", "") == "abuse.rate_limited" or "abuse.rate_limited" in r.getMessage()
        for r in events
    ), [r.getMessage() for r in events]
    assert "account.signup" in " ".join(str(r.__dict__) for r in events)


@pytest.mark.embedded
def test_allauth_429_counted_per_key_says_the_longest_window(client, settings, member) -> None:
    """A refusal counted per e-mail address (which the refusal page cannot see) says to
    wait the longest window of the page's limits: by then every window has room."""
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "reset_password": "100/1m/ip,1/5m/key",
    }
    url = reverse("account_reset_password")
    client.post(url, {"email": member.email})
    refused = client.post(url, {"email": member.email})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert "in about 5 minutes" in refused.content.decode()


# --- the environment ---


def _settings_with(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_RATE", "TRUSTED_"))}
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','supportforum.settings');"
        "from django.conf import settings as s;"
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER,"
        " s.HAVEN_RATE_LIMITS_ENABLED, s.HAVEN_RATE_LIMITS['reply'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.embedded
def test_the_environment_sets_the_proxy_and_the_limits() -> None:
    default = _settings_with({})
    assert default.startswith("0 None True ") and default.endswith("/user,30/1m/ip,400/1h/ip")
    assert _settings_with(
        {
            "TRUSTED_PROXY_COUNT": "1",
            "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP",
            "HAVEN_RATE_LIMITS": "off",
            "HAVEN_RATE_LIMIT_REPLY": "50/1m/user,100/1m/ip",
        }
    ) == ("1 X-Real-IP False 50/1m/user,100/1m/ip")

"""Bad input gets a clear message and changes nothing; no stack trace reaches a member.

Every user-facing form field is tried, through the test client, with each string of the
Big List of Naughty Strings (plus a few of our own: padding, NUL characters). For each:
no response is a 5xx; a refusal re-renders the form with an error on the field at fault
and stores nothing; an acceptance stores the input after the documented normalisation
(whitespace stripped, NUL characters dropped). To stay fast the strings are looped over
inside a few tests, one savepoint per attempt, and a form's text fields take the same
string in one submission (each field's error is read separately).
"""

import json
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.template.base import Template
from django.test import Client
from django.urls import reverse

from accounts.models import User
from groups.models import Membership, Post, PostRevision, SupportGroup, Thread
from tests.factories import GroupFactory, UserFactory, make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

BLNS = Path(__file__).resolve().parent / "corpora" / "blns.json"
OWN = [
    "  padded with spaces  ",
    "\ttabs and\r\nnewlines\n",
    "nul\x00inside",
    "\x00",
    " \x00 ",
    "\u00a0non-breaking\u00a0",
]
STRINGS: list[str] = json.loads(BLNS.read_text(encoding="utf-8")) + OWN

TITLE_MAX, BODY_MAX, WARNING_MAX, BIO_MAX, ANSWER_MAX = 150, 20000, 120, 300, 2000
HANDLE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{1,28}[A-Za-z0-9]")
ZONES = zoneinfo.available_timezones()


def normalised(value: str) -> str:
    return value.replace("\x00", "").strip()


def text(*, limit: int, required: bool = True) -> Callable[[str], str | None]:
    """Free text: stored normalised; refused only when blank (if required) or too long."""

    def expect(value: str) -> str | None:
        clean = normalised(value)
        if (required and not clean) or len(clean) > limit:
            return None
        return clean

    return expect


def region(value: str) -> str | None:
    clean = value.strip()
    if not clean:
        return ""
    return clean.upper() if re.fullmatch(r"[A-Za-z]{2}", clean) else None


@dataclass
class Field:
    name: str
    expect: Callable[[str], str | None]  # the value to store, or None: must be refused
    limit: int | None = None
    may_refuse: bool = False  # rules beyond ``expect`` may refuse plausible values


@dataclass
class Form:
    name: str
    fields: list[Field]
    submit: Callable[[str], HttpResponse]  # posts the string into every field under test
    snapshot: Callable[[], Any]  # what must not change when the submission is refused
    stored: Callable[[], dict[str, str]]  # the fields as stored by an accepted submission
    keep: bool = True  # keep accepted rows, or roll every attempt back


def _field_error(html: str, name: str) -> str | None:
    found = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    return found.group(1) if found else None


def _names_limit(message: str, limit: int) -> bool:
    return f"at most {limit}" in message or f"at most {limit:,}" in message


def _judge(form: Form, value: str, response: HttpResponse, before: Any) -> list[str]:
    if response.status_code >= 500:
        return [f"HTTP {response.status_code}"]
    expected = {f.name: f.expect(value) for f in form.fields}
    if response.status_code == 302:
        stored = form.stored()
        problems = []
        for name, want in expected.items():
            if want is None:
                problems.append(f"{name} accepted (stored {stored[name]!r}), should be refused")
            elif stored[name] != want:
                problems.append(f"{name} stored {stored[name]!r}, expected {want!r}")
        return problems
    html = response.content.decode()
    if response.status_code != 200 or "errorlist" not in html:
        return [f"HTTP {response.status_code} without an error message"]
    problems = []
    if form.snapshot() != before:
        problems.append("refused, but something was stored")
    lenient = "\x00" in value  # refusing a NUL character outright is as good as dropping it
    errors = {f.name: _field_error(html, f.name) for f in form.fields}
    for f in form.fields:
        error = errors[f.name]
        if expected[f.name] is not None:
            if error is not None and not (lenient or f.may_refuse):
                problems.append(f"{f.name} refused ({error}) but a member may write this")
        elif error is None:
            problems.append(f"{f.name} should be refused with a message on the field")
        elif f.limit and len(normalised(value)) > f.limit and not _names_limit(error, f.limit):
            problems.append(f"{f.name} too long, but the message does not name {f.limit}")
    if not any(errors.values()) and not lenient:
        problems.append("refused without saying which field is wrong")
    return problems


def _try_all(form: Form, strings: list[str] = STRINGS) -> list[str]:
    """Submit every string; one line per misbehaviour."""
    problems: list[str] = []
    for value in strings:
        with transaction.atomic():
            before = form.snapshot()
            response = form.submit(value)
            found = _judge(form, value, response, before)
            if found or not form.keep:
                transaction.set_rollback(True)
        problems += [f"{form.name} {value[:50]!r}: {problem}" for problem in found]
    return problems


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def _pages_render(client: Client, url: str, count: int, per_page: int) -> list[str]:
    """What was stored is shown somewhere: every page of the list must render."""
    problems = []
    for page in range(1, max(1, -(-count // per_page)) + 1):
        response = client.get(url, {"page": page})
        if response.status_code != 200:
            problems.append(f"GET {url}?page={page}: HTTP {response.status_code}")
    return problems


@pytest.fixture(autouse=True)
def _fast_enough(monkeypatch) -> None:
    # The test client records every template rendered, with a copy of its context, for
    # response.context, which these tests never read; the time-zone <select> alone renders
    # 600 option templates. Plain rendering makes the module several times faster.
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


@pytest.fixture(autouse=True)
def _no_abuse_limits(settings) -> None:
    # Hundreds of submissions from one member within a minute: Haven's abuse limits
    # (supportforum/ratelimits.py, tests/test_ratelimits.py) would answer 429 and hide
    # what the forms do with the input.
    settings.HAVEN_RATE_LIMITS_ENABLED = False


class Visitor(Client):
    """Gets a 500 back as a response. It never follows a redirect, so it drops the flash
    message meant for the next page (hundreds would pile up in the messages cookie)."""

    def __init__(self) -> None:
        super().__init__(raise_request_exception=False)

    def request(self, **request: Any) -> HttpResponse:
        response = super().request(**request)
        self.cookies.pop("messages", None)
        return response


def _visitor(user: User | None = None) -> Visitor:
    client = Visitor()
    if user is not None:
        client.force_login(user)
    return client


# --- threads, replies, edits ---

BODY = Field("body", text(limit=BODY_MAX), BODY_MAX)
WARNING = Field("content_warning", text(limit=WARNING_MAX, required=False), WARNING_MAX)


def _post_fields(post: Post) -> dict[str, str]:
    return {"body": post.body, "content_warning": post.content_warning}


def test_bad_input_new_thread_title_body_and_content_warning(group, member) -> None:
    client = _visitor(member)
    url = reverse("groups:thread_create", args=[group.slug])

    def stored() -> dict[str, str]:
        opening = Post.objects.select_related("thread").filter(is_opening=True).latest("pk")
        return {"title": opening.thread.title, **_post_fields(opening)}

    form = Form(
        name="new thread",
        fields=[Field("title", text(limit=TITLE_MAX), TITLE_MAX), BODY, WARNING],
        submit=lambda v: client.post(url, {"title": v, "body": v, "content_warning": v}),
        snapshot=lambda: (Thread.objects.count(), Post.objects.count()),
        stored=stored,
    )
    problems = _try_all(form)
    problems += _pages_render(client, group.get_absolute_url(), Thread.objects.count(), 25)
    assert not problems, _report(problems)


def test_bad_input_reply_body_and_content_warning(group, member) -> None:
    client = _visitor(member)
    thread = make_thread(author=member, group=group)
    url = reverse("groups:post_reply", args=[thread.pk])
    form = Form(
        name="reply",
        fields=[BODY, WARNING],
        submit=lambda v: client.post(url, {"body": v, "content_warning": v}),
        snapshot=lambda: Post.objects.count(),
        stored=lambda: _post_fields(Post.objects.latest("pk")),
    )
    problems = _try_all(form)
    problems += _pages_render(client, thread.get_absolute_url(), Post.objects.count(), 20)
    assert not problems, _report(problems)


def test_bad_input_reply_target(group, member) -> None:
    """The post being answered comes from the link (?to=) and the hidden reply_to field;
    a bad one is a form error or a 404 (no such post), never a 500, and stores nothing.
    Only strings with a numeric character in them can get as far as a post lookup."""
    client = _visitor(member)
    thread = make_thread(author=member, group=group)
    url = reverse("groups:post_reply", args=[thread.pk])
    problems = []
    for value in [s for s in STRINGS if any(c.isnumeric() for c in s)]:
        with transaction.atomic():
            before = Post.objects.count()
            response = client.post(
                f"{url}?{urlencode({'to': value})}", {"body": "Me too.", "reply_to": value}
            )
            if response.status_code >= 500:
                problems.append(f"?to= / reply_to {value[:50]!r}: HTTP {response.status_code}")
            elif response.status_code != 302 and Post.objects.count() != before:
                problems.append(f"reply_to {value[:50]!r}: refused, but a post was stored")
            transaction.set_rollback(True)
    assert not problems, _report(problems)


def test_bad_input_edit_body_and_content_warning(group, member) -> None:
    client = _visitor(member)
    post = Post.objects.get(thread=make_thread(author=member, group=group))
    url = reverse("groups:post_edit", args=[post.pk])

    def snapshot() -> tuple[str, str, int]:
        post.refresh_from_db()
        return post.body, post.content_warning, PostRevision.objects.filter(post=post).count()

    form = Form(
        name="edit",
        fields=[BODY, WARNING],
        submit=lambda v: client.post(url, {"body": v, "content_warning": v}),
        snapshot=snapshot,
        stored=lambda: _post_fields(Post.objects.get(pk=post.pk)),
    )
    problems = _try_all(form)
    history = client.get(reverse("groups:post_history", args=[post.pk]))
    if history.status_code != 200:
        problems.append(f"GET the post's history: HTTP {history.status_code}")
    assert not problems, _report(problems)


# --- joining ---


def test_bad_input_join_entry_answer(db) -> None:
    group = GroupFactory(
        join_policy=SupportGroup.JoinPolicy.REQUEST, entry_question="What brings you here?"
    )
    person = UserFactory()
    client = _visitor(person)
    url = reverse("groups:group_join", args=[group.slug])
    form = Form(
        name="join",
        fields=[Field("entry_answer", text(limit=ANSWER_MAX), ANSWER_MAX)],
        submit=lambda v: client.post(url, {"accept_guidelines": "on", "entry_answer": v}),
        snapshot=lambda: Membership.objects.filter(group=group).count(),
        stored=lambda: {
            "entry_answer": Membership.objects.get(
                group=group, user=person, status=Membership.Status.PENDING
            ).entry_answer
        },
        keep=False,  # each attempt starts as a non-member
    )
    problems = _try_all(form)
    assert not problems, _report(problems)


# --- accounts ---


def test_bad_input_signup_handle(db, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = False  # 500 sign-ups from one address within a minute
    client = _visitor()
    url = reverse("account_signup")
    attempts = iter(range(10**6))
    accepted: list[str] = []

    def submit(value: str) -> HttpResponse:
        client.cookies.clear()  # a new visitor each time
        return client.post(
            url,
            {
                "email": f"naughty{next(attempts)}@example.org",
                "username": value,
                "password1": "a calm harbour at dusk 42",
                "password2": "a calm harbour at dusk 42",
                "accept_guidelines": "on",
            },
        )

    def stored() -> dict[str, str]:
        accepted.append(User.objects.latest("pk").handle)
        return {"username": accepted[-1]}

    def plain_pseudonym(value: str) -> str | None:
        # Whatever else the rules refuse, an accepted handle is a plain ASCII pseudonym.
        clean = normalised(value)
        return clean if HANDLE.fullmatch(clean) else None

    form = Form(
        name="sign-up",
        fields=[Field("username", plain_pseudonym, may_refuse=True)],
        submit=submit,
        snapshot=lambda: User.objects.count(),
        stored=stored,
        keep=False,
    )
    problems = _try_all(form)
    assert not problems, _report(problems)
    assert accepted, "no string made an acceptable handle, so acceptance went untested"


def _profile_form(member: User, data: Callable[[str], dict[str, str]], fields: list) -> Form:
    client = _visitor(member)
    url = reverse("accounts:profile")

    def snapshot() -> dict[str, str]:
        member.refresh_from_db()
        return {"bio": member.bio, "region": member.region, "time_zone": member.time_zone}

    return Form(
        name="profile",
        fields=fields,
        submit=lambda v: client.post(url, data(v)),
        snapshot=snapshot,
        stored=snapshot,
    )


def test_bad_input_profile_bio(member) -> None:
    form = _profile_form(
        member,
        lambda v: {"bio": v, "region": "", "time_zone": "UTC"},
        [Field("bio", text(limit=BIO_MAX, required=False), BIO_MAX)],
    )
    problems = _try_all(form)
    card = _visitor(member).get(member.get_absolute_url())
    if card.status_code != 200:
        problems.append(f"GET the member card: HTTP {card.status_code}")
    assert not problems, _report(problems)


def test_bad_input_profile_region_and_time_zone(member) -> None:
    form = _profile_form(
        member,
        lambda v: {"bio": "", "region": v, "time_zone": v},
        [Field("region", region), Field("time_zone", lambda v: v if v in ZONES else None)],
    )
    problems = _try_all(form)
    # No string is both a country code and a time zone, so acceptance is tried apart.
    for code, zone in [("gb", "Europe/London"), (" ie ", "Europe/Dublin"), ("", "UTC")]:
        accepted = _profile_form(
            member,
            lambda _v, code=code, zone=zone: {"bio": "", "region": code, "time_zone": zone},
            [
                Field("region", lambda _v, code=code: region(code)),
                Field("time_zone", lambda _v, zone=zone: zone),
            ],
        )
        problems += _try_all(accepted, [f"{code}/{zone}"])
    assert not problems, _report(problems)


# --- over-long input is refused, naming the limit ---


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("title", TITLE_MAX),
        ("thread body", BODY_MAX),
        ("reply body", BODY_MAX),
        ("content warning", WARNING_MAX),
        ("bio", BIO_MAX),
        ("edit body", BODY_MAX),
    ],
)
def test_bad_input_over_long_is_refused_naming_the_limit(
    group, member, name: str, limit: int
) -> None:
    client = _visitor(member)
    thread = make_thread(author=member, group=group)
    opening = Post.objects.get(thread=thread)
    new_thread = reverse("groups:thread_create", args=[group.slug])
    reply = reverse("groups:post_reply", args=[thread.pk])
    edit = reverse("groups:post_edit", args=[opening.pk])
    forms = {
        "title": (new_thread, "title", lambda v: {"title": v, "body": "Hello"}),
        "thread body": (new_thread, "body", lambda v: {"title": "A title", "body": v}),
        "reply body": (reply, "body", lambda v: {"body": v}),
        "content warning": (
            reply,
            "content_warning",
            lambda v: {"body": ".", "content_warning": v},
        ),
        "bio": (reverse("accounts:profile"), "bio", lambda v: {"bio": v, "time_zone": "UTC"}),
        "edit body": (edit, "body", lambda v: {"body": v}),
    }
    url, field_name, data = forms[name]

    def state() -> tuple:
        opening.refresh_from_db()
        bio = User.objects.get(pk=member.pk).bio
        return Thread.objects.count(), Post.objects.count(), opening.body, bio

    before = state()
    refused = client.post(url, data("x" * (limit + 1)))

    assert refused.status_code == 200
    error = _field_error(refused.content.decode(), field_name)
    assert error is not None
    assert _names_limit(error, limit)
    assert state() == before

    at_limit = client.post(url, data("y" * limit))
    assert at_limit.status_code == 302
    assert state() != before

"""Security events are logged, and nothing a member wrote, no e-mail address, no search
term and no IP address reaches any log line; a value holding CR/LF stays inside one
record (supportforum/security_log.py, LOGGING in settings)."""

import contextlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client
from django.urls import resolve, reverse
from django.utils.module_loading import import_string

from accounts.models import User
from groups.models import Post, Thread
from moderation.models import AuditLogEntry, Flag, StaffNote
from supportforum.security_log import PrivacyFilter, security_event
from tests.factories import make_thread

PASSWORD = "a-long-test-password"  # tests/factories.py
CANARIES = {
    "title": "canarytitle5b1e",
    "body": "canarybody93f0",
    "reply": "canaryreply7c2d",
    "signup_email": "canarysignup4e8a@example.org",
    "signup_handle": "canaryhandle61f",
    "failed_email": "canaryfailed2d9c@example.org",
    "search": "canarysearch0a7b",
    "flag_note": "canaryflag8e35",
    "staff_note": "canarystaff3b60",
    "hide_reason": "canaryreason55c1",
    "denied_query": "canarydenied9d04",
}


def _formatter(name: str) -> logging.Formatter:
    """The formatter LOGGING configures for production (json) or development (text)."""
    conf = dict(settings.LOGGING["formatters"][name])
    return import_string(conf.pop("()"))(**conf)


def _lines(records: list[logging.LogRecord], name: str) -> list[str]:
    formatter = _formatter(name)
    return [formatter.format(record) for record in records]


def _events(records: list[logging.LogRecord]) -> list[dict]:
    return [json.loads(line) for line in _lines(records, "json") if '"event"' in line]


def _canaries_in(text: str) -> list[str]:
    lowered = text.lower()
    found = [name for name, value in CANARIES.items() if value.lower() in lowered]
    # an address's local part alone would be a leak too
    found += [
        name for name, value in CANARIES.items() if "@" in value and value.split("@")[0] in text
    ]
    return sorted(set(found))


PINNED = ("django.db.backends", "django.template")


def _everything(caplog) -> None:
    """Every logger at DEBUG, except the SQL log, which LOGGING pins at WARNING because its
    parameters are post bodies and addresses, and the template log, whose DEBUG records quote
    template contexts (both asserted below)."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        if not name.startswith(PINNED):
            caplog.set_level(logging.DEBUG, logger=name)


@pytest.mark.django_db
def test_security_log_records_events_and_no_canary(
    caplog, group, member, other_member, facilitator, mod_client,
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    _everything(caplog)
    visitor = Client()

    # a new member signs up: the address and handle are canaries
    signup = visitor.post(
        "/accounts/signup/",
        {
            "email": CANARIES["signup_email"],
            "username": CANARIES["signup_handle"],
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_guidelines": "on",
        },
    )
    assert signup.status_code == 302
    assert User.objects.filter(email=CANARIES["signup_email"]).exists()
    assert mail.outbox, "the confirmation e-mail was sent (and is not a log line)"

    # a failed log-in with an address that is not a member's
    failed = visitor.post(
        "/accounts/login/", {"login": CANARIES["failed_email"], "password": "not it at all"}
    )
    assert failed.status_code == 200

    # a member signs in, posts, replies, searches, flags, and is refused a moderation page
    member_client = Client()
    signed_in = member_client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    created = member_client.post(
        reverse("groups:thread_create", args=[group.slug]),
        {"title": CANARIES["title"], "body": CANARIES["body"], "content_warning": ""},
    )
    assert created.status_code == 302
    thread = Thread.objects.get(title=CANARIES["title"])
    replied = member_client.post(
        reverse("groups:post_reply", args=[thread.pk]),
        {"body": CANARIES["reply"], "content_warning": ""},
    )
    assert replied.status_code == 302
    found = member_client.get(reverse("groups:search"), {"q": CANARIES["search"]})
    assert found.status_code == 200
    others_post = make_thread(author=other_member, group=group, title="Evenings").posts.get()
    flagged = member_client.post(
        reverse("moderation:flag_create", args=[others_post.pk]),
        {"reason": "other", "note": CANARIES["flag_note"]},
    )
    assert flagged.status_code == 302
    assert Flag.objects.get(reporter=member).note == CANARIES["flag_note"]
    denied = member_client.get(reverse("moderation:review_queue"), {"q": CANARIES["denied_query"]})
    assert denied.status_code == 403

    # the facilitator writes a staff note and hides the member's reply, with a reason
    with django_capture_on_commit_callbacks(execute=True):
        noted = mod_client.post(
            reverse("moderation:member", args=[member.handle]),
            {"group": str(group.pk), "body": CANARIES["staff_note"]},
        )
        assert noted.status_code == 302
        reply = Post.objects.get(body__contains=CANARIES["reply"])
        hidden = mod_client.post(
            reverse("moderation:post_moderate", args=[reply.pk]),
            {"action": "hide", "reason": CANARIES["hide_reason"]},
        )
        assert hidden.status_code == 302
    assert StaffNote.objects.filter(body=CANARIES["staff_note"]).exists()
    assert AuditLogEntry.objects.filter(action="post.hide", reason=CANARIES["hide_reason"])

    records = list(caplog.records)
    # No canary in what production writes (JSON), nor in development's text, nor in any
    # record's own message before formatting (which redacts addresses).
    for name in ("json", "text"):
        leaks = [(line, _canaries_in(line)) for line in _lines(records, name)]
        assert [leak for leak in leaks if leak[1]] == []
    raw = [(r.name, r.getMessage()) for r in records if _canaries_in(r.getMessage())]
    assert raw == []

    # ... while the events are there, with their ids
    events = _events(records)
    by_name = {event["event"]: event for event in events}
    new_member = User.objects.get(email=CANARIES["signup_email"])
    assert by_name["auth.signup"]["user_id"] == new_member.pk
    assert by_name["auth.login_failed"]["outcome"] == "failure"
    assert re.fullmatch(r"[0-9a-f]{16}", by_name["auth.login_failed"]["identifier_hash"])
    assert by_name["auth.login_failed"]["path"] == "/accounts/login/"
    logins = [e for e in events if e["event"] == "auth.login" and e.get("user_id") == member.pk]
    assert logins and logins[0]["path"] == "/accounts/login/"
    denial = by_name["access.denied"]
    assert (denial["user_id"], denial["path"], denial["method"]) == (
        member.pk,
        reverse("moderation:review_queue"),
        "GET",
    )
    assert denial["level"] == "WARNING" and denial["view"] == "moderation:review_queue"
    actions = {e["action"]: e for e in events if e["event"] == "moderation.action"}
    assert {"staff_note.add", "post.hide"} <= set(actions)
    assert actions["post.hide"]["user_id"] == facilitator.pk
    assert actions["post.hide"]["post_id"] == reply.pk
    assert actions["post.hide"]["target_user_id"] == member.pk
    assert actions["post.hide"]["group_id"] == group.pk
    # no address, handle or IP in any security event
    for event in events:
        assert not {"email", "handle", "ip", "client"} & set(event)
        assert "127.0.0.1" not in json.dumps(event)


def test_sql_and_template_logs_are_pinned_above_debug() -> None:
    """At DEBUG Django logs each query with its parameters (post bodies, addresses), and
    each failed template lookup with the context it looked in (handles, links holding
    e-mail confirmation keys): whatever LOG_LEVEL says, never those."""
    assert logging.getLogger("django.db.backends").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("django.template").getEffectiveLevel() >= logging.INFO
    assert settings.LOGGING["loggers"]["django.db.backends"]["level"] == "WARNING"
    assert settings.LOGGING["loggers"]["django.template"]["level"] == "INFO"


def test_failed_log_in_hash_is_keyed_and_stable(settings) -> None:
    from supportforum.security_log import identifier_hash

    first = identifier_hash({"email": "Someone@Example.org ", "password": "x"})
    assert first == identifier_hash({"email": "someone@example.org"})
    assert first != identifier_hash({"email": "someone.else@example.org"})
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert identifier_hash({"email": "someone@example.org"}) != first
    assert identifier_hash({"password": "x"}) is None


def test_security_event_refuses_fields_outside_the_allow_list() -> None:
    with pytest.raises(TypeError):
        security_event("moderation.action", reason_text="what a member wrote")  # type: ignore[arg-type]


def test_security_event_codes_are_never_free_text(caplog) -> None:
    caplog.set_level(logging.INFO, logger="haven.security")
    security_event("moderation.action", action="a member's\nown words", post_id="7")  # type: ignore[arg-type]
    (event,) = _events(caplog.records)
    assert (event["action"], event["post_id"]) == ("invalid", "invalid")


def test_security_event_logs_a_path_holding_a_secret_as_its_route(caplog, rf) -> None:
    caplog.set_level(logging.INFO, logger="haven.security")
    path = reverse("groups:invitation_accept", args=["s3cretinvitetoken"])
    request = rf.get(path, {"q": "canarysearch0a7b"})
    request.resolver_match = resolve(path)
    security_event("access.denied", request=request, reason="permission_denied")
    (event,) = _events(caplog.records)
    assert event["path"] == "/invite/<str:token>/"
    assert (event["view"], event["method"]) == ("groups:invitation_accept", "GET")
    assert "s3cretinvitetoken" not in caplog.text and "canary" not in caplog.text


# --- log injection ---

HOSTILE = 'quiet\r\n2026-01-01 00:00:00,000 INFO haven.security auth.login user_id=1\n{"x": 1}'
HOSTILE_HANDLE = "q\r\nINFO forged auth.login\n{}"  # the column holds 30


def _one_line_each(records: list[logging.LogRecord]) -> None:
    assert records
    for name in ("json", "text"):
        for line in _lines(records, name):
            first, *rest = line.split("\n")
            assert "\r" not in line and "\u2028" not in first
            # a traceback may follow in text, but only on continuation lines
            assert all(part.startswith("  | ") for part in rest), line
            if name == "json":
                assert rest == [] and json.loads(line)


@pytest.mark.django_db
def test_hostile_handle_and_log_in_stay_one_record_each(caplog, group) -> None:
    _everything(caplog)
    user = User.objects.create_user(email="crlf@example.org", handle="x", password=PASSWORD)
    User.objects.filter(pk=user.pk).update(handle=HOSTILE_HANDLE)  # past every validator
    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    denied = client.get(reverse("moderation:review_queue") + "%0D%0Aforged/")
    assert denied.status_code in (403, 404)
    assert client.get(reverse("moderation:review_queue")).status_code == 403
    # the log-in form refuses such an address before trying it; a backend may not
    anonymous = Client()
    assert (
        anonymous.post(
            "/accounts/login/", {"login": HOSTILE + "@example.org", "password": "nope"}
        ).status_code
        == 200
    )
    assert authenticate(None, email=HOSTILE + "@example.org", password="nope") is None
    # any library that logs a member's value as it is
    logging.getLogger("some.library").warning("handle %s", user.handle)
    logging.getLogger("some.library").info(HOSTILE)
    try:
        raise ValueError(HOSTILE)
    except ValueError:
        logging.getLogger("some.library").exception("failed for %s", user.handle)

    records = list(caplog.records)
    _one_line_each(records)
    events = {event["event"] for event in _events(records)}
    assert {"access.denied", "auth.login_failed", "auth.login"} <= events
    text = "\n".join(_lines(records, "text"))
    for forged in ("quiet", "2026-01-01", '{"x"', "INFO forged", "{}"):
        assert "\n" + forged not in text and "\r" + forged not in text


def test_text_formatter_escapes_every_control_character() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s", ("a\rb\nc\x1b[31md\x85e\u2028f",), None
    )
    line = _formatter("text").format(record)
    assert line.endswith("a\\rb\\nc\\x1b[31md\\x85e\\u2028f")


# --- uvicorn and Django's development server ---


def _record(name: str, msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_privacy_filter_strips_query_and_client_address() -> None:
    access = _record(
        "uvicorn.access",
        '%s - "%s %s HTTP/%s" %d',
        "203.0.113.9:51234",
        "GET",
        "/search/?q=canarysearch0a7b&page=2",
        "1.1",
        200,
    )
    assert PrivacyFilter().filter(access) is True
    assert access.getMessage() == '- - "GET /search/ HTTP/1.1" 200'
    websocket = _record(
        "uvicorn.error", '%s - "WebSocket %s" [accepted]', "203.0.113.9:1", "/ws/t/1/?k=v"
    )
    PrivacyFilter().filter(websocket)
    assert websocket.getMessage() == '- - "WebSocket /ws/t/1/" [accepted]'
    runserver = _record("django.server", '"%s" %s %s', "GET /search/?q=x HTTP/1.1", "200", "5")
    PrivacyFilter().filter(runserver)
    assert runserver.getMessage() == '"GET /search/ HTTP/1.1" 200 5'
    other = _record("groups", "kept %s", "/search/?q=x")
    PrivacyFilter().filter(other)
    assert other.getMessage() == "kept /search/?q=x"


def test_uvicorn_access_log_is_off_unless_asked() -> None:
    assert settings.LOG_ACCESS is False
    assert settings.LOGGING["loggers"]["uvicorn.access"]["handlers"] == []
    assert settings.LOGGING["loggers"]["uvicorn.access"]["propagate"] is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_uvicorn_logs_carry_no_query_string_or_address(tmp_path: Path) -> None:
    """The real server: uvicorn configures its loggers first, then loads the app, whose
    LOGGING takes them over. Requests with a search term leave only the path."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        SQLITE_PATH=str(tmp_path / "db.sqlite3"), LOG_ACCESS="1", LOG_FORMAT="json", DEBUG="1"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "supportforum.asgi:application", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/nope/?q=warmup", timeout=2)
            except urllib.error.HTTPError:
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.3)
        for path in ("/search/?q=canarysearch0a7b", "/nope/?q=canarysearch0a7b"):
            opener = urllib.request.build_opener(_NoRedirect)
            with contextlib.suppress(urllib.error.HTTPError):
                opener.open(f"http://127.0.0.1:{port}{path}", timeout=10)
        time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    output = out + err
    access = [json.loads(line) for line in err.splitlines() if '"uvicorn.access"' in line]
    messages = [line["message"] for line in access]
    assert '- - "GET /search/ HTTP/1.1" 302' in messages, output
    assert '- - "GET /nope/ HTTP/1.1" 404' in messages, output
    assert "canarysearch0a7b" not in output
    assert "127.0.0.1:" not in output.replace(f"127.0.0.1:{port} ", "")
    for line in err.splitlines():
        if line.startswith("{"):
            json.loads(line)  # every line the app's LOGGING writes is one JSON object


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

"""The websocket half of the authorisation matrix (issue 9).

Every websocket route of the ASGI application (walked from ``supportforum.asgi``'s router
and checked against the apps' ``websocket_urlpatterns``, so a new route cannot escape: a
route whose parameters this module cannot fill fails) is opened by every role of the
authorisation world (``world.build_world``) through the whole stack (origin check,
session cookie, two-factor records), and the outcome (``accept`` or ``close <code>``) is
compared with the reviewed table in ``expected_ws.csv``.

Then one event of every kind the consumers relay is published through the real
publishing functions (``accounts.realtime``, ``groups.realtime``, ``moderation.realtime``)
and what each open socket received (the kinds of its messages, a close, or ``-``) is
compared with the same table: who hears of a new post in a private group's thread, of a
crisis alert, of a queue change, of another member's unread count.

Regenerate deliberately with ``HAVEN_AUTHZ_WRITE=1`` (then review every changed row; the
``note`` column is kept).
"""

import asyncio
import csv
import inspect
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client

from accounts import consumers as account_consumers
from accounts import realtime as account_realtime
from accounts.routing import websocket_urlpatterns as accounts_ws
from groups import consumers as group_consumers
from groups import realtime as group_realtime
from groups.routing import websocket_urlpatterns as groups_ws
from moderation import consumers as moderation_consumers
from moderation import realtime as mod_realtime
from moderation.routing import websocket_urlpatterns as moderation_ws

from .world import MFA_ROLES, ROLES, World, build_world, sign_in

EXPECTED = Path(__file__).with_name("expected_ws.csv")
FIELDS = ["check", "socket", "role", "outcome", "note"]
ORIGIN = (b"origin", b"http://testserver")
CONSUMERS = (
    account_consumers.NotificationConsumer,
    group_consumers.ThreadConsumer,
    moderation_consumers.ModerationConsumer,
)

# A route keyword -> the places it is opened at, each a (label, getter) pair: a thread of
# the listed group the roles belong to, and a thread of the private group none of them
# (but the admin) may read.
PARAMS: dict[str, list[tuple[str, Callable[[World], object]]]] = {
    "thread_id": [
        ("main", lambda w: w.main.thread.pk),
        ("private", lambda w: w.private.thread.pk),
    ],
}


def app_routes() -> list[str]:
    """The websocket routes the ASGI application serves, walked from its router."""
    from supportforum.asgi import application

    inner = application.application_mapping["websocket"]
    while not isinstance(inner, URLRouter):
        inner = getattr(inner, "application", None) or inner.inner
    return [str(route.pattern) for route in inner.routes]


def targets(world: World | None = None) -> list[tuple[str, str]]:
    """(label, path) for every route, once per place its keywords can point at."""
    found = []
    for route in app_routes():
        keywords = re.findall(r"<(?:\w+:)?(\w+)>", route)
        unmapped = [k for k in keywords if k not in PARAMS]
        if unmapped:
            pytest.fail(
                f"Websocket route {route!r} takes <{unmapped[0]}>, which the authorisation "
                "matrix can't fill: add it to PARAMS in tests/authz/test_websockets.py."
            )
        if not keywords:
            found.append((route, "/" + route if world else ""))
            continue
        (keyword,) = keywords  # one keyword per route today; more need a product here
        for place, getter in PARAMS[keyword]:
            path = ""
            if world is not None:
                path = "/" + re.sub(r"<(?:\w+:)?\w+>", str(getter(world)), route)
            found.append((f"{route} ({place})", path))
    return found


def test_every_websocket_route_is_walked_and_mapped() -> None:
    """The application's router holds exactly the apps' routes, and each can be filled."""
    declared = [str(p.pattern) for p in (*accounts_ws, *groups_ws, *moderation_ws)]
    assert sorted(app_routes()) == sorted(declared)
    assert len(targets()) == len(declared) + 1  # the thread route at two places


# --- what one socket received ---


def _outcome(messages: list[dict]) -> str:
    """A socket's messages as one word: the kinds it was sent (sorted, joined by "+"),
    ``close <code>``, or ``-`` for nothing."""
    kinds, closed = set(), ""
    for message in messages:
        if message["type"] == "websocket.close":
            closed = f"close {message.get('code')}"
        else:
            content = json.loads(message["text"])
            assert "subject_id" not in content and "body" not in content, content
            kinds.add(content["type"])
    words = sorted(kinds) + ([closed] if closed else [])
    return "+".join(words) or "-"


async def _observe(sockets: dict, expect_output: set, grace: float) -> dict[tuple, str]:
    """Wait until every socket expected to hear something did (5 s at most), then a
    little longer for the ones that should not; what each received, as ``_outcome``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while loop.time() < deadline and any(
        sockets[key].output_queue.empty() for key in expect_output if key in sockets
    ):
        await asyncio.sleep(0.02)
    await asyncio.sleep(grace)
    seen = {}
    for key, socket in sockets.items():
        messages = []
        while not socket.output_queue.empty():
            messages.append(socket.output_queue.get_nowait())
        seen[key] = _outcome(messages)
    return seen


# --- the table ---


def _read_expected() -> dict[tuple[str, str, str], dict[str, str]]:
    if not EXPECTED.exists():
        return {}
    with EXPECTED.open(newline="") as handle:
        return {(r["check"], r["socket"], r["role"]): r for r in csv.DictReader(handle)}


def _write_expected(actual: dict, old: dict) -> None:
    with EXPECTED.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for (check, socket, role), outcome in actual.items():
            note = old.get((check, socket, role), {}).get("note", "")
            row = {"check": check, "socket": socket, "role": role, "outcome": outcome}
            writer.writerow({**row, "note": note})


# --- the world's sockets and the events ---


@sync_to_async
def _world_and_cookies() -> tuple[World, dict[str, bytes]]:
    with transaction.atomic():  # as a test's own transaction would hold it
        world = build_world()
    cookies = {}
    for role in ROLES:
        if role == "anonymous":
            continue
        client = sign_in(Client(), world.users[role], mfa=role in MFA_ROLES)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={key}".encode()
    return world, cookies


def _events(world: World) -> list[tuple[str, str, Callable[[], None]]]:
    """(check name, event kind, publish) for one event of every kind, through the real
    publishing functions. Outside a transaction the on-commit ones send at once."""
    main, private, users = world.main, world.private, world.users

    def escalated_to_other_facilitator() -> None:
        main.alert.escalation_level += 1  # a new step: not the change already relayed
        mod_realtime.publish_alert_to(main.alert, [users["other_facilitator"].pk])

    return [
        (
            "notify.unread of group_member",
            account_realtime.UNREAD,
            lambda: account_realtime.publish_unread(users["group_member"].pk),
        ),
        *[
            (
                f"{kind} in the main thread",
                kind,
                lambda kind=kind: group_realtime.publish_post_on_commit(main.post, event=kind),
            )
            for kind in group_realtime.EVENTS
        ],
        (
            "post.created (held post) in the main thread",
            "post.created",
            lambda: group_realtime.publish_post_on_commit(main.pending_post),
        ),
        (
            "post.created in the private thread",
            "post.created",
            lambda: group_realtime.publish_post_on_commit(private.post),
        ),
        (
            "crisis.alert in the main group",
            mod_realtime.CRISIS_ALERT,
            lambda: mod_realtime.publish_alert(main.alert),
        ),
        (
            "crisis.alert_changed in the main group",
            mod_realtime.CRISIS_ALERT_CHANGED,
            lambda: mod_realtime.publish_alert(main.alert, mod_realtime.CRISIS_ALERT_CHANGED),
        ),
        (
            "crisis.alert in the private group",
            mod_realtime.CRISIS_ALERT,
            lambda: mod_realtime.publish_alert(private.alert),
        ),
        (
            "crisis.alert of the main group sent to other_facilitator",
            mod_realtime.CRISIS_ALERT,
            escalated_to_other_facilitator,
        ),
        (
            "review.changed in the main group",
            mod_realtime.REVIEW_CHANGED,
            lambda: mod_realtime.publish_review_changed_on_commit(main.group.pk),
        ),
        (
            "review.changed site-wide",
            mod_realtime.REVIEW_CHANGED,
            lambda: mod_realtime.publish_review_changed_on_commit(None),
        ),
        (
            "queue.changed in the main group",
            mod_realtime.QUEUE_CHANGED,
            lambda: mod_realtime.publish_queue_changed_on_commit(main.group.pk),
        ),
        (
            "queue.changed in the private group",
            mod_realtime.QUEUE_CHANGED,
            lambda: mod_realtime.publish_queue_changed_on_commit(private.group.pk),
        ),
        # Last: it closes the facilitator's sockets.
        (
            "member.close of facilitator",
            account_realtime.MEMBER_CLOSE,
            lambda: account_realtime.publish_member_sockets_close_on_commit(
                users["facilitator"].pk
            ),
        ),
    ]


def _relayed_kinds() -> set[str]:
    """Every channel-layer event kind a consumer handles: its own async methods other
    than the socket's life cycle (``crisis_alert_changed`` handles
    ``crisis.alert_changed``)."""
    life_cycle = {"connect", "disconnect", "receive_json", "websocket_connect"}
    life_cycle |= {"websocket_disconnect", "receive", "websocket_receive"}
    kinds = set()
    for consumer in CONSUMERS:
        for cls in consumer.__mro__:
            if cls.__module__.startswith("channels"):
                continue
            for name, value in vars(cls).items():
                handler = inspect.iscoroutinefunction(value) and not name.startswith("_")
                if handler and name not in life_cycle:
                    kinds.add(name.replace("_", ".", 1))
    return kinds


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_websocket_matrix_and_who_hears_each_event() -> None:
    from supportforum.asgi import application

    world, cookies = await _world_and_cookies()
    expected = _read_expected()
    writing = os.environ.get("HAVEN_AUTHZ_WRITE") == "1"
    actual: dict[tuple[str, str, str], str] = {}
    sockets: dict[tuple[str, str], WebsocketCommunicator] = {}
    routes = targets(world)

    try:
        for label, path in routes:
            for role in ROLES:
                headers = [ORIGIN] + ([(b"cookie", cookies[role])] if role in cookies else [])
                socket = WebsocketCommunicator(application, path, headers=headers)
                connected, code = await socket.connect(timeout=5)
                if connected:
                    sockets[(label, role)] = socket
                    await asyncio.sleep(0)
                actual[("connect", label, role)] = "accept" if connected else f"close {code}"
        # The unread count the notification socket sends on connect is not an event.
        await _observe(sockets, {k for k in sockets if k[0] == "ws/me/"}, grace=0.2)

        events = _events(world)
        for check, _kind, publish in events:
            expect_output = {
                (label, role)
                for (c, label, role), row in expected.items()
                if c == check and row["outcome"] != "-"
            }
            await sync_to_async(publish)()
            seen = await _observe(sockets, expect_output, grace=1.5 if writing else 0.4)
            for (label, role), outcome in seen.items():
                actual[(check, label, role)] = outcome
                if "close" in outcome:
                    sockets.pop((label, role))
    finally:
        for socket in sockets.values():
            await socket.disconnect()

    if writing:
        _write_expected(actual, expected)
        expected = _read_expected()

    differences = []
    for key in sorted(set(actual) | set(expected)):
        check, label, role = key
        if key not in expected:
            differences.append(f"{check} | {label} × {role}: not in the table ({actual[key]})")
        elif key not in actual:
            differences.append(f"{check} | {label} × {role}: in the table, not observed")
        elif actual[key] != expected[key]["outcome"]:
            differences.append(
                f"{check} | {label} × {role}: expected {expected[key]['outcome']}, "
                f"got {actual[key]}"
            )
    kinds = {kind for _, kind, _ in events}
    summary = (
        f"{len(ROLES)} roles × {len(routes)} websocket routes, {len(differences)} unexpected; "
        f"{len(kinds)} event kinds checked"
    )
    print(f"\nWebsocket authorisation matrix: {summary}")
    assert not differences, summary + ":\n" + "\n".join(differences)
    missing = _relayed_kinds() - kinds
    assert not missing, f"Consumers relay event kinds no check publishes: {sorted(missing)}"

    # The table's key promises, held here too so a careless regeneration can't drop them.
    def hears(check: str) -> set[tuple[str, str]]:
        return {(s, r) for (c, s, r), outcome in actual.items() if c == check and outcome != "-"}

    assert hears("crisis.alert in the main group") == {
        ("ws/mod/", "facilitator"),
        ("ws/mod/", "admin"),
    }
    assert hears("crisis.alert in the private group") == {("ws/mod/", "admin")}
    assert hears("crisis.alert of the main group sent to other_facilitator") == {
        ("ws/mod/", "facilitator"),  # the change, not the new alert
        ("ws/mod/", "admin"),
    }
    assert hears("post.created in the private thread") == {
        ("ws/threads/<int:thread_id>/ (private)", "admin")
    }
    assert hears("notify.unread of group_member") == {("ws/me/", "group_member")}
    private_thread = "ws/threads/<int:thread_id>/ (private)"
    assert {r for (c, s, r), o in actual.items() if c == "connect" and s == private_thread} == set(
        ROLES
    )
    assert [
        r
        for (c, s, r), o in actual.items()
        if c == "connect" and s == private_thread and o == "accept"
    ] == ["admin"]
    mod_accepts = {
        r for (c, s, r), o in actual.items() if c == "connect" and s == "ws/mod/" and o == "accept"
    }
    assert mod_accepts == {"other_facilitator", "facilitator", "admin"}

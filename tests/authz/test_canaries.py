"""Field-level canaries (issue 9): what is secret never reaches the member side.

One authorisation world (``world.build_world``) in which every secret field holds a
unique canary string (``canary-<what>-<hex>``), and a few staff actions done through the
real services while the member side's sockets are open. Then every member-side viewer
looks at everything it can: every GET route of the URL resolver (``routes.SITE_ROUTES``,
filled from the world, plus the post and handle routes for each planted post and
person), the live post fragments its thread socket points it at, search results, its
notifications, its own data export (requested and downloaded), the e-mails sent to it
and the websocket messages its sockets received. No canary may appear anywhere but
where it belongs; a leak is listed with where it was seen.

The viewers: ``anonymous``, ``unverified``, ``member``, ``group_member``, ``pending``,
``muted``, ``suspended`` (the member-side roles of ``world.ROLES``), ``author`` (the
world's member whose posts are flagged, reported on, removed, hidden and redacted: the
person the reporter's identity must never reach) and ``other_facilitator`` (facilitates
another group: none of this group's staff notes or reporter identities is theirs).

What is planted, and why each is secret:

- every user's e-mail address (``User.email`` and allauth's ``EmailAddress``): an e-mail
  is never shown to other members (``accounts.models.User``). Its owner may see it.
- ``StaffNote.body`` (the world's note about the author, a note written about the group
  member through ``staff_note_add``, the private group's note): facilitators' private
  notes, never shown to members, nor to facilitators of other groups.
- ``Flag.note`` and the reporter's identity: a reporter (``canary-reporter-…``, a member
  of no group, so their handle is shown nowhere legitimately) flags the author's post
  with a note; "the reporter is visible to facilitators, never to the author"
  (``moderation.models.Flag``). The world's own flag note is a canary too.
- a wellbeing concern's raiser (``canary-concern-…``, in no group) and note: "the member
  concerned never learns who raised it" (``WellbeingConcern``).
- the real handle of an anonymous author (``canary-anon-…``, a member of the group who
  replies anonymously to the group member, mentioning them). The handle may appear on
  the group's member list (membership is public, authorship is not) and on pages the
  viewer asked for by that handle; and there the anonymous post's (public) words must
  not (a linkage canary: nothing ties the handle to the post).
- ``CrisisAlert.findings`` and ``outcome_note`` (the detected alert, the concern alert
  resolved through ``alert_resolve``): the facilitators' assessment of a member at risk.
- ``ReviewItem.reason`` (the flagged post's item, the join request's): why something is
  in the facilitators' queue.
- the reason a facilitator gives for hiding a post (``post_hide``, kept in the audit
  log); the body of a hidden, a removed and a pending post (only their author, and the
  facilitators, read those); a passage a facilitator redacted (``post_redact``: the
  earlier versions stay with facilitators only).
- what the author alone is told: the redaction's reason, the removal's message, a formal
  warning's message (``Sanction.message``, "shown to the member"), and likewise the
  muted and the suspended member's own sanction messages (owner: that member).
- ``Membership.entry_answer`` of the pending member (owner: them) and
  ``Invitation.note`` ("only facilitators see this").

Not planted: ``FacilitatorNote`` bodies (a visible correction under a post, public by
design) and meeting join details (members' business, not staff-only).

Websocket messages are checked as received; the post ids a thread socket announces are
then fetched as that viewer (``groups:post_live``), as the page's script does. E-mails
are every one sent to the member side (the viewers, and the reporter, the raiser, the
anonymous author...): notification e-mails, sent by the tasks, and a digest each. A
positive control checks that the plants are real (the group's facilitator sees them
where staff look) and that the member side does reach the posts that carry them.

Not marked ``embedded`` (the authorisation matrix's convention: slow, and the embedded
run has its own budget), but it passes there too (search falls back to ``icontains``).
"""

import asyncio
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import DataExport, User
from accounts.services import data as data_services
from accounts.services import notifications as notification_services
from groups import services as group_services
from groups.models import Invitation, Membership, Post, SupportGroup
from moderation.models import CrisisAlert, Flag, ReviewItem, Sanction, StaffNote
from moderation.services import crisis as crisis_services
from moderation.services import flags as flag_services
from moderation.services import notes as note_services
from moderation.services import posts as post_services
from moderation.services import sanctions as sanction_services
from moderation.services.concerns import concern_raise
from supportforum.celery import app as celery_app
from tests.factories import MembershipFactory, UserFactory

from .routes import SITE_ROUTES, url_for
from .world import MFA_ROLES, World, build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

VIEWERS = (
    "anonymous",
    "unverified",
    "member",
    "group_member",
    "pending",
    "muted",
    "suspended",
    "author",
    "other_facilitator",
)
ORIGIN = (b"origin", b"http://testserver")


# A word every planted post holds, to search for: searching for a canary itself would
# echo it, and a snippet marks the words searched for, splitting a canary holding them.
SEARCH_WORD = "lanternfish"


def _token(what: str) -> str:
    return f"canary-{what}-{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Canary:
    token: str  # lower case: what is looked for, whatever the casing around it
    what: str
    owner: str | None = None  # the viewer whose own data it is: they may see it
    public_paths: tuple[str, ...] = ()  # pages where it legitimately shows (a member list)
    echo_ok: bool = False  # may show where the URL asked for it (a handle in the path)
    only_with: str = ""  # a linkage canary: checked only where the URL holds this


@dataclass
class Planted:
    canaries: list[Canary]
    users: dict[str, object]  # viewer -> user, for the viewers who sign in
    extra_urls: list[str]  # post and handle routes for the planted posts and people
    searches: list[str]
    control: Callable[[], list[tuple[str, str, str]]]  # (who, url, token) that they DO see
    actions: list[tuple[str, Callable[[], None]]]


# --- the world, with canaries ---


def _plant_emails(users: dict[str, object]) -> list[Canary]:
    """Every user's address becomes a canary; its owner goes by the viewer's name, else
    by their handle."""
    by_pk = {user.pk: viewer for viewer, user in users.items()}
    canaries = []
    for user in User.objects.all():
        token = _token("email")
        address = f"{token}@example.org"
        User.objects.filter(pk=user.pk).update(email=address)
        EmailAddress.objects.filter(user=user).update(email=address)
        owner = by_pk.get(user.pk, user.handle)
        canaries.append(Canary(token, f"e-mail address of {owner}", owner))
    return canaries


def _route_urls(kwarg: str, value) -> list[str]:
    """Every site route taking only ``kwarg``, filled with ``value``."""
    return [
        reverse(route.name, kwargs={kwarg: value})
        for route in SITE_ROUTES
        if route.kwargs == (kwarg,) and not route.defaults
    ]


def _plant() -> tuple[World, Planted]:
    world = build_world()
    main, private = world.main, world.private
    users = {v: world.users[v] for v in VIEWERS if v in world.users}
    users["author"] = main.author
    facilitator = world.users["facilitator"]
    SupportGroup.objects.filter(pk=main.group.pk).update(allow_anonymous=True)
    main.group.allow_anonymous = True
    canaries: list[Canary] = []

    def plant(what: str, owner: str | None = None) -> str:
        token = _token(what)
        canaries.append(Canary(token, what.replace("-", " "), owner))
        return token

    # People whose identity is the secret: in no group, so shown nowhere legitimately.
    reporter = UserFactory(handle=_token("reporter"))
    concerned = UserFactory(handle=_token("concern"))
    anonymous_author = MembershipFactory(group=main.group, user__handle=_token("anon")).user
    canaries += [
        # On a page asked for by their handle (their card) it shows, of course.
        Canary(reporter.handle, "identity of a flag's reporter", reporter.handle, echo_ok=True),
        Canary(concerned.handle, "identity of a concern's raiser", concerned.handle, echo_ok=True),
    ]
    canaries += _plant_emails(users)  # everyone's, these three included

    # Stored secrets of the world as build_world made it.
    StaffNote.objects.filter(pk=main.staff_note.pk).update(body=plant("staffnote"))
    StaffNote.objects.filter(pk=private.staff_note.pk).update(body=plant("staffnote-private"))
    Flag.objects.filter(post=main.post).update(note=plant("flagnote"))
    Flag.objects.filter(post=private.post).update(note=plant("flagnote-private"))
    ReviewItem.objects.filter(pk=main.flagged_item.pk).update(reason=plant("reviewreason"))
    ReviewItem.objects.filter(pk=main.join_item.pk).update(reason=plant("joinreason"))
    for alert, where in ((main.alert, "main"), (private.alert, "private")):
        finding = {"snippet": "", "signal": plant(f"findings-{where}"), "severity": "high"}
        CrisisAlert.objects.filter(pk=alert.pk).update(
            findings={**alert.findings, "findings": [finding]},
            outcome_note=plant(f"outcomenote-{where}"),
        )
    Invitation.objects.filter(pk=main.invitation.pk).update(note=plant("invitenote"))
    Membership.objects.filter(user=users["pending"], group=main.group).update(
        entry_answer=plant("entryanswer", owner="pending")
    )
    Sanction.objects.filter(pk=main.mute.pk).update(message=plant("mutemessage", owner="muted"))
    Sanction.objects.filter(user=users["suspended"], kind=Sanction.Kind.SUSPENSION).update(
        message=plant("suspensionmessage", owner="suspended")
    )
    Sanction.objects.filter(pk=main.warning.pk).update(
        message=plant("warning-world", owner="author")
    )
    pending_body = f"Held for now, {SEARCH_WORD}. {plant('pendingbody', owner='author')}"
    Post.objects.filter(pk=main.pending_post.pk).update(
        body=pending_body, body_html=group_services.render_body(pending_body)
    )

    # Posts the staff actions below work on, written now (the actions come later, with
    # the member side's sockets open).
    def post(author, body: str, **kwargs) -> Post:
        return group_services.post_create(author=author, thread=main.thread, body=body, **kwargs)

    hidden = post(
        main.author, f"A rough {SEARCH_WORD} night. {plant('hiddenbody', owner='author')}"
    )
    removed = post(main.author, f"Buy {SEARCH_WORD} now. {plant('removedbody', owner='author')}")
    passage = plant("redacted")
    redacted = post(main.author, f"Ring me on {passage} any time, {SEARCH_WORD}.")
    asking = post(users["group_member"], "How do you all get through the evenings?")
    anonymous_words = _token("anonwords")  # public words of the anonymous post
    canaries.append(
        Canary(
            anonymous_words,
            "an anonymous post's words, on a page about its author",
            only_with=anonymous_author.handle,
        )
    )
    canaries.append(
        Canary(
            anonymous_author.handle,
            "real handle of an anonymous post's author",
            anonymous_author.handle,
            echo_ok=True,
            public_paths=(reverse("groups:group_members", args=[main.group.slug]),),
        )
    )

    hide_reason, remove_message = plant("hidereason"), plant("removalmessage", owner="author")
    redact_reason, warning = (
        plant("redactreason", owner="author"),
        plant("warning-sent", owner="author"),
    )
    flag_note, concern_note = plant("flagnote-reporter"), plant("concernnote")
    member_note, outcome = plant("staffnote-member"), plant("outcomenote-concern")
    rule = main.rule

    def concern_then_resolve() -> None:
        concern = concern_raise(
            sender=concerned, subject=main.author, post=main.post, note=concern_note
        )
        crisis_services.alert_resolve(
            alert=concern.alert, actor=facilitator, outcome="reached_out", note=outcome
        )

    actions = [
        (
            "a flag with a note",
            lambda: flag_services.flag_create(
                reporter=reporter, post=main.post, reason="other", note=flag_note
            ),
        ),
        ("a concern raised, then resolved", concern_then_resolve),
        (
            "a staff note about the group member",
            lambda: note_services.staff_note_add(
                author=facilitator, member=users["group_member"], body=member_note
            ),
        ),
        (
            "a post hidden",
            lambda: post_services.post_hide(actor=facilitator, post=hidden, reason=hide_reason),
        ),
        (
            "a post removed",
            lambda: post_services.post_remove(
                actor=facilitator, post=removed, rule=rule, message=remove_message
            ),
        ),
        (
            "a passage redacted",
            lambda: post_services.post_redact(
                actor=facilitator, post=redacted, passage=passage, reason=redact_reason
            ),
        ),
        (
            "a warning",
            lambda: sanction_services.sanction_apply(
                actor=facilitator,
                member=main.author,
                kind=Sanction.Kind.WARNING,
                rule=rule,
                message=warning,
                group=main.group,
            ),
        ),
        (
            "an anonymous reply mentioning the group member",
            lambda: post(
                anonymous_author,
                f"@{users['group_member'].handle} me too, {SEARCH_WORD}. {anonymous_words}",
                reply_to=asking,
                anonymous=True,
            ),
        ),
    ]

    extra_urls = []
    for planted_post in (hidden, removed, redacted, asking, main.pending_post):
        extra_urls += _route_urls("post_id", planted_post.pk)
    for person in (anonymous_author, reporter):  # the author's: routes.PARAMS fills them
        extra_urls += _route_urls("handle", person.handle)
    search = reverse("groups:search")
    searches = [
        f"{search}?q={SEARCH_WORD}",
        f"{search}?q={SEARCH_WORD}&author={anonymous_author.handle}",
    ]

    def control() -> list[tuple[str, str, str]]:
        moderate = reverse("moderation:post_moderate", args=[main.post.pk])
        concern = CrisisAlert.objects.get(source=CrisisAlert.Source.CONCERN)
        return [
            (
                "facilitator",
                reverse("moderation:member", args=[main.author.handle]),
                canaries_of("staffnote"),
            ),
            ("facilitator", moderate, reporter.handle),
            ("facilitator", moderate, flag_note),
            ("facilitator", main.alert.get_absolute_url(), canaries_of("findings main")),
            ("facilitator", concern.get_absolute_url(), concerned.handle),
            ("facilitator", concern.get_absolute_url(), concern_note),
            ("facilitator", reverse("groups:post_history", args=[redacted.pk]), passage),
            ("facilitator", reverse("moderation:audit_log"), hide_reason),
            ("group_member", searches[0], anonymous_words),
            ("group_member", reverse("accounts:notifications"), "an anonymous member"),
        ]

    def canaries_of(what: str) -> str:
        return next(c.token for c in canaries if c.what == what)

    return world, Planted(canaries, users, extra_urls, searches, control, actions)


# --- looking for canaries ---


class Watch:
    """Everything the member side was shown, looked through for every canary."""

    def __init__(self, canaries: list[Canary]) -> None:
        self.by_token = {canary.token: canary for canary in canaries}
        assert len(self.by_token) == len(canaries), "two canaries share a token"
        self.pattern = re.compile("|".join(re.escape(token) for token in self.by_token))
        self.counts = {"http": 0, "mail": 0, "ws": 0, "export": 0}
        self.leaks: list[str] = []

    def look(self, kind: str, viewer: str, where: str, text: str, url: str = "") -> None:
        self.counts[kind] += 1
        url = url.lower()
        path = url.split("?")[0]
        for token in sorted(set(self.pattern.findall(text.lower()))):
            canary = self.by_token[token]
            if canary.owner == viewer or path in canary.public_paths:
                continue
            if canary.only_with and canary.only_with not in url:
                continue
            if canary.echo_ok and token in url:
                continue
            self.leaks.append(f"{canary.what} ({token}): seen by {viewer} in {where}")


def _response_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return f"{headers}\n\n{body.decode('utf-8', 'replace')}"


def _get(client: Client, url: str):
    """One GET whose writes are rolled back (a notification marked read, a download
    recorded) and the client's cookies as they were: every page is seen as the world has
    it, in any order. The cache is the test's own and shared by every viewer, as in
    production (a page cached for one viewer and served to another would show here)."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            response = client.get(url)
            text = _response_text(response)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, text


def _mail_text(message) -> str:
    parts = [message.subject, message.body, message.from_email, *message.to, *message.cc]
    parts += [*message.bcc, *message.reply_to]
    parts += [f"{name}: {value}" for name, value in message.extra_headers.items()]
    parts += [str(content) for content, _mimetype in getattr(message, "alternatives", [])]
    return "\n".join(parts)


# --- the member side's sockets ---


def _drain(watch: Watch, sockets: dict, live: dict[str, set[int]]) -> None:
    for (viewer, path), socket in sockets.items():
        while not socket.output_queue.empty():
            message = socket.output_queue.get_nowait()
            if message["type"] != "websocket.send":
                continue
            text = message.get("text") or ""
            watch.look("ws", viewer, f"a message on {path}", text)
            content = json.loads(text)
            if "post_id" in content:
                live[viewer].add(int(content["post_id"]))
            for key in ("created", "edited", "deleted", "reacted"):
                live[viewer].update(int(pk) for pk in content.get(key, ()))


def _committed(action: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with transaction.atomic():  # its on-commit work (publishes, tasks) runs at the end
            action()

    return run


async def _socket_phase(
    world: World, planted: Planted, cookies: dict[str, bytes], watch: Watch
) -> dict[str, set[int]]:
    """Open every socket the member side may open, do the staff actions one by one, and
    look at what each socket received (then what a reconnecting page catches up on).
    Returns the post ids each viewer's thread socket pointed at."""
    from supportforum.asgi import application

    paths = ("/ws/me/", f"/ws/threads/{world.main.thread.pk}/", "/ws/mod/")
    sockets: dict[tuple[str, str], WebsocketCommunicator] = {}
    live: dict[str, set[int]] = {viewer: set() for viewer in VIEWERS}
    try:
        for viewer in VIEWERS:
            for path in paths:
                headers = [ORIGIN] + ([(b"cookie", cookies[viewer])] if viewer in cookies else [])
                socket = WebsocketCommunicator(application, path, headers=headers)
                connected, _code = await socket.connect(timeout=5)
                if connected:
                    sockets[(viewer, path)] = socket
        assert ("group_member", paths[1]) in sockets and ("other_facilitator", paths[2]) in sockets
        for _name, action in planted.actions:
            await sync_to_async(_committed(action))()
            await asyncio.sleep(0.25)
            _drain(watch, sockets, live)
        for (_viewer, path), socket in sockets.items():
            if path != paths[0]:
                await socket.send_json_to({"type": "catch_up", "since": 0})
        await asyncio.sleep(0.3)
        _drain(watch, sockets, live)
    finally:
        for socket in sockets.values():
            await socket.disconnect()
    return live


# --- the test ---


def _sign_in_viewers(planted: Planted) -> tuple[dict[str, Client], dict[str, bytes]]:
    """A client per viewer, and the session cookie its sockets send."""
    clients: dict[str, Client] = {}
    cookies: dict[str, bytes] = {}
    for viewer in VIEWERS:
        client = Client(raise_request_exception=False)
        if viewer != "anonymous":
            sign_in(client, planted.users[viewer], mfa=viewer in MFA_ROLES)
            key = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies[viewer] = f"{settings.SESSION_COOKIE_NAME}={key}".encode()
        clients[viewer] = client
    return clients, cookies


def _sweep(world: World, planted: Planted, clients, live, watch: Watch) -> list[str]:
    """Every page, fragment and search result, as each viewer; and the post fragments
    its thread socket pointed at. Returns the requests that failed with a server error
    (a page that fails shows nothing, so looking through it would prove nothing)."""
    urls = [url_for(route, world, world.main) for route in SITE_ROUTES]
    urls += planted.extra_urls + planted.searches
    failed = []
    for viewer, client in clients.items():
        followed = [reverse("groups:post_live", args=[pk]) for pk in sorted(live[viewer])]
        for url in dict.fromkeys(urls + followed):
            response, text = _get(client, url)
            watch.look("http", viewer, f"GET {url}", text, url)
            if response.status_code >= 500:
                failed.append(f"{viewer} GET {url}: {response.status_code}")
    return failed


def _exports(planted: Planted, clients, watch: Watch) -> None:
    """Each signed-in viewer asks for their data export and downloads it."""
    for viewer, client in clients.items():
        if viewer == "anonymous":
            continue
        client.post(reverse("accounts:data_export_request"))
        export = DataExport.objects.filter(user=planted.users[viewer]).order_by("-pk").first()
        if export.state == DataExport.State.QUEUED:  # a task not run in the test
            data_services.export_build(export_id=export.pk)
            export.refresh_from_db()
        assert export.state == DataExport.State.READY, f"{viewer}: no export ({export.state})"
        response = client.get(export.get_absolute_url())
        assert response.status_code == 200, f"{viewer}: export download {response.status_code}"
        watch.look("export", viewer, "their data export", _response_text(response))


def _member_side(planted: Planted) -> list[User]:
    """The viewers, and everyone else who is neither an admin nor facilitates a group
    (the reporter, the concern's raiser, the anonymous author, the private group's)."""
    viewers = {user.pk for user in planted.users.values()}
    facilitators = Membership.objects.filter(
        role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
    ).values("user")
    staff = User.objects.filter(is_staff=True) | User.objects.filter(pk__in=facilitators)
    return list(User.objects.exclude(pk__in=staff.exclude(pk__in=viewers).values("pk")))


def _mails(planted: Planted, watch: Watch) -> dict[str, int]:
    """Everyone on the member side gets their digest; then every e-mail sent to one of
    them is looked at as theirs. Returns how many each received."""
    viewers = {user.pk: viewer for viewer, user in planted.users.items()}
    member_side = _member_side(planted)
    tomorrow_noon = (timezone.now() + timedelta(days=1)).replace(hour=12, minute=0)
    for user in member_side:
        notification_services.digest_send(user_id=user.pk, now=tomorrow_noon)
    # A canary's owner goes by the viewer's name, else by their handle.
    addresses = {u.email.lower(): viewers.get(u.pk, u.handle) for u in member_side}
    mailed: dict[str, int] = {}
    for message in mail.outbox:
        for address in {*message.to, *message.cc, *message.bcc}:
            label = addresses.get(address.lower())
            if label is not None:
                mailed[label] = mailed.get(label, 0) + 1
                watch.look("mail", label, f"an e-mail “{message.subject}”", _mail_text(message))
    return mailed


def test_no_canary_reaches_the_member_side(settings, monkeypatch) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # rolled back with a GET
    # The tasks (fan-out, notification e-mails, exports, crisis delivery) run in the
    # test, as in the embedded default, so what they send is looked at too.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with transaction.atomic():
        world, planted = _plant()
        DataExport.objects.filter(token=world.export_token).update(
            created_at=timezone.now() - timedelta(hours=2)  # so the member may ask again
        )
    watch = Watch(planted.canaries)
    clients, cookies = _sign_in_viewers(planted)

    live = async_to_sync(_socket_phase)(world, planted, cookies, watch)
    failed = _sweep(world, planted, clients, live, watch)
    _exports(planted, clients, watch)
    mailed = _mails(planted, watch)

    # The plants are real, and the sweep reaches them: the group's facilitator sees the
    # secrets where staff look, and the member side finds the public canary-bearing post.
    facilitator = sign_in(Client(), world.users["facilitator"], mfa=True)
    clients["facilitator"] = facilitator
    unseen = [
        f"{token} not shown to {viewer} on {url}"
        for viewer, url, token in planted.control()
        if token not in _get(clients[viewer], url)[1].lower()
    ]
    assert not unseen, "a canary is not where it should be:\n" + "\n".join(unseen)

    counts = watch.counts
    summary = (
        f"{len(watch.by_token)} canaries × {counts['http']} member-visible responses "
        f"(HTML/JSON), {counts['mail']} e-mails, {counts['ws']} websocket messages, "
        f"{counts['export']} exports: {len(watch.leaks)} leaks"
    )
    print(f"\nField-level canaries: {summary}")
    assert not watch.leaks, summary + ":\n" + "\n".join(sorted(set(watch.leaks)))
    assert not failed, "server errors hide what a page would show:\n" + "\n".join(failed)
    # Not vacuous: each channel carried what a leak would ride on.
    assert counts["export"] == len(VIEWERS) - 1
    assert mailed.get("group_member") and mailed.get("author"), mailed
    assert live["group_member"] and counts["ws"] > len(VIEWERS), live

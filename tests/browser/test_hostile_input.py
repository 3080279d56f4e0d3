"""Every string of the Big List of Naughty Strings, in every field members and staff
write, rendered in Chromium: nothing executes.

Each string goes into a post body, a thread title, a handle, a bio, a flag note, a staff
note, a group name and a resource title. Objects are made through the services when the
field's validation accepts the string; when it refuses (a blank title, an over-long bio,
a handle outside the pattern) the string is written straight to the database, as an admin
or a migration could, because rendering must be safe whatever is stored. The pages are
the ones that show each field: the thread page, the group page, the directory, member
cards, the resources library, the notification list, the review queue, a member's staff
notes, and (through uvicorn, Redis and a real Celery worker) the crisis alert toast.

In the browser, ``alert``/``confirm``/``prompt``/``print`` are replaced by an init script
that reports every call, real dialogs are counted and dismissed, and CSP violations (the
``securitypolicyviolation`` event and the console), page errors and requests to other
hosts are collected. To stay fast, each page shows hundreds of strings at once.
"""

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from accounts.models import User
from accounts.services.notifications import profile_update
from groups import fanout, services
from groups.models import Membership, Post, SupportGroup, Thread
from groups.services.membership import group_save
from moderation.models import CrisisAlert, DutyStatus, Flag, Resource, StaffNote
from moderation.realtime import publish_alert
from moderation.services.crisis import alert_raise
from moderation.services.flags import flag_create
from moderation.services.notes import staff_note_add
from moderation.services.resources import resource_create

from ..factories import (
    IMMINENT_TEXT,
    GroupFactory,
    MembershipFactory,
    UserFactory,
    give_totp,
    totp_code,
)
from ..moderation.celery_worker import (
    AsgiServer,
    pipeline_settings_fixture,  # noqa: F401 (fixture "pipeline_settings")
    requires_worker,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLNS = Path(__file__).resolve().parents[1] / "corpora" / "blns.json"
STRINGS: list[str] = json.loads(BLNS.read_text(encoding="utf-8"))
READER = "quiet_reader"
PASSWORD = "a-long-test-password"  # the factories' default
MANY = 5000  # page size for every list the test reads, so each fits on one page

# Runs before any page script: every dialog function reports instead of opening, and so
# does every CSP violation the page meets.
HOOKS = """
(() => {
  const report = (kind, detail) => {
    try { window.__havenReport(kind, String(detail), location.pathname); } catch (e) {}
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = function (...args) { report(name, args.join(" ")); return null; };
  }
  document.addEventListener("securitypolicyviolation", (e) => {
    report("csp", e.violatedDirective + " " + e.blockedURI);
  }, true);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === 1 && node.matches(".mod-toast")) {
          report("toast", node.querySelector(".mod-toast-text").textContent);
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""


def _clean(value: str) -> str:
    """PostgreSQL text holds no NUL character; Haven drops them from every field."""
    return value.replace("\x00", "")


class Placed:
    """How each string reached each field: through the service (validation accepted
    it) or written directly (validation refused it), or not at all (and why)."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()

    def add(self, field: str, how: str) -> None:
        self.counts[(field, how)] += 1

    def summary(self) -> str:
        fields = sorted({field for field, _ in self.counts})
        lines = []
        for field in fields:
            ways = {how: n for (f, how), n in self.counts.items() if f == field}
            lines.append(f"{field}: " + ", ".join(f"{n} {how}" for how, n in sorted(ways.items())))
        return "\n".join(lines)


def _forced(placed: Placed, field: str, attempt: Callable[[], Any], force: Callable[[], Any]):
    """The service's answer, or (when its validation refuses the string) the direct write."""
    try:
        result = attempt()
    except ValidationError:
        placed.add(field, "written directly (validation refused)")
        return force()
    placed.add(field, "through the service")
    return result


class Browsing:
    """One signed-in browser context with every hook in place, and what they caught."""

    def __init__(self, browser: Browser, base_url: str, session: str | None = None) -> None:
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.reports: list[tuple[str, str, str]] = []
        self.dialogs: list[str] = []
        self.csp_console: list[str] = []
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.context: BrowserContext = browser.new_context(base_url=base_url)
        self.context.set_default_timeout(60_000)
        if session is not None:
            self.context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
        self.context.expose_function(
            "__havenReport", lambda kind, detail, path: self.reports.append((kind, detail, path))
        )
        self.context.add_init_script(HOOKS)
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != self.host:
            self.offsite.append(route.request.url)  # a remote image, script, frame...
            route.abort()
        else:
            route.continue_()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_console.append(message.text)
        elif message.type == "error" and "WebSocket connection to" not in message.text:
            # The WSGI live server refuses the pages' websockets; anything else counts.
            self.errors.append(message.text)

    def sign_in(self, email: str, secret: str) -> None:
        """Password and a TOTP code through the sign-in form: moderation pages want a
        session that passed two-factor authentication."""
        self.page.goto("/accounts/login/")
        self.page.fill('input[name="login"]', email)
        self.page.fill('input[name="password"]', PASSWORD)
        self.page.get_by_role("button", name="Sign In").click()
        self.page.fill('input[name="code"]', totp_code(secret))
        self.page.get_by_role("button", name="Sign In").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()

    def visit(self, path: str, wait_until: str = "load") -> str:
        response = self.page.goto(path, wait_until=wait_until)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert urlsplit(self.page.url).path == urlsplit(path).path, (path, self.page.url)
        return self.page.evaluate("document.body.innerText")

    def wait(self, predicate: Callable[[], Any], timeout: float, message: str = "") -> None:
        """Poll while Playwright runs its loop (time.sleep would hold back the very events
        polled for: the page's reports reach Python on that loop)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, message or f"timed out after {timeout} s"
            self.page.wait_for_timeout(100)

    def probe(self) -> None:
        """The hooks hear what they must: an alert and a CSP violation (an inline style)
        set off on purpose are reported, then forgotten."""
        self.page.evaluate("alert('probe')")
        self.page.evaluate(
            "() => { const s = document.createElement('style'); s.textContent = 'p {}';"
            " document.head.appendChild(s); }"
        )
        self.wait(
            lambda: {"alert", "csp"} <= {kind for kind, _, _ in self.reports} and self.csp_console,
            timeout=10,
        )
        self.reports.clear()
        self.csp_console.clear()

    def executed(self) -> list[str]:
        calls = [f"{kind} on {path}: {detail[:80]}" for kind, detail, path in self.reports]
        return [c for c in calls if not c.startswith("toast")] + self.dialogs

    def csp(self) -> list[str]:
        return [d for k, d, _ in self.reports if k == "csp"] + self.csp_console

    def close(self) -> None:
        self.context.close()


def _session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _close_connections_after(fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        try:
            return fn()
        finally:
            connections.close_all()

    return run


# --- the member and moderation pages (WSGI live server) ---


def _handle_for(i: int, value: str, taken: set[str], placed: Placed) -> str:
    """The string as a handle where the database can hold it; else a plain one."""
    handle = _clean(value)[:30]
    field = User._meta.get_field("handle")
    if handle.lower() in taken:
        placed.add("handle", "not placed (same as another string's handle)")
        return f"naughty_{i}"
    if "/" in handle or not handle.strip(".") or not handle.strip():
        # A handle is a URL segment (/members/<handle>/): with a "/" (or empty) no link
        # to the member can be built, and "." or ".." is a path step browsers remove.
        placed.add("handle", "not placed (no URL can name it: '/', empty or dots)")
        return f"naughty_{i}"
    try:
        field.clean(handle, None)
        placed.add("handle", "through validation (the sign-up and admin rules)")
    except ValidationError:
        placed.add("handle", "written directly (validation refused)")
    if len(value) > 30:
        placed.add("handle", "of which cut to the column's 30 characters")
    taken.add(handle.lower())
    return handle


def _place_bio(placed: Placed, user: User, value: str) -> None:
    def force() -> None:
        User.objects.filter(pk=user.pk).update(bio=_clean(value).strip()[:300])

    _forced(
        placed,
        "bio",
        partial(profile_update, user=user, bio=value, region="", time_zone="UTC"),
        force,
    )


def _place_body(placed: Placed, user: User, thread: Thread, value: str) -> Post:
    def force() -> Post:
        post = services.post_create(author=user, thread=thread, body="placeholder")
        text = _clean(value)
        Post.objects.filter(pk=post.pk).update(body=text, body_html=services.render_body(text))
        return post

    return _forced(
        placed,
        "post body",
        partial(services.post_create, author=user, thread=thread, body=value),
        force,
    )


def _place_title(placed: Placed, user: User, group: SupportGroup, value: str) -> Thread:
    mention = f"A thread for you, @{READER}."

    def force() -> Thread:
        thread = services.thread_create(author=user, group=group, title="placeholder", body=mention)
        Thread.objects.filter(pk=thread.pk).update(title=_clean(value)[:150])
        return thread

    thread = _forced(
        placed,
        "thread title",
        partial(services.thread_create, author=user, group=group, title=value, body=mention),
        force,
    )
    # The mention notification names the author and the title ("… mentioned you in “…”");
    # the fan-out task runs here, in order, rather than on a worker.
    fanout.post_notify_published(post_id=thread.posts.get(is_opening=True).pk)
    return thread


def _place_flag_note(placed: Placed, user: User, post: Post, value: str) -> None:
    def force() -> None:
        flag = flag_create(reporter=user, post=post, reason=Flag.Reason.OTHER)
        Flag.objects.filter(pk=flag.pk).update(note=_clean(value)[:500])

    _forced(
        placed,
        "flag note",
        partial(flag_create, reporter=user, post=post, reason=Flag.Reason.OTHER, note=value),
        force,
    )


def _place_staff_note(placed: Placed, author: User, member: User, group, value: str) -> None:
    def force() -> None:
        StaffNote.objects.create(member=member, author=author, group=group, body=_clean(value))

    _forced(
        placed,
        "staff note",
        partial(staff_note_add, author=author, member=member, body=value, group=group),
        force,
    )


def _place_resource_title(placed: Placed, actor: User, i: int, value: str) -> None:
    def force() -> None:
        Resource.objects.create(
            title=_clean(value)[:150],
            url=f"https://example.org/f/{i}",
            kind=Resource.Kind.ARTICLE,
            state=Resource.State.VETTED,
            vetted_by=actor,
        )

    _forced(
        placed,
        "resource title",
        partial(
            resource_create,
            actor=actor,
            title=value,
            url=f"https://example.org/r/{i}",
            kind=Resource.Kind.ARTICLE,
        ),
        force,
    )


def _place_group_name(placed: Placed, i: int, value: str, names: set[str]) -> None:
    name = _clean(value)[:80]
    if name in names:
        placed.add("group name", "not placed (same as another string's group name)")
        return
    names.add(name)

    def force() -> None:
        SupportGroup.objects.create(name=name, slug=f"naughty-{i}")

    _forced(
        placed,
        "group name",
        partial(group_save, group=SupportGroup(name=name, slug=f"naughty-{i}")),
        force,
    )


@transaction.atomic  # one commit: hundreds of small ones are most of the time otherwise
def _arrange_pages() -> dict:
    placed = Placed()
    group = GroupFactory(name="Naughty strings", slug="naughty-strings")
    facilitator = MembershipFactory(
        group=group, role=Membership.Role.FACILITATOR, user__handle="harbourlight"
    ).user
    secret = give_totp(facilitator)
    reader = MembershipFactory(group=group, user__handle=READER).user
    big = services.thread_create(
        author=facilitator, group=group, title="Every naughty string", body="Hello"
    )
    taken = {"harbourlight", READER}
    users = []
    for i, value in enumerate(STRINGS):
        user = UserFactory(handle=_handle_for(i, value, taken, placed))
        Membership.objects.create(user=user, group=group, guidelines_accepted_at=user.date_joined)
        _place_bio(placed, user, value)
        users.append(user)
    replies = [_place_body(placed, u, big, v) for u, v in zip(users, STRINGS, strict=True)]
    for user, value in zip(users, STRINGS, strict=True):
        _place_title(placed, user, group, value)
    names = {group.name}
    for i, (user, value) in enumerate(zip(users, STRINGS, strict=True)):
        # Each flags the next string's post: one queue item per post, each with its note.
        _place_flag_note(placed, user, replies[(i + 1) % len(replies)], value)
        _place_staff_note(placed, facilitator, reader, group, value)
        _place_resource_title(placed, facilitator, i, value)
        _place_group_name(placed, i, value, names)
    return {
        "session": _session(reader),
        "staff": (facilitator.email, secret),
        "placed": placed,
        "group": group,
        "thread": big,
        "users": users,
    }


@pytest.fixture
def many_per_page(settings, monkeypatch) -> None:
    from django.core.paginator import Paginator

    import accounts.selectors
    import moderation.selectors.queue
    import moderation.selectors.resources

    # Live updates have no listener here (the live server is WSGI): keep them in memory.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.HAVEN_POSTS_PER_PAGE = MANY
    settings.HAVEN_THREADS_PER_PAGE = MANY
    monkeypatch.setattr(moderation.selectors.queue, "QUEUE_PAGE_SIZE", MANY)
    monkeypatch.setattr(moderation.selectors.resources, "LIBRARY_PER_PAGE", MANY)
    monkeypatch.setattr(
        accounts.selectors, "Paginator", lambda items, _size: Paginator(items, MANY)
    )


def _shown(text: str, values: list[str]) -> list[str]:
    """The plain values (printable ASCII, single spaces) that ``text`` does not show."""
    plain = [
        v.strip() for v in values if v.strip() and v.isascii() and v.isprintable() and "  " not in v
    ]
    return [v for v in plain if v not in text]


def test_every_naughty_string_stays_inert_on_member_and_moderation_pages(
    browser: Browser, live_server, off_loop, many_per_page
) -> None:
    started = time.monotonic()
    world = off_loop(_close_connections_after(_arrange_pages))
    arranged = time.monotonic() - started
    placed: Placed = world["placed"]

    reading = Browsing(browser, live_server.url, world["session"])
    staff = Browsing(browser, live_server.url)
    staff.sign_in(*world["staff"])
    texts: dict[str, str] = {}
    try:
        texts["thread"] = reading.visit(world["thread"].get_absolute_url())
        reading.probe()
        texts["group"] = reading.visit(world["group"].get_absolute_url())
        texts["directory"] = reading.visit("/")
        texts["resources"] = reading.visit("/resources/")
        texts["notifications"] = reading.visit("/me/notifications/")
        cards = []
        for user in world["users"]:
            cards.append(reading.visit(user.get_absolute_url(), "domcontentloaded"))
        texts["cards"] = "\n".join(cards)
        texts["queue"] = staff.visit("/mod/queue/")
        staff.probe()
        texts["staff notes"] = staff.visit(f"/mod/members/{READER}/")
        executed = reading.executed() + staff.executed()
        csp = reading.csp() + staff.csp()
        errors = reading.errors + staff.errors
        offsite = reading.offsite + staff.offsite
    finally:
        reading.close()
        staff.close()
    browsed = time.monotonic() - started - arranged

    handles = [u.handle for u in world["users"]]
    missing = {
        "post bodies (thread)": _shown(texts["thread"], [s for s in STRINGS if "<" in s][:40]),
        "handles (thread)": _shown(texts["thread"], handles),
        "titles (group page)": _shown(texts["group"], [s[:150] for s in STRINGS]),
        "group names (directory)": _shown(texts["directory"], [s[:80] for s in STRINGS]),
        "resource titles": _shown(texts["resources"], [s[:150] for s in STRINGS]),
        "handles (notifications)": _shown(texts["notifications"], handles),
        "bios (member cards)": _shown(texts["cards"], [s[:300] for s in STRINGS]),
        "flag notes (queue)": _shown(texts["queue"], [s[:500] for s in STRINGS]),
        "handles (queue)": _shown(texts["queue"], handles),
        "staff notes": _shown(texts["staff notes"], STRINGS),
    }
    missing = {where: values for where, values in missing.items() if values}
    tried = len(STRINGS)
    summary = (
        f"{tried} tried, {len(executed)} executed "
        f"({len(csp)} CSP violations, {len(errors)} page errors, {len(offsite)} off-site "
        f"requests); arranged in {arranged:.0f} s, browsed {len(world['users']) + 7} pages "
        f"in {browsed:.0f} s\n{placed.summary()}"
    )
    print("\n" + summary)
    assert executed == [], summary + "\n" + "\n".join(executed[:20])
    assert csp == [], summary + "\n" + "\n".join(csp[:20])
    assert errors == [], summary + "\n" + "\n".join(errors[:20])
    assert offsite == [], summary + "\n" + "\n".join(offsite[:20])
    assert not missing, (
        summary + "\nnot shown: " + repr({where: values[:5] for where, values in missing.items()})
    )
    assert texts["notifications"].count("mentioned you in") == tried


# --- the crisis alert toast (uvicorn, Redis and a Celery worker) ---


def _arrange_crisis() -> dict:
    # An admin hears every group's alerts on one channel (a facilitator of five hundred
    # groups would join five hundred channel groups per open page).
    facilitator = UserFactory(handle="harbourlight", is_staff=True, is_superuser=True)
    DutyStatus.objects.create(user=facilitator, mode=DutyStatus.Mode.ON)
    secret = give_totp(facilitator)
    # uvicorn checks the password with the project's hashers, not the tests' fast MD5.
    hasher = PBKDF2PasswordHasher()
    facilitator.password = hasher.encode(PASSWORD, hasher.salt())
    facilitator.save(update_fields=["password"])
    author = UserFactory(handle="heavy_heart")
    groups, names = [], set()
    for i, value in enumerate(STRINGS):
        name = _clean(value)[:80]
        if name in names:
            continue
        names.add(name)
        groups.append(SupportGroup.objects.create(name=name, slug=f"naughty-{i}"))
    Membership.objects.bulk_create(
        [Membership(user=author, group=g, guidelines_accepted_at=timezone.now()) for g in groups]
    )
    return {"staff": (facilitator.email, secret), "author": author, "groups": groups}


TOAST_POSTS = 20  # crisis posts with a naughty title and body, through the detector


def _raise_alerts(author: User, groups: list[SupportGroup]) -> int:
    """One crisis alert per group, each published live as the delivery task publishes it.
    The first TOAST_POSTS come from real posts (the string as the thread's title and in
    its body, which the detector reads); the rest are raised directly, which is quicker
    and reaches the toast the same way (its text names the group, never a post's words)."""
    raised = 0
    for i, group in enumerate(groups):
        if i < TOAST_POSTS:
            value = STRINGS[int(group.slug.rsplit("-", 1)[1])]
            thread = services.thread_create(
                author=author,
                group=group,
                title=_clean(value).strip()[:150] or "Untitled",
                body=f"{IMMINENT_TEXT}\n\n{value}",
            )
            alert = thread.crisis_alert
        else:
            alert = alert_raise(
                source=CrisisAlert.Source.DETECTED,
                severity=CrisisAlert.Severity.IMMINENT,
                subject=author,
                group=group,
            )
        if alert is not None:
            publish_alert(alert)
            raised += 1
    return raised


@pytest.fixture
def asgi(tmp_path) -> Iterator[AsgiServer]:
    """Haven under uvicorn (websockets). No Celery worker: the test publishes each alert
    as the delivery task would, so five hundred alerts take seconds rather than minutes
    (the worker also e-mails every on-duty facilitator, about half a second each)."""
    server = AsgiServer(log_dir=tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@requires_worker
@pytest.mark.usefixtures("pipeline_settings")
def test_every_naughty_group_name_stays_inert_in_the_live_crisis_toast(
    browser: Browser, asgi: AsgiServer
) -> None:
    started = time.monotonic()
    world = off_loop_free(_arrange_crisis)
    watching = Browsing(browser, asgi.url)
    try:
        watching.sign_in(*world["staff"])
        watching.page.goto("/mod/queue/")
        watching.probe()
        expect(watching.page.locator("html")).to_have_attribute("data-mod-live", "connected")
        raised = off_loop_free(_raise_alerts, world["author"], world["groups"])

        def toasts() -> list[str]:
            return [detail for kind, detail, _ in watching.reports if kind == "toast"]

        watching.wait(lambda: len(toasts()) >= raised, timeout=120, message=f"{raised} alerts")
        shown = toasts()
        watching.visit("/mod/queue/")  # the queue, rendered with the new alerts in it
        executed, csp = watching.executed(), watching.csp()
        errors, offsite = watching.errors, watching.offsite
    finally:
        watching.close()
    names = [g.name for g in world["groups"]]
    not_shown = _shown("\n".join(shown), names)
    summary = (
        f"{len(names)} tried, {len(executed)} executed ({len(csp)} CSP violations, "
        f"{len(errors)} page errors, {len(offsite)} off-site requests); {raised} alerts, "
        f"{len(shown)} toasts in {time.monotonic() - started:.0f} s"
    )
    print("\n" + summary)
    assert raised == len(names), summary
    assert executed == [], summary + "\n" + "\n".join(executed[:20])
    assert csp == [], summary + "\n" + "\n".join(csp[:20])
    assert errors == [], summary + "\n" + "\n".join(errors[:20])
    assert offsite == [], summary + "\n" + "\n".join(offsite[:20])
    assert not not_shown, summary + f"\nnot in a toast: {not_shown[:5]!r}"


def off_loop_free(fn: Callable[..., Any], /, *args: Any) -> Any:
    """ORM and services away from Playwright's event loop, on a plain thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_close_connections_after(lambda: fn(*args))).result()

"""Every URL pattern of the site, walked from the resolver, and how to fill its arguments
from the authorisation world; how a response is classified; how a request is made so it
changes nothing for the next one."""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .world import Place, World


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "groups:thread_detail", "account_login", "admin:index"
    route: str
    kwargs: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...]

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.route.startswith("admin/")


def walk(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Every pattern reachable from the root URLconf (allauth's and the admin's included)."""
    found: list[Route] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            kwargs = tuple(sorted(entry.pattern.regex.groupindex))
            defaults = tuple(sorted((entry.default_args or {}).items()))
            found.append(Route(name or route, route, kwargs, defaults))
    return found


ROUTES = walk()
SITE_ROUTES = [r for r in ROUTES if not r.is_admin]
ADMIN_ROUTES = [r for r in ROUTES if r.is_admin]

Fill = Callable[[World, Place], object]

# (route name or "*", keyword) -> the value in ``place`` (the group the row is about).
# "*" is the default for a keyword; a route's own entry wins.
PARAMS: dict[tuple[str, str], Fill] = {
    ("*", "slug"): lambda w, p: p.group.slug,
    ("*", "thread_id"): lambda w, p: p.thread.pk,
    ("*", "post_id"): lambda w, p: p.post.pk,
    ("*", "meeting_id"): lambda w, p: p.meeting.pk,
    ("*", "alert_id"): lambda w, p: p.alert.pk,
    ("*", "item_id"): lambda w, p: p.flagged_item.pk,
    ("*", "handle"): lambda w, p: p.author.handle,
    ("*", "note_id"): lambda w, p: p.facilitator_note.pk,
    ("*", "pin_id"): lambda w, p: p.pin.pk,
    ("*", "resource_id"): lambda w, p: p.suggested.pk,
    ("groups:thread_detail", "slug"): lambda w, p: p.thread.get_absolute_url().split("/")[-2],
    ("groups:post_approve", "post_id"): lambda w, p: p.pending_post.pk,
    ("groups:invitation_accept", "token"): lambda w, p: p.invitation.token,
    ("groups:calendar_feed", "token"): lambda w, p: w.calendar_token,
    ("moderation:join_decide", "item_id"): lambda w, p: p.join_item.pk,
    ("moderation:sanction_revoke", "sanction_id"): lambda w, p: p.mute.pk,
    ("moderation:warning_acknowledge", "sanction_id"): lambda w, p: p.warning.pk,
    ("moderation:guide", "slug"): lambda w, p: w.extra["guide_slug"],
    ("accounts:unsubscribe", "token"): lambda w, p: w.unsubscribe_token,
    ("accounts:data_export_download", "token"): lambda w, p: w.export_token,
    # allauth's e-mail confirmation and password reset keys: unknown keys (the pages
    # answer anyone; what matters is that none of them leaks or acts on a bad key).
    ("account_confirm_email", "key"): lambda w, p: "not-a-real-key",
    ("account_reset_password_from_key", "uidb36"): lambda w, p: "zz",
    ("account_reset_password_from_key", "key"): lambda w, p: "not-a-real-key",
}

# Query strings some pages need to know which group (or where) they act in.
QUERIES: dict[str, Fill] = {
    "moderation:sanction_create": lambda w, p: {"group": p.group.slug, "post": p.post.pk},
    "moderation:spam_purge": lambda w, p: {"group": p.group.slug},
    "moderation:resource_pins": lambda w, p: {"group": p.group.slug},
    "groups:search": lambda w, p: {"q": "hard week"},
    "groups:link_out": lambda w, p: {"to": "https://example.org/"},
}

# A minimal VALID body for the routes that write what a role may or may not write, so a
# cell tells "done" (redirect) from "refused" (403, or the form again: ok) apart. Other
# POSTs are empty: a refusal must come before the form is read anyway.
BODIES: dict[str, Fill] = {
    "groups:thread_create": lambda w, p: {
        "title": "Another hard week",
        "body": "Some days are long.",
        "personal_ok": "on",
    },
    "groups:post_reply": lambda w, p: {"body": "Sending you strength.", "personal_ok": "on"},
    "groups:post_edit": lambda w, p: {"body": "Edited.", "personal_ok": "on"},
    "groups:post_react": lambda w, p: {"kind": "hug"},
    "groups:group_join": lambda w, p: {"accept_guidelines": "on", "entry_answer": "To talk."},
    "groups:invitation_accept": lambda w, p: {"accept_guidelines": "on"},
    "groups:meeting_rsvp": lambda w, p: {"going": "yes"},
    "moderation:flag_create": lambda w, p: {"reason": "spam"},
    "moderation:concern_post": lambda w, p: {"group": p.group.pk, "note": "Worried."},
    "moderation:concern_member": lambda w, p: {"group": p.group.pk, "note": "Worried."},
}

# The admin's object ids are its own business: any value reaches the staff gate first.
ADMIN_PARAMS = {"object_id": "1", "id": "1", "content_type_id": 1, "app_label": None, "url": "x/"}


class Unmapped(Exception):
    pass


def fill(route: Route, world: World, place: Place) -> dict:
    """The route's keyword arguments; fails loudly for a keyword this package can't build,
    so a new URL cannot slip past the matrix."""
    kwargs = {}
    for kwarg in route.kwargs:
        if route.is_admin:
            value = ADMIN_PARAMS.get(kwarg, Unmapped)
            if kwarg == "app_label":
                value = re.search(r"\(\?P<app_label>([a-z_]+)", route.route).group(1)
        else:
            getter = PARAMS.get((route.name, kwarg)) or PARAMS.get(("*", kwarg))
            value = getter(world, place) if getter else Unmapped
        if value is Unmapped:
            pytest.fail(
                f"URL {route.name!r} ({route.route}) takes <{kwarg}>, which the authorisation "
                "matrix can't fill: add it to PARAMS in tests/authz/routes.py."
            )
        kwargs[kwarg] = value
    return kwargs


def url_for(route: Route, world: World, place: Place) -> str:
    kwargs = fill(route, world, place)
    if route.name == route.route:  # unnamed (the admin's own): the route, filled in
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.route)
        url = url.replace("(?P<url>.*)$", str(kwargs.get("url", "")))
    else:
        url = reverse(route.name, kwargs=kwargs)
    query = QUERIES.get(route.name)
    return f"{url}?{urlencode(query(world, place))}" if query else url


# --- outcomes ---

LOGIN = reverse("account_login")
MFA_PREFIXES = (reverse("mfa_activate_totp"), reverse("mfa_authenticate"))
ADMIN_LOGIN = reverse("admin:login")


def classify(response) -> str:
    """A response as one word: ok, login, mfa, admin-login, redirect, or the status."""
    status = response.status_code
    if 200 <= status < 300:
        return "ok"
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if location.startswith(LOGIN):
            return "login"
        if location.startswith(MFA_PREFIXES):
            return "mfa"
        if location.startswith(ADMIN_LOGIN):
            return "admin-login"
        return "redirect"
    return str(status)


# What every HTML page's Content-Security-Policy must say (issue 9).
POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def policy_problem(response) -> str:
    """'' if the response is not HTML or carries the strict policy; else what is wrong."""
    if not response.get("Content-Type", "").startswith("text/html") or not response.content:
        return ""
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return "-without-csp"
    if any(d not in policy for d in POLICY) or "unsafe-" in policy:
        return "-weak-csp"
    return ""


def _fresh_cache() -> dict:
    """The cache settings with a key space of its own: an empty cache for one request
    (rate-limit counters, page caches) without flushing the shared Redis database."""
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"authz-{uuid.uuid4().hex[:12]}"
    return caches


def isolated_request(client: Client, method: str, url: str, data: dict | None = None) -> str:
    """One request whose writes are rolled back (a savepoint in the test's transaction),
    whose on-commit callbacks are discarded with it, with an empty cache and the client's
    cookies as they were (a log-out or a new session key lasts one request only).

    Its outcome (see ``classify``) gains ``-without-csp`` / ``-weak-csp`` when an HTML
    answer lacks the strict Content-Security-Policy, so no cell of the table can hide one."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with override_settings(CACHES=_fresh_cache()), transaction.atomic():
            post = method == "POST"
            response = client.post(url, data or {}) if post else client.get(url)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return classify(response) + policy_problem(response)

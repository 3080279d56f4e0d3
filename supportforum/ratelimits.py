"""Abuse limits: how often one member, and one address, may start threads, reply, react,
flag, raise a concern or search.

The limits are named in ``settings.HAVEN_RATE_LIMITS`` in allauth's format (e.g. ``"reply":
"10/1m/user,30/1m/ip"``) and counted by allauth's rate limiter on the default cache, with the
client address as allauth finds it (``ALLAUTH_TRUSTED_PROXY_COUNT``,
``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``). A refused request is answered with a 429, a
``Retry-After`` and a calm page saying when to try again, computed from the counts
themselves. Two ways in:

- ``@rate_limited("react")`` on a view: over the limit, the view never runs.
- ``check(request, "reply")`` inside a view that holds a member's words: over the limit the
  view writes nothing and shows its form again, their text in it, through ``refuse``.

A cache outage lets requests through (and is logged): a person in crisis must be able to
post even when the counters are gone.
"""

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from redis.exceptions import RedisError

from .security_log import security_event

logger = logging.getLogger(__name__)

APP = "haven"  # in the cache keys: allauth:rl:haven:<action>:<rate>:<user or ip>
# When the cache lock could not be taken (heavy contention), allauth refuses; say so briefly.
BUSY_RETRY_SECONDS = 5


@dataclass(frozen=True)
class Limited:
    """A refusal: which limit, and in how many seconds a request would be counted again."""

    action: str
    retry_after: int

    @property
    def wait(self) -> str:
        """When to try again, for a sentence: "in about 40 seconds"."""
        seconds = self.retry_after
        if seconds < 60:
            return f"in about {seconds} second{'s' if seconds != 1 else ''}"
        if seconds < 3600:
            minutes = math.ceil(seconds / 60)
            return "in about a minute" if minutes == 1 else f"in about {minutes} minutes"
        hours = math.ceil(seconds / 3600)
        return "in about an hour" if hours == 1 else f"in about {hours} hours"


def _config(request: HttpRequest, action: str) -> dict[str, str]:
    """This action's rates for this request (per-member rates only for a member)."""
    try:
        raw = settings.HAVEN_RATE_LIMITS[action]
    except KeyError:
        raise ImproperlyConfigured(f"HAVEN_RATE_LIMITS has no limit named {action!r}.") from None
    try:
        rates = [(part, allauth_ratelimit.parse_rate(part)) for part in _parts(raw)]
    except ValueError:
        raise ImproperlyConfigured(
            f"HAVEN_RATE_LIMITS[{action!r}] = {raw!r} is not a list of rates like "
            '"10/1m/user,30/1m/ip".'
        ) from None
    if any(rate.per not in {"user", "ip"} for _, rate in rates):
        raise ImproperlyConfigured(f"HAVEN_RATE_LIMITS[{action!r}]: count per user or per ip.")
    member = request.user.is_authenticated
    return {action: ",".join(part for part, rate in rates if member or rate.per != "user")}


def _parts(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _retry_after(
    request: HttpRequest, action: str, config: dict[str, str], *, app: str = APP
) -> int | None:
    """Seconds until every full window has a free place: for each full rate, when the oldest
    of the hits that fill it leaves the window. None when no counted window is full (the
    cache lock was busy, or the full one counts a key this request does not name)."""
    now = time.time()
    waits = []
    for rate in allauth_ratelimit.get_rates(app=app, action=action, config=config):
        if rate.per not in {"user", "ip"}:
            continue
        key = allauth_ratelimit.get_cache_key(request, app=app, action=action, rate=rate)
        hits = sorted((t for t in cache.get(key, []) if t > now - rate.duration), reverse=True)
        if len(hits) >= rate.amount:
            waits.append(hits[rate.amount - 1] + rate.duration - now)
    if not waits:
        return None
    return max(1, math.ceil(max(waits)))


def _counted(request: HttpRequest) -> bool:
    return request.method == "POST"


def check(
    request: HttpRequest, action: str, *, when: Callable[[HttpRequest], bool] = _counted
) -> Limited | None:
    """Count this request against the limit named ``action`` (only if ``when(request)``,
    by default a POST): ``None`` if it may go on, else the refusal."""
    if not settings.HAVEN_RATE_LIMITS_ENABLED or not when(request):
        return None
    config = _config(request, action)
    try:
        usage = allauth_ratelimit.consume(
            request, app=APP, action=action, config=config, limit_get=True
        )
        if usage is not None:
            return None
        security_event("abuse.rate_limited", request=request, action=action)
        wait = _retry_after(request, action, config) or BUSY_RETRY_SECONDS
        return Limited(action=action, retry_after=wait)
    except (RedisError, OSError):
        logger.warning("rate limit %s not counted: the cache is unavailable", action)
        return None


def refuse(response: HttpResponse, limited: Limited) -> HttpResponse:
    """Make ``response`` a refusal for rate: 429, Retry-After, never cached or indexed."""
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    patch_cache_control(response, no_store=True, private=True)
    response["Referrer-Policy"] = "no-referrer"  # a refused search keeps its query in the URL
    response.haven_noindex = True
    return response


def too_many_requests(request: HttpRequest, limited: Limited) -> HttpResponse:
    """The calm 429 page; for htmx, the same words as a fragment for the swap."""
    template = "errors/_429.html" if getattr(request, "htmx", False) else "errors/429.html"
    return refuse(render(request, template, {"rate_limit": limited}), limited)


def rate_limited(
    action: str, *, when: Callable[[HttpRequest], bool] = _counted
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Apply the limit named ``action`` to a view (its POSTs, or what ``when`` picks): over
    the limit, the view does not run and the member gets the 429 page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limited = check(request, action, when=when)
            if limited is not None:
                return too_many_requests(request, limited)
            return view(request, *args, **kwargs)

        return limited_view

    return decorate


# allauth's own limits (ACCOUNT_RATE_LIMITS), by the page each guards.
ACCOUNT_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
}
ACCOUNT_APP = "allauth.account"  # the app in allauth's own cache keys


def account_too_many_requests(request: HttpRequest) -> HttpResponse:
    """allauth's refusals (its ``handler429`` hook, named in supportforum/urls.py): Haven's
    calm page and headers, a security event, and when to try again: counted from
    allauth's own per-address hits, else the longest window of the page's limits (by
    then every window has room again)."""
    match = getattr(request, "resolver_match", None)
    action = ACCOUNT_ACTIONS.get(getattr(match, "url_name", "") or "", "")
    raw = settings.ACCOUNT_RATE_LIMITS.get(action, "") if action else ""
    wait = _retry_after(request, action, {action: raw}, app=ACCOUNT_APP) if raw else None
    if wait is None:
        windows = [allauth_ratelimit.parse_rate(part).duration for part in _parts(raw)]
        wait = math.ceil(max(windows, default=5 * 60))
    security_event("abuse.rate_limited", request=request, action=f"account.{action or 'other'}")
    return too_many_requests(request, Limited(action=action or "account", retry_after=wait))

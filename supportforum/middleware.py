import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import LazyObject, empty


class PrivacyHeadersMiddleware:
    """Pages seen by a signed-in person may hold mental-health disclosures: never let a
    shared computer's browser or a proxy cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        if getattr(response, "haven_noindex", False):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


# --- Idle timeout --------------------------------------------------------------------------

ACTIVE_AT = "haven_active_at"  # session key: when the session was last seen in use (epoch s)


def idle_expired(session, now: float | None = None) -> bool:
    """Whether a signed-in session has gone longer than ``SESSION_IDLE_TIMEOUT`` minutes
    without activity (a session not yet stamped is not: the next request stamps it)."""
    timeout = settings.SESSION_IDLE_TIMEOUT * 60
    seen = session.get(ACTIVE_AT)
    if timeout <= 0 or not isinstance(seen, int | float):
        return False
    return (time.time() if now is None else now) - seen > timeout


def stored_session(scope: dict):
    """A websocket's session as the store has it now (``scope["session"]`` is read once at
    connect): None if it ended (signed out, expired, or ended from another device)."""
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    data = store.load()
    return store if data and store.session_key else None


class IdleTimeoutMiddleware:
    """A signed-in session idle longer than ``SESSION_IDLE_TIMEOUT`` minutes is signed out on
    its next request (server-side session deleted, the request goes on as anonymous, so a
    page that needs sign-in sends them to the log-in page with a calm message; public
    pages such as "I need help now" still open). Activity extends the session, but the
    stamp is written at most every ``SESSION_ACTIVITY_WRITE_SECONDS``, not on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.SESSION_IDLE_TIMEOUT
        if timeout > 0 and _signed_in(request) and idle_expired(request.session):
            self._sign_out(request, timeout)
        response = self.get_response(request)
        if timeout > 0 and _signed_in(request):  # after the view: it may have signed in
            _note_activity(request)
        return response

    def _sign_out(self, request: HttpRequest, minutes: int) -> None:
        logout(request)  # deletes the server-side session (and its line in the list)
        messages.info(
            request,
            f"You were signed out after {minutes} minutes without activity, to keep your "
            "account private on shared devices. Please sign in again to carry on.",
        )


class LoadedUserMiddleware:
    """Puts the user itself in ``request.user`` in place of Django's lazy proxy.

    Every request has loaded its user by now (``IdleTimeoutMiddleware`` asks whether it is
    signed in), so the proxy only costs: each attribute read through it is three Python
    calls, and a thread page's policies read the viewer's attributes about 1,500 times."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            request.user = user._wrapped
        return self.get_response(request)


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def stamp_activity(sender, request, user, **kwargs) -> None:
    """At sign-in (``user_logged_in``): the session starts active, written with the sign-in
    itself, so the first pages after it write nothing."""
    session = getattr(request, "session", None)
    if session is not None:
        session[ACTIVE_AT] = int(time.time())


def _note_activity(request: HttpRequest) -> None:
    now = time.time()
    seen = request.session.get(ACTIVE_AT)
    if isinstance(seen, int | float) and now - seen < settings.SESSION_ACTIVITY_WRITE_SECONDS:
        return
    request.session[ACTIVE_AT] = int(now)
    if seen is not None and request.session.session_key:  # a renewal: "last active" moves
        from allauth.usersessions.models import UserSession

        UserSession.objects.filter(session_key=request.session.session_key).update(
            last_seen_at=timezone.now()
        )

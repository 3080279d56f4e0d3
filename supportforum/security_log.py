"""Security events as structured log records, and the formatters and filters that keep
every log line free of what members wrote.

One call, ``security_event("auth.login", request=request, user=user)``, writes one record
to the ``haven.security`` logger. Its fields are fixed and allow-listed (``FIELDS``): an
event name, ids, short codes, the method and the path without its query string. Never
free text a member wrote (a post, a note, a flag's note, a moderator's reason may quote a
member), never an e-mail address or a handle (the id is enough), never a query string
(search terms travel in it), and never an IP address: Haven keeps none (no-IP promise,
tests/accounts/test_no_ip.py). A keyed hash of an IP would not help: the IPv4 space is
small enough that whoever holds the key recovers the address in seconds.

A failed log-in records a keyed hash of the identifier that was tried
(``identifier_hash``), not the identifier: repeated failures against one account then
stand out from a spray over many, which is what an operator needs to tell a targeted
attack from credential stuffing, while a reader of the logs learns no address. The key
derives from ``SECRET_KEY``, whose holders can read the accounts table anyway; rotating
it unlinks old hashes.

Formatters: ``JsonFormatter`` (production: one JSON object per line, every control
character escaped, only allow-listed attributes, so e.g. the ``request`` object Django
attaches to its records, whose repr holds the query string, never reaches the output)
and ``TextFormatter`` (development: readable, CR/LF and other controls escaped;
tracebacks on continuation lines that start with ``  | ``, so no value can forge a
record). ``PrivacyFilter`` drops the client address and the query string from the
request lines uvicorn and Django's development server log.

Auth events come from Django's and allauth's own auth signals (framework signals, their
documented hook), connected once by ``connect_auth_signals()`` from
``AccountsConfig.ready``. Moderation actions are logged by ``audit_record`` (action name
and ids only). Permission denials by ``SecurityEventMiddleware``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

logger = logging.getLogger("haven.security")

# The only fields a security event may carry besides ``event``, ``user_id``, ``method``,
# ``path`` and ``view`` (taken from the request): ids (int) and codes (short tokens).
ID_FIELDS = frozenset(
    {"target_user_id", "group_id", "post_id", "rule_id", "audit_id", "authenticator_id"}
)
CODE_FIELDS = frozenset({"outcome", "reason", "action", "authenticator", "identifier_hash"})
REQUEST_FIELDS = ("method", "path", "view")
FIELDS = frozenset({"event", "user_id", *REQUEST_FIELDS, *ID_FIELDS, *CODE_FIELDS})

_CODE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_WARNING_EVENTS = frozenset(
    {"auth.login_failed", "auth.mfa_failed", "access.denied", "abuse.rate_limited"}
)
# URL kwargs that are secrets (invitation and calendar tokens, password-reset keys): a
# path holding one is logged as its route pattern instead.
_SECRET_KWARGS = frozenset({"token", "key", "uidb36", "uidb64"})
_MAX_PATH = 200


def security_event(
    event: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    **fields: int | str | None,
) -> None:
    """Log one security event to ``haven.security``: INFO, WARNING for failures and
    denials. ``fields`` must be names from ``FIELDS`` (a TypeError otherwise: a
    programming error); a code field whose value is not a short token is logged as
    ``"invalid"``, never as given. Never raises on the data itself."""
    unknown = set(fields) - ID_FIELDS - CODE_FIELDS
    if unknown:
        raise TypeError(f"security_event() got fields it may not log: {sorted(unknown)}")
    record: dict[str, int | str] = {"event": _code(event)}
    user_id = _user_id(user if user is not None else getattr(request, "user", None))
    if user_id is not None:
        record["user_id"] = user_id
    if request is not None:
        record.update(_request_fields(request))
    for name, value in fields.items():
        if value is None:
            continue
        record[name] = _id(value) if name in ID_FIELDS else _code(value)
    level = logging.WARNING if record["event"] in _WARNING_EVENTS else logging.INFO
    pairs = [_pair(key, value) for key, value in record.items() if key != "event"]
    message = " ".join([str(record["event"]), *pairs])
    logger.log(level, message, extra=record)


def _code(value: object) -> str:
    text = str(value)
    return text if _CODE.fullmatch(text) else "invalid"


def _id(value: object) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int):
        return "invalid"
    return value


def _user_id(user: Any) -> int | None:
    # request.user may be lazy; reading is_authenticated loads it (sync callers only).
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


def _request_fields(request: HttpRequest) -> dict[str, str]:
    found: dict[str, str] = {}
    if request.method:
        found["method"] = _code(request.method)
    match = getattr(request, "resolver_match", None)
    if match is not None and _SECRET_KWARGS & set(match.kwargs):
        found["path"] = "/" + str(match.route)[:_MAX_PATH]
    elif request.path:
        found["path"] = request.path[:_MAX_PATH]  # request.path never holds the query
    if match is not None and match.view_name:
        found["view"] = _code(match.view_name)
    return found


def _pair(key: str, value: int | str) -> str:
    text = str(value)
    if isinstance(value, str) and not _CODE.fullmatch(text.replace("/", "")):
        text = json.dumps(value)  # quotes, escapes CR/LF and every other control
    return f"{key}={text}"


# --- formatters and filters (LOGGING in settings) ---

# Every C0 control but tab, DEL, and what str.splitlines() and some viewers treat as a
# line break.
_CONTROLS = {i: f"\\x{i:02x}" for i in [*range(0x20), 0x7F, 0x85] if i != 0x09}
_CONTROLS.update({0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"})
# Defence in depth: a third-party message or an exception (a unique-constraint error
# quotes the duplicate value) must not carry an address into the logs either.
_EMAIL = re.compile(r"[^\s@\"'<>(),;:]+@[^\s@\"'<>(),;:]+\.[A-Za-z]{2,}")
EMAIL_REDACTED = "[e-mail]"


def escape_controls(text: str) -> str:
    return text.translate(_CONTROLS)


def redact_emails(text: str) -> str:
    return _EMAIL.sub(EMAIL_REDACTED, text) if "@" in text else text


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per record and line: ``timestamp``, ``level``, ``logger``,
    ``message``, the security event's fields, Django's ``status_code``, ``exc_info``.
    Any other attribute a library attaches (Django's ``request``, whose repr holds the
    full path with its query string) is dropped."""

    KEPT = frozenset(
        {"timestamp", "level", "logger", "message", "status_code", "exc_info", "stack_info"}
        | FIELDS
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        super().__init__(["levelname", "name", "message"], **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        kept = {"timestamp": log_data.pop("timestamp", None)}
        kept.update((key, value) for key, value in log_data.items() if key in self.KEPT)
        log_data.clear()
        log_data.update(kept)
        for key in ("message", "exc_info", "stack_info"):
            if isinstance(log_data.get(key), str):
                log_data[key] = redact_emails(log_data[key])


class TextFormatter(logging.Formatter):
    """Readable lines for development. The first line of a record has every control
    character escaped; a traceback follows on lines that start with ``  | ``, so a value
    holding CR/LF can never start a line that looks like a record of its own."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s %(message)s", datefmt)

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        line = redact_emails(escape_controls(self.formatMessage(record)))
        tail: list[str] = []
        if record.exc_info:
            tail.append(self.formatException(record.exc_info))
        elif record.exc_text:
            tail.append(record.exc_text)
        if record.stack_info:
            tail.append(self.formatStack(record.stack_info))
        for block in tail:
            for part in block.splitlines():
                line += "\n  | " + redact_emails(escape_controls(part))
        return line


_QUERY = re.compile(r"(/[^\s?]*)\?\S*")


class PrivacyFilter(logging.Filter):
    """For the request lines of uvicorn (access log, websocket handshakes) and Django's
    development server: drop the client address (Haven keeps no IP) and the query string
    (search terms travel in it). Other records pass untouched. Never drops a record."""

    LOGGERS = ("uvicorn.access", "uvicorn.error", "django.server")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name not in self.LOGGERS or not isinstance(record.args, tuple):
            return True
        args = list(record.args)
        # uvicorn's request lines start '%s - "': the first argument is host:port.
        if isinstance(record.msg, str) and record.msg.startswith('%s - "') and args:
            args[0] = "-"
        record.args = tuple(_QUERY.sub(r"\1", a) if isinstance(a, str) else a for a in args)
        return True


# --- permission denials ---


class SecurityEventMiddleware:
    """Logs ``access.denied`` when a view raises PermissionDenied (Http404 is not a
    denial: a page that is not there, or not shown, to this person). Sync and async."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Django always calls process_exception synchronously (in a thread under ASGI),
        # so reading the lazy request.user here is safe.
        if isinstance(exception, PermissionDenied):
            security_event("access.denied", request=request, reason="permission_denied")


# --- auth signal receivers, connected by AccountsConfig.ready ---


def connect_auth_signals() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth import signals as auth_signals

    uid = "haven.security_log"
    auth_signals.user_logged_in.connect(_logged_in, dispatch_uid=f"{uid}.login")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid=f"{uid}.logout")
    auth_signals.user_login_failed.connect(_login_failed, dispatch_uid=f"{uid}.failed")
    for signal, event in [
        (account_signals.user_signed_up, "auth.signup"),
        (account_signals.password_changed, "auth.password_changed"),
        (account_signals.password_set, "auth.password_set"),
        (account_signals.password_reset, "auth.password_reset"),
        (account_signals.email_added, "auth.email_added"),
        (account_signals.email_removed, "auth.email_removed"),
        (account_signals.email_changed, "auth.email_changed"),
        (mfa_signals.authenticator_added, "auth.mfa_added"),
        (mfa_signals.authenticator_removed, "auth.mfa_removed"),
        (mfa_signals.authenticator_reset, "auth.mfa_reset"),
        (mfa_signals.authentication_failed, "auth.mfa_failed"),
    ]:
        signal.connect(_account_receiver(event), weak=False, dispatch_uid=f"{uid}.{event}")


def _account_receiver(event: str) -> Callable[..., None]:
    def receive(sender: Any, request: HttpRequest | None = None, user: Any = None, **kw) -> None:
        authenticator = kw.get("authenticator")
        security_event(
            event,
            request=request,
            user=user,
            authenticator=getattr(authenticator, "type", None),
            authenticator_id=getattr(authenticator, "pk", None),
        )

    return receive


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("auth.login", request=request, user=user, outcome="success")


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("auth.logout", request=request, user=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    security_event(
        "auth.login_failed",
        request=request,
        user=None,
        outcome="failure",
        identifier_hash=identifier_hash(credentials),
    )


def identifier_hash(credentials: dict[str, Any]) -> str | None:
    """A keyed, truncated hash of the identifier a log-in tried (see the module doc)."""
    from django.utils.crypto import salted_hmac

    for name in ("email", "login", "username"):
        value = credentials.get(name)
        if isinstance(value, str) and value.strip():
            digest = salted_hmac("haven.security_log.identifier", value.strip().lower())
            return digest.hexdigest()[:16]
    return None

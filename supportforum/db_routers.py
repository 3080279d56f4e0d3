"""Reads that may go to a PostgreSQL streaming replica, and only those.

A replica lags the primary by a moment (usually milliseconds, seconds under load). So no
read goes there by default: a member who has just posted, flagged or joined must see
what they did. A read goes to the ``"replica"`` alias only inside an explicit scope::

    with replica_reads():
        found = selectors.search(viewer, q=q, ...)

or, on a whole read-only view or selector, ``@replica_reads()`` (sync or async).

Safe on a replica: pages where a few seconds of lag cannot hide a member's own action
and cannot delay care: search results, the resource library, guide pages (the
digital-literacy guide), guideline pages, the group directory (but not when it is the
page a member lands on after joining or leaving a group).

Never on a replica: the thread page (the author is sent there right after posting), any
page a write redirects to, the review queue and review items, crisis alerts and the
duty / cover state that decides who is paged, notifications and unread counts,
permission and sanction checks that guard a write, and everything inside a service.

Rules, whatever the scope:
- ``db_for_write`` is always ``"default"``;
- a read inside an atomic block on ``"default"`` stays on ``"default"`` (a service's
  reads must see its own uncommitted writes and take its locks);
- without a configured ``"replica"`` alias (no ``DATABASE_REPLICA_URL``) the router
  expresses no preference, so reads stay on ``"default"``;
- migrations run on ``"default"`` only; the replica receives them by replication.

The scope is a ``contextvars.ContextVar``: each thread and each asyncio task has its own,
and ``asgiref.sync_to_async`` carries it into the thread that runs the ORM.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction

REPLICA_DB_ALIAS = "replica"

_replica_scope: ContextVar[bool] = ContextVar("haven_replica_reads", default=False)

F = TypeVar("F", bound=Callable[..., Any])


class replica_reads:  # lower-case: used like contextlib's context managers
    """Send this block's (or this function's) ORM reads to the read replica.

    Write ``with replica_reads():`` (a new instance for each block) or decorate with
    ``@replica_reads()`` (each call enters its own scope). Nesting is fine; writes are
    unaffected."""

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> replica_reads:
        self._tokens.append(_replica_scope.set(True))
        return self

    def __exit__(self, *exc_info: object) -> None:
        _replica_scope.reset(self._tokens.pop())

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with replica_reads():
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with replica_reads():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def in_replica_scope() -> bool:
    """Whether the current context asked for replica reads."""
    return _replica_scope.get()


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in connections.settings


class ReplicaRouter:
    """Primary for everything, the replica only for reads in a ``replica_reads()`` scope."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _replica_scope.get() or not replica_configured():
            return None
        if transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same rows: a post read from the replica may point to a
        # thread read from the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS

"""Small shared facts that member pages show and that many requests ask at once (is a
facilitator on duty in this group, which resources are pinned here), kept briefly in the
cache (Redis in production, shared by every web process).

Only facts that are the same for every reader are kept here, never anything about one
member. Each is kept for a few seconds at most, and the services that change one drop it
(``bump``: at once and again when their transaction commits), so a change shows at once
on every process, and a change made elsewhere (the Django admin, the clock) within those
seconds. The cache being down costs only speed: the fact is asked of the database as
before."""

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)
T = TypeVar("T")


def _version_key(name: str) -> str:
    return f"page-fact-version:{name}"


def kept(name: str, part: str, seconds: int, build: Callable[[], T]) -> T:
    """``build()``, kept ``seconds`` under ``name`` (a kind of fact) and ``part`` (which
    one: a group's id, say) until the kind is bumped. One round trip when kept: the kind's
    version and the fact (stored with the version it was built under) are read together."""
    version_key, key = _version_key(name), f"page-fact:{name}:{part}"
    try:
        found = cache.get_many([version_key, key])
        version = found.get(version_key)
        if version is None:
            token = uuid.uuid4().hex
            cache.add(version_key, token, None)
            version = cache.get(version_key, token)
        stored = found.get(key)
    except Exception:  # the cache is an optimisation: the database answers
        log.warning("page cache unavailable; asking the database", exc_info=True)
        return build()
    if stored is not None and stored[0] == version:
        return stored[1]
    value = build()
    try:
        cache.set(key, (version, value), seconds)
    except Exception:
        log.warning("page cache unavailable; not kept", exc_info=True)
    return value


def bump(name: str) -> None:
    """Forget every kept fact of the kind ``name``: now, and again once the current
    transaction commits (a request reading between the two may have kept the old answer
    under the first new version)."""

    def forget() -> None:
        try:
            cache.set(_version_key(name), uuid.uuid4().hex, None)
        except Exception:
            log.warning("page cache unavailable; %s not bumped", name, exc_info=True)

    forget()
    transaction.on_commit(forget)

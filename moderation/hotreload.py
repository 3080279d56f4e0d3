"""A value built from database rows (a compiled word list, the crisis lexicon), cached in
each process and rebuilt in every process soon after the rows change, without a restart.

The version lives in the Django cache (Redis in production): ``changed()`` sets a new
one, and each process compares it with the version it built against on every use. If the
cache is unreachable the process keeps its copy and rebuilds at most every
``offline_seconds``, so a cache outage never stops anyone posting."""

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Reloadable(Generic[T]):
    def __init__(self, version_key: str, build: Callable[[], T], *, offline_seconds: int = 60):
        self.version_key = version_key
        self.build = build
        self.offline_seconds = offline_seconds
        self._state: tuple[object, float, T] | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        version = self._current_version()
        state = self._state
        if state is not None:
            built_version, built_at, value = state
            if version is not None and built_version == version:
                return value
            if version is None and time.monotonic() - built_at < self.offline_seconds:
                return value
        with self._lock:
            value = self.build()
            self._state = (version, time.monotonic(), value)
        return value

    def _current_version(self) -> object | None:
        try:
            version = cache.get(self.version_key)
            if version is None:
                # First use, or the cache was emptied: a fresh value, so no process mistakes
                # its old copy for the current one.
                cache.add(self.version_key, time.time_ns(), timeout=None)
                version = cache.get(self.version_key)
            return version
        except Exception:  # the cache being down must not stop anyone posting
            logger.warning("%s: cache unreachable; using this process's copy.", self.version_key)
            return None

    def changed(self) -> None:
        """Make every process rebuild on its next use. Call after the change has committed
        (a process building earlier would see the old rows under the new version)."""
        self._state = None
        try:
            cache.set(self.version_key, time.time_ns(), timeout=None)
        except Exception:
            logger.warning(
                "%s: cache unreachable; other processes reload within %ss.",
                self.version_key,
                self.offline_seconds,
            )

    def forget(self) -> None:
        """Drop this process's copy (tests; the next use rebuilds)."""
        self._state = None

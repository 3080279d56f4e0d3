"""Sessions read from Redis and written through to the database (Django's ``cached_db``),
still served from the database when Redis is down.

Django's ``cached_db`` already survives a cache error when reading and saving, but not
when it puts a session read from the database back into the cache, nor when it deletes
one: with Redis gone, every signed-in request failed with a 500 and nobody could sign out
(found by the fault suite, ``tests/reliability/``). Here those steps log and go on; the
database stays the source of truth. One risk remains and is logged as an error: a session
deleted while this process could not reach a Redis that kept its data stays in that
cache until it expires.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("Session read from the database; the cache is unavailable.")
        return data

    def exists(self, session_key: str) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("Session looked up in the database; the cache is unavailable.")
        return cached_db.DBStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        cached_db.DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error(
                "A session was deleted from the database but not from the cache (unavailable); "
                "if that cache kept its data, the session lasts there until it expires."
            )

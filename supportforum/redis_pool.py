"""One Redis connection pool per process for Django's cache (and so the sessions kept in
it), shared by every request.

Django makes its cache objects per request context under ASGI (``django.core.cache.caches``
is context-local), and its Redis backend keeps the connection pool on that object, so every
request opened a new TCP connection to Redis, said hello to it and dropped it: about a
fifth of a hello-world request's time on the benchmark machine (a known Django issue, see
django/django pull request 18459). This pool class, named in ``CACHES[...]["OPTIONS"]
["pool_class"]``, hands every cache object of the process the same pool for the same URL
and options. redis-py's pools are thread-safe and start afresh after a fork (Celery's
workers).

``SharedRedisCache`` (the ``BACKEND``) goes one step further: Django's client made a new
redis-py client object for every cache call, and making one (it copies some 250 reply
handlers) took longer than a GET to Redis on loopback (77 against 51 microseconds). One
client object per pool serves every call; redis-py's clients are safe to share between
threads."""

import threading

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedConnectionPool(redis.ConnectionPool):
    _shared: dict[tuple, "SharedConnectionPool"] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **kwargs):
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with cls._lock:
            pool = cls._shared.get(key)
            if pool is None:
                pool = cls._shared[key] = super().from_url(url, **kwargs)
        return pool


class SharedClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write: bool = False) -> redis.Redis:
        pool = self._get_connection_pool(write)
        client = getattr(pool, "haven_client", None)
        if client is None:  # two threads may both make one: either serves
            client = pool.haven_client = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

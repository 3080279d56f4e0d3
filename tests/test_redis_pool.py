"""Django's cache objects share one Redis connection pool per process
(supportforum.redis_pool), instead of one per request under ASGI."""

import pytest
from django.conf import settings
from django.core.cache import caches

from supportforum.redis_pool import SharedConnectionPool

needs_redis = pytest.mark.skipif(
    "redis" not in settings.CACHES["default"]["BACKEND"].lower(),
    reason="the embedded default keeps its cache in memory",
)


@needs_redis
def test_every_cache_object_of_the_process_uses_the_same_pool() -> None:
    first, second = caches.create_connection("default"), caches.create_connection("default")
    assert first is not second  # what Django does for each request context under ASGI
    pool = first._cache.get_client(write=True).connection_pool
    assert isinstance(pool, SharedConnectionPool)
    assert second._cache.get_client(write=False).connection_pool is pool
    # One redis-py client object too, not a new one for every call.
    assert first._cache.get_client(write=True) is second._cache.get_client(write=False)
    first.set("shared-pool-probe", "seen", 30)
    assert second.get("shared-pool-probe") == "seen"
    second.delete("shared-pool-probe")


def test_pools_differ_by_address_and_options() -> None:
    a = SharedConnectionPool.from_url("redis://127.0.0.1:6379/7")
    assert SharedConnectionPool.from_url("redis://127.0.0.1:6379/7") is a
    assert SharedConnectionPool.from_url("redis://127.0.0.1:6379/8") is not a
    assert SharedConnectionPool.from_url("redis://127.0.0.1:6379/7", socket_timeout=3) is not a

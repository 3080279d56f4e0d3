import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API keeps an asyncio loop running in the test thread, so Django
    would refuse ORM calls there (SynchronousOnlyOperation); the live server answers in
    its own thread and the test thread only touches the ORM between browser calls.

    Package scope, and the variable is restored afterwards: later tests must meet neither
    the running loop nor the variable (a `manage.py check --deploy` subprocess inherits
    it and reports async.E001)."""
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as instance:
            yield instance
    finally:
        if previous is None:
            del os.environ[ASYNC_UNSAFE]
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def off_loop(live_server) -> Callable[..., Any]:
    """Run ``fn(*args, **kwargs)`` in a worker thread and return its result.

    Services publish to the channel layer on commit through ``async_to_sync``, which
    refuses to run beside Playwright's loop; in a plain thread they run as in production.
    An in-memory SQLite database is shared the way the live server shares it."""
    shared = live_server.thread.connections_override

    def work(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        for alias, connection in shared.items():
            connections[alias] = connection
        try:
            return fn(*args, **kwargs)
        finally:
            for connection in connections.all(initialized_only=True):
                if connection.alias not in shared:
                    connection.close()

    def run(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(work, fn, args, kwargs).result()

    return run


@pytest.fixture
def stack(tmp_path) -> Iterator[Any]:
    """uvicorn and a Celery worker on the test database, started side by side (the live
    browser tests: production's path through websockets, Redis and a real worker)."""
    from ..moderation.celery_worker import AsgiServer, CeleryWorker

    server = AsgiServer(log_dir=tmp_path)
    worker = CeleryWorker(log_dir=tmp_path)
    try:
        server.start()
        worker.start()
        yield server
    finally:
        worker.stop()
        server.stop()

"""The HTTP side of supportforum.asgi (supportforum/handlers.py): a request's synchronous
work (signals, middleware, view, close) runs in one go on a thread kept by the handler,
and its database connection goes back to the pool before the next request there.

The tests speak ASGI to the handler directly, as uvicorn does, with small views of their
own (this module is the URL conf) behind Haven's whole middleware stack."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.core import signals
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from supportforum.handlers import OneHopASGIHandler

# The demo (SQLite) serves through the same handler.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]


def where(request):
    return HttpResponse(threading.current_thread().name)


def asks_the_database(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return HttpResponse(str(cursor.fetchone()[0]))


@csrf_exempt
def echo(request):
    return HttpResponse(request.POST.get("text", ""))


def streamed(request):
    return StreamingHttpResponse(f"part {n};" for n in range(3))


def fails(request):
    raise RuntimeError("secret detail of a broken view")


urlpatterns = [
    path("where/", where),
    path("db/", asks_the_database),
    path("echo/", echo),
    path("stream/", streamed),
    path("fails/", fails),
]
handler500 = "supportforum.views.server_error"


@pytest.fixture
def app(settings):
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]
    handler = OneHopASGIHandler(threads=2)
    yield handler
    handler.executor.shutdown(wait=True)


def serve(
    app, path: str, *, method: str = "GET", body: bytes = b"", headers=(), host=b"testserver"
) -> dict:
    """One request through the handler, as an ASGI server sends it; the answer's status,
    headers and body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict] = []

    async def run() -> None:
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            if messages:
                return messages.pop(0)
            await asyncio.Event().wait()  # the client stays until the answer is sent

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    return {
        "status": start["status"],
        "headers": dict(start["headers"]),
        "body": b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
        "last": sent[-1],
    }


def test_a_request_runs_on_a_kept_thread_not_a_new_one_each_time(app) -> None:
    names = {serve(app, "/where/")["body"].decode() for _ in range(12)}
    assert names and all(name.startswith("request") for name in names)
    assert len(names) <= 2  # the handler's two threads, kept (Django's own: one per request)


def test_signals_middleware_view_and_close_run_on_one_thread(app) -> None:
    seen: dict[str, int] = {}

    def started(**kwargs) -> None:
        seen["started"] = threading.get_ident()

    def finished(**kwargs) -> None:
        seen["finished"] = threading.get_ident()

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        answer = serve(app, "/db/")
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert answer["status"] == 200 and answer["body"] == b"1"
    assert seen["started"] == seen["finished"]
    assert seen["started"] != threading.get_ident()  # not the event loop's thread


def test_the_database_connection_is_handed_back_after_each_request(app) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite database's connection")
    for _ in range(4):
        assert serve(app, "/db/")["body"] == b"1"

    def open_here() -> bool:
        return connection.connection is not None

    async def ask_each_thread() -> list[bool]:
        ask = sync_to_async(open_here, thread_sensitive=False, executor=app.executor)
        return list(await asyncio.gather(*(ask() for _ in range(4))))

    assert asyncio.run(ask_each_thread()) == [False] * 4


def test_a_posted_form_reaches_the_view(app) -> None:
    answer = serve(
        app,
        "/echo/",
        method="POST",
        body="text=I'm still here ❤".encode(),
        headers=[(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert answer["status"] == 200 and answer["body"].decode() == "I'm still here ❤"


def test_a_streamed_answer_arrives_whole_and_closes(app) -> None:
    answer = serve(app, "/stream/")
    assert answer["status"] == 200
    assert answer["body"] == b"part 0;part 1;part 2;"
    assert answer["last"] == {"type": "http.response.body"}  # the closing message


def test_a_failing_view_answers_haven_s_error_page_without_the_detail(app) -> None:
    answer = serve(app, "/fails/")
    assert answer["status"] == 500
    assert b"secret detail" not in answer["body"] and b"Traceback" not in answer["body"]
    assert b"<html" in answer["body"].lower()


def test_haven_s_middleware_runs_around_the_view(app) -> None:
    headers = serve(app, "/where/")["headers"]
    assert b"Content-Security-Policy" in headers
    assert headers[b"X-Frame-Options"] == b"DENY"


def test_a_bad_host_is_refused_without_reaching_a_view(app) -> None:
    answer = serve(app, "/where/", host=b"evil.example")
    assert answer["status"] == 400
    assert b"request" not in answer["body"]


def test_a_client_gone_before_its_body_arrived_gets_nothing(app) -> None:
    sent: list[dict] = []

    async def run() -> None:
        async def receive() -> dict:
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/echo/", "headers": []}
        await app(scope, receive, send)

    asyncio.run(run())
    assert sent == []


def test_only_http_is_served_here(app) -> None:
    with pytest.raises(ValueError, match="HTTP"):
        asyncio.run(app({"type": "websocket"}, None, None))

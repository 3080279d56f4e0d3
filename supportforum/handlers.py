"""Django's ASGI handler for HTTP, with each request's synchronous work done in one go
on a long-lived thread.

Haven's middleware, views and ORM are synchronous. Django's own ASGI handler starts a
new thread for every request (``ThreadSensitiveContext``) and crosses between the event
loop and that thread about five times a request (the request-started signal, the
middleware chain, the view and the response's close each cross on their own). Under uvicorn with 2
workers on this project's 2-core machine, the benchmark's hello-world view (Haven's whole
middleware stack, no query) went from about 750 to about 3,200 requests/s with this
handler, measured alternating in one run; a heavy page gains little (its own work
dominates), and every page sheds the same few milliseconds of waiting.

Here the middleware chain is loaded in sync mode, as under WSGI, and a request's whole
synchronous part (request-started signal, middleware, view, and for a plain response
its close, which hands the request's database connection back to the pool) runs in one
call on a thread of a small pool kept for the life of the process
(``HAVEN_REQUEST_THREADS``, default 4). The event loop reads the body and writes the
answer. A few threads rather than one: a request waiting on a lock or a slow query
does not hold up the others of its process.

A streamed response (a static file from WhiteNoise) is sent from the event loop after
the request's thread has handed its database connections back; its close then runs on
a thread of the pool."""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections
from django.http import FileResponse, HttpResponse
from django.urls import set_script_prefix


class OneHopASGIHandler(ASGIHandler):
    def __init__(self, threads: int) -> None:
        super().__init__()
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="request")

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django serves HTTP here, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        in_thread = sync_to_async(self._respond, thread_sensitive=False, executor=self.executor)
        try:
            response = await in_thread(scope, body_file)
            await self.send_response(response, send)
        finally:
            body_file.close()
        if response.streaming:
            await sync_to_async(response.close, thread_sensitive=False, executor=self.executor)()

    def _respond(self, scope, body_file) -> HttpResponse:
        """The request's synchronous part, on one thread of the pool."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if response.streaming:
            close_old_connections()  # this thread's connections go back to the pool now
        else:
            response.close()  # request_finished: the same, and the request's files
        return response

"""Members posting over real HTTP, as a browser does: the reply form's CSRF token, one
token per reply form (``submission``), and, when no answer comes or the answer is an
error, the same form sent again (the member pressing "Post" once more) until the server
says the reply is saved or the poster's patience runs out.

Each reply carries a marker (``[rel-...]``) so the check can count what the database holds
against what each member was told."""

import http.client
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

CRISIS = "I'm not okay, I want to kill myself."
SAVED = re.compile(r"^/p/(\d+)/$")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Outcome:
    marker: str
    thread: int
    crisis: bool
    post_id: int | None = None  # set when the server said "saved" (302 to the post)
    attempts: int = 0
    started: float = 0.0  # time.monotonic() of the first try, and of the "saved"
    saved_at: float | None = None
    errors: list[str] = field(default_factory=list)


class Poster:
    """One member on one connection (reopened after a failure)."""

    def __init__(self, port: int, session: str, *, patience: float = 150) -> None:
        self.port = port
        self.session = session
        self.patience = patience
        self.conn: http.client.HTTPConnection | None = None
        self.cookie = f"sessionid={session}"
        self.csrf = ""

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.conn

    def _drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, str]:
        headers = {"Cookie": self.cookie, "Origin": f"http://127.0.0.1:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = self._connection()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def _csrf_token(self, thread: int) -> None:
        status, headers, page = self._request("GET", f"/t/{thread}/+reply/")
        if status != 200:
            raise OSError(f"reply form answered {status}")
        self.csrf = CSRF.search(page).group(1)
        cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
        if cookie:
            self.cookie = f"sessionid={self.session}; csrftoken={cookie.group(1)}"

    def reply(self, thread: int, marker: str, *, crisis: bool) -> Outcome:
        outcome = Outcome(marker=marker, thread=thread, crisis=crisis, started=time.monotonic())
        words = f"{CRISIS} " if crisis else "Thinking of you all tonight. "
        submission = str(uuid.uuid4())  # the form's token: the same in every retry
        deadline = time.monotonic() + self.patience
        while time.monotonic() < deadline:
            outcome.attempts += 1
            try:
                if not self.csrf:
                    self._csrf_token(thread)
                form = {
                    "csrfmiddlewaretoken": self.csrf,
                    "body": f"{words}[{marker}]",
                    "submission": submission,
                }
                status, headers, _ = self._request("POST", f"/t/{thread}/+reply/", urlencode(form))
                saved = SAVED.match(headers.get("location", "")) if status == 302 else None
                if saved:
                    outcome.post_id = int(saved.group(1))
                    outcome.saved_at = time.monotonic()
                    return outcome
                outcome.errors.append(f"HTTP {status}")
                if status == 403:
                    self.csrf = ""  # a new form, as a browser reloading the page
            except (OSError, http.client.HTTPException, AttributeError) as exc:
                outcome.errors.append(type(exc).__name__)
                self._drop()
            time.sleep(0.5)
        return outcome


def burst(
    port: int,
    sessions: list[str],
    threads: list[int],
    *,
    name: str,
    per_poster: int,
    crisis_every: int = 10,
    pace: float = 0.0,
) -> list[Outcome]:
    """Every session posts ``per_poster`` replies at once (threads of its own), one in
    ``crisis_every`` with crisis language, ``pace`` seconds apart. Returns every outcome."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def run(index: int, session: str) -> None:
        poster = Poster(port, session)
        for n in range(per_poster):
            number = index * per_poster + n
            marker = f"rel-{name}-{index:02d}-{n:03d}"
            thread = threads[number % len(threads)]
            outcome = poster.reply(thread, marker, crisis=number % crisis_every == 0)
            with lock:
                outcomes.append(outcome)
            if pace:
                time.sleep(pace)
        poster._drop()

    workers = [
        threading.Thread(target=run, args=(index, session), daemon=True)
        for index, session in enumerate(sessions)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes
